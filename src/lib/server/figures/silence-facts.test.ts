/**
 * Silence facts (supabase/migrations/20261205030000_silence_facts.sql): private.case_silence now
 * reads each closed case's silence from public.case_fact (kept by the database) and computes open
 * cases live. Its rows must equal, column for column, what the computation from the events gave
 * on every call (REFERENCE: the definition of 20261204220000_silence_cold.sql, written out here)
 * — with a period, categories, channel, department, no organisation, p_now, open cases only and
 * resolved from (silence_weekly), as the service and as a reader under row level security —
 * after every kind of change: events added, moved and removed later, a case resolved, re-opened
 * or moved to another category, a category's norm changed, the contact activities changed, the
 * organisation's zone changed, an import that refreshes the facts itself (koers.importing on),
 * a batch still loading, report_event truncated. On PGlite and on PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { createTwoOrgs, forEachDriver, type Org } from '../db/test-helpers';
import type { Claims, Queryable, Row } from '../db/types';

const COLUMNS = `report_id, org_id, category_id, received_at, resolved_at, silence_hours,
  silence_working_days, last_contact, current_hours, current_working_days, norm_days, over_norm`;
const ARGS = `$1::timestamptz, $2::timestamptz, $3::uuid[], $4::text, $5::text, $6::uuid,
  $7::timestamptz, $8::boolean, $9::timestamptz`;
const ORDER = 'order by report_id';

/** private.case_silence computed from the events on every call, as before the facts. */
const REFERENCE = `
  with c as materialized (
    select r.id, r.org_id, r.category_id, r.received_at, r.resolved_at, o.timezone as tz,
      coalesce(r.resolved_at, greatest(coalesce($7::timestamptz, now()), r.received_at)) as ends,
      coalesce(cat.silence_norm_days, 5)::float8 as norm_days
    from public.report r
    join public.organisation o on o.id = r.org_id
    left join public.category cat on cat.id = r.category_id
    where r.received_at is not null
      and ($1::timestamptz is null or r.received_at >= $1)
      and ($2::timestamptz is null or r.received_at < $2)
      and ($3::uuid[] is null or r.category_id = any ($3))
      and ($4::text is null or r.channel = $4)
      and ($5::text is null or r.department = $5)
      and ($6::uuid is null or r.org_id = $6)
      and (not $8::boolean or r.resolved_at is null)
      and ($9::timestamptz is null or r.resolved_at >= $9)
  ),
  points as (
    select c.*, c.received_at as t from c
    union all
    select c.*, c.ends from c
    union all
    select c.*, e.occurred_at
    from c
    join public.report_event e on e.report_id = c.id
    join public.contact_activity a
      on a.org_id = e.org_id and a.activity_key = lower(btrim(e.activity))
    where e.occurred_at > c.received_at and e.occurred_at < c.ends
  ),
  gaps as (
    select p.*, lag(p.t) over (partition by p.id order by p.t) as prev
    from points p
  ),
  per_case as (
    select g.id, g.org_id, g.category_id, g.received_at, g.resolved_at, g.tz, g.ends, g.norm_days,
      coalesce(max(extract(epoch from g.t - g.prev)::float8 / 3600), 0) as hours,
      coalesce(max(private.working_days((g.prev at time zone g.tz)::date,
        (g.t at time zone g.tz)::date)), 0) as working_days,
      coalesce(max(g.prev) filter (where g.t = g.ends), g.received_at) as last_contact
    from gaps g
    group by g.id, g.org_id, g.category_id, g.received_at, g.resolved_at, g.tz, g.ends, g.norm_days
  )
  select p.id as report_id, p.org_id, p.category_id, p.received_at, p.resolved_at,
    p.hours as silence_hours, p.working_days as silence_working_days, p.last_contact,
    case when p.resolved_at is null then
      extract(epoch from p.ends - p.last_contact)::float8 / 3600 end as current_hours,
    case when p.resolved_at is null then
      private.working_days((p.last_contact at time zone p.tz)::date,
        (p.ends at time zone p.tz)::date) end as current_working_days,
    p.norm_days,
    p.working_days > p.norm_days as over_norm
  from per_case p`;

type Filter = [
	from: string | null,
	to: string | null,
	categories: string[] | null,
	channel: string | null,
	department: string | null,
	org: string | null,
	now: string | null,
	openOnly: boolean,
	resolvedFrom: string | null
];

async function both(tx: Queryable, f: Filter) {
	const actual = await tx.query<Row>(
		`select ${COLUMNS} from private.case_silence(${ARGS}) ${ORDER}`,
		f
	);
	const expected = await tx.query<Row>(`select ${COLUMNS} from (${REFERENCE}) x ${ORDER}`, f);
	return { actual, expected };
}

forEachDriver('silence facts', (t) => {
	let a: Org;
	let b: Org;
	let cats: string[];
	const svc = <T>(fn: (tx: Queryable) => Promise<T>) => t().db.asService(fn);
	const as = <T>(claims: Claims, fn: (tx: Queryable) => Promise<T>) => t().db.asUser(claims, fn);

	/**
	 * Cases `prefix`1..n over 2026 (both DST changes, holidays): every seventh open, some resolved
	 * at the instant of receipt, 2–7 events each with ties, a contact at the instant of receipt, at
	 * the instant of resolution (every fifth), after the resolution and, for open cases, after now.
	 */
	async function load(
		tx: Queryable,
		orgId: string,
		prefix: string,
		n: number,
		batch?: string,
		categories = cats
	) {
		await tx.query(
			`insert into report (org_id, source, external_id, category_id, channel, department,
			   received_at, resolved_at, batch_id)
			 select $1, 'sf', $2 || i, ($3::uuid[])[1 + i % 3],
			   (array['telefoon', 'web', null])[1 + i % 3], (array['KCC', 'Afval'])[1 + i % 2],
			   x.received,
			   case when i % 7 = 0 then null
			        when i % 17 = 0 then x.received
			        else x.received + ((i * 11) % 400 + 1) * interval '1 hour' end,
			   $5
			 from generate_series(1, $4::integer) as g (i)
			 cross join lateral (
			   select timestamptz '2026-01-02 07:30Z' + (i * 37 % 360) * interval '1 day'
			     + (i % 13) * interval '97 minutes' as received) x`,
			[orgId, prefix, categories, n, batch ?? null]
		);
		await tx.query(
			`insert into report_event (org_id, report_id, occurred_at, activity, department, seq,
			   batch_id)
			 select r.org_id, r.id,
			   -- events k = 2j and 2j + 1 share a moment (a tie); k = 1 is at the receipt
			   r.received_at + (k / 2) * ((x.i * 7 + (k / 2) * 3) % 53 + 1) * interval '1 hour',
			   (array['Klant gebeld', ' klant GEBELD ', 'Intern overleg', 'Mail verstuurd',
			          'Inspectie'])[1 + (x.i * 3 + k * 2) % 5],
			   'KCC', k, $3
			 from report r
			 cross join lateral (select substring(r.external_id from '[0-9]+$')::integer as i) x
			 cross join lateral generate_series(1, 2 + x.i % 6) as g (k)
			 where r.org_id = $1 and r.external_id like $2 || '%'`,
			[orgId, prefix, batch ?? null]
		);
		await tx.query(
			`insert into report_event (org_id, report_id, occurred_at, activity, department, seq,
			   batch_id)
			 select r.org_id, r.id, r.resolved_at, 'Mail verstuurd', 'Afval', 90, $3
			 from report r
			 where r.org_id = $1 and r.external_id like $2 || '%' and r.resolved_at is not null
			   and substring(r.external_id from '[0-9]+$')::integer % 5 = 0`,
			[orgId, prefix, batch ?? null]
		);
	}

	/** case_silence equals the reference for every filter, as the service and as `claims`. */
	async function expectEqual(claims: Claims = a.coach.claims) {
		const all: Filter = [null, null, null, null, null, a.id, null, false, null];
		const filters: Filter[] = [
			all,
			[null, null, null, null, null, a.id, '2026-07-01T10:00:00Z', false, null],
			['2026-03-15T00:00:00Z', '2026-10-30T00:00:00Z', null, null, null, a.id, null, false, null],
			[null, null, [cats[0], cats[2]], 'telefoon', null, a.id, null, false, null],
			[null, null, null, null, 'Afval', null, '2026-05-01T00:00:00Z', false, null],
			[null, null, null, null, null, a.id, '2026-09-01T00:00:00Z', true, null],
			[null, '2026-12-01T00:00:00Z', [cats[1]], null, null, a.id, null, false, '2026-06-01Z'],
			[null, null, null, null, null, null, null, false, null]
		];
		for (const f of filters) {
			const service = await svc((tx) => both(tx, f));
			expect(service.actual).toEqual(service.expected);
			const reader = await as(claims, (tx) => both(tx, f));
			expect(reader.actual).toEqual(reader.expected);
		}
		return (await svc((tx) => both(tx, all))).actual;
	}

	/** case_fact itself holds each closed case's silence (fails when nothing keeps it). */
	async function expectStored() {
		const wrong = await svc((tx) =>
			tx.query<Row>(
				`select x.report_id from (${REFERENCE}) x
				 left join case_fact f on f.report_id = x.report_id
				 where x.resolved_at is not null
				   and (f.silence_hours, f.silence_working_days, f.last_contact)
				     is distinct from (x.silence_hours, x.silence_working_days, x.last_contact)
				 union all
				 select f.report_id from case_fact f
				 where f.org_id = $6 and f.resolved_at is null
				   and (f.silence_hours, f.silence_working_days, f.last_contact) is not null`,
				[null, null, null, null, null, a.id, null, false, null]
			)
		);
		expect(wrong).toEqual([]);
	}

	beforeAll(async () => {
		({ a, b } = await createTwoOrgs(t().db, `sf-${randomBytes(2).toString('hex')}`));
		await svc(async (tx) => {
			const rows = await tx.query<{ id: string }>(
				`insert into category (org_id, name, silence_norm_days)
				 values ($1, 'A', 3), ($1, 'B', 10), ($1, 'C', 5) returning id`,
				[a.id]
			);
			cats = rows.map((r) => r.id);
			for (const org of [a, b])
				await tx.query(
					`insert into contact_activity (org_id, activity, direction)
					 values ($1, 'Klant gebeld', 'outbound'), ($1, 'Mail verstuurd', 'outbound')`,
					[org.id]
				);
			await load(tx, a.id, 'a', 120);
			await load(tx, b.id, 'b', 30, undefined, []); // without categories
		});
	});

	it('give the rows the computation from the events gave, on a rich fixture', async () => {
		const rows = await expectEqual();
		await expectStored();
		// the fixture covers what could go wrong
		expect(rows.length).toBe(120);
		expect(rows.some((r) => r.resolved_at === null)).toBe(true);
		expect(rows.some((r) => r.over_norm === true)).toBe(true);
		expect(rows.some((r) => r.over_norm === false)).toBe(true);
		expect(rows.some((r) => r.silence_hours === 0)).toBe(true); // resolved when received
		const closed = rows.filter((r) => r.resolved_at !== null);
		// the last contact before the end is a contact for some closed cases, the receipt for others
		expect(closed.some((r) => String(r.last_contact) === String(r.received_at))).toBe(true);
		expect(closed.some((r) => String(r.last_contact) !== String(r.received_at))).toBe(true);
		expect(new Set(rows.map((r) => r.norm_days)).size).toBe(3);
	});

	it('stay equal when events are added later, moved and removed, and cases change', async () => {
		await svc(async (tx) => {
			await tx.query(
				`insert into report_event (org_id, report_id, occurred_at, activity, department, seq)
				 select r.org_id, r.id, r.received_at + interval '90 minutes', 'Klant gebeld', 'KCC', 99
				 from report r where r.org_id = $1 and r.external_id in ('a5', 'a17', 'a30', 'a31', 'a14')`,
				[a.id]
			);
			await tx.query(
				`update report_event set occurred_at = occurred_at + interval '3 days'
				 where org_id = $1 and seq = 2
				   and report_id in (select id from report where org_id = $1 and external_id like 'a4%')`,
				[a.id]
			);
			await tx.query(
				`update report_event set activity = 'Mail verstuurd', department = 'Wijkbeheer'
				 where org_id = $1 and seq = 3
				   and report_id in (select id from report where org_id = $1 and external_id like 'a6%')`,
				[a.id]
			);
			await tx.query(
				`delete from report_event where org_id = $1 and seq in (1, 4)
				   and report_id in (select id from report where org_id = $1 and external_id like 'a2%')`,
				[a.id]
			);
			// re-opened, resolved, resolved later, moved to another category
			await tx.query(
				`update report set resolved_at = null where org_id = $1 and external_id in ('a1', 'a2')`,
				[a.id]
			);
			await tx.query(
				`update report set resolved_at = received_at + interval '30 days'
				 where org_id = $1 and external_id in ('a7', 'a14', 'a3')`,
				[a.id]
			);
			await tx.query(
				`update report set category_id = $2 where org_id = $1 and external_id in ('a9', 'a10')`,
				[a.id, cats[1]]
			);
			await tx.query(`update category set silence_norm_days = 1 where id = $1`, [cats[2]]);
			await tx.query(`delete from report where org_id = $1 and external_id in ('a8', 'a11')`, [
				a.id
			]);
		});
		const rows = await expectEqual();
		await expectStored();
		expect(rows.length).toBe(118);
	});

	it('follow the contact activities of the organisation', async () => {
		const key = (r: Row) => `${r.report_id} ${r.silence_hours} ${r.last_contact}`;
		const before = await expectEqual();
		await svc((tx) =>
			tx.query(`delete from contact_activity where org_id = $1 and activity = 'Mail verstuurd'`, [
				a.id
			])
		);
		const fewer = await expectEqual();
		expect(fewer.map(key)).not.toEqual(before.map(key));
		await expectStored();
		await svc(async (tx) => {
			await tx.query(
				`insert into contact_activity (org_id, activity, direction)
				 values ($1, 'Inspectie', 'outbound'), ($1, 'intern overleg', 'inbound')`,
				[a.id]
			);
			await tx.query(
				`update contact_activity set activity = 'Mail verstuurd'
				 where org_id = $1 and activity = 'Inspectie'`,
				[a.id]
			);
		});
		await expectEqual();
		await expectStored();
	});

	it('follow the zone of the organisation', async () => {
		const before = await expectEqual();
		await svc((tx) =>
			tx.query(`update organisation set timezone = 'America/New_York' where id = $1`, [a.id])
		);
		const after = await expectEqual();
		// working days moved with the zone
		const key = (r: Row) => `${r.report_id} ${r.silence_working_days}`;
		expect(after.map(key)).not.toEqual(before.map(key));
		await expectStored();
	});

	it('are left to the importer while koers.importing is on, and refreshed by it', async () => {
		await svc(async (tx) => {
			await tx.query(`select set_config('koers.importing', 'on', true)`);
			await load(tx, a.id, 'c', 40);
			await tx.query(
				`insert into report_event (org_id, report_id, occurred_at, activity, department, seq)
				 select r.org_id, r.id, r.received_at + interval '1 day 30 minutes', 'Klant gebeld', 'KCC', 50
				 from report r where r.org_id = $1 and r.external_id in ('a12', 'a13', 'a15')`,
				[a.id]
			);
			await tx.query(
				`update report set resolved_at = received_at + interval '2 days'
				 where org_id = $1 and external_id in ('a21', 'a28')`,
				[a.id]
			);
			await tx.query(
				`select private.refresh_case_facts($1, array(
				   select id from report where org_id = $1
				     and (external_id like 'c%' or external_id in ('a12', 'a13', 'a15', 'a21', 'a28'))))`,
				[a.id]
			);
		});
		await expectEqual();
		await expectStored();
	});

	it('are read under row level security: another organisation and a loading batch see nothing', async () => {
		const all: Filter = [null, null, null, null, null, null, null, false, null];
		const other = await as(b.coach.claims, (tx) => both(tx, all));
		expect(other.actual).toEqual(other.expected);
		expect(other.actual.every((r) => r.org_id === b.id)).toBe(true);
		expect(other.actual.length).toBe(30);

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
					`select count(*)::integer as n from private.case_silence(${ARGS}) s
					 where s.report_id in (select id from report where batch_id = $10)`,
					[...all, batch]
				)
			);
		expect((await loading(a.coach.claims))[0].n).toBe(0);
		await expectEqual(a.coach.claims);
		await svc((tx) => tx.query(`update import_batch set state = 'done' where id = $1`, [batch]));
		expect((await loading(a.coach.claims))[0].n).toBe(25);
		await expectEqual(a.coach.claims);
		await expectStored();
		// staff outside any team see no cases at all
		const staff = await as(a.staff.claims, (tx) =>
			tx.query<Row>(`select count(*)::integer as n from private.case_silence(${ARGS})`, all)
		);
		expect(staff[0].n).toBe(0);
	});

	it('stay equal when report_event is truncated', async () => {
		await t().owner.transaction((tx) => tx.query('truncate report_event'));
		const rows = await expectEqual();
		await expectStored();
		// no contact left: the silence of a closed case is its whole window
		expect(
			rows
				.filter((r) => r.resolved_at !== null)
				.every((r) => String(r.last_contact) === String(r.received_at))
		).toBe(true);
	});
});
