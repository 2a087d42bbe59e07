/**
 * public.case_fact (supabase/migrations/20261204160000_case_facts.sql): the per-case facts the
 * figures aggregate from must equal what the per-request computation gave — lead times from
 * public.case_lead_time, repeats from private.repeat_flags, flows from public.report_flow — after
 * every kind of change: insert, update of a case's key, events removed, a category's rule
 * changed, cases deleted and imported again, and an import in steps that refreshes the facts
 * itself (koers.importing = 'on'). And the organisation's figures version moves with each change.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { createOrg, forEachDriver, type Org } from '../db/test-helpers';
import type { Queryable } from '../db/types';
import { groupFigures } from './groups';
import { summary } from './metrics';
import { silenceSummary } from './silence';

/** Cases whose stored facts differ from the computation per request (empty: all equal). */
async function mismatches(tx: Queryable, orgId: string): Promise<string[]> {
	const rows = await tx.query<{ ext: string; what: string }>(
		`with expected as (
		   select r.id, r.external_id, l.category_id, l.channel, l.department, r.source, r.batch_id,
		     l.received_at, l.resolved_at, l.received_week, l.resolved_week, l.lead_hours,
		     l.lead_working_days, l.source_repeat, rf.by_rule,
		     coalesce(w.events, 0) as events, w.variant, coalesce(w.handoffs, 0) as handoffs,
		     coalesce(w.handoff_from, '{}') as handoff_from, coalesce(w.handoff_to, '{}') as handoff_to
		   from report r
		   join case_lead_time l on l.report_id = r.id
		   left join private.repeat_flags(null, null, $1) rf on rf.report_id = r.id
		   left join report_flow w on w.report_id = r.id
		   where r.org_id = $1
		 )
		 select coalesce(e.external_id, f.report_id::text) as ext,
		   case when e.id is null then 'stale fact' when f.report_id is null then 'missing fact'
		        else 'different:' || case when e.category_id is distinct from f.category_id then ' category_id' else '' end || case when e.channel is distinct from f.channel then ' channel' else '' end || case when e.department is distinct from f.department then ' department' else '' end || case when e.source is distinct from f.source then ' source' else '' end || case when e.batch_id is distinct from f.batch_id then ' batch_id' else '' end || case when e.received_at is distinct from f.received_at then ' received_at' else '' end || case when e.resolved_at is distinct from f.resolved_at then ' resolved_at' else '' end || case when e.received_week is distinct from f.received_week then ' received_week' else '' end || case when e.resolved_week is distinct from f.resolved_week then ' resolved_week' else '' end || case when e.lead_hours is distinct from f.lead_hours then ' lead_hours' else '' end || case when e.lead_working_days is distinct from f.lead_working_days then ' lead_working_days' else '' end || case when e.source_repeat is distinct from f.source_repeat then ' source_repeat' else '' end || case when e.by_rule is distinct from f.by_rule then ' by_rule' else '' end || case when e.events is distinct from f.events then ' events' else '' end || case when e.variant is distinct from f.variant then ' variant' else '' end || case when e.handoffs is distinct from f.handoffs then ' handoffs' else '' end || case when e.handoff_from is distinct from f.handoff_from then ' handoff_from' else '' end || case when e.handoff_to is distinct from f.handoff_to then ' handoff_to' else '' end end as what
		 from expected e
		 full join (select * from case_fact where org_id = $1) f on f.report_id = e.id
		 where e.id is null or f.report_id is null
		   or (e.category_id, e.channel, e.department, e.source, e.batch_id, e.received_at,
		       e.resolved_at, e.received_week, e.resolved_week, e.lead_hours, e.lead_working_days,
		       e.source_repeat, e.by_rule, e.events, e.variant, e.handoffs, e.handoff_from,
		       e.handoff_to)
		     is distinct from
		      (f.category_id, f.channel, f.department, f.source, f.batch_id, f.received_at,
		       f.resolved_at, f.received_week, f.resolved_week, f.lead_hours, f.lead_working_days,
		       f.source_repeat, f.by_rule, f.events, f.variant, f.handoffs, f.handoff_from,
		       f.handoff_to)
		 order by 1`,
		[orgId]
	);
	return rows.map((r) => `${r.ext}: ${r.what}`);
}

/**
 * A deterministic mixed fixture: cases over 14 months in four categories with every repeat rule,
 * shared customers and locations (so there are repeats), open and closed cases, source flags,
 * and events across departments (handoffs, variants). `prefix` makes external ids unique.
 */
async function load(tx: Queryable, orgId: string, prefix: string, cats: string[], n = 160) {
	await tx.query(
		`insert into report (org_id, source, external_id, category_id, channel, department,
		   customer_key, location_key, received_at, resolved_at, flagged_duplicate, reopened)
		 select $1, case when i % 5 = 0 then 'api' else 'csv' end, $2 || i,
		   ($3::uuid[])[1 + i % 4], (array['telefoon', 'web', 'balie'])[1 + i % 3],
		   (array['KCC', 'Afval', null])[1 + i % 3],
		   case when i % 7 <> 0 then 'klant' || (i % 23) end,
		   case when i % 6 <> 0 then 'plek' || (i % 17) end,
		   received, case when i % 9 <> 0 then received + (i % 13) * interval '19 hours' end,
		   i % 31 = 0, i % 37 = 0
		 from generate_series(1, $4::integer) as g (i)
		 cross join lateral (
		   select timestamptz '2023-12-20 08:00Z' + (i * 61 % 420) * interval '1 day'
		     + (i % 11) * interval '1 hour' as received
		 ) x`,
		[orgId, prefix, cats, n]
	);
	await tx.query(
		`insert into report_event (org_id, report_id, occurred_at, activity, department, seq)
		 select r.org_id, r.id, r.received_at + k * interval '5 hours',
		   (array['Melding', 'Beoordelen', 'Terugbellen', 'Afhandelen'])[1 + (k + length(r.external_id)) % 4],
		   (array['KCC', 'Afval', 'Wijkbeheer', null])[1 + (k * length(r.external_id)) % 4], k
		 from report r
		 cross join generate_series(1, 1 + length(r.external_id) % 4) as g (k)
		 where r.org_id = $1 and r.external_id like $2 || '%' and r.received_at is not null`,
		[orgId, prefix]
	);
}

forEachDriver('case facts', (t) => {
	let org: Org;
	let cats: string[];
	const svc = <T>(fn: (tx: Queryable) => Promise<T>) => t().db.asService(fn);
	const version = () =>
		t().db.asUser(org.coach.claims, async (tx) => {
			const [row] = await tx.query<{ version: string | number }>(
				'select version from figures_scope()'
			);
			return Number(row.version);
		});

	beforeAll(async () => {
		org = await createOrg(t().db, `facts-${randomBytes(3).toString('hex')}`);
		cats = await svc(async (tx) => {
			const rows = await tx.query<{ id: string }>(
				`insert into category (org_id, name, norm_days, norm_unit, repeat_key, repeat_window_days, journey_id)
				 values ($1, 'Afval', 3, 'working_days', 'location_category', 30, gen_random_uuid()),
				        ($1, 'Vergunning', 10, 'calendar_days', 'customer_category', 10, null),
				        ($1, 'Reis A', 5, 'working_days', 'customer_journey', 30, $2),
				        ($1, 'Reis B', null, 'calendar_days', 'location_category', 60, $2)
				 returning id`,
				[org.id, '00000000-0000-4000-8000-00000000000a']
			);
			return rows.map((r) => r.id);
		});
	});

	it('equal the per-request computation after an import, and the version moves', async () => {
		const before = await version();
		await svc((tx) => load(tx, org.id, 'a', cats));
		expect(await svc((tx) => mismatches(tx, org.id))).toEqual([]);
		const [{ n, repeats }] = await svc((tx) =>
			tx.query<{ n: number; repeats: number }>(
				`select count(*)::integer as n, (count(*) filter (where by_rule))::integer as repeats
				 from case_fact where org_id = $1`,
				[org.id]
			)
		);
		expect(n).toBe(160);
		expect(repeats).toBeGreaterThan(10); // the fixture has repeats to keep right
		expect(await version()).toBeGreaterThan(before);
	});

	it('stay equal when keys, events and rules change', async () => {
		await svc(async (tx) => {
			// a case moves to another customer: its old and new neighbours' flags change
			await tx.query(
				`update report set customer_key = 'klant5', received_at = received_at - interval '2 days'
				 where org_id = $1 and external_id in ('a24', 'a47')`,
				[org.id]
			);
			await tx.query(
				`delete from report_event where org_id = $1 and seq = 2 and report_id in
				   (select id from report where org_id = $1 and external_id like 'a1%')`,
				[org.id]
			);
		});
		expect(await svc((tx) => mismatches(tx, org.id))).toEqual([]);
		const v = await version();
		await svc((tx) =>
			tx.query(
				`update category set repeat_window_days = 90, repeat_key = 'customer_category'
			          where id = $1`,
				[cats[0]]
			)
		);
		expect(await svc((tx) => mismatches(tx, org.id))).toEqual([]);
		expect(await version()).toBeGreaterThan(v);
	});

	it('stay equal when cases are deleted and imported again', async () => {
		await svc((tx) =>
			tx.query(`delete from report where org_id = $1 and external_id ~ '^a[0-9]*[02468]$'`, [
				org.id
			])
		);
		expect(await svc((tx) => mismatches(tx, org.id))).toEqual([]);
		await svc((tx) => load(tx, org.id, 'b', cats, 90));
		expect(await svc((tx) => mismatches(tx, org.id))).toEqual([]);
	});

	it('follow the zone of the organisation', async () => {
		await svc((tx) =>
			tx.query(`update organisation set timezone = 'America/New_York' where id = $1`, [org.id])
		);
		expect(await svc((tx) => mismatches(tx, org.id))).toEqual([]);
		await svc((tx) =>
			tx.query(`update organisation set timezone = 'Europe/Amsterdam' where id = $1`, [org.id])
		);
	});

	it('are left to the importer while koers.importing is on, and refreshed by it in one call', async () => {
		const v = await version();
		await svc(async (tx) => {
			await tx.query(`select set_config('koers.importing', 'on', true)`);
			await load(tx, org.id, 'c', cats, 70);
			await tx.query(`delete from report where org_id = $1 and external_id = 'b3'`, [org.id]);
			const [{ n }] = await tx.query<{ n: number }>(
				`select count(*)::integer as n from case_fact f join report r on r.id = f.report_id
				 where r.org_id = $1 and r.external_id like 'c%'`,
				[org.id]
			);
			expect(n).toBe(0); // nothing done per statement
			await tx.query(`select private.refresh_case_facts($1, null)`, [org.id]);
		});
		expect(await svc((tx) => mismatches(tx, org.id))).toEqual([]);
		expect(await version()).toBeGreaterThan(v);
		// by case: only the named cases and their key neighbours
		await svc(async (tx) => {
			await tx.query(`select set_config('koers.importing', 'on', true)`);
			await load(tx, org.id, 'd', cats, 40);
			await tx.query(
				`select private.refresh_case_facts($1, array(
				   select id from report where org_id = $1 and external_id like 'd%'))`,
				[org.id]
			);
		});
		expect(await svc((tx) => mismatches(tx, org.id))).toEqual([]);
	});

	it('are read under row level security, and refreshed only by an admin of the organisation', async () => {
		const other = await createOrg(t().db, `facts-x-${randomBytes(3).toString('hex')}`);
		const seen = await t().db.asUser(other.admin.claims, (tx) =>
			tx.query('select 1 from case_fact where org_id = $1', [org.id])
		);
		expect(seen).toEqual([]);
		await expect(
			t().db.asUser(other.admin.claims, (tx) =>
				tx.query('select private.refresh_case_facts($1, null)', [org.id])
			)
		).rejects.toThrow(/not allowed/);
		const [scope] = await t().db.asUser(other.admin.claims, (tx) =>
			tx.query<{ org_id: string }>('select org_id from figures_scope()')
		);
		expect(scope.org_id).toBe(other.id);
	});
});

forEachDriver('grouped figures', (t) => {
	it('give each group what a summary over its categories gives, in one query', async () => {
		const org = await createOrg(t().db, `groups-${randomBytes(3).toString('hex')}`);
		const cats = await t().db.asService(async (tx) => {
			const rows = await tx.query<{ id: string }>(
				`insert into category (org_id, name, norm_days, norm_unit, repeat_key, repeat_window_days, silence_norm_days)
				 select $1, 'C' || i, case when i < 4 then i * 2 end,
				   (case when i % 2 = 0 then 'working_days' else 'calendar_days' end)::norm_unit,
				   'customer_category', 30, 2
				 from generate_series(1, 4) as g (i)
				 returning id`,
				[org.id]
			);
			const ids = rows.map((r) => r.id);
			await load(tx, org.id, 'g', ids, 200);
			await tx.query(
				`insert into contact_activity (org_id, activity, direction) values ($1, 'Terugbellen', 'outbound')`,
				[org.id]
			);
			return ids;
		});
		const groups = [
			{ id: randomUUID(), categories: [cats[0]] },
			{ id: randomUUID(), categories: [cats[1], cats[2]] },
			{ id: randomUUID(), categories: [cats[0], cats[3]] }, // overlaps the first
			{ id: randomUUID(), categories: [randomUUID()] } // no cases
		];
		const period = { from: '2024-02-01T00:00:00Z', to: '2024-11-01T00:00:00Z' };
		const now = '2024-12-01T00:00:00Z';
		await t().db.asUser(org.coach.claims, async (tx) => {
			const grouped = await groupFigures(tx, period, groups, now);
			for (const g of groups) {
				const filter = { ...period, categories: g.categories };
				const s = await summary(tx, filter);
				const q = await silenceSummary(tx, filter, now);
				const f = grouped.get(g.id)!;
				expect(f.cases).toBe(s.cases);
				expect(f.repeats).toBe(s.repeats.total);
				expect(f.repeatRate).toBe(s.repeatRate);
				expect(f.closed).toBe(s.leadTimeHours.count);
				expect(f.open).toBe(s.openCases.total);
				expect(f.leadHours).toEqual({ median: s.leadTimeHours.median, p85: s.leadTimeHours.p85 });
				expect(f.leadWorkingDays).toEqual({
					median: s.leadTimeWorkingDays.median,
					p85: s.leadTimeWorkingDays.p85
				});
				expect(f.withinNorm).toBe(s.withinNorm);
				expect(f.handoffs).toBe(s.handoffs);
				expect(f.casesWithHandoff).toBe(s.casesWithHandoff);
				expect(f.silence).toEqual({
					p85WorkingDays: q.silenceWorkingDays.p85,
					silentNow: q.silentNow,
					overNormShare: q.overNormShare
				});
			}
			expect(grouped.get(groups[0].id)!.cases).toBeGreaterThan(10);
			expect(grouped.get(groups[3].id)!.cases).toBe(0);
		});
	});
});
