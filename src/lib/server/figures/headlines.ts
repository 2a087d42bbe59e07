/**
 * A team's headline figures: repeat rate, lead time (p85, days), share within norm and silence
 * (p85, days: the longest silence of the cases resolved each week) over the
 * report categories mapped to the team's journeys, each as its last 26 complete weeks with XmR
 * limits and the latest signal. Used by the team page and the coach view.
 */
import { latestSignal, median, xmr, type Limits, type Signal } from '$lib/metrics/spc';
import { BETTER, metricSeries } from '$lib/metrics/series';
import type { Queryable } from '../db';
import type { NormUnit } from '$lib/schemas/journeys';
import { teamCategoryIds } from '../journeys';
import { dataUpToIn } from './data-up-to';
import { weekly } from './metrics';
import { lastWeeks } from './period';
import { withSilence } from './silence';

const HEADLINE_METRICS = ['repeat_rate', 'lead_p85', 'within_norm', 'silence_p85'] as const;
export type HeadlineMetric = (typeof HEADLINE_METRICS)[number];

/** Weeks shown; the limits come from the first BASELINE_WEEKS of them. */
const HEADLINE_WEEKS = 26;
const BASELINE_WEEKS = 13;
/** A signal counts for the badge when it includes one of the last this many weeks. */
const RECENT_WEEKS = 3;

export interface Headline {
	metric: HeadlineMetric;
	better: 'higher' | 'lower';
	weeks: { week: string; value: number | null }[];
	/** The last week with a value, and the median of all 26 weeks. */
	latest: number | null;
	median: number | null;
	limits: Limits | null;
	signal: Signal | null;
	/** Indexes of points that are part of any signal (for the sparkline). */
	signalPoints: number[];
	/** Those of them whose signal is a concern (orange on the sparkline; the others blue). */
	concernPoints: number[];
	/**
	 * The target the assurance icon compares the limits with: for lead time, the norm when every
	 * category of the team has that one norm; otherwise null.
	 */
	target: number | null;
	/**
	 * The unit of a figure in days: lead time in the unit of that one norm (working days when it
	 * is in working days, so tile and norm agree), everything else in calendar days.
	 */
	unit: NormUnit;
}

export interface TeamHeadlines {
	/** Report categories mapped to the team's journeys; none → no figures. */
	categories: number;
	headlines: Headline[];
}

export function headline(
	weeks: { week: string; value: number | null }[],
	metric: HeadlineMetric,
	target: number | null = null,
	unit: NormUnit = 'calendar_days'
): Headline {
	const values = weeks.map((w) => w.value);
	const chart = xmr(values, { baseline: [0, BASELINE_WEEKS], better: BETTER[metric] });
	const latest = [...values].reverse().find((v) => v !== null) ?? null;
	return {
		metric,
		better: BETTER[metric],
		weeks,
		latest,
		median: median(values),
		limits: chart.limits,
		signal: latestSignal(chart, RECENT_WEEKS),
		signalPoints: chart.points.filter((p) => p.signals.length > 0).map((p) => p.index),
		concernPoints: chart.points.filter((p) => p.kind === 'concern').map((p) => p.index),
		target,
		unit
	};
}

/**
 * The headline figures of a team as the signed-in person may see them: call inside
 * db().asUser. Someone who may not see case data gets the figures of no cases (row level
 * security), which the caller can tell from `categories` and the empty weeks.
 */
export async function teamHeadlines(tx: Queryable, teamId: string): Promise<TeamHeadlines> {
	const categories = await teamCategoryIds(tx, teamId);
	if (categories.length === 0) return { categories: 0, headlines: [] };
	const period = await lastWeeks(tx, HEADLINE_WEEKS);
	if (!period) throw new Error('no organisation for this user');
	const range = { categories, from: period.from, to: period.to };
	const [weeks, norm, upTo] = await Promise.all([
		weekly(tx, range),
		commonNorm(tx, categories),
		dataUpToIn(tx)
	]);
	await withSilence(tx, range, weeks);
	// A week the data does not fully cover is left out (a gap), never drawn as a drop.
	const covered = (week: string) => !upTo.incompleteFrom || week < upTo.incompleteFrom;
	return {
		categories: categories.length,
		headlines: HEADLINE_METRICS.map((metric) => {
			const lead = metric === 'lead_p85';
			const unit = lead && norm ? norm.unit : 'calendar_days';
			const values =
				unit === 'working_days'
					? weeks.map((w) => w.leadP85WorkingDays)
					: metricSeries(weeks, metric);
			return headline(
				weeks.map((w, i) => ({ week: w.week, value: covered(w.week) ? values[i] : null })),
				metric,
				lead && norm ? norm.days : null,
				unit
			);
		})
	};
}

/**
 * The one norm all these categories share (days and unit), or null: with a mix of norms the
 * lead-time tile has no one target to compare with.
 */
async function commonNorm(
	tx: Queryable,
	categories: string[]
): Promise<{ days: number; unit: NormUnit } | null> {
	const rows = await tx.query<{ days: number | null; unit: NormUnit }>(
		`select distinct norm_days::float8 as days, norm_unit::text as unit
		   from category where id = any($1::uuid[])`,
		[categories]
	);
	const [only] = rows;
	return rows.length === 1 && only.days !== null ? { days: only.days, unit: only.unit } : null;
}
