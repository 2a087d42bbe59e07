/**
 * public.handoff_fact (supabase/migrations/20261205010000_handoff_facts.sql): public.handoff_waits
 * now reads per-handoff facts kept by the database instead of unnesting report_flow on every
 * call. Its rows must equal, column for column, what the computation straight from report_flow
 * gave (REFERENCE: the definition of 20261204220000_silence_cold.sql, written out here) — with a
 * period, categories, no organisation, as a reader under row level security — after every kind
 * of change: events added to a case later (new handoffs in the middle), events removed or moved
 * to another department, a case moved to another category, a case removed, the organisation's
 * zone changed, an import that refreshes the facts itself (koers.importing on), a batch still
 * loading. On PGlite and on PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { createTwoOrgs, forEachDriver, type Org } from '../db/test-helpers';
import type { Claims, Queryable, Row } from '../db/types';

const COLUMNS = `report_id, from_department, to_department, left_at, arrived_at, week, wait_hours,
  wait_working_days, agreement_id, from_department_id, to_department_id, limit_value, unit, within`;
const ARGS = '$1::timestamptz, $2::timestamptz, $3::uuid[], $4::uuid';
const ORDER = `order by report_id, arrived_at, left_at, from_department, to_department`;

/** The handoff waits computed from report_flow on every call, as before the facts. */
const REFERENCE = `
  with version as materialized (
    select s.id, s.org_id, fd.name as from_name, td.name as to_name, s.from_department_id,
      s.to_department_id, s.limit_value, s.unit, s.valid_from,
      lead(s.valid_from) over (partition by s.from_department_id, s.to_department_id
                               order by s.valid_from) as valid_to
    from public.service_agreement s
    join public.department fd on fd.id = s.from_department_id
    join public.department td on td.id = s.to_department_id
    where $4::uuid is null or s.org_id = $4
  ),
  handoff as (
    select w.report_id, w.org_id, h.prev_dept, h.dept, h.prev_at, h.occurred_at,
      h.prev_at at time zone o.timezone as left_local,
      h.occurred_at at time zone o.timezone as arrived_local
    from public.report_flow w
    join public.report r on r.id = w.report_id
    join public.organisation o on o.id = w.org_id
    cross join lateral unnest(w.handoff_from, w.handoff_to, w.handoff_left, w.handoff_arrived)
      as h (prev_dept, dept, prev_at, occurred_at)
    where w.handoffs > 0
      and ($4::uuid is null or w.org_id = $4)
      and ($3::uuid[] is null or r.category_id = any ($3))
      and ($1::timestamptz is null or h.occurred_at >= $1)
      and ($2::timestamptz is null or h.occurred_at < $2)
  )
  select h.report_id, h.prev_dept as from_department, h.dept as to_department,
    h.prev_at as left_at, h.occurred_at as arrived_at,
    date_trunc('week', h.arrived_local)::date as week,
    extract(epoch from h.occurred_at - h.prev_at)::float8 / 3600 as wait_hours,
    private.working_days(h.left_local::date, h.arrived_local::date) as wait_working_days,
    v.id as agreement_id, v.from_department_id, v.to_department_id,
    v.limit_value::float8 as limit_value, v.unit,
    case
      when v.id is null then null
      when v.unit = 'hours' then extract(epoch from h.occurred_at - h.prev_at)::float8 / 3600
        <= v.limit_value
      else private.working_days(h.left_local::date, h.arrived_local::date) <= v.limit_value
    end as within
  from handoff h
  left join version v on v.org_id = h.org_id and v.from_name = h.prev_dept
    and v.to_name = h.dept and v.valid_from <= h.left_local::date
    and (v.valid_to is null or h.left_local::date < v.valid_to)`;

type Filter = [
	from: string | null,
	to: string | null,
	categories: string[] | null,
	org: string | null
];

async function both(tx: Queryable, f: Filter) {
	const actual = await tx.query<Row>(
		`select ${COLUMNS} from public.handoff_waits(${ARGS}) ${ORDER}`,
		f
	);
	const expected = await tx.query<Row>(`select ${COLUMNS} from (${REFERENCE}) x ${ORDER}`, f);
	return { actual, expected };
}

forEachDriver('handoff facts', (t) => {
	let a: Org;
	let b: Org;
	let cats: string[];
	const svc = <T>(fn: (tx: Queryable) => Promise<T>) => t().db.asService(fn);
	const as = <T>(claims: Claims, fn: (tx: Queryable) => Promise<T>) => t().db.asUser(claims, fn);

	/** Cases `prefix`1..n over 2026 (both DST changes, holidays), 2–7 events each, with ties. */
	async function load(tx: Queryable, orgId: string, prefix: string, n: number, batch?: string) {
		await tx.query(
			`insert into report (org_id, source, external_id, category_id, received_at, batch_id)
			 select $1, 'hf', $2 || i, ($3::uuid[])[1 + i % 3],
			   timestamptz '2026-01-02 07:30Z' + (i * 37 % 360) * interval '1 day'
			     + (i % 13) * interval '97 minutes', $5
			 from generate_series(1, $4::integer) as g (i)`,
			[orgId, prefix, cats, n, batch ?? null]
		);
		await tx.query(
			`insert into report_event (org_id, report_id, occurred_at, activity, department, seq)
			 select r.org_id, r.id,
			   -- events k = 2j and 2j + 1 share a moment (a tie kept in seq order)
			   r.received_at + (k / 2) * ((x.i * 7 + (k / 2) * 3) % 53 + 1) * interval '1 hour',
			   'Stap ' || k,
			   (array['KCC', ' Afval ', 'Wijkbeheer', null, '', 'Afval', 'KCC'])[1 + (x.i * 3 + k * 5) % 7],
			   k
			 from report r
			 cross join lateral (select substring(r.external_id from '[0-9]+$')::integer as i) x
			 cross join lateral generate_series(1, 2 + x.i % 6) as g (k)
			 where r.org_id = $1 and r.external_id like $2 || '%'`,
			[orgId, prefix]
		);
	}

	/** handoff_waits equals the reference for every filter, as the service and as a coach. */
	async function expectEqual(claims: Claims = a.coach.claims) {
		const filters: Filter[] = [
			[null, null, null, a.id],
			['2026-03-15T00:00:00Z', '2026-10-30T00:00:00Z', null, a.id],
			[null, null, [cats[0], cats[2]], a.id],
			['2026-04-01T00:00:00Z', '2026-06-01T00:00:00Z', [cats[1]], null],
			[null, null, null, null]
		];
		for (const f of filters) {
			const service = await svc((tx) => both(tx, f));
			expect(service.actual).toEqual(service.expected);
			const reader = await as(claims, (tx) => both(tx, f));
			expect(reader.actual).toEqual(reader.expected);
		}
		const [all] = filters;
		return (await svc((tx) => both(tx, all))).actual;
	}

	/** The table itself holds every handoff of the reference (fails when nothing keeps it). */
	async function expectTable() {
		const rows = await svc((tx) =>
			tx.query<Row>(
				`select (select count(*)::integer from handoff_fact where org_id = $4) as facts,
				        (select count(*)::integer from (${REFERENCE}) x) as reference`,
				[null, null, null, a.id]
			)
		);
		expect(rows[0].facts).toBe(rows[0].reference);
		return Number(rows[0].facts);
	}

	beforeAll(async () => {
		({ a, b } = await createTwoOrgs(t().db, `hf-${randomBytes(2).toString('hex')}`));
		await svc(async (tx) => {
			const dept: Record<string, string> = {};
			for (const name of ['KCC', 'Afval', 'Wijkbeheer']) {
				const [row] = await tx.query<{ id: string }>(
					`insert into department (org_id, name, kind) values ($1, $2, 'back_office') returning id`,
					[a.id, name]
				);
				dept[name] = row.id;
			}
			const agree = (from: string, to: string, limit: number, unit: string, valid: string) =>
				tx.query(
					`insert into service_agreement (org_id, from_department_id, to_department_id, limit_value, unit, valid_from)
					 values ($1, $2, $3, $4, $5, $6)`,
					[a.id, dept[from], dept[to], limit, unit, valid]
				);
			await agree('KCC', 'Afval', 2, 'working_days', '2026-01-01');
			await agree('KCC', 'Afval', 1, 'working_days', '2026-06-01'); // a second version
			await agree('Afval', 'Wijkbeheer', 30, 'hours', '2026-03-01');
			await agree('Wijkbeheer', 'KCC', 8.5, 'hours', '2026-01-01');
			const rows = await tx.query<{ id: string }>(
				`insert into category (org_id, name) values ($1, 'A'), ($1, 'B'), ($1, 'C') returning id`,
				[a.id]
			);
			cats = rows.map((r) => r.id);
			await load(tx, a.id, 'a', 120);
		});
	});

	it('give the rows the computation from report_flow gave, on a rich fixture', async () => {
		const rows = await expectEqual();
		expect(await expectTable()).toBe(rows.length);
		// the fixture covers what could go wrong
		expect(rows.length).toBeGreaterThan(150);
		expect(rows.some((r) => r.within === true)).toBe(true);
		expect(rows.some((r) => r.within === false)).toBe(true);
		expect(rows.some((r) => r.agreement_id === null)).toBe(true);
		expect(
			rows.some((r) => r.unit === 'hours') && rows.some((r) => r.unit === 'working_days')
		).toBe(true);
		expect(new Set(rows.map((r) => r.agreement_id)).size).toBeGreaterThan(3); // both versions
		expect(rows.some((r) => r.wait_hours === 0)).toBe(true); // a tie
		expect(rows.some((r) => r.from_department === 'Afval')).toBe(true); // trimmed
	});

	it('stay equal when events are added later, moved and removed, and cases change', async () => {
		await svc(async (tx) => {
			// new events between existing ones: new handoffs in the middle of a case
			await tx.query(
				`insert into report_event (org_id, report_id, occurred_at, activity, department, seq)
				 select r.org_id, r.id, r.received_at + interval '90 minutes', 'Later', 'Wijkbeheer', 99
				 from report r where r.org_id = $1 and r.external_id in ('a5', 'a17', 'a30', 'a31')`,
				[a.id]
			);
			await tx.query(
				`update report_event set department = 'Afval'
				 where org_id = $1 and seq = 2
				   and report_id in (select id from report where org_id = $1 and external_id like 'a4%')`,
				[a.id]
			);
			await tx.query(
				`delete from report_event where org_id = $1 and seq = 3
				   and report_id in (select id from report where org_id = $1 and external_id like 'a2%')`,
				[a.id]
			);
			await tx.query(
				`update report set category_id = $2 where org_id = $1 and external_id in ('a3', 'a6', 'a9')`,
				[a.id, cats[1]]
			);
			// a removed category leaves its cases without one (on delete set null)
			const [gone] = await tx.query<{ id: string }>(
				`insert into category (org_id, name) values ($1, 'Weg') returning id`,
				[a.id]
			);
			await tx.query(
				`update report set category_id = $2 where org_id = $1 and external_id in ('a14', 'a15')`,
				[a.id, gone.id]
			);
			await tx.query('delete from category where id = $1', [gone.id]);
			await tx.query(`delete from report where org_id = $1 and external_id in ('a7', 'a8')`, [
				a.id
			]);
		});
		await expectEqual();
		await expectTable();
	});

	it('follow the zone of the organisation', async () => {
		const before = await expectEqual();
		await svc((tx) =>
			tx.query(`update organisation set timezone = 'America/New_York' where id = $1`, [a.id])
		);
		const after = await expectEqual();
		// weeks and working days moved with the zone
		const key = (r: Row) => `${r.week} ${r.wait_working_days} ${r.within}`;
		expect(after.map(key)).not.toEqual(before.map(key));
		await expectTable();
	});

	it('are left to the importer while koers.importing is on, and refreshed by it', async () => {
		await svc(async (tx) => {
			await tx.query(`select set_config('koers.importing', 'on', true)`);
			await load(tx, a.id, 'c', 40);
			await tx.query(
				`insert into report_event (org_id, report_id, occurred_at, activity, department, seq)
				 select r.org_id, r.id, r.received_at + interval '1 day', 'Nog een', 'KCC', 50
				 from report r where r.org_id = $1 and r.external_id in ('a10', 'a11')`,
				[a.id]
			);
			const [{ n }] = await tx.query<{ n: number }>(
				`select count(*)::integer as n from handoff_fact f join report r on r.id = f.report_id
				 where r.external_id like 'c%'`
			);
			expect(n).toBe(0); // nothing done per statement
			// a removed case takes its handoffs with it, importing or not
			await tx.query(`delete from report where org_id = $1 and external_id in ('a12', 'a13')`, [
				a.id
			]);
			await tx.query(
				`select private.refresh_case_facts($1, array(
				   select id from report where org_id = $1
				     and (external_id like 'c%' or external_id in ('a10', 'a11'))))`,
				[a.id]
			);
		});
		await expectEqual();
		await expectTable();
	});

	it('are read under row level security: another organisation and a loading batch see nothing', async () => {
		const all: Filter = [null, null, null, null];
		const other = await as(b.coach.claims, (tx) =>
			tx.query<Row>(`select count(*)::integer as n from handoff_waits(${ARGS})`, all)
		);
		expect(other[0].n).toBe(0);
		const table = await as(b.admin.claims, (tx) =>
			tx.query<Row>('select count(*)::integer as n from handoff_fact where org_id = $1', [a.id])
		);
		expect(table[0].n).toBe(0);

		const batch = await svc(async (tx) => {
			const [row] = await tx.query<{ id: string }>(
				`insert into import_batch (org_id, via, format, shape, state)
				 values ($1, 'cli', 'csv', 'event', 'loading') returning id`,
				[a.id]
			);
			await load(tx, a.id, 'l', 25, row.id);
			return row.id;
		});
		const loading = (claims: Claims) =>
			as(claims, (tx) =>
				tx.query<Row>(
					`select count(*)::integer as n from handoff_waits(${ARGS}) w
					 where w.report_id in (select f.report_id from handoff_fact f where f.batch_id = $5)`,
					[...all, batch]
				)
			);
		expect((await loading(a.coach.claims))[0].n).toBe(0);
		await expectEqual(a.coach.claims);
		const [{ n: stored }] = await svc((tx) =>
			tx.query<{ n: number }>(
				'select count(*)::integer as n from handoff_fact where batch_id = $1',
				[batch]
			)
		);
		expect(stored).toBeGreaterThan(10); // kept, only hidden
		await svc((tx) => tx.query(`update import_batch set state = 'done' where id = $1`, [batch]));
		expect((await loading(a.coach.claims))[0].n).toBe(stored);
		await expectEqual(a.coach.claims);
		// staff outside any team see no cases at all
		const staff = await as(a.staff.claims, (tx) =>
			tx.query<Row>('select count(*)::integer as n from handoff_fact')
		);
		expect(staff[0].n).toBe(0);
	});

	it('leave no handoff behind when report_event or report is truncated', async () => {
		const facts = async () =>
			(
				await svc((tx) =>
					tx.query<{ n: number }>('select count(*)::integer as n from handoff_fact')
				)
			)[0].n;
		await t().owner.transaction((tx) => tx.query('truncate report_event'));
		expect(await facts()).toBe(0);
		await expectEqual();
		await svc((tx) => load(tx, a.id, 't', 20));
		expect(await facts()).toBeGreaterThan(10);
		await t().owner.transaction((tx) => tx.query('truncate report cascade'));
		expect(await facts()).toBe(0);
	});
});
