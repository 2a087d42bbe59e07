/**
 * The case-data figures. They are computed in SQL (supabase/migrations/*_metrics.sql:
 * public.case_summary and public.case_weekly), so every deployment computes them the same way;
 * this module only calls those functions and types their results. Call it inside a transaction
 * of the Db port: as a user (row level security decides which cases count) or on the service
 * path (then narrow to one organisation with `orgId`).
 */
import type { Queryable } from '../db/types';
import { cached } from './cache';

/** Which cases a figure covers. Every field left out (or null) means "all". */
export interface MetricsFilter {
	/** Cases received at or after this moment (inclusive). */
	from?: Date | string | null;
	/** Cases received before this moment (exclusive). Open cases are aged at this moment. */
	to?: Date | string | null;
	/** A category id (uuid). */
	category?: string | null;
	/** Several category ids: cases in any of them (a touchpoint, a journey, a team). Combined
	 * with `category`, a case must be in both. An empty list selects no cases. */
	categories?: readonly string[] | null;
	channel?: string | null;
	/** The report's department (report.department). */
	department?: string | null;
	/** One organisation only: for the service path, which sees every organisation. */
	orgId?: string | null;
}

/** The summary, weekly series and lead-time histogram also narrow by where cases came from. */
export interface ScopedFilter extends MetricsFilter {
	/** report.source: the system or file a case came from. */
	source?: string | null;
	/** report.batch_id: the import that brought the case. */
	batch?: string | null;
}

/** Count, mean and percentiles (linear interpolation, as PostgreSQL's percentile_cont). */
interface Distribution {
	count: number;
	mean: number | null;
	median: number | null;
	p85: number | null;
	p95: number | null;
}

type AgeBucketLabel = '0-7' | '8-30' | '31-90' | '>90';

export interface CaseSummary {
	cases: number;
	events: number;
	/** resolved_at − received_at in hours, closed cases only. */
	leadTimeHours: Distribution;
	/** Working days (Dutch public holidays, the organisation's zone), closed cases only. */
	leadTimeWorkingDays: Distribution;
	/** Share (0–1) of closed cases within their category's norm; null when none has a norm. */
	withinNorm: number | null;
	/** Cases still open, by age in whole days: 0-7, 8-30, 31-90, >90. */
	openCases: { total: number; buckets: { label: AgeBucketLabel; count: number }[] };
	/** Found by the repeat rule, flagged by the source, and the union of the two. */
	repeats: { byRule: number; bySource: number; total: number };
	/** repeats.total ÷ cases; null without cases. */
	repeatRate: number | null;
	handoffs: number;
	casesWithHandoff: number;
	/** Distinct activity sequences of the cases with events; the 10 most frequent. */
	variants: { count: number; top: { activities: string[]; cases: number }[] };
	/** Handoffs from one department to another, most frequent first. */
	handoffMatrix: { from: string; to: string; count: number }[];
}

/**
 * One ISO week (Monday, in the organisation's zone). cases, repeats, repeatRate and handoffs
 * are of the cases received that week; the lead times and withinNorm of the cases resolved that
 * week (null when none was).
 */
export interface WeekFigures {
	/** The Monday, 'YYYY-MM-DD'. */
	week: string;
	cases: number;
	repeats: number;
	repeatRate: number | null;
	leadMedianHours: number | null;
	leadP85Hours: number | null;
	withinNorm: number | null;
	handoffs: number;
	/** p85 of the lead time in working days of the cases resolved that week. */
	leadP85WorkingDays: number | null;
}

function moment(value: Date | string | null | undefined): string | null {
	if (value === null || value === undefined || value === '') return null;
	const date = value instanceof Date ? value : new Date(value);
	if (Number.isNaN(date.getTime())) throw new RangeError(`not a date and time: ${String(value)}`);
	return date.toISOString();
}

export function params(filter: MetricsFilter): unknown[] {
	return [
		moment(filter.from),
		moment(filter.to),
		categoryList(filter),
		filter.channel ?? null,
		filter.department ?? null,
		filter.orgId ?? null
	];
}

function categoryList(filter: MetricsFilter): string[] | null {
	const { category, categories } = filter;
	if (!categories) return category ? [category] : null;
	return category ? categories.filter((c) => c === category) : [...categories];
}

const ARGS =
	'$1::timestamptz, $2::timestamptz, $3::uuid[], $4::text, $5::text, $6::uuid, $7::text, $8::uuid';
/** The parameters of the scoped figures: those of `params`, then source and batch. */
export const scopedParams = (filter: ScopedFilter) => [
	...params(filter),
	filter.source ?? null,
	filter.batch ?? null
];

/** All figures over the cases the filter selects (received in [from, to)). */
export async function summary(tx: Queryable, filter: ScopedFilter = {}): Promise<CaseSummary> {
	const args = scopedParams(filter);
	return cached(tx, 'summary', args, async () => {
		const [row] = await tx.query<{ summary: CaseSummary }>(
			`select public.case_summary(${ARGS}) as summary`,
			args
		);
		return row.summary;
	});
}

/**
 * The weekly series: one row per week from the week of `from` (or of the first data) to the week
 * of `to` (or of the last data), weeks without data included.
 */
export function weekly(tx: Queryable, filter: ScopedFilter = {}): Promise<WeekFigures[]> {
	const args = scopedParams(filter);
	return cached(tx, 'weekly', args, () => weeklyNow(tx, args));
}

async function weeklyNow(tx: Queryable, args: unknown[]): Promise<WeekFigures[]> {
	const rows = await tx.query<{
		week: string;
		cases: number;
		repeats: number;
		repeat_rate: number | null;
		lead_median_hours: number | null;
		lead_p85_hours: number | null;
		within_norm: number | null;
		handoffs: number;
		lead_p85_working_days: number | null;
	}>(`select * from public.case_weekly(${ARGS})`, args);
	return rows.map((r) => ({
		week: r.week,
		cases: r.cases,
		repeats: r.repeats,
		repeatRate: r.repeat_rate,
		leadMedianHours: r.lead_median_hours,
		leadP85Hours: r.lead_p85_hours,
		withinNorm: r.within_norm,
		handoffs: r.handoffs,
		leadP85WorkingDays: r.lead_p85_working_days
	}));
}

/** One bin of the lead-time distribution: closed cases with lowerHours ≤ lead time < upperHours. */
export interface LeadTimeBin {
	lowerHours: number;
	/** null: the last bin, without an upper edge. */
	upperHours: number | null;
	cases: number;
}

/** The distribution of lead times over fixed bins (4 h … 90 days), empty bins included. */
export function leadTimeHistogram(
	tx: Queryable,
	filter: ScopedFilter = {}
): Promise<LeadTimeBin[]> {
	const args = scopedParams(filter);
	return cached(tx, 'leadTimeHistogram', args, () =>
		tx.query<LeadTimeBin>(
			`select lower_hours as "lowerHours", upper_hours as "upperHours", cases
			   from public.lead_time_histogram(${ARGS})`,
			args
		)
	);
}
