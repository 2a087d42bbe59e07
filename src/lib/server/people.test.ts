/**
 * AVG (issue 13): an admin removes a person — also one who drafted or approved a mandate, raised
 * or decided a decision request, recorded an evaluation or submitted an idea — without touching
 * that evidence, and nothing personal of them is left anywhere; and an admin exports everything
 * Koers holds about one person. Through people.ts as the admin page calls it, on PGlite and on
 * PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDb } from './db';
import { claimsFor, createTwoOrgs, forEachDriver, type Org } from './db/test-helpers';
import type { Claims, Row } from './db/types';
import * as people from './people';

interface Someone {
	personId: string;
	userId: string;
	name: string;
	email: string;
	claims: Claims;
}

/** The tables whose rows are evidence of who did what. */
const EVIDENCE = [
	'mandate',
	'decision_request',
	'evaluation',
	'improvement_cycle',
	'idea',
	'audit'
];

forEachDriver('removing and exporting a person', (t) => {
	let a: Org;
	let b: Org;
	let anna: Someone; // drafts a mandate, raises a request, submits an idea, votes, answers her profile
	let bob: Someone; // a member who voted and answered his profile: no evidence
	let ids: Record<string, string>;

	const service = (sql: string, params: unknown[] = []) =>
		t().db.asService((tx) => tx.query<Row>(sql, params));
	const as = (who: { claims: Claims }, sql: string, params: unknown[] = []) =>
		t().db.asUser(who.claims, (tx) => tx.query<Row>(sql, params));

	/** The organisation's evidence rows, whole, in a fixed order. */
	const evidence = async () => {
		const out: Record<string, unknown[]> = {};
		for (const table of EVIDENCE)
			out[table] = await t().owner.transaction((tx) =>
				tx.query(`select to_jsonb(x) as row from public.${table} x where org_id = $1 order by 1`, [
					a.id
				])
			);
		return out;
	};

	/** Every row of every public table, and every account, that mentions `text` anywhere. */
	const mentions = (text: string) =>
		t().owner.transaction(async (tx) => {
			const tables = await tx.query<{ name: string }>(
				`select tablename as name from pg_tables where schemaname = 'public' order by 1`
			);
			const found: string[] = [];
			for (const { name } of [...tables, { name: 'auth.users' }]) {
				const from = name.includes('.') ? name : `public."${name}"`;
				const [{ n }] = await tx.query<{ n: number }>(
					`select count(*)::int as n from ${from} x where strpos(lower(x::text), lower($1)) > 0`,
					[text]
				);
				if (n) found.push(`${name}: ${n}`);
			}
			return found;
		});

	async function someone(name: string, role = 'staff'): Promise<Someone> {
		const userId = randomUUID();
		const email = `${name.split(' ')[0].toLowerCase()}.${randomUUID().slice(0, 6)}@${a.slug}.test`;
		await service('insert into auth.users (id, email) values ($1, $2)', [userId, email]);
		const [p] = await service(
			`insert into person (org_id, user_id, name, email, department_id, role)
			 values ($1, $2, $3, $4, $5, $6) returning id`,
			[a.id, userId, name, email, a.departmentId, role]
		);
		return { personId: p.id as string, userId, name, email, claims: claimsFor(userId, email) };
	}

	beforeAll(async () => {
		useDb(t().db);
		({ a, b } = await createTwoOrgs(t().db, 'avg'));
		anna = await someone('Anna Zwaluwstaart');
		bob = await someone('Bob Kwikstaart');
		const [team] = await service(
			`insert into team (org_id, name, coach_id) values ($1, 'Afval', $2) returning id`,
			[a.id, a.coach.personId]
		);
		await service(
			`insert into team_member (team_id, person_id, org_id) values ($1, $2, $4), ($1, $3, $4)`,
			[team.id, anna.personId, bob.personId, a.id]
		);
		const [journey] = await service(
			`insert into journey (org_id, team_id, name, owner_id) values ($1, $2, 'Melding', $3) returning id`,
			[a.id, team.id, a.coach.personId]
		);
		// Anna drafts, the coach approves (four eyes)
		const [mandate] = await as(
			anna,
			`insert into mandate (org_id, team_id, decision_rights) values ($1, $2, '{Route}') returning id`,
			[a.id, team.id]
		);
		await as(a.coach, `update mandate set approved_on = '2026-11-02' where id = $1`, [mandate.id]);
		const [cycle] = await as(
			anna,
			`insert into improvement_cycle (org_id, team_id, title) values ($1, $2, 'Sneller') returning id`,
			[a.id, team.id]
		);
		const [request] = await as(
			anna,
			`insert into decision_request (org_id, cycle_id, question) values ($1, $2, 'Mag het?') returning id`,
			[a.id, cycle.id]
		);
		await as(
			a.coach,
			`update decision_request set status = 'approved', reason = 'Ja' where id = $1`,
			[request.id]
		);
		const [evaluation] = await as(
			a.coach,
			`insert into evaluation (org_id, team_id, held_on, next_on, results)
			 values ($1, $2, '2026-11-01', '2026-11-15', 'Goed bezig') returning id`,
			[a.id, team.id]
		);
		const annaIdea = randomUUID();
		const staffIdea = randomUUID();
		await as(anna, `insert into idea (id, org_id, body) values ($1, $2, 'Grotere containers')`, [
			annaIdea,
			a.id
		]);
		await as(a.staff, `insert into idea (id, org_id, body) values ($1, $2, 'Vaker legen')`, [
			staffIdea,
			a.id
		]);
		await as(
			a.coach,
			`update idea set status = 'reviewing', status_reason = 'Kijken' where id = $1`,
			[annaIdea]
		);
		for (const who of [anna, bob]) {
			await as(who, 'insert into idea_vote (idea_id, org_id) values ($1, $2)', [staffIdea, a.id]);
			await as(
				who,
				'insert into team_member_profile (team_id, person_id, org_id, proactive) values ($1, $2, $3, 4)',
				[team.id, who.personId, a.id]
			);
		}
		ids = {
			team: team.id as string,
			journey: journey.id as string,
			mandate: mandate.id as string,
			cycle: cycle.id as string,
			request: request.id as string,
			evaluation: evaluation.id as string,
			annaIdea,
			staffIdea
		};
	});
	afterAll(() => useDb(undefined));

	describe('the AVG export', () => {
		it('holds the person, their account, memberships, profile, ideas, votes and what they authored', async () => {
			const data = (await people.exportData(a.admin.claims, anna.personId)) as Record<
				string,
				unknown
			>;
			expect(data).toMatchObject({
				person: { id: anna.personId, name: anna.name, email: anna.email, role: 'staff' },
				account: { email: anna.email },
				memberships: [{ team: 'Afval', teamRole: 'member' }],
				teamProfiles: [{ team: 'Afval', proactive: 4 }],
				ideas: [{ id: ids.annaIdea, text: 'Grotere containers', status: 'reviewing' }],
				votes: [{ ideaId: ids.staffIdea }],
				authored: {
					mandates: [{ mandateId: ids.mandate, as: 'drafted' }],
					cycles: [{ cycleId: ids.cycle, as: 'created' }],
					decisionRequests: [{ requestId: ids.request, as: 'raised' }],
					evaluations: []
				}
			});
			const coach = await people.exportData(a.admin.claims, a.coach.personId);
			expect(coach).toMatchObject({
				coachOf: [{ teamId: ids.team }],
				journeysOwned: [{ journeyId: ids.journey }],
				authored: {
					mandates: [{ mandateId: ids.mandate, as: 'approved' }],
					decisionRequests: [{ requestId: ids.request, as: 'decided' }],
					evaluations: [{ evaluationId: ids.evaluation }]
				}
			});
		});

		it('holds nothing of another person', async () => {
			const text = JSON.stringify(await people.exportData(a.admin.claims, anna.personId));
			for (const other of [bob.name, bob.email, bob.personId, a.staff.email, a.coach.email])
				expect(text).not.toContain(other);
			expect(text).not.toContain('Vaker legen'); // the idea she voted for is someone else's text
		});

		it('is for the admins of the organisation only', async () => {
			expect(await people.exportData(a.coach.claims, anna.personId)).toBeNull();
			expect(await people.exportData(anna.claims, anna.personId)).toBeNull();
			expect(await people.exportData(b.admin.claims, anna.personId)).toBeNull();
		});
	});

	describe('removing a person', () => {
		let before: Record<string, unknown[]>;

		beforeAll(async () => {
			before = await evidence();
		});

		it('is refused to anyone but an admin of the organisation, and to admins for themselves', async () => {
			expect(await people.remove(a.coach.claims, anna.personId)).toBeNull();
			expect(await people.remove(b.admin.claims, anna.personId)).toBeNull();
			expect(await people.remove(a.admin.claims, a.admin.personId)).toBeNull();
			expect(await service('select 1 from person where id = $1', [anna.personId])).toHaveLength(1);
		});

		it('anonymises the drafter, raiser and submitter, and the approver, decider and evaluator', async () => {
			expect(await people.remove(a.admin.claims, anna.personId)).toBe('anonymised');
			expect(await people.remove(a.admin.claims, a.coach.personId)).toBe('anonymised');
			const rows = await service(
				`select id, name, user_id, department_id, role, erased_at is not null as erased
				   from person where id = any($1::uuid[]) order by name`,
				[[anna.personId, a.coach.personId]]
			);
			for (const row of rows)
				expect(row).toMatchObject({
					name: 'Voormalig medewerker',
					user_id: null,
					department_id: null,
					role: 'staff',
					erased: true
				});
			// the evidence names them by the anonymous name now
			const [m] = await as(
				a.admin,
				`select c.name as drafter, ap.name as approver from mandate m
				   join person c on c.id = m.created_by join person ap on ap.id = m.approved_by
				  where m.id = $1`,
				[ids.mandate]
			);
			expect(m).toEqual({ drafter: 'Voormalig medewerker', approver: 'Voormalig medewerker' });
		});

		it('deletes a person who is in no evidence, with their votes and profile', async () => {
			expect(await people.remove(a.admin.claims, bob.personId)).toBe('deleted');
			expect(await service('select 1 from person where id = $1', [bob.personId])).toEqual([]);
			expect(await service('select 1 from idea_vote where person_id = $1', [bob.personId])).toEqual(
				[]
			);
		});

		it('leaves every evidence row and the audit trail exactly as it was', async () => {
			expect(await evidence()).toEqual(before);
		});

		it('leaves nothing personal of them anywhere: no name, email or account', async () => {
			for (const who of [anna, bob, { ...a.coach, name: `coach of ${a.slug}` }])
				for (const text of [who.name, who.email, who.userId])
					expect({ [text]: await mentions(text) }).toEqual({ [text]: [] });
			// what was theirs only is gone; the rest of the team is untouched
			expect(
				await service(
					'select person_id from team_member where team_id = $1 union all select person_id from idea_vote where idea_id = $2',
					[ids.team, ids.staffIdea]
				)
			).toEqual([]);
			expect(await service('select coach_id from team where id = $1', [ids.team])).toEqual([
				{ coach_id: null }
			]);
			expect(await mentions(a.staff.email)).not.toEqual([]);
		});

		it('keeps them off the list of people and out of further changes', async () => {
			const listed = (await people.list(a.admin.claims)).map((p) => p.id);
			expect(listed).toContain(a.staff.personId);
			expect(listed).not.toContain(anna.personId);
			expect(await people.reinvite(a.admin.claims, anna.personId)).toBeNull();
			expect(await people.remove(a.admin.claims, anna.personId)).toBeNull();
			expect(
				await people.update(a.admin.claims, anna.personId, {
					name: anna.name,
					email: anna.email,
					departmentId: null,
					role: 'staff'
				})
			).toMatchObject({ ok: false, error: 'not_found' });
		});
	});
});
