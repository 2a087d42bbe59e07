/**
 * Silence time: how long customers hear nothing while their case is open (issue 12, section 1).
 * Computed in SQL (supabase/migrations/*_silence.sql: public.silence_summary,
 * public.silence_weekly, public.silent_now, public.case_variants); this module calls those
 * functions and types their results. Call it inside a transaction of the Db port: as a user
 * (row level security decides which cases count) or on the service path with `orgId`.
 */
import type { Queryable } from '../db';
import { cached } from './cache';
import { params, type MetricsFilter } from './metrics';

function instant(now: Date | string | null | undefined): string | null {
	if (now === null || now === undefined) return null;
	return (now instanceof Date ? now : new Date(now)).toISOString();
}

export interface SilenceSummary {
	/** Cases with a received time; open ones count up to now. */
	cases: number;
	/** Median and p85 of each case's longest silence (percentile_cont); null without cases. */
	silenceHours: { median: number | null; p85: number | null };
	silenceWorkingDays: { median: number | null; p85: number | null };
	/** Cases whose longest silence exceeds their category's norm (working days), and their share. */
	overNorm: number;
	overNormShare: number | null;
	/** Open cases, and those silent longer than their norm right now. */
	open: number;
	silentNow: number;
	/** Activities the organisation counts as contact; 0 → only receipt and resolution count. */
	contactActivities: number;
}

/** The silence figures over the cases the filter selects (received in [from, to)). */
export async function silenceSummary(
	tx: Queryable,
	filter: MetricsFilter = {},
	now: Date | string | null = null
): Promise<SilenceSummary> {
	const args = [...params(filter), instant(now)];
	return cached(tx, 'silenceSummary', args, async () => {
		const [row] = await tx.query<{ summary: SilenceSummary }>(
			`select public.silence_summary($1::timestamptz, $2::timestamptz, $3::uuid[], $4::text,
			        $5::text, $6::uuid, $7::timestamptz) as summary`,
			args
		);
		return row.summary;
	});
}

export interface SilenceWeek {
	/** The Monday, 'YYYY-MM-DD'. */
	week: string;
	/** Cases resolved that week, with the median and p85 of their silence in hours. */
	cases: number;
	medianHours: number;
	p85Hours: number;
	overNorm: number;
}

/** Per week (of resolution) with closed cases: their silence figures. Weeks without are left out. */
export function silenceWeekly(tx: Queryable, filter: MetricsFilter = {}): Promise<SilenceWeek[]> {
	return cached(tx, 'silenceWeekly', params(filter), () => silenceWeeklyNow(tx, filter));
}

async function silenceWeeklyNow(tx: Queryable, filter: MetricsFilter): Promise<SilenceWeek[]> {
	const rows = await tx.query<{
		week: string;
		cases: number;
		median_hours: number;
		p85_hours: number;
		over_norm: number;
	}>(
		`select week::text as week, cases, median_hours, p85_hours, over_norm
		   from public.silence_weekly($1::timestamptz, $2::timestamptz, $3::uuid[], $4::text,
		        $5::text, $6::uuid)`,
		params(filter)
	);
	return rows.map((r) => ({
		week: r.week,
		cases: r.cases,
		medianHours: r.median_hours,
		p85Hours: r.p85_hours,
		overNorm: r.over_norm
	}));
}

export interface SilentCase {
	id: string;
	source: string;
	externalId: string;
	category: string | null;
	channel: string | null;
	receivedAt: string;
	lastContact: string;
	hours: number;
	workingDays: number;
	normDays: number;
}

/** "Wie bellen we vandaag?": open cases silent past their norm now, the longest silence first. */
export async function silentNow(
	tx: Queryable,
	filter: Pick<MetricsFilter, 'categories' | 'category' | 'channel' | 'department' | 'orgId'> = {},
	options: { now?: Date | string | null; limit?: number } = {}
): Promise<SilentCase[]> {
	const [, , categories, channel, department, org] = params(filter);
	const rows = await tx.query<{
		report_id: string;
		source: string;
		external_id: string;
		category: string | null;
		channel: string | null;
		received_at: Date;
		last_contact: Date;
		current_hours: number;
		current_working_days: number;
		norm_days: number;
	}>(
		`select * from public.silent_now($1::uuid[], $2::text, $3::text, $4::uuid, $5::timestamptz, $6::integer)`,
		[categories, channel, department, org, instant(options.now), options.limit ?? 50]
	);
	return rows.map((r) => ({
		id: r.report_id,
		source: r.source,
		externalId: r.external_id,
		category: r.category,
		channel: r.channel,
		receivedAt: new Date(r.received_at).toISOString(),
		lastContact: new Date(r.last_contact).toISOString(),
		hours: r.current_hours,
		workingDays: r.current_working_days,
		normDays: r.norm_days
	}));
}

export interface Variant {
	activities: string[];
	cases: number;
	/** Of the cases with events. */
	share: number;
	/** Closed cases only; null when none closed. */
	medianLeadHours: number | null;
	meanHandoffs: number;
	/** Up to five cases, latest received first. */
	examples: string[];
}

/** The distinct paths of the selected cases, most frequent first (at most 50). */
export async function variants(tx: Queryable, filter: MetricsFilter = {}): Promise<Variant[]> {
	const rows = await tx.query<{
		activities: string[];
		cases: number;
		share: number;
		median_lead_hours: number | null;
		mean_handoffs: number;
		examples: string[];
	}>(
		`select * from public.case_variants($1::timestamptz, $2::timestamptz, $3::uuid[], $4::text,
		        $5::text, $6::uuid)`,
		params(filter)
	);
	return rows.map((r) => ({
		activities: r.activities,
		cases: r.cases,
		share: r.share,
		medianLeadHours: r.median_lead_hours,
		meanHandoffs: r.mean_handoffs,
		examples: r.examples
	}));
}

/** Adds each week's silence p85 (cases resolved that week; null without) to a weekly series. */
export async function withSilence(
	tx: Queryable,
	filter: MetricsFilter,
	weeks: { week: string; silenceP85Hours?: number | null }[]
): Promise<void> {
	const byWeek = new Map((await silenceWeekly(tx, filter)).map((w) => [w.week, w.p85Hours]));
	for (const w of weeks) w.silenceP85Hours = byWeek.get(w.week) ?? null;
}
