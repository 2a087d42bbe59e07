/**
 * The coach view on PGlite and PostgreSQL: who sees which teams, the order (due date only,
 * overdue first), recording an evaluation (and who may not), stagnant cycles, ideas waiting for
 * a review, and deciding a request outside a team's mandate.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDb } from './db';
import * as coach from './coach';
import { decideRequest } from './cycles';
import { claimsFor, createTwoOrgs, forEachDriver, type Member, type Org } from './db/test-helpers';
import type { Queryable } from './db/types';
import { addDays, decisionSchema, evaluationSchema } from '$lib/schemas/evaluations';

describe('the evaluation and decision forms', () => {
	const errors = (schema: typeof evaluationSchema | typeof decisionSchema, form: object) => {
		const parsed = schema.safeParse(form);
		const found: Record<string, string> = {};
		// the first message per field, as parseForm shows it
		for (const i of parsed.success ? [] : parsed.error.issues)
			found[String(i.path[0])] ??= i.message;
		return found;
	};
	const ok = { held_on: '2026-11-23', results: 'Beter', next_on: '2026-12-07' };

	it('need results and a next date after the date held', () => {
		expect(errors(evaluationSchema, ok)).toEqual({});
		expect(errors(evaluationSchema, { ...ok, results: '  ', next_on: '' })).toEqual({
			results: 'required',
			next_on: 'required'
		});
		expect(errors(evaluationSchema, { ...ok, next_on: '2026-11-23' })).toEqual({
			next_on: 'coach_next_after_held'
		});
		expect(errors(evaluationSchema, { ...ok, next_on: '2026-11-01' })).toEqual({
			next_on: 'coach_next_after_held'
		});
	});

	it('refuse dates that are not on the calendar', () => {
		for (const bad of ['2026-02-30', '23-11-2026', 'morgen'])
			expect(errors(evaluationSchema, { ...ok, held_on: bad })).toEqual({
				held_on: 'coach_date_invalid'
			});
		// a year typed wrong is on the calendar, but outside the window every date form keeps to
		expect(errors(evaluationSchema, { ...ok, held_on: '1900-01-01' })).toEqual({
			held_on: 'date_out_of_range'
		});
	});

	it('need a reason to approve or decline', () => {
		const id = randomUUID();
		expect(errors(decisionSchema, { request_id: id, decision: 'decline', reason: ' ' })).toEqual({
			reason: 'coach_reason_required'
		});
		expect(errors(decisionSchema, { request_id: id, decision: 'maybe', reason: 'x' })).toEqual({
			decision: 'invalid_choice'
		});
		expect(errors(decisionSchema, { request_id: 'x', decision: 'approve', reason: 'x' })).toEqual({
			request_id: 'not_found'
		});
	});
});

forEachDriver('coach view', (t) => {
	let a: Org;
	let b: Org;
	let otherCoach: Member;
	let today: string;
	const team: Record<string, string> = {};
	let journeyId: string;
	let requestId: string;
	let requestCycle: string;

	const service = <T>(fn: (tx: Queryable) => Promise<T>) => t().db.asService(fn);
	const evaluationsOf = async (teamId: string) =>
		(
			await service((tx) =>
				tx.query<{ n: number }>('select count(*)::int as n from evaluation where team_id = $1', [
					teamId
				])
			)
		)[0].n;
	const names = (o: coach.CoachOverview) => o.teams.map((x) => x.name);

	beforeAll(async () => {
		useDb(t().db);
		({ a, b } = await createTwoOrgs(t().db, 'coach'));
		await service(async (tx) => {
			[{ today }] = await tx.query<{ today: string }>(
				`select (now() at time zone timezone)::date::text as today from organisation where id = $1`,
				[a.id]
			);
			const userId = randomUUID();
			const email = `coach2@${a.slug}.test`;
			await tx.query('insert into auth.users (id, email) values ($1, $2)', [userId, email]);
			const [p] = await tx.query<{ id: string }>(
				`insert into person (org_id, user_id, name, email, role)
				 values ($1, $2, 'Other coach', $3, 'coach') returning id`,
				[a.id, userId, email]
			);
			otherCoach = {
				personId: p.id,
				userId,
				email,
				role: 'coach',
				claims: claimsFor(userId, email)
			};
			const addTeam = async (org: Org, name: string, coachId: string, nextOn?: string) => {
				const [row] = await tx.query<{ id: string }>(
					`insert into team (org_id, name, coach_id, cadence_days) values ($1, $2, $3, 14)
					 returning id`,
					[org.id, name, coachId]
				);
				if (nextOn)
					await tx.query(
						`insert into evaluation (org_id, team_id, held_on, next_on, results, coach_id)
						 values ($1, $2, $3::date - 28, $3, 'earlier', $4)`,
						[org.id, row.id, nextOn, coachId]
					);
				team[name] = row.id;
			};
			// Named so that sorting by name would give another order than sorting by due date.
			await addTeam(a, 'Zeta', a.coach.personId, addDays(today, -10));
			await addTeam(a, 'Aardvark', a.coach.personId, addDays(today, 5));
			await addTeam(a, 'Gamma', p.id); // no evaluation yet: due one cadence after its start
			await addTeam(b, 'Elsewhere', b.coach.personId, addDays(today, -3));
			await tx.query(
				`insert into team_member (team_id, person_id, org_id, team_role) values ($1, $2, $3, 'lead')`,
				[team.Zeta, a.staff.personId, a.id]
			);
			[{ id: journeyId }] = await tx.query<{ id: string }>(
				`insert into journey (org_id, team_id, name) values ($1, $2, 'Melden') returning id`,
				[a.id, team.Zeta]
			);
		});
	});
	afterAll(() => useDb(undefined));

	describe('who sees which teams', () => {
		it('a coach sees only the teams they coach, overdue first, then by due date', async () => {
			const view = await coach.overview(a.coach.claims);
			expect(names(view)).toEqual(['Zeta', 'Aardvark']);
			expect(view.today).toBe(today);
			expect(view.teams[0]).toMatchObject({ dueOn: addDays(today, -10), daysLate: 10 });
			expect(view.teams[1]).toMatchObject({ dueOn: addDays(today, 5), daysLate: -5 });
		});

		it('an admin sees every team of the organisation, and no other organisation’s', async () => {
			const view = await coach.overview(a.admin.claims);
			expect(names(view)).toEqual(['Zeta', 'Aardvark', 'Gamma']);
			expect(view.teams[2].dueOn).toBe(addDays(today, 14));
		});

		it('staff see no teams, and may not open the page', async () => {
			expect(names(await coach.overview(a.staff.claims))).toEqual([]);
			expect(coach.mayCoach('staff')).toBe(false);
			expect(coach.mayCoach('coach') && coach.mayCoach('admin')).toBe(true);
			expect(await coach.teamPage(a.staff.claims, team.Zeta)).toEqual({
				ok: false,
				error: 'forbidden'
			});
		});

		it('a coach opens only their own team; another organisation’s team is not found', async () => {
			expect((await coach.teamPage(a.coach.claims, team.Zeta)).ok).toBe(true);
			expect(await coach.teamPage(otherCoach.claims, team.Zeta)).toEqual({
				ok: false,
				error: 'forbidden'
			});
			expect(await coach.teamPage(a.coach.claims, team.Elsewhere)).toEqual({
				ok: false,
				error: 'not_found'
			});
			expect(await coach.teamPage(a.admin.claims, randomUUID())).toEqual({
				ok: false,
				error: 'not_found'
			});
		});
	});

	describe('recording an evaluation', () => {
		const input = (heldOn: string, nextOn: string) => ({
			held_on: heldOn,
			results: 'Herhaalmeldingen 12% (was 27%)',
			blockers: 'Schrijfrechten planning',
			decisions: '',
			next_step: 'Volgende cyclus kiezen',
			next_on: nextOn
		});

		it('moves the team’s due date, and with it the order', async () => {
			const before = await evaluationsOf(team.Zeta);
			const result = await coach.recordEvaluation(
				a.coach.claims,
				team.Zeta,
				input(today, addDays(today, 21))
			);
			expect(result.ok).toBe(true);
			expect(await evaluationsOf(team.Zeta)).toBe(before + 1);
			const view = await coach.overview(a.coach.claims);
			expect(names(view)).toEqual(['Aardvark', 'Zeta']);
			expect(view.teams[1]).toMatchObject({ dueOn: addDays(today, 21), daysLate: -21 });

			const page = await coach.teamPage(a.coach.claims, team.Zeta);
			if (!page.ok) throw new Error(page.error);
			expect(page.page.evaluations.map((e) => e.heldOn)).toEqual([today, addDays(today, -38)]);
			expect(page.page.evaluations[0]).toMatchObject({
				results: 'Herhaalmeldingen 12% (was 27%)',
				nextStep: 'Volgende cyclus kiezen',
				coachName: `coach of ${a.slug}`
			});
		});

		it('refuses a next date that is not after the date held, storing nothing', async () => {
			const before = await evaluationsOf(team.Zeta);
			expect(await coach.recordEvaluation(a.coach.claims, team.Zeta, input(today, today))).toEqual({
				ok: false,
				error: 'coach_next_after_held'
			});
			expect(await evaluationsOf(team.Zeta)).toBe(before);
		});

		it('a member of the team (staff) cannot record one', async () => {
			const before = await evaluationsOf(team.Zeta);
			expect(
				await coach.recordEvaluation(a.staff.claims, team.Zeta, input(today, addDays(today, 7)))
			).toEqual({ ok: false, error: 'forbidden' });
			expect(await evaluationsOf(team.Zeta)).toBe(before);
		});

		it('the coach of another team cannot record one', async () => {
			const before = await evaluationsOf(team.Zeta);
			expect(
				await coach.recordEvaluation(otherCoach.claims, team.Zeta, input(today, addDays(today, 7)))
			).toEqual({ ok: false, error: 'forbidden' });
			expect(await evaluationsOf(team.Zeta)).toBe(before);
		});

		it('another organisation’s team id, or an unknown one, is not found', async () => {
			const before = await evaluationsOf(team.Elsewhere);
			for (const id of [team.Elsewhere, randomUUID()])
				expect(
					await coach.recordEvaluation(a.admin.claims, id, input(today, addDays(today, 7)))
				).toEqual({ ok: false, error: 'not_found' });
			expect(await evaluationsOf(team.Elsewhere)).toBe(before);
		});

		it('an admin may record one for any team of the organisation', async () => {
			const result = await coach.recordEvaluation(
				a.admin.claims,
				team.Gamma,
				input(today, addDays(today, 3))
			);
			expect(result.ok).toBe(true);
			const view = await coach.overview(a.admin.claims);
			expect(view.teams.find((x) => x.name === 'Gamma')?.dueOn).toBe(addDays(today, 3));
		});
	});

	describe('what needs the coach', () => {
		beforeAll(async () => {
			await service(async (tx) => {
				const cycle = (title: string, status: string, daysAgo: number) =>
					tx.query(
						`insert into improvement_cycle (org_id, team_id, title, status, updated_at)
						 values ($1, $2, $3, $4, now() - make_interval(days => $5))`,
						[a.id, team.Zeta, title, status, daysAgo]
					);
				await cycle('Oud idee', 'idea', 40);
				await cycle('Oud plan', 'plan', 31);
				await cycle('Vers idee', 'idea', 29);
				await cycle('Gestopt', 'abandoned', 90);
				const idea = (body: string, daysAgo: number, about: 'team' | 'journey' | null) =>
					tx.query<{ id: string }>(
						`insert into idea (id, org_id, submitter_id, body, team_id, journey_id, created_at)
						 values ($1, $2, $3, $4, $5, $6, now() - make_interval(days => $7)) returning id`,
						[
							randomUUID(),
							a.id,
							a.staff.personId,
							body,
							about ? team.Zeta : null,
							about === 'journey' ? journeyId : null,
							daysAgo
						]
					);
				await idea('Acht dagen oud', 8, 'team');
				await idea('Zes dagen oud', 6, 'team');
				await idea('Over de klantreis', 10, 'journey'); // the team set from its journey
				await idea('Zonder team', 9, null);
				await idea('Zonder team, vers', 3, null);
				const [reviewed] = await idea('Al bekeken', 20, 'team');
				await tx.query(
					`update idea set status = 'reviewing', status_reason = 'we kijken ernaar' where id = $1`,
					[reviewed.id]
				);
			});
		});

		it('names cycles in an active status unchanged for more than 30 days', async () => {
			const [zeta] = (await coach.overview(a.coach.claims)).teams.filter((x) => x.name === 'Zeta');
			expect(zeta.stagnant.map((c) => [c.title, c.status, c.days])).toEqual([
				['Oud idee', 'idea', 40],
				['Oud plan', 'plan', 31]
			]);
			expect(zeta.cycles).toEqual({ idea: 2, plan: 1, abandoned: 1 });
		});

		it('lists new ideas about the team older than 7 days, and counts those about no team', async () => {
			const view = await coach.overview(a.coach.claims);
			const zeta = view.teams.find((x) => x.name === 'Zeta')!;
			expect(zeta.ideas.map((i) => [i.body, i.days])).toEqual([
				['Over de klantreis', 10],
				['Acht dagen oud', 8]
			]);
			expect(view.teams.find((x) => x.name === 'Aardvark')!.ideas).toEqual([]);
			expect(view.ideasWithoutTeam).toBe(1);
			expect((await coach.overview(a.staff.claims)).ideasWithoutTeam).toBe(0);
		});
	});

	describe('deciding a request outside the mandate', () => {
		beforeAll(async () => {
			await service(async (tx) => {
				[{ id: requestCycle }] = await tx.query<{ id: string }>(
					`insert into improvement_cycle (org_id, team_id, title, status, baseline_from,
					   baseline_to, change_date, test_from, test_to)
					 values ($1, $2, 'Zaterdagronde', 'plan', '2026-01-05', '2026-06-29', '2026-07-06',
					   '2026-07-06', '2026-08-31') returning id`,
					[a.id, team.Zeta]
				);
				[{ id: requestId }] = await tx.query<{ id: string }>(
					`insert into decision_request (org_id, cycle_id, question, requested_by)
					 values ($1, $2, 'Mogen we een extra ronde inhuren?', $3) returning id`,
					[a.id, requestCycle, a.staff.personId]
				);
			});
		});
		const request = () =>
			service((tx) =>
				tx.query<{ status: string; reason: string | null; decided_by: string | null }>(
					'select status, reason, decided_by from decision_request where id = $1',
					[requestId]
				)
			).then(([r]) => r);

		it('shows the open request with its team', async () => {
			const zeta = (await coach.overview(a.coach.claims)).teams.find((x) => x.name === 'Zeta')!;
			expect(zeta.requests).toMatchObject([
				{ id: requestId, cycleTitle: 'Zaterdagronde', requestedByName: `staff of ${a.slug}` }
			]);
		});

		it('the coach of another team cannot decide it, nor anyone without a reason', async () => {
			expect(await decideRequest(otherCoach.claims, requestId, true, 'prima')).toEqual({
				ok: false,
				error: 'forbidden'
			});
			expect(await decideRequest(a.staff.claims, requestId, true, 'prima')).toEqual({
				ok: false,
				error: 'forbidden'
			});
			expect(await decideRequest(a.coach.claims, requestId, false, '  ')).toEqual({
				ok: false,
				error: 'cycle_reason_required'
			});
			expect(await decideRequest(b.coach.claims, requestId, true, 'prima')).toEqual({
				ok: false,
				error: 'not_found'
			});
			expect(await request()).toEqual({ status: 'open', reason: null, decided_by: null });
		});

		it('approving sets status, reason and who decided; then the team can start its test', async () => {
			expect(
				await decideRequest(a.coach.claims, requestId, true, 'Past binnen de begroting')
			).toEqual({ ok: true });
			expect(await request()).toEqual({
				status: 'approved',
				reason: 'Past binnen de begroting',
				decided_by: a.coach.personId
			});
			const zeta = (await coach.overview(a.coach.claims)).teams.find((x) => x.name === 'Zeta')!;
			expect(zeta.requests).toEqual([]);
			const page = await coach.teamPage(a.coach.claims, team.Zeta);
			if (!page.ok) throw new Error(page.error);
			expect(page.page.decided).toMatchObject([
				{ id: requestId, status: 'approved', reason: 'Past binnen de begroting' }
			]);
			// the team lead moves the cycle into test: covered by the approved request
			await t().db.asUser(a.staff.claims, (tx) =>
				tx.query(`update improvement_cycle set status = 'test' where id = $1`, [requestCycle])
			);
			expect(await decideRequest(a.coach.claims, requestId, false, 'toch niet')).toEqual({
				ok: false,
				error: 'cycle_request_decided'
			});
			expect((await request()).status).toBe('approved');
		});
	});
});
