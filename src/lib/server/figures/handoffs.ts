/**
 * Handoff waits and how well the service agreements (DVO) between departments hold, computed in
 * SQL over public.handoff_waits (supabase/migrations/20261204090000_agreements.sql; since
 * 20261205010000_handoff_facts.sql read from the per-handoff facts public.handoff_fact): one row
 * per handoff A → B, its wait from the last event in A to the first event in B, and the
 * agreement version it is held to. Call inside a transaction of the Db port, as a user (row level security
 * decides which cases count) or on the service path with `orgId`.
 */
import type { Queryable } from '../db/types';
import { cached } from './cache';
import { scopedParams, type ScopedFilter } from './metrics';

/** Which handoffs a figure covers: those whose wait ended in [from, to), of these categories. */
export interface HandoffFilter {
	from?: string | null;
	to?: string | null;
	/** Category ids (a journey, a team); null: all. */
	categories?: readonly string[] | null;
	orgId?: string | null;
}

const ARGS = '$1::timestamptz, $2::timestamptz, $3::uuid[], $4::uuid';
const params = (f: HandoffFilter) => [
	f.from ?? null,
	f.to ?? null,
	f.categories ? [...f.categories] : null,
	f.orgId ?? null
];

/** The handoffs held to one agreement (A → B, whatever version was valid at the time). */
export interface AgreementHold {
	fromDepartmentId: string;
	toDepartmentId: string;
	handoffs: number;
	within: number;
	/** within ÷ handoffs; null without handoffs. */
	share: number | null;
	medianHours: number | null;
	p85Hours: number | null;
	medianWorkingDays: number | null;
	p85WorkingDays: number | null;
}

/** Per agreement: its handoffs, how many were within, median and p85 wait. */
export function agreementHolds(tx: Queryable, filter: HandoffFilter): Promise<AgreementHold[]> {
	return cached(tx, 'agreementHolds', params(filter), () =>
		tx.query<AgreementHold>(
			`select from_department_id as "fromDepartmentId", to_department_id as "toDepartmentId",
		        count(*)::int as handoffs, (count(*) filter (where within))::int as within,
		        (count(*) filter (where within))::float8 / count(*) as share,
		        percentile_cont(0.5) within group (order by wait_hours) as "medianHours",
		        percentile_cont(0.85) within group (order by wait_hours) as "p85Hours",
		        percentile_cont(0.5) within group (order by wait_working_days) as "medianWorkingDays",
		        percentile_cont(0.85) within group (order by wait_working_days) as "p85WorkingDays"
		   from public.handoff_waits(${ARGS})
		  where agreement_id is not null
		  group by from_department_id, to_department_id`,
			params(filter)
		)
	);
}

export interface AgreementWeek {
	fromDepartmentId: string;
	toDepartmentId: string;
	/** The Monday, 'YYYY-MM-DD'. */
	week: string;
	handoffs: number;
	within: number;
}

/** Per agreement and ISO week (of the end of the wait): handoffs and how many were within. */
export function agreementWeeks(tx: Queryable, filter: HandoffFilter): Promise<AgreementWeek[]> {
	return cached(tx, 'agreementWeeks', params(filter), () =>
		tx.query<AgreementWeek>(
			`select from_department_id as "fromDepartmentId", to_department_id as "toDepartmentId",
		        week::text as week, count(*)::int as handoffs,
		        (count(*) filter (where within))::int as within
		   from public.handoff_waits(${ARGS})
		  where agreement_id is not null
		  group by from_department_id, to_department_id, week
		  order by week`,
			params(filter)
		)
	);
}

/** One cell of the department-to-department matrix. */
export interface HandoffCell {
	from: string;
	to: string;
	handoffs: number;
	medianHours: number | null;
	/** Share within the agreement over the handoffs held to one; null when none is. */
	share: number | null;
}

/** Every pair of departments with handoffs: volume, median wait and share within agreement. */
export function handoffMatrix(tx: Queryable, filter: HandoffFilter): Promise<HandoffCell[]> {
	return cached(tx, 'handoffMatrix', params(filter), () =>
		tx.query<HandoffCell>(
			`select from_department collate "C" as "from", to_department collate "C" as "to",
		        count(*)::int as handoffs,
		        percentile_cont(0.5) within group (order by wait_hours) as "medianHours",
		        (count(*) filter (where within))::float8 / nullif(count(within), 0) as share
		   from public.handoff_waits(${ARGS})
		  group by 1, 2
		  order by count(*) desc, 1, 2`,
			params(filter)
		)
	);
}

/** A case that holds a given handoff, as the examples under a matrix cell list it. */
export interface HandoffExample {
	id: string;
	source: string;
	externalId: string;
	category: string | null;
	channel: string | null;
	receivedAt: Date | null;
	resolvedAt: Date | null;
	/** All handoffs of the case. */
	handoffs: number;
}

/**
 * Example cases for one cell of a department matrix: cases received in [from, to) (and the
 * other filters) with at least one handoff from department `fromDept` to `toDept` (trimmed
 * names, as report_flow keeps them), the latest first, and how many such cases there are.
 */
export async function handoffExamples(
	tx: Queryable,
	pair: { fromDept: string; toDept: string },
	filter: ScopedFilter,
	limit = 20
): Promise<{ total: number; cases: HandoffExample[] }> {
	const rows = await tx.query<HandoffExample & { total: number }>(
		`select r.id, r.source, r.external_id as "externalId", c.name as category, r.channel,
		        r.received_at as "receivedAt", r.resolved_at as "resolvedAt", w.handoffs,
		        count(*) over ()::int as total
		   from report_flow w
		   join report r on r.id = w.report_id
		   left join category c on c.id = r.category_id
		  where w.handoffs > 0
		    and exists (select 1 from unnest(w.handoff_from, w.handoff_to) h (a, b)
		                 where h.a = $9 and h.b = $10)
		    and ($1::timestamptz is null or r.received_at >= $1)
		    and ($2::timestamptz is null or r.received_at < $2)
		    and ($3::uuid[] is null or r.category_id = any ($3))
		    and ($4::text is null or r.channel = $4)
		    and ($5::text is null or r.department = $5)
		    and ($6::uuid is null or r.org_id = $6)
		    and ($7::text is null or r.source = $7)
		    and ($8::uuid is null or r.batch_id = $8)
		  order by r.received_at desc nulls last, r.external_id
		  limit $11`,
		[...scopedParams(filter), pair.fromDept, pair.toDept, limit]
	);
	return { total: rows[0]?.total ?? 0, cases: rows.map(({ total: _, ...c }) => c) };
}
