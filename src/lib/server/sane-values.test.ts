/**
 * Odd dates and numbers never break a page (issue 15, findings 5 and 10), on PGlite and on
 * PostgreSQL: every date column a person writes holds only dates in [1990-01-01, 2100-01-01);
 * the mandate budget's schema maximum is the column's; and a cycle already stored with a
 * baseline in year 0001 or 1000 (from before the constraints) leaves the board and the cycle
 * page working, flagged as out of range.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { useDb } from './db';
import { sqlState } from './db/errors';
import { createOrg, forEachDriver, type Org } from './db/test-helpers';
import type { Queryable } from './db/types';
import * as cycles from './cycles';
import { effectOf, teamSignals } from './figures/cycle-effect';
import * as teams from './teams';
import { BUDGET_MAX } from '$lib/schemas/teams';

/** One write per date column, setting it to $1; $2 … are the ids that `ids` names. */
const WRITES: Record<string, [sql: string, ids?: ('org' | 'team' | 'cycle' | 'draft')[]]> = {
	'improvement_cycle.baseline_from': [
		`insert into improvement_cycle (org_id, team_id, title, baseline_from) values ($2, $3, 't', $1)`
	],
	'improvement_cycle.baseline_to': [
		`insert into improvement_cycle (org_id, team_id, title, baseline_to) values ($2, $3, 't', $1)`
	],
	'improvement_cycle.change_date': [
		`insert into improvement_cycle (org_id, team_id, title, change_date) values ($2, $3, 't', $1)`
	],
	'improvement_cycle.test_from': [
		`insert into improvement_cycle (org_id, team_id, title, test_from) values ($2, $3, 't', $1)`
	],
	'improvement_cycle.test_to': [
		`insert into improvement_cycle (org_id, team_id, title, test_to) values ($2, $3, 't', $1)`
	],
	// rebased_on must not precede the change date: the change date is the earliest date taken
	'improvement_cycle.rebased_on': [
		`insert into improvement_cycle (org_id, team_id, title, change_date, rebased_on) values ($2, $3, 't', least($1::date, '1990-01-01'), $1)`
	],
	'cycle_action.due_on': [
		`insert into cycle_action (org_id, cycle_id, who, what, due_on) values ($2, $3, 'Kim', 'Bellen', $1)`,
		['org', 'cycle']
	],
	'mandate.review_date': [
		`insert into mandate (org_id, team_id, decision_rights, review_date) values ($2, $3, '{x}', $1)`
	],
	// a new pair of departments each time (versions of one pair must start later and later)
	'service_agreement.valid_from': [
		`with a as (insert into department (org_id, name, kind) values ($2, 'A ' || gen_random_uuid(), 'back_office') returning id),
		      b as (insert into department (org_id, name, kind) values ($2, 'B ' || gen_random_uuid(), 'back_office') returning id)
		 insert into service_agreement (org_id, from_department_id, to_department_id, limit_value, unit, valid_from)
		 select $2, a.id, b.id, 1, 'working_days', $1 from a, b`,
		['org']
	],
	'mandate.approved_on': [`update mandate set approved_on = $1 where id = $2`, ['draft']],
	// next_on must come after held_on: the other one is a day off
	'evaluation.held_on': [
		`insert into evaluation (org_id, team_id, held_on, next_on) values ($2, $3, $1, $1::date + 1)`
	],
	'evaluation.next_on': [
		`insert into evaluation (org_id, team_id, held_on, next_on) values ($2, $3, $1::date - 1, $1)`
	]
};

forEachDriver('sane values', (t) => {
	let org: Org;
	let team: string;
	let cycle: string;
	let draft: string;

	beforeAll(async () => {
		useDb(t().db);
		org = await createOrg(t().db, `sane-${randomBytes(3).toString('hex')}`);
		await t().db.asService(async (tx) => {
			[{ id: team }] = await tx.query<{ id: string }>(
				`insert into team (org_id, name) values ($1, 'Afval') returning id`,
				[org.id]
			);
			[{ id: cycle }] = await tx.query<{ id: string }>(
				`insert into improvement_cycle (org_id, team_id, title) values ($1, $2, 'C') returning id`,
				[org.id, team]
			);
		});
	});
	afterAll(() => useDb(undefined));

	/** A fresh unapproved mandate draft (approving one uses it up). */
	const newDraft = () =>
		t().db.asService(async (tx) => {
			[{ id: draft }] = await tx.query<{ id: string }>(
				`insert into mandate (org_id, team_id, decision_rights) values ($1, $2, '{x}') returning id`,
				[org.id, team]
			);
		});
	const write = async (column: string, value: string) => {
		if (column === 'mandate.approved_on') await newDraft();
		const [sql, ids] = WRITES[column];
		const id = { org: org.id, team, cycle, draft };
		const params = [value, ...(ids ?? (['org', 'team'] as const)).map((k) => id[k])];
		try {
			await t().db.asService((tx) => tx.query(sql, params));
			return 'stored';
		} catch (e) {
			return sqlState(e) === '23514' && /_in_range/.test((e as Error).message)
				? 'out of range'
				: (e as Error).message;
		}
	};

	it('constrains every date column of the public tables', async () => {
		const columns = await t().db.asService((tx) =>
			tx.query<{ c: string }>(
				`select c.table_name || '.' || c.column_name as c
				   from information_schema.columns c
				   join information_schema.tables t using (table_schema, table_name)
				  where c.table_schema = 'public' and c.data_type = 'date' and t.table_type = 'BASE TABLE'
				    -- derived by triggers from report's timestamps; nobody writes it
				    and c.table_name not in ('case_fact', 'handoff_fact')
				  order by 1`
			)
		);
		expect(columns.map((r) => r.c)).toEqual(Object.keys(WRITES).sort());
	});

	it('refuses year 0001 and 2200 on each date column, and takes 1990 to 2099', async () => {
		// (the days just inside leave room for an evaluation's other date a day off)
		for (const column of Object.keys(WRITES)) {
			expect(await write(column, '0001-01-01'), `${column} 0001`).toBe('out of range');
			expect(await write(column, '1989-12-31'), `${column} 1989`).toBe('out of range');
			expect(await write(column, '2200-01-01'), `${column} 2200`).toBe('out of range');
			expect(await write(column, '2100-01-01'), `${column} 2100`).toBe('out of range');
			expect(await write(column, '1990-01-02'), `${column} 1990`).toBe('stored');
			expect(await write(column, '2099-12-30'), `${column} 2099`).toBe('stored');
		}
	});

	it("gives the mandate budget the column's maximum, no more", async () => {
		const [col] = await t().db.asService((tx) =>
			tx.query<{ precision: number; scale: number }>(
				`select numeric_precision as precision, numeric_scale as scale
				   from information_schema.columns
				  where table_schema = 'public' and table_name = 'mandate' and column_name = 'budget_limit'`
			)
		);
		expect(BUDGET_MAX).toBe(10 ** (col.precision - col.scale) - 10 ** -col.scale);
		const draftWith = (budgetLimit: number) =>
			teams.draftMandate(org.admin.claims, team, {
				decisionRights: ['x'],
				boundaries: [],
				budgetLimit,
				escalationContact: '',
				note: ''
			});
		expect(await draftWith(BUDGET_MAX)).toMatchObject({ ok: true });
		// one cent more is what the schema refuses; the column cannot hold it either
		await expect(draftWith(BUDGET_MAX + 0.01)).rejects.toThrow(/overflow/);
	});

	it('keeps the board and the cycle page working with a cycle stored in year 0001 or 1000', async () => {
		// rows from before the constraints: written with the constraints off, which are then put
		// back as the migration adds them (not valid), over the odd rows
		const odd = await t().owner.transaction(async (tx: Queryable) => {
			await tx.exec(`alter table improvement_cycle
				drop constraint improvement_cycle_baseline_from_in_range,
				drop constraint improvement_cycle_baseline_to_in_range`);
			const rows = await tx.query<{ id: string }>(
				`insert into improvement_cycle (org_id, team_id, title, baseline_from, baseline_to)
				 values ($1, $2, 'Jaar 1', '0001-01-01', '0001-02-01'),
				        ($1, $2, 'Jaar 1000', '1000-01-01', '1000-02-01')
				 returning id`,
				[org.id, team]
			);
			await tx.exec(`alter table improvement_cycle
				add constraint improvement_cycle_baseline_from_in_range
				  check (baseline_from >= date '1990-01-01' and baseline_from < date '2100-01-01') not valid,
				add constraint improvement_cycle_baseline_to_in_range
				  check (baseline_to >= date '1990-01-01' and baseline_to < date '2100-01-01') not valid`);
			return rows.map((r) => r.id);
		});
		// a sound cycle with data on the same board
		const sound = await t().db.asService(async (tx) => {
			for (let week = 0; week < 10; week++)
				await tx.query(
					`insert into report (org_id, source, external_id, received_at)
					 values ($1, 'test', $2, $3::timestamptz + make_interval(weeks => $4))`,
					[org.id, `sane-${week}`, '2025-01-08T10:00:00Z', week]
				);
			const [{ id }] = await tx.query<{ id: string }>(
				`insert into improvement_cycle (org_id, team_id, title, baseline_from, baseline_to)
				 values ($1, $2, 'Goed', '2025-01-06', '2025-02-16') returning id`,
				[org.id, team]
			);
			return id;
		});

		const claims = org.admin.claims;
		// the board
		expect((await cycles.list(claims, team)).map((c) => c.title)).toEqual(
			expect.arrayContaining(['Jaar 1', 'Jaar 1000', 'Goed'])
		);
		const signals = await teamSignals(claims, team);
		expect(signals[odd[0]].signal).toBe('out_of_range');
		expect(signals[odd[1]].signal).toBe('out_of_range');
		// a sound cycle has its chart; in idea it claims no signal yet (and has no goal)
		expect(signals[sound]).toEqual({ signal: null, assurance: null });
		// the cycle page
		for (const id of odd) {
			const c = await cycles.get(claims, team, id);
			expect(c?.baselineFrom).toMatch(/^0001|^1000/);
			await cycles.details(claims, c!);
			expect(await effectOf(claims, id)).toEqual({ state: 'out_of_range' });
		}
		expect(await effectOf(claims, sound)).toMatchObject({ state: 'ok' });
		// the team corrects the dates in its form; a change that keeps them is refused with a message
		expect(
			await cycles.addAction(claims, odd[0], { who: 'Kim', what: 'Bellen', dueOn: null })
		).toEqual({ ok: false, error: 'date_out_of_range' });
		const fix = await cycles.update(claims, odd[0], {
			title: 'Jaar 1',
			problem: '',
			hypothesis: '',
			metric: 'repeat_rate',
			better: 'lower',
			scopeCategoryId: null,
			scopeTouchpointId: null,
			scopeChannel: null,
			baselineFrom: '2025-01-06',
			baselineTo: '2025-02-16',
			changeDate: null,
			testFrom: null,
			testTo: null,
			expectedCost: null,
			goal: null,
			touchesBoundary: false,
			boundary: null,
			nextStep: '',
			learnings: ''
		});
		expect(fix).toEqual({ ok: true });
		expect(await effectOf(claims, odd[0])).toMatchObject({ state: 'ok' });
	});
});
