/**
 * Improvement cycles through the domain module, as the users who press the buttons: a team
 * member, the team's coach, another team's member and coach, staff outside any team, and
 * another organisation. On PGlite and on PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDb } from './db';
import { claimsFor, createTwoOrgs, forEachDriver, type Org } from './db/test-helpers';
import type { Claims } from './db/types';
import * as cycles from './cycles';
import * as teams from './teams';
import { cycleSchema, type CycleInput } from '$lib/schemas/cycles';

interface Person {
	id: string;
	claims: Claims;
}

const WINDOWS = {
	baselineFrom: '2025-09-01',
	baselineTo: '2025-10-27',
	changeDate: '2025-11-03',
	testFrom: '2025-11-03',
	testTo: '2025-12-29'
};

function plan(overrides: Partial<CycleInput> = {}): CycleInput {
	return {
		title: 'Route-app voor de chauffeurs',
		problem: 'Bewoners melden een niet geleegde container vaak twee keer.',
		hypothesis: 'Als we de chauffeur laten terugmelden, dan dalen de herhaalmeldingen.',
		metric: 'repeat_rate',
		better: 'lower',
		scopeCategoryId: null,
		scopeTouchpointId: null,
		scopeChannel: null,
		baselineFrom: null,
		baselineTo: null,
		changeDate: null,
		testFrom: null,
		testTo: null,
		expectedCost: null,
		touchesBoundary: false,
		boundary: null,
		goal: null,
		nextStep: '',
		learnings: '',
		...overrides
	};
}

forEachDriver('improvement cycles', (t) => {
	let a: Org;
	let b: Org;
	let teamId: string;
	let otherTeamId: string;
	let mandateId: string;
	/** Member of the team; member of the other team; coach of the other team; staff in no team. */
	let kim: Person;
	let other: Person;
	let otherCoach: Person;
	let outsider: Person;
	let coach: Claims;
	let categoryId: string;

	beforeAll(async () => {
		const { db } = t();
		useDb(db);
		({ a, b } = await createTwoOrgs(db, 'cyc'));
		coach = a.coach.claims;
		const person = async (role: 'staff' | 'coach', name: string): Promise<Person> =>
			db.asService(async (tx) => {
				const userId = randomUUID();
				const email = `${name.toLowerCase().replace(/ /g, '-')}@${a.slug}.test`;
				await tx.query('insert into auth.users (id, email) values ($1, $2)', [userId, email]);
				const [p] = await tx.query<{ id: string }>(
					`insert into person (org_id, user_id, name, email, role)
					 values ($1, $2, $3, $4, $5) returning id`,
					[a.id, userId, name, email, role]
				);
				return { id: p.id, claims: claimsFor(userId, email) };
			});
		kim = { id: a.staff.personId, claims: a.staff.claims };
		other = await person('staff', 'Other member');
		otherCoach = await person('coach', 'Other coach');
		outsider = await person('staff', 'Outsider');
		await db.asService(async (tx) => {
			[{ id: teamId }] = await tx.query<{ id: string }>(
				`insert into team (org_id, name, coach_id) values ($1, 'Afval', $2) returning id`,
				[a.id, a.coach.personId]
			);
			[{ id: otherTeamId }] = await tx.query<{ id: string }>(
				`insert into team (org_id, name, coach_id) values ($1, 'Parkeren', $2) returning id`,
				[a.id, otherCoach.id]
			);
			await tx.query(
				`insert into team_member (team_id, person_id, org_id, team_role) values
				   ($1, $2, $4, 'lead'), ($3, $5, $4, 'member')`,
				[teamId, kim.id, otherTeamId, a.id, other.id]
			);
			// an approved mandate (version 1), then a newer approved one (version 2) that no
			// longer has the right "Inzamelroutes aanpassen"
			for (const rights of [
				['Inzamelroutes aanpassen', 'Werkinstructies KCC wijzigen'],
				['Werkinstructies KCC wijzigen', 'Terugbelafspraken maken']
			]) {
				const [m] = await tx.query<{ id: string }>(
					`insert into mandate (org_id, team_id, decision_rights) values ($1, $2, $3)
					 returning id`,
					[a.id, teamId, rights]
				);
				await tx.query(`update mandate set approved_on = '2025-06-01' where id = $1`, [m.id]);
				mandateId = m.id;
			}
			// a draft (version 3), not approved: its rights do not count
			await tx.query(`insert into mandate (org_id, team_id, decision_rights) values ($1, $2, $3)`, [
				a.id,
				teamId,
				['Alles']
			]);
			[{ id: categoryId }] = await tx.query<{ id: string }>(
				`insert into category (org_id, name) values ($1, 'Container niet geleegd') returning id`,
				[a.id]
			);
		});
	});
	afterAll(() => useDb(undefined));

	async function newCycle(title = 'Route-app'): Promise<string> {
		const r = await cycles.create(kim.claims, teamId, { title, problem: 'Herhaalmeldingen' });
		if (!r.ok) throw new Error(r.error);
		return r.id;
	}

	/** A cycle in plan with all windows set. */
	async function plannedCycle(title = 'Route-app'): Promise<string> {
		const id = await newCycle(title);
		expect(await cycles.update(kim.claims, id, plan({ title, ...WINDOWS }))).toEqual({ ok: true });
		expect(await cycles.setStatus(kim.claims, id, 'plan')).toEqual({ ok: true });
		return id;
	}

	async function status(id: string) {
		return (await cycles.get(kim.claims, teamId, id))?.status;
	}

	it('lets a team member create a cycle that starts as an idea on the board', async () => {
		const id = await newCycle('Terugmelden door chauffeur');
		const cycle = await cycles.get(kim.claims, teamId, id);
		expect(cycle).toMatchObject({ title: 'Terugmelden door chauffeur', status: 'idea' });
		expect((await cycles.list(kim.claims, teamId)).map((c) => c.id)).toContain(id);
	});

	it('saves the plan: hypothesis, metric, scope and windows', async () => {
		const id = await newCycle();
		const r = await cycles.update(
			kim.claims,
			id,
			plan({ scopeCategoryId: categoryId, scopeChannel: 'telefoon', ...WINDOWS })
		);
		expect(r).toEqual({ ok: true });
		expect(await cycles.get(kim.claims, teamId, id)).toMatchObject({
			hypothesis: 'Als we de chauffeur laten terugmelden, dan dalen de herhaalmeldingen.',
			scopeCategoryId: categoryId,
			scopeCategoryName: 'Container niet geleegd',
			scopeChannel: 'telefoon',
			...WINDOWS
		});
	});

	it('refuses a test without all windows', async () => {
		const id = await newCycle();
		await cycles.update(kim.claims, id, plan({ baselineFrom: '2025-09-01' }));
		await cycles.setStatus(kim.claims, id, 'plan');
		expect(await cycles.setStatus(kim.claims, id, 'test', 'Werkinstructies KCC wijzigen')).toEqual({
			ok: false,
			error: 'cycle_windows_missing'
		});
		expect(await status(id)).toBe('plan');
		// the database refuses it too, and the module translates its refusal
		await expect(
			t().db.asUser(kim.claims, (tx) =>
				tx.query(`update improvement_cycle set status = 'test' where id = $1`, [id])
			)
		).rejects.toThrow(/cycle_windows_missing/);
	});

	it('refuses a test outside the mandate, and one covered only by an older mandate', async () => {
		const id = await plannedCycle();
		expect(await cycles.setStatus(kim.claims, id, 'test')).toEqual({
			ok: false,
			error: 'cycle_outside_mandate'
		});
		// version 1 had this right; the current approved version 2 does not
		expect(await cycles.setStatus(kim.claims, id, 'test', 'Inzamelroutes aanpassen')).toEqual({
			ok: false,
			error: 'cycle_right_unknown'
		});
		// the draft's rights do not count either
		expect(await cycles.setStatus(kim.claims, id, 'test', 'Alles')).toEqual({
			ok: false,
			error: 'cycle_right_unknown'
		});
		expect(await status(id)).toBe('plan');
		await expect(
			t().db.asUser(kim.claims, (tx) =>
				tx.query(`update improvement_cycle set status = 'test' where id = $1`, [id])
			)
		).rejects.toThrow(/cycle_outside_mandate/);
	});

	it('starts a test covered by a decision right of the current mandate', async () => {
		const id = await plannedCycle();
		expect(await cycles.setStatus(kim.claims, id, 'test', 'Werkinstructies KCC wijzigen')).toEqual({
			ok: true
		});
		expect(await cycles.get(kim.claims, teamId, id)).toMatchObject({
			status: 'test',
			mandateId,
			mandateVersion: 2,
			mandateRight: 'Werkinstructies KCC wijzigen'
		});
		// a button pressed twice does not skip a step
		expect(await cycles.setStatus(kim.claims, id, 'test')).toEqual({
			ok: false,
			error: 'cycle_status_stale'
		});
		expect(await cycles.setStatus(kim.claims, id, 'adopted')).toEqual({
			ok: false,
			error: 'cycle_status_stale'
		});
	});

	it('has four eyes on decisions: the coach does not decide a request they raised', async () => {
		const id = await plannedCycle('Eigen vraag');
		const raised = await cycles.raiseRequest(coach, id, 'Mag ik dit zelf beslissen?');
		if (!raised.ok) throw new Error(raised.error);
		expect(await cycles.decideRequest(coach, raised.id, true, 'Ja')).toEqual({
			ok: false,
			error: 'forbidden'
		});
		expect(await cycles.setStatus(coach, id, 'test')).toEqual({
			ok: false,
			error: 'cycle_request_pending'
		});
		expect(await cycles.decideRequest(a.admin.claims, raised.id, false, 'Nee')).toEqual({
			ok: true
		});
	});

	it('runs a decision request: raised by the team, decided by the coach with a reason', async () => {
		const id = await plannedCycle('Nieuwe route');
		const raised = await cycles.raiseRequest(kim.claims, id, 'Mogen we de route omgooien?');
		if (!raised.ok) throw new Error(raised.error);
		const requestId = raised.id;
		expect(await cycles.raiseRequest(kim.claims, id, 'Nog een vraag')).toEqual({
			ok: false,
			error: 'cycle_request_open'
		});

		// the team member, another team's coach and staff outside the team cannot decide
		for (const who of [kim.claims, otherCoach.claims, outsider.claims, other.claims]) {
			expect(await cycles.decideRequest(who, requestId, true, 'Prima')).toEqual({
				ok: false,
				error: 'forbidden'
			});
		}
		// the coach sees it as theirs to decide; the member sees it but may not decide
		const coachView = await cycles.openRequests(coach, [teamId]);
		expect(coachView).toEqual([
			expect.objectContaining({ id: requestId, cycleId: id, canDecide: true })
		]);
		expect(await cycles.openRequests(kim.claims)).toContainEqual(
			expect.objectContaining({ id: requestId, canDecide: false })
		);
		expect(await cycles.openRequests(coach, [otherTeamId])).toEqual([]);

		// a decline needs a reason
		expect(await cycles.decideRequest(coach, requestId, false, '   ')).toEqual({
			ok: false,
			error: 'cycle_reason_required'
		});
		expect(
			await cycles.decideRequest(coach, requestId, false, 'Eerst de ondernemingsraad')
		).toEqual({ ok: true });
		expect(await cycles.decideRequest(coach, requestId, true, 'Toch wel')).toEqual({
			ok: false,
			error: 'cycle_request_decided'
		});
		expect(await cycles.setStatus(kim.claims, id, 'test')).toEqual({
			ok: false,
			error: 'cycle_request_declined'
		});

		// a new request, approved: now the test may start without a decision right
		const again = await cycles.raiseRequest(kim.claims, id, 'Na overleg met de OR: mag het nu?');
		if (!again.ok) throw new Error(again.error);
		expect(await cycles.decideRequest(coach, again.id, true, 'Akkoord, OR is ingelicht')).toEqual({
			ok: true
		});
		expect(await cycles.openRequests(coach, [teamId])).toEqual([]);
		expect(await cycles.setStatus(kim.claims, id, 'test')).toEqual({ ok: true });
		expect(await status(id)).toBe('test');

		const { requests } = await cycles.details(
			kim.claims,
			(await cycles.get(kim.claims, teamId, id))!
		);
		expect(requests.map((r) => [r.status, r.reason, r.decidedByName])).toEqual([
			['approved', 'Akkoord, OR is ingelicht', 'coach of ' + a.slug],
			['declined', 'Eerst de ondernemingsraad', 'coach of ' + a.slug]
		]);
	});

	it('lets an admin decide a request too', async () => {
		const id = await plannedCycle('Admin beslist');
		const raised = await cycles.raiseRequest(kim.claims, id, 'Mag dit?');
		if (!raised.ok) throw new Error(raised.error);
		expect(await cycles.decideRequest(a.admin.claims, raised.id, true, 'Ja')).toEqual({ ok: true });
	});

	it('lets another team read the cycle but not change it', async () => {
		const id = await plannedCycle('Alleen lezen');
		expect(await cycles.get(other.claims, teamId, id)).toMatchObject({ title: 'Alleen lezen' });
		expect((await cycles.list(other.claims, teamId)).map((c) => c.id)).toContain(id);
		expect(await teams.info(other.claims, teamId)).toMatchObject({
			canEdit: false,
			isCoach: false
		});
		expect(await cycles.update(other.claims, id, plan({ title: 'Gekaapt' }))).toEqual({
			ok: false,
			error: 'forbidden'
		});
		expect(
			await cycles.setStatus(other.claims, id, 'test', 'Werkinstructies KCC wijzigen')
		).toEqual({ ok: false, error: 'forbidden' });
		expect(await cycles.addAction(other.claims, id, { who: 'X', what: 'Y', dueOn: null })).toEqual({
			ok: false,
			error: 'forbidden'
		});
		expect(await cycles.raiseRequest(other.claims, id, 'Mag ik?')).toEqual({
			ok: false,
			error: 'forbidden'
		});
		expect(
			await cycles.create(other.claims, teamId, { title: 'Ongevraagd', problem: 'x' })
		).toEqual({ ok: false, error: 'forbidden' });
		expect(await cycles.get(kim.claims, teamId, id)).toMatchObject({
			title: 'Alleen lezen',
			status: 'plan'
		});
		// and a cycle is only found under its own team
		expect(await cycles.get(kim.claims, otherTeamId, id)).toBeNull();
	});

	it('shows another organisation nothing and lets it change nothing', async () => {
		const id = await plannedCycle('Geheim');
		const raised = await cycles.raiseRequest(kim.claims, id, 'Vraag');
		if (!raised.ok) throw new Error(raised.error);
		const stranger = b.admin.claims;
		expect(await teams.info(stranger, teamId)).toBeNull();
		expect(await cycles.list(stranger, teamId)).toEqual([]);
		expect(await cycles.get(stranger, teamId, id)).toBeNull();
		expect(await cycles.openRequests(stranger)).toEqual([]);
		expect(await cycles.decideRequest(stranger, raised.id, true, 'Ja')).toEqual({
			ok: false,
			error: 'not_found'
		});
		expect(await cycles.update(stranger, id, plan())).toEqual({ ok: false, error: 'not_found' });
		expect(await cycles.setStatus(stranger, id, 'abandoned')).toEqual({
			ok: false,
			error: 'not_found'
		});
		expect(await cycles.create(stranger, teamId, { title: 'x', problem: 'y' })).toEqual({
			ok: false,
			error: 'not_found'
		});
		// a category of the other organisation is no scope here
		const [foreign] = await t().db.asService((tx) =>
			tx.query<{ id: string }>(
				`insert into category (org_id, name) values ($1, 'Vreemd') returning id`,
				[b.id]
			)
		);
		expect(await cycles.update(kim.claims, id, plan({ scopeCategoryId: foreign.id }))).toEqual({
			ok: false,
			error: 'cycle_scope_unknown'
		});
		expect(await cycles.get(kim.claims, teamId, id)).toMatchObject({ scopeCategoryId: null });
	});

	it('writes the audit trail for status changes and decisions', async () => {
		const id = await plannedCycle('Spoor');
		const raised = await cycles.raiseRequest(kim.claims, id, 'Mag de route om?');
		if (!raised.ok) throw new Error(raised.error);
		await cycles.decideRequest(coach, raised.id, true, 'Ja, voor acht weken');
		await cycles.setStatus(kim.claims, id, 'test');
		const cycle = (await cycles.get(kim.claims, teamId, id))!;
		const { trail } = await cycles.details(kim.claims, cycle);
		const brief = trail.map((e) => [e.entity, e.action, e.actorName, e.changes.status]);
		expect(brief).toEqual([
			['improvement_cycle', 'insert', 'staff of ' + a.slug, 'idea'],
			['improvement_cycle', 'update', 'staff of ' + a.slug, undefined], // the plan
			['improvement_cycle', 'update', 'staff of ' + a.slug, 'plan'],
			['decision_request', 'insert', 'staff of ' + a.slug, 'open'],
			['decision_request', 'update', 'coach of ' + a.slug, 'approved'],
			['improvement_cycle', 'update', 'staff of ' + a.slug, 'test']
		]);
		expect(trail[4].changes).toMatchObject({ reason: 'Ja, voor acht weken' });
	});

	it('rebases the limits only after adoption, and records who did', async () => {
		const id = await plannedCycle('Herberekenen');
		await cycles.setStatus(kim.claims, id, 'test', 'Werkinstructies KCC wijzigen');
		expect(await cycles.rebase(kim.claims, id)).toEqual({
			ok: false,
			error: 'cycle_rebase_needs_adoption'
		});
		await expect(
			t().db.asUser(kim.claims, (tx) =>
				tx.query(`update improvement_cycle set rebased_on = change_date where id = $1`, [id])
			)
		).rejects.toThrow(/cycle_rebase_needs_adoption/);
		expect(await cycles.setStatus(kim.claims, id, 'evaluate')).toEqual({ ok: true });
		expect(await cycles.setStatus(kim.claims, id, 'adopted')).toEqual({ ok: true });
		expect(await cycles.rebase(other.claims, id)).toEqual({ ok: false, error: 'forbidden' });
		expect(await cycles.rebase(kim.claims, id)).toEqual({ ok: true });
		expect(await cycles.get(kim.claims, teamId, id)).toMatchObject({
			rebasedOn: WINDOWS.changeDate,
			rebasedByName: 'staff of ' + a.slug
		});
		const { trail } = await cycles.details(kim.claims, (await cycles.get(kim.claims, teamId, id))!);
		expect(trail.at(-1)?.changes).toMatchObject({ rebased_on: WINDOWS.changeDate });
	});

	it('holds the mandate gate: a cost over the budget waits for the coach, who sees the cycle', async () => {
		const id = await plannedCycle('Zaterdagronde');
		const costly = plan({ title: 'Zaterdagronde', ...WINDOWS, expectedCost: 7500 });
		expect(await cycles.update(kim.claims, id, costly)).toEqual({ ok: true });
		expect(await cycles.setStatus(kim.claims, id, 'test', 'Werkinstructies KCC wijzigen')).toEqual({
			ok: false,
			error: 'cycle_over_budget'
		});
		const raised = await cycles.raiseRequest(kim.claims, id, 'Mag de zaterdagronde?');
		if (!raised.ok) throw new Error(raised.error);
		expect(await cycles.setStatus(kim.claims, id, 'test', 'Werkinstructies KCC wijzigen')).toEqual({
			ok: false,
			error: 'cycle_request_pending'
		});
		expect(await cycles.openRequests(coach, [teamId])).toContainEqual(
			expect.objectContaining({ cycleId: id, cycleStatus: 'plan', expectedCost: 7500 })
		);
		expect(await cycles.decideRequest(coach, raised.id, true, 'Akkoord')).toEqual({ ok: true });
		expect(await cycles.setStatus(kim.claims, id, 'test')).toEqual({ ok: true });

		const bounded = await plannedCycle('Extra chauffeur');
		const touching = plan({ title: 'Extra chauffeur', ...WINDOWS, touchesBoundary: true });
		expect(await cycles.update(kim.claims, bounded, touching)).toEqual({
			ok: false,
			error: 'cycle_boundary_named'
		});
		touching.boundary = 'Geen extra personeel';
		expect(await cycles.update(kim.claims, bounded, touching)).toEqual({ ok: true });
		expect(
			await cycles.setStatus(kim.claims, bounded, 'test', 'Werkinstructies KCC wijzigen')
		).toEqual({ ok: false, error: 'cycle_touches_boundary' });
	});

	it('freezes an adopted cycle: no edits, only a correction with a new reason, in the trail', async () => {
		const id = await plannedCycle('Afgerond');
		expect(await cycles.setStatus(kim.claims, id, 'test', 'Werkinstructies KCC wijzigen')).toEqual({
			ok: true
		});
		expect(await cycles.setStatus(kim.claims, id, 'evaluate')).toEqual({ ok: true });
		expect(await cycles.setStatus(kim.claims, id, 'adopted')).toEqual({ ok: true });

		const rewritten = plan({ title: 'Afgerond', ...WINDOWS, changeDate: '2025-11-10' });
		expect(await cycles.update(kim.claims, id, rewritten)).toEqual({
			ok: false,
			error: 'cycle_frozen'
		});
		expect(
			await cycles.addAction(kim.claims, id, { who: 'Kim', what: 'Later', dueOn: null })
		).toEqual({ ok: false, error: 'cycle_frozen' });
		const fixed = plan({ title: 'Afgerond', ...WINDOWS, learnings: 'Werkt.' });
		expect(await cycles.update(kim.claims, id, fixed, 'Lessen aangevuld')).toEqual({ ok: true });
		expect(await cycles.update(kim.claims, id, fixed, 'Lessen aangevuld')).toEqual({
			ok: false,
			error: 'cycle_correction_repeated'
		});
		const cycle = (await cycles.get(kim.claims, teamId, id))!;
		expect(cycle).toMatchObject({ learnings: 'Werkt.', correction: 'Lessen aangevuld' });
		const { trail } = await cycles.details(kim.claims, cycle);
		expect(trail.at(-1)?.changes).toEqual({ learnings: 'Werkt.', correction: 'Lessen aangevuld' });
	});

	it('drafts a cycle from a touchpoint: scope, metric, its direction and 13 weeks of baseline', async () => {
		const touchpointId = await t().db.asService(async (tx) => {
			const one = async (sql: string, params: unknown[]) =>
				(await tx.query<{ id: string }>(sql, params))[0].id;
			const journey = await one(
				`insert into journey (org_id, team_id, name) values ($1, $2, 'Container') returning id`,
				[a.id, teamId]
			);
			const stage = await one(
				`insert into stage (org_id, journey_id, position, name) values ($1, $2, 0, 'Melden') returning id`,
				[a.id, journey]
			);
			const tp = await one(
				`insert into touchpoint (org_id, journey_id, stage_id, position, name)
				 values ($1, $2, $3, 0, 'Melding via KCC') returning id`,
				[a.id, journey, stage]
			);
			await tx.query(
				`insert into touchpoint_category (touchpoint_id, org_id, category_id) values ($1, $2, $3)`,
				[tp, a.id, categoryId]
			);
			return tp;
		});
		const draft = await cycles.draftFrom(kim.claims, teamId, {
			touchpoint: touchpointId,
			metric: 'within_norm'
		});
		expect(draft).toMatchObject({
			title: 'Melding via KCC',
			metric: 'within_norm',
			better: 'higher',
			scopeTouchpointId: touchpointId,
			touchpoint: { id: touchpointId, categories: ['Container niet geleegd'] }
		});
		const days = (Date.parse(draft.baselineTo!) - Date.parse(draft.baselineFrom!)) / 86_400_000;
		expect(days).toBe(13 * 7 - 1);
		expect(new Date(`${draft.baselineFrom}T00:00:00Z`).getUTCDay()).toBe(1); // a Monday
		// a touchpoint of another team is not this team's scope
		expect(
			(await cycles.draftFrom(other.claims, otherTeamId, { touchpoint: touchpointId }))
				.scopeTouchpointId
		).toBeNull();

		const created = await cycles.create(kim.claims, teamId, {
			title: draft.title,
			problem: 'Te veel herhaalmeldingen',
			metric: draft.metric,
			better: draft.better,
			scopeTouchpointId: touchpointId,
			baselineFrom: draft.baselineFrom,
			baselineTo: draft.baselineTo
		});
		if (!created.ok) throw new Error(created.error);
		expect(await cycles.onTouchpoints(kim.claims, teamId)).toContainEqual(
			expect.objectContaining({ id: created.id, touchpointId, status: 'idea' })
		);
		expect(
			await cycles.create(other.claims, otherTeamId, {
				title: 'Elders',
				problem: 'x',
				scopeTouchpointId: touchpointId
			})
		).toEqual({ ok: false, error: 'cycle_scope_unknown' });
	});

	it('keeps actions: add, complete, remove', async () => {
		const id = await newCycle('Acties');
		expect(
			await cycles.addAction(kim.claims, id, {
				who: 'Sam',
				what: 'Chauffeurs instrueren',
				dueOn: '2025-11-10'
			})
		).toEqual({ ok: true });
		let { actions } = await cycles.details(kim.claims, (await cycles.get(kim.claims, teamId, id))!);
		expect(actions).toEqual([
			{
				id: expect.any(String),
				who: 'Sam',
				what: 'Chauffeurs instrueren',
				dueOn: '2025-11-10',
				done: false
			}
		]);
		expect(await cycles.setActionDone(kim.claims, id, actions[0].id, true)).toEqual({ ok: true });
		expect(await cycles.setActionDone(other.claims, id, actions[0].id, false)).toEqual({
			ok: false,
			error: 'forbidden'
		});
		({ actions } = await cycles.details(kim.claims, (await cycles.get(kim.claims, teamId, id))!));
		expect(actions[0].done).toBe(true);
		expect(await cycles.removeAction(kim.claims, id, actions[0].id)).toEqual({ ok: true });
		expect(await cycles.removeAction(kim.claims, id, actions[0].id)).toEqual({
			ok: false,
			error: 'not_found'
		});
	});

	it('answers windows in the wrong order with the rule that was broken, storing nothing', async () => {
		const id = await newCycle('Volgorde');
		// the form's schema names the field
		const form = (over: Record<string, string>) =>
			cycleSchema.safeParse({
				title: 'x',
				metric: 'repeat_rate',
				better: 'lower',
				...WINDOWS,
				...over
			});
		const issues = (over: Record<string, string>) => {
			const r = form(over);
			return r.success ? [] : r.error.issues.map((i) => [i.path[0], i.message]);
		};
		expect(issues({})).toEqual([]);
		expect(issues({ baselineTo: '2025-08-01' })).toContainEqual([
			'baselineTo',
			'cycle_baseline_order'
		]);
		expect(issues({ changeDate: '2025-10-01', testFrom: '2025-10-02' })).toEqual([
			['changeDate', 'cycle_change_after_baseline'],
			['testFrom', 'cycle_test_after_baseline']
		]);
		expect(issues({ testFrom: '2025-11-01' })).toEqual([['testFrom', 'cycle_test_after_change']]);
		expect(issues({ testTo: '2025-11-03' })).toEqual([['testTo', 'cycle_test_order']]);
		expect(issues({ testTo: '2025-02-30' })).toEqual([['testTo', 'cycle_date_invalid']]);
		expect(issues({ title: '  ' })).toEqual([['title', 'required']]);
		// the database's constraints as the last line, translated
		expect(
			await cycles.update(kim.claims, id, plan({ ...WINDOWS, changeDate: '2025-10-01' }))
		).toEqual({ ok: false, error: 'cycle_change_after_baseline' });
		expect(await cycles.update(kim.claims, id, plan({ ...WINDOWS, testTo: '2025-11-01' }))).toEqual(
			{ ok: false, error: 'cycle_test_order' }
		);
		expect(await cycles.get(kim.claims, teamId, id)).toMatchObject({
			baselineFrom: null,
			changeDate: null,
			hypothesis: ''
		});
		expect(await cycles.get(kim.claims, teamId, 'not-a-uuid')).toBeNull();
	});

	it('takes a goal as the team types it (a percentage with a decimal comma) and stores it', async () => {
		const id = await newCycle('Doel');
		const parse = (over: Record<string, string>) =>
			cycleSchema.safeParse({ title: 'x', metric: 'repeat_rate', better: 'lower', ...over });
		const goal = (over: Record<string, string>) => {
			const r = parse(over);
			return r.success ? r.data.goal : r.error.issues.map((i) => [i.path[0], i.message]);
		};
		// a share is typed as a percentage and stored as a share
		expect(goal({ goal: '12,5' })).toBeCloseTo(0.125, 12);
		expect(goal({ goal: '15 %' })).toBeCloseTo(0.15, 12);
		expect(goal({ goal: '' })).toBeNull();
		// days and counts as typed
		expect(goal({ goal: '6,5', metric: 'lead_p85' })).toBe(6.5);
		expect(goal({ goal: '120', metric: 'cases' })).toBe(120);
		// no goal beyond 100 %, none below zero, none that is not a number
		expect(goal({ goal: '150' })).toEqual([['goal', 'out_of_range']]);
		expect(goal({ goal: '-1', metric: 'cases' })).toEqual([['goal', 'out_of_range']]);
		expect(goal({ goal: 'veel' })).toEqual([['goal', 'number']]);
		const parsed = parse({ goal: '12,5' });
		expect(parsed.success).toBe(true);
		expect(await cycles.update(kim.claims, id, parsed.data!)).toEqual({ ok: true });
		expect((await cycles.get(kim.claims, teamId, id))?.goal).toBeCloseTo(0.125, 12);
		expect(await cycles.update(kim.claims, id, plan({ goal: null }))).toEqual({ ok: true });
		expect((await cycles.get(kim.claims, teamId, id))?.goal).toBeNull();
	});

	it('keeps the baseline, the change date and the test window apart', async () => {
		const id = await newCycle('Overlap');
		const issues = (over: Record<string, string>) => {
			const r = cycleSchema.safeParse({
				title: 'x',
				metric: 'repeat_rate',
				better: 'lower',
				...WINDOWS,
				...over
			});
			return r.success ? [] : r.error.issues.map((i) => [i.path[0], i.message]);
		};
		// the change on the baseline's last day: that day would count before and after
		const sameDay = { changeDate: WINDOWS.baselineTo, testFrom: WINDOWS.baselineTo };
		expect(issues(sameDay)).toContainEqual(['changeDate', 'cycle_change_after_baseline']);
		// without a change date the test window still may not reach into the baseline
		const testInBaseline = { changeDate: '', testFrom: '2025-10-20', testTo: '2025-11-30' };
		expect(issues(testInBaseline)).toEqual([['testFrom', 'cycle_test_after_baseline']]);
		const endInBaseline = { changeDate: '', testFrom: '', testTo: '2025-10-01' };
		expect(issues(endInBaseline)).toEqual([['testTo', 'cycle_test_after_baseline']]);
		expect(issues({ testFrom: '', testTo: '2025-11-02' })).toEqual([
			['testTo', 'cycle_test_after_change']
		]);
		// the database refuses the same when the form is skipped, in the form's words
		for (const [over, error] of [
			[sameDay, 'cycle_change_after_baseline'],
			[testInBaseline, 'cycle_test_after_baseline'],
			[endInBaseline, 'cycle_test_after_baseline']
		] as const) {
			const input = plan({
				...WINDOWS,
				...Object.fromEntries(Object.entries(over).map(([k, v]) => [k, v || null]))
			});
			expect(await cycles.update(kim.claims, id, input)).toEqual({ ok: false, error });
		}
		expect(await cycles.get(kim.claims, teamId, id)).toMatchObject({ changeDate: null });
		// apart, it is stored
		expect(await cycles.update(kim.claims, id, plan({ ...WINDOWS }))).toMatchObject({ ok: true });
	});
});

describe('cycles module without a database', () => {
	it('refuses a decision without a reason before asking the database', async () => {
		expect(await cycles.decideRequest(claimsFor(randomUUID()), randomUUID(), false, '')).toEqual({
			ok: false,
			error: 'cycle_reason_required'
		});
	});
});
