/**
 * The mandate gate and frozen cycles in the database (issue 11, section 2), statement by
 * statement as each kind of user, on PGlite and on PostgreSQL:
 * - while the cycle's latest decision request is open or declined, no self-declared right starts
 *   the test; a cost over the mandate's budget limit or a change that touches a boundary needs
 *   an approved request, whoever presses the button (member, coach, admin);
 * - an adopted, adapted or abandoned cycle keeps its plan, its actions and its existence; a
 *   correction needs a new reason and lands in the audit trail;
 * - an evaluation's effects snapshot never changes after it is recorded.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { claimsFor, createTwoOrgs, forEachDriver, type Org } from './test-helpers';
import type { Claims, Row } from './types';

const WINDOWS = `baseline_from = '2025-09-01', baseline_to = '2025-10-27', change_date = '2025-11-03',
  test_from = '2025-11-03', test_to = '2025-12-29'`;
const RIGHT = 'Werkinstructies KCC wijzigen';

forEachDriver('the mandate gate and frozen cycles', (t) => {
	let a: Org;
	let kim: Claims; // member (lead) of the team, organisation role staff
	let teamId: string;
	let mandateId: string;

	const as = async (claims: Claims, sql: string, params: unknown[] = []) => {
		try {
			return { rows: await t().db.asUser(claims, (tx) => tx.query<Row>(sql, params)) };
		} catch (e) {
			return { error: (e as Error).message };
		}
	};
	const service = (sql: string, params: unknown[] = []) =>
		t().db.asService((tx) => tx.query<Row>(sql, params));
	const refusedWith = async (key: string, claims: Claims, sql: string, params: unknown[] = []) => {
		const out = await as(claims, sql, params);
		expect(out).toHaveProperty('error');
		expect((out as { error: string }).error).toContain(key);
	};
	const allowed = async (claims: Claims, sql: string, params: unknown[] = []) => {
		const out = await as(claims, sql, params);
		expect(out).not.toHaveProperty('error');
		return (out as { rows: Row[] }).rows;
	};

	/** A cycle in plan with its windows, optionally with a cost and a boundary. */
	const planned = async (extra = '') => {
		const [row] = await service(
			`insert into improvement_cycle (org_id, team_id, title, status) values ($1, $2, 'Proef', 'plan')
			 returning id`,
			[a.id, teamId]
		);
		await service(`update improvement_cycle set ${WINDOWS} ${extra} where id = $1`, [row.id]);
		return row.id as string;
	};
	const startWithRight = (claims: Claims, cycle: string) =>
		as(
			claims,
			`update improvement_cycle set status = 'test', mandate_id = $2, mandate_right = $3
			  where id = $1 returning id`,
			[cycle, mandateId, RIGHT]
		);
	const startWithoutRight = (claims: Claims, cycle: string) =>
		as(claims, `update improvement_cycle set status = 'test' where id = $1 returning id`, [cycle]);
	const request = async (cycle: string, decision?: 'approved' | 'declined') => {
		const [r] = await allowed(
			kim,
			`insert into decision_request (org_id, cycle_id, question) values ($1, $2, 'Mag het?') returning id`,
			[a.id, cycle]
		);
		if (decision)
			await allowed(
				a.coach.claims,
				`update decision_request set status = $2, reason = 'Besproken' where id = $1 returning id`,
				[r.id, decision]
			);
		return r.id as string;
	};

	beforeAll(async () => {
		({ a } = await createTwoOrgs(t().db, 'gate'));
		const userId = randomUUID();
		kim = claimsFor(userId, `kim@${a.slug}.test`);
		await t().db.asService(async (tx) => {
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
			teamId = await one(
				`insert into team (org_id, name, coach_id) values ($1, 'Afval', $2) returning id`,
				[a.id, a.coach.personId]
			);
			await tx.query(
				`insert into team_member (team_id, person_id, org_id, team_role) values ($1, $2, $3, 'lead')`,
				[teamId, kimId, a.id]
			);
			mandateId = await one(
				`insert into mandate (org_id, team_id, decision_rights, boundaries, budget_limit)
				 values ($1, $2, $3, '{"Geen extra personeel"}', 5000) returning id`,
				[a.id, teamId, [RIGHT]]
			);
			await tx.query(`update mandate set approved_on = '2025-06-01' where id = $1`, [mandateId]);
		});
	});

	describe('going to test', () => {
		it('starts with a right of the mandate in force when the cost is within budget', async () => {
			const cycle = await planned(', expected_cost = 5000');
			expect((await startWithRight(kim, cycle)).rows).toHaveLength(1);
		});

		it('refuses a self-declared right while a request is open, to member, coach and admin', async () => {
			const cycle = await planned();
			await request(cycle);
			for (const who of [kim, a.coach.claims, a.admin.claims]) {
				expect((await startWithRight(who, cycle)).error).toContain('cycle_request_pending');
			}
		});

		it('refuses a self-declared right after the coach declined, until a new request is approved', async () => {
			const cycle = await planned();
			await request(cycle, 'declined');
			expect((await startWithRight(kim, cycle)).error).toContain('cycle_request_declined');
			expect((await startWithRight(a.admin.claims, cycle)).error).toContain(
				'cycle_request_declined'
			);
			await request(cycle, 'approved');
			expect((await startWithoutRight(kim, cycle)).rows).toHaveLength(1);
		});

		it('refuses a cost over the budget limit with any right, until the coach approves', async () => {
			const cycle = await planned(', expected_cost = 7500');
			for (const who of [kim, a.coach.claims, a.admin.claims]) {
				expect((await startWithRight(who, cycle)).error).toContain('cycle_over_budget');
			}
			await request(cycle, 'approved');
			expect((await startWithRight(kim, cycle)).rows).toHaveLength(1);
		});

		it('refuses a change that touches a boundary, until the coach approves', async () => {
			const cycle = await planned(`, touches_boundary = true, boundary = 'Geen extra personeel'`);
			expect((await startWithRight(kim, cycle)).error).toContain('cycle_touches_boundary');
			expect((await startWithRight(a.coach.claims, cycle)).error).toContain(
				'cycle_touches_boundary'
			);
			await request(cycle, 'approved');
			expect((await startWithRight(kim, cycle)).rows).toHaveLength(1);
		});

		it('wants the boundary named when a change touches one', async () => {
			const cycle = await planned();
			await refusedWith(
				'cycle_boundary_named',
				kim,
				`update improvement_cycle set touches_boundary = true where id = $1`,
				[cycle]
			);
		});

		it('refuses a right of a mandate version that is not in force (a draft)', async () => {
			const [older] = await service(
				`insert into mandate (org_id, team_id, decision_rights, budget_limit) values ($1, $2, '{"Oud recht"}', 0)
				 returning id`,
				[a.id, teamId]
			);
			const cycle = await planned();
			await refusedWith(
				'cycle_outside_mandate',
				kim,
				`update improvement_cycle set status = 'test', mandate_id = $2, mandate_right = 'Oud recht' where id = $1`,
				[cycle, older.id]
			);
			await service(`delete from mandate where id = $1`, [older.id]);
		});
	});

	describe('a finished cycle', () => {
		let adopted: string;

		beforeAll(async () => {
			adopted = await planned();
			await startWithRight(kim, adopted);
			for (const to of ['evaluate', 'adopted'])
				await allowed(kim, `update improvement_cycle set status = $2 where id = $1 returning id`, [
					adopted,
					to
				]);
			await service(
				`insert into cycle_action (org_id, cycle_id, who, what) values ($1, $2, 'Kim', 'Bellen')`,
				[a.id, adopted]
			);
		});

		it('keeps its plan for member, coach and admin', async () => {
			for (const [who, sql] of [
				[kim, `update improvement_cycle set hypothesis = 'Anders' where id = $1`],
				[a.coach.claims, `update improvement_cycle set change_date = '2025-11-10' where id = $1`],
				[a.admin.claims, `update improvement_cycle set metric = 'lead_p85' where id = $1`],
				[kim, `update improvement_cycle set learnings = 'Herschreven' where id = $1`],
				[kim, `update improvement_cycle set scope_channel = 'telefoon' where id = $1`]
			] as const) {
				await refusedWith('cycle_frozen', who, sql, [adopted]);
			}
			const [row] = await service(
				'select hypothesis, metric from improvement_cycle where id = $1',
				[adopted]
			);
			expect(row).toEqual({ hypothesis: '', metric: 'repeat_rate' });
		});

		it('keeps its goal for member, coach and admin, and takes a goal correction with a reason', async () => {
			const open = await planned();
			await allowed(kim, `update improvement_cycle set goal = 0.2 where id = $1 returning id`, [
				open
			]);
			const done = await planned();
			await startWithRight(kim, done);
			for (const to of ['evaluate', 'adopted'])
				await allowed(kim, `update improvement_cycle set status = $2 where id = $1 returning id`, [
					done,
					to
				]);
			for (const who of [kim, a.coach.claims, a.admin.claims])
				await refusedWith(
					'cycle_frozen',
					who,
					`update improvement_cycle set goal = 0.1 where id = $1`,
					[done]
				);
			const [before] = await service('select goal from improvement_cycle where id = $1', [done]);
			expect(before.goal).toBeNull();
			await allowed(
				kim,
				`update improvement_cycle set goal = 0.15, correction = 'Doel vergeten' where id = $1 returning id`,
				[done]
			);
			await refusedWith(
				'cycle_frozen',
				kim,
				`update improvement_cycle set goal = null where id = $1`,
				[done]
			);
			const [after] = await service('select goal from improvement_cycle where id = $1', [done]);
			expect(after.goal).toBe(0.15);
			await refusedWith('', kim, `update improvement_cycle set goal = -1 where id = $1`, [open]);
		});

		it('keeps its actions and itself', async () => {
			await refusedWith(
				'cycle_frozen',
				kim,
				`insert into cycle_action (org_id, cycle_id, who, what) values ($1, $2, 'Kim', 'Nog iets')`,
				[a.id, adopted]
			);
			await refusedWith(
				'cycle_frozen',
				kim,
				`update cycle_action set done = true where cycle_id = $1`,
				[adopted]
			);
			await refusedWith('cycle_frozen', kim, `delete from cycle_action where cycle_id = $1`, [
				adopted
			]);
			await refusedWith(
				'cycle_frozen',
				a.admin.claims,
				`delete from improvement_cycle where id = $1`,
				[adopted]
			);
		});

		it('still lets the team rebase its limits and change its next step', async () => {
			await allowed(
				kim,
				`update improvement_cycle set rebased_on = change_date, next_step = 'Delen' where id = $1 returning id`,
				[adopted]
			);
		});

		it('takes a correction only with a new reason, and records it in the audit trail', async () => {
			const fix = `update improvement_cycle set learnings = 'Gecorrigeerd', correction = $2 where id = $1`;
			await refusedWith('cycle_frozen', kim, fix, [adopted, '  ']);
			await allowed(kim, fix, [adopted, 'Tikfout in de lessen']);
			await refusedWith(
				'cycle_frozen',
				kim,
				`update improvement_cycle set learnings = 'Nog eens', correction = 'Tikfout in de lessen' where id = $1`,
				[adopted]
			);
			const trail = await allowed(
				kim,
				`select changes from audit where entity_id = $1 and action = 'update' and changes ? 'correction' order by id`,
				[adopted]
			);
			expect(trail.map((r) => r.changes)).toEqual([
				{ learnings: 'Gecorrigeerd', correction: 'Tikfout in de lessen' }
			]);
		});

		it('freezes adapted and abandoned cycles too', async () => {
			for (const status of ['adapted', 'abandoned']) {
				const cycle = await planned();
				await startWithRight(kim, cycle);
				await service(`update improvement_cycle set status = $2 where id = $1`, [cycle, status]);
				await refusedWith(
					'cycle_frozen',
					kim,
					`update improvement_cycle set problem = 'Anders' where id = $1`,
					[cycle]
				);
			}
		});

		it('does not stop the team from being removed with its cycles', async () => {
			const [team] = await service(
				`insert into team (org_id, name) values ($1, 'Tijdelijk') returning id`,
				[a.id]
			);
			await service(
				`insert into improvement_cycle (org_id, team_id, title, status) values ($1, $2, 'Oud', 'abandoned')`,
				[a.id, team.id]
			);
			await allowed(a.admin.claims, `delete from team where id = $1 returning id`, [team.id]);
		});
	});

	it('keeps the effects an evaluation recorded, whatever the coach edits later', async () => {
		const effects = [{ cycleId: randomUUID(), metric: 'repeat_rate', before: 0.27, after: 0.13 }];
		const [e] = await allowed(
			a.coach.claims,
			`insert into evaluation (org_id, team_id, next_on, results, effects)
			 values ($1, $2, current_date + 14, 'Goed', $3) returning id`,
			[a.id, teamId, JSON.stringify(effects)]
		);
		await allowed(
			a.coach.claims,
			`update evaluation set results = 'Beter', effects = '[]' where id = $1 returning id`,
			[e.id]
		);
		const [row] = await service('select results, effects from evaluation where id = $1', [e.id]);
		expect(row).toEqual({ results: 'Beter', effects });
	});
});
