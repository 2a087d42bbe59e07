/**
 * The team rules the database holds beyond its row policies (issue 15): only an admin appoints
 * a team's coach, and only a coach or an admin can be one; a lead changes the settings but never
 * the coach; four eyes on decision requests and mandates; a membership never moves to another
 * team; an evaluation stays with its team; an idea joins only a cycle of a team the triager
 * works on. Statement by statement, as each kind of user, on PGlite and on PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { claimsFor, createTwoOrgs, forEachDriver, type Org } from './test-helpers';
import type { Claims, Row } from './types';

forEachDriver('team rules in the database', (t) => {
	let a: Org;
	let kim: { personId: string; claims: Claims }; // lead of the team, organisation role staff
	let ids: Record<string, string>;

	const as = async (claims: Claims, sql: string, params: unknown[] = []) => {
		try {
			return { rows: await t().db.asUser(claims, (tx) => tx.query<Row>(sql, params)) };
		} catch (e) {
			return { error: (e as Error).message };
		}
	};
	const refused = async (claims: Claims, sql: string, params: unknown[] = []) => {
		const out = await as(claims, sql, params);
		if ('error' in out) expect(out.error).toMatch(/row-level security|permission denied/);
		else expect(out.rows).toEqual([]);
	};
	const allowed = async (claims: Claims, sql: string, params: unknown[] = []) => {
		const out = await as(claims, sql, params);
		expect(out).not.toHaveProperty('error');
		return 'rows' in out && out.rows ? out.rows : [];
	};
	const service = (sql: string, params: unknown[] = []) =>
		t().db.asService((tx) => tx.query<Row>(sql, params));
	const coachOf = async (team: string) =>
		(await service('select coach_id from team where id = $1', [team]))[0].coach_id;

	beforeAll(async () => {
		({ a } = await createTwoOrgs(t().db, 'rules'));
		const userId = randomUUID();
		ids = await t().db.asService(async (tx) => {
			const one = async (sql: string, params: unknown[]) =>
				(await tx.query<{ id: string }>(sql, params))[0].id;
			await tx.query('insert into auth.users (id, email) values ($1, $2)', [
				userId,
				`kim@${a.slug}.test`
			]);
			const kimId = await one(
				`insert into person (org_id, user_id, name, email, role) values ($1, $2, 'Kim', $3, 'staff') returning id`,
				[a.id, userId, `kim@${a.slug}.test`]
			);
			const team = await one(
				`insert into team (org_id, name, coach_id) values ($1, 'Afval', $2) returning id`,
				[a.id, a.coach.personId]
			);
			const other = await one(`insert into team (org_id, name) values ($1, 'Noord') returning id`, [
				a.id
			]);
			await tx.query(
				`insert into team_member (team_id, person_id, org_id, team_role) values ($1, $2, $3, 'lead'), ($1, $4, $3, 'member')`,
				[team, kimId, a.id, a.staff.personId]
			);
			const otherCycle = await one(
				`insert into improvement_cycle (org_id, team_id, title) values ($1, $2, 'Elders') returning id`,
				[a.id, other]
			);
			const cycle = await one(
				`insert into improvement_cycle (org_id, team_id, title) values ($1, $2, 'Sneller') returning id`,
				[a.id, team]
			);
			const evaluation = await one(
				`insert into evaluation (org_id, team_id, held_on, next_on, results) values ($1, $2, '2026-11-01', '2026-11-15', 'Goed') returning id`,
				[a.id, team]
			);
			const idea = randomUUID();
			await tx.query(
				`insert into idea (id, org_id, submitter_id, body, team_id) values ($1, $2, $3, 'Meer bakken', $4)`,
				[idea, a.id, a.staff.personId, team]
			);
			return { kim: kimId, team, other, cycle, otherCycle, evaluation, idea };
		});
		kim = { personId: ids.kim, claims: claimsFor(userId) };
	});

	it('lets a lead change the settings but never appoint a coach, herself least of all', async () => {
		await allowed(kim.claims, `update team set name = 'Afval & Buitenruimte' where id = $1`, [
			ids.team
		]);
		await refused(kim.claims, `update team set coach_id = $2 where id = $1 returning id`, [
			ids.team,
			kim.personId
		]);
		await refused(kim.claims, `update team set coach_id = null where id = $1 returning id`, [
			ids.team
		]);
		// the coach does not hand the team on either
		await refused(a.coach.claims, `update team set coach_id = $2 where id = $1 returning id`, [
			ids.team,
			a.admin.personId
		]);
		expect(await coachOf(ids.team)).toBe(a.coach.personId);
		// a team keeps its id
		await refused(kim.claims, `update team set id = $2 where id = $1 returning id`, [
			ids.team,
			randomUUID()
		]);
	});

	it('lets an admin appoint only a coach or an admin as coach; nobody appoints staff', async () => {
		await refused(a.admin.claims, `update team set coach_id = $2 where id = $1 returning id`, [
			ids.other,
			a.staff.personId
		]);
		await expect(
			service('update team set coach_id = $2 where id = $1', [ids.other, kim.personId])
		).rejects.toThrow(/permission denied/);
		expect(await coachOf(ids.other)).toBeNull();
		await allowed(a.admin.claims, `update team set coach_id = $2 where id = $1`, [
			ids.other,
			a.coach.personId
		]);
		expect(await coachOf(ids.other)).toBe(a.coach.personId);
		await allowed(a.admin.claims, `update team set coach_id = null where id = $1`, [ids.other]);
		// a coach creating a team names only themselves (or nobody)
		await allowed(a.coach.claims, `insert into team (org_id, name) values ($1, 'Oost')`, [a.id]);
		await refused(
			a.coach.claims,
			`insert into team (org_id, name, coach_id) values ($1, 'Zuid', $2) returning id`,
			[a.id, a.admin.personId]
		);
		await allowed(
			a.coach.claims,
			`insert into team (org_id, name, coach_id) values ($1, 'Zuid', $2)`,
			[a.id, a.coach.personId]
		);
	});

	it('trusts team.coach_id only while that person is a coach or an admin', async () => {
		const isCoach = async () =>
			(await allowed(a.coach.claims, 'select private.is_team_coach($1) as c', [ids.team]))[0].c;
		expect(await isCoach()).toBe(true);
		await service(`update person set role = 'staff' where id = $1`, [a.coach.personId]);
		try {
			expect(await isCoach()).toBe(false);
		} finally {
			await service(`update person set role = 'coach' where id = $1`, [a.coach.personId]);
		}
	});

	it('has four eyes on decisions: nobody decides a request they raised', async () => {
		const [{ id }] = await allowed(
			a.coach.claims,
			`insert into decision_request (org_id, cycle_id, question) values ($1, $2, 'Mag het?') returning id`,
			[a.id, ids.cycle]
		);
		await refused(
			a.coach.claims,
			`update decision_request set status = 'approved', reason = 'ja' where id = $1 returning id`,
			[id]
		);
		expect(
			await allowed(a.admin.claims, 'select status from decision_request where id = $1', [id])
		).toEqual([{ status: 'open' }]);
		expect(
			await allowed(
				a.admin.claims,
				`update decision_request set status = 'approved', reason = 'ja' where id = $1 returning decided_by`,
				[id]
			)
		).toEqual([{ decided_by: a.admin.personId }]);
	});

	it('has four eyes on mandates: nobody approves a version they drafted', async () => {
		const [{ id }] = await allowed(
			a.coach.claims,
			`insert into mandate (org_id, team_id, decision_rights, budget_limit) values ($1, $2, '{Alles}', 1000000) returning id`,
			[a.id, ids.team]
		);
		await refused(
			a.coach.claims,
			`update mandate set approved_on = '2026-11-20' where id = $1 returning id`,
			[id]
		);
		expect(
			await allowed(
				a.admin.claims,
				`update mandate set approved_on = '2026-11-20' where id = $1 returning approved_by`,
				[id]
			)
		).toEqual([{ approved_by: a.admin.personId }]);
	});

	it('never moves a membership to another team or person', async () => {
		await refused(
			kim.claims,
			`update team_member set team_id = $2 where team_id = $1 and person_id = $3 returning team_id`,
			[ids.team, ids.other, kim.personId]
		);
		await refused(
			kim.claims,
			`update team_member set person_id = $3 where team_id = $1 and person_id = $2 returning team_id`,
			[ids.team, a.staff.personId, a.admin.personId]
		);
		expect(
			await allowed(
				kim.claims,
				`update team_member set team_role = 'expert' where team_id = $1 and person_id = $2 returning team_id`,
				[ids.team, a.staff.personId]
			)
		).toHaveLength(1);
		expect(
			await service('select team_id from team_member where person_id = $1', [kim.personId])
		).toEqual([{ team_id: ids.team }]);
	});

	it('keeps an evaluation with the team whose coach wrote it', async () => {
		// no returning clause: the read policy alone would refuse that one
		await refused(a.coach.claims, `update evaluation set team_id = $2 where id = $1`, [
			ids.evaluation,
			ids.other
		]);
		expect(await service('select team_id from evaluation where id = $1', [ids.evaluation])).toEqual(
			[{ team_id: ids.team }]
		);
		await allowed(a.coach.claims, `update evaluation set results = 'Beter' where id = $1`, [
			ids.evaluation
		]);
	});

	it('lets triage attach an idea only to a cycle of a team the triager works on', async () => {
		await refused(
			a.staff.claims,
			`update idea set status = 'in_cycle', status_reason = 'x', team_id = $2, cycle_id = $3
			  where id = $1 returning id`,
			[ids.idea, ids.other, ids.otherCycle]
		);
		expect(await service('select cycle_id from idea where id = $1', [ids.idea])).toEqual([
			{ cycle_id: null }
		]);
		await allowed(
			a.staff.claims,
			`update idea set status = 'in_cycle', status_reason = 'x', cycle_id = $2 where id = $1`,
			[ids.idea, ids.cycle]
		);
	});
});
