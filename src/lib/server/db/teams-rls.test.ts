/**
 * Row level security of the customer-team tables, statement by statement as each kind of user:
 * another organisation and anonymous requests see nothing; inside the organisation everyone
 * reads teams, journeys, cycles and mandates, but only the team (its members, its coach, admins)
 * changes them; only the coach or an admin approves, decides and evaluates; nobody writes the
 * audit trail. Runs on PGlite and on PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { claimsFor, createTwoOrgs, forEachDriver, type Org } from './test-helpers';
import type { Claims, Row } from './types';

const TABLES = [
	'team',
	'team_member',
	'team_member_profile',
	'mandate',
	'journey',
	'stage',
	'touchpoint',
	'touchpoint_category',
	'improvement_cycle',
	'cycle_action',
	'decision_request',
	'evaluation',
	'idea',
	'idea_photo',
	'idea_vote',
	'audit'
];

forEachDriver('row level security of customer teams', (t) => {
	let a: Org;
	let b: Org;
	let member: Claims; // on the team
	let ids: Record<string, string>;

	const as = async (claims: Claims, sql: string, params: unknown[] = []) => {
		try {
			return { rows: await t().db.asUser(claims, (tx) => tx.query<Row>(sql, params)) };
		} catch (e) {
			return { error: (e as Error).message };
		}
	};
	/** Refused: an error for the right reason, or no row reached. */
	const refused = async (claims: Claims, sql: string, params: unknown[] = []) => {
		const out = await as(claims, sql, params);
		if ('error' in out)
			expect(out.error).toMatch(/row-level security|permission denied|violates foreign key/);
		else expect(out.rows).toEqual([]);
	};
	const allowed = async (claims: Claims, sql: string, params: unknown[] = []) => {
		const out = await as(claims, sql, params);
		expect(out).not.toHaveProperty('error');
		return 'rows' in out && out.rows ? out.rows : [];
	};

	beforeAll(async () => {
		({ a, b } = await createTwoOrgs(t().db, 'trls'));
		ids = await t().db.asService(async (tx) => {
			const one = async (sql: string, params: unknown[]) =>
				(await tx.query<{ id: string }>(sql, params))[0].id;
			const userId = randomUUID();
			await tx.query('insert into auth.users (id, email) values ($1, $2)', [
				userId,
				`m@${a.slug}.test`
			]);
			const memberPerson = await one(
				`insert into person (org_id, user_id, name, email) values ($1, $2, 'Mia', $3) returning id`,
				[a.id, userId, `m@${a.slug}.test`]
			);
			member = claimsFor(userId);
			const team = await one(
				`insert into team (org_id, name, coach_id) values ($1, 'Afval', $2) returning id`,
				[a.id, a.coach.personId]
			);
			await tx.query(`insert into team_member (team_id, person_id, org_id) values ($1, $2, $3)`, [
				team,
				memberPerson,
				a.id
			]);
			await tx.query(
				`insert into team_member_profile (team_id, person_id, org_id, proactive) values ($1, $2, $3, 4)`,
				[team, memberPerson, a.id]
			);
			const mandate = await one(
				`insert into mandate (org_id, team_id, decision_rights) values ($1, $2, '{Werkwijze}') returning id`,
				[a.id, team]
			);
			const journey = await one(
				`insert into journey (org_id, team_id, name) values ($1, $2, 'Container') returning id`,
				[a.id, team]
			);
			const stage = await one(
				`insert into stage (org_id, journey_id, position, name) values ($1, $2, 0, 'Melden') returning id`,
				[a.id, journey]
			);
			const touchpoint = await one(
				`insert into touchpoint (org_id, journey_id, stage_id, position, name) values ($1, $2, $3, 0, 'App') returning id`,
				[a.id, journey, stage]
			);
			const category = await one(
				`insert into category (org_id, name) values ($1, 'Container') returning id`,
				[a.id]
			);
			await tx.query(
				`insert into touchpoint_category (category_id, touchpoint_id, org_id) values ($1, $2, $3)`,
				[category, touchpoint, a.id]
			);
			const cycle = await one(
				`insert into improvement_cycle (org_id, team_id, title) values ($1, $2, 'Sneller') returning id`,
				[a.id, team]
			);
			await tx.query(
				`insert into cycle_action (org_id, cycle_id, who, what) values ($1, $2, 'Mia', 'Bellen')`,
				[a.id, cycle]
			);
			const request = await one(
				`insert into decision_request (org_id, cycle_id, question) values ($1, $2, 'Mag het?') returning id`,
				[a.id, cycle]
			);
			await tx.query(
				`insert into evaluation (org_id, team_id, held_on, next_on, results) values ($1, $2, '2026-11-01', '2026-11-15', 'Goed')`,
				[a.id, team]
			);
			const idea = randomUUID();
			await tx.query(
				`insert into idea (id, org_id, submitter_id, body, team_id) values ($1, $2, $3, 'Meer bakken', $4)`,
				[idea, a.id, a.staff.personId, team]
			);
			await tx.query(
				`insert into idea_photo (idea_id, org_id, mime, bytes) values ($1, $2, 'image/png', '\\x89504e47')`,
				[idea, a.id]
			);
			await tx.query(`insert into idea_vote (idea_id, person_id, org_id) values ($1, $2, $3)`, [
				idea,
				memberPerson,
				a.id
			]);
			return { team, mandate, journey, stage, touchpoint, category, cycle, request, idea };
		});
	});

	it('shows another organisation and anonymous requests nothing of any team table', async () => {
		for (const table of TABLES) {
			expect(await allowed(b.admin.claims, `select * from ${table}`), table).toEqual([]);
			expect(
				await t()
					.db.asAnon((tx) => tx.query(`select * from ${table}`))
					.catch(() => []),
				table
			).toEqual([]);
		}
		expect((await allowed(a.staff.claims, 'select * from team')).length).toBe(1);
	});

	it('lets another organisation change nothing, not even by naming the ids', async () => {
		await refused(b.admin.claims, `update journey set name = 'x' where id = $1 returning id`, [
			ids.journey
		]);
		await refused(
			b.admin.claims,
			`insert into journey (org_id, team_id, name) values ($1, $2, 'x') returning id`,
			[a.id, ids.team]
		);
		await refused(
			b.admin.claims,
			`insert into journey (org_id, team_id, name) values ($1, $2, 'x') returning id`,
			[b.id, ids.team]
		);
		await refused(
			b.coach.claims,
			`update decision_request set status = 'approved', reason = 'ja' where id = $1 returning id`,
			[ids.request]
		);
	});

	it('lets staff outside the team read the work but change none of it', async () => {
		const s = a.staff.claims;
		expect((await allowed(s, 'select * from journey')).length).toBe(1);
		expect((await allowed(s, 'select * from improvement_cycle')).length).toBe(1);
		expect((await allowed(s, 'select * from mandate')).length).toBe(1);
		// evaluations and other people's profiles are not for everyone
		expect(await allowed(s, 'select * from evaluation')).toEqual([]);
		expect(await allowed(s, 'select * from team_member_profile')).toEqual([]);
		await refused(s, `update journey set name = 'x' where id = $1 returning id`, [ids.journey]);
		await refused(
			s,
			`insert into stage (org_id, journey_id, position, name) values ($1, $2, 1, 'x') returning id`,
			[a.id, ids.journey]
		);
		await refused(s, `delete from touchpoint where id = $1 returning id`, [ids.touchpoint]);
		await refused(
			s,
			`delete from touchpoint_category where category_id = $1 returning category_id`,
			[ids.category]
		);
		await refused(s, `update improvement_cycle set title = 'x' where id = $1 returning id`, [
			ids.cycle
		]);
		await refused(
			s,
			`insert into cycle_action (org_id, cycle_id, who, what) values ($1, $2, 'x', 'y') returning id`,
			[a.id, ids.cycle]
		);
		await refused(
			s,
			`insert into decision_request (org_id, cycle_id, question) values ($1, $2, 'x') returning id`,
			[a.id, ids.cycle]
		);
		await refused(s, `insert into mandate (org_id, team_id) values ($1, $2) returning id`, [
			a.id,
			ids.team
		]);
		await refused(
			s,
			`insert into team_member (team_id, person_id, org_id) values ($1, $2, $3) returning person_id`,
			[ids.team, a.staff.personId, a.id]
		);
		// nor triage an idea about the team, even their own
		await refused(
			s,
			`update idea set status = 'parked', status_reason = 'x' where id = $1 returning id`,
			[ids.idea]
		);
	});

	it('lets the team change its own work, but not approve, decide or evaluate', async () => {
		await allowed(member, `update journey set name = 'Container niet geleegd' where id = $1`, [
			ids.journey
		]);
		await allowed(
			member,
			`insert into stage (org_id, journey_id, position, name) values ($1, $2, 1, 'Inzamelen')`,
			[a.id, ids.journey]
		);
		await allowed(member, `update improvement_cycle set status = 'plan' where id = $1`, [
			ids.cycle
		]);
		// nor hide a stagnant cycle from the coach by backdating it
		const [stamped] = await allowed(
			member,
			`update improvement_cycle set updated_at = '2020-01-01' where id = $1
			 returning updated_at > now() - interval '1 minute' as recent`,
			[ids.cycle]
		);
		expect(stamped).toEqual({ recent: true });
		expect((await allowed(member, 'select * from evaluation')).length).toBe(1);
		await refused(
			member,
			`update mandate set approved_on = '2026-11-20' where id = $1 returning id`,
			[ids.mandate]
		);
		await refused(
			member,
			`update decision_request set status = 'approved', reason = 'ja' where id = $1 returning id`,
			[ids.request]
		);
		await refused(
			member,
			`insert into evaluation (org_id, team_id, next_on) values ($1, $2, current_date + 14) returning id`,
			[a.id, ids.team]
		);
		// a journey moved to another organisation's team: refused
		await refused(member, `update journey set team_id = $2 where id = $1 returning id`, [
			ids.journey,
			randomUUID()
		]);
	});

	it('lets the coach approve, decide and evaluate', async () => {
		const c = a.coach.claims;
		expect(
			await allowed(c, `update mandate set approved_on = '2026-11-20' where id = $1 returning id`, [
				ids.mandate
			])
		).toHaveLength(1);
		expect(
			await allowed(
				c,
				`update decision_request set status = 'approved', reason = 'Akkoord' where id = $1 returning decided_by`,
				[ids.request]
			)
		).toEqual([{ decided_by: a.coach.personId }]);
		expect(
			await allowed(
				c,
				`insert into evaluation (org_id, team_id, next_on) values ($1, $2, current_date + 14) returning id`,
				[a.id, ids.team]
			)
		).toHaveLength(1);
	});

	it('keeps the audit trail written by the database only', async () => {
		const rows = await allowed(a.staff.claims, 'select entity, action from audit order by id');
		expect(rows).toEqual(
			expect.arrayContaining([
				{ entity: 'mandate', action: 'update' },
				{ entity: 'decision_request', action: 'update' },
				{ entity: 'improvement_cycle', action: 'update' }
			])
		);
		for (const c of [a.admin.claims, a.coach.claims, member]) {
			await refused(
				c,
				`insert into audit (org_id, entity, entity_id, action) values ($1, 'x', $2, 'x') returning id`,
				[a.id, randomUUID()]
			);
			await refused(c, `update audit set action = 'x' returning id`);
			await refused(c, `delete from audit returning id`);
		}
	});
});
