/**
 * The metrics a cycle or a headline tile can follow, read from the weekly case figures
 * (public.case_weekly). Pure: runs in the browser and on the server.
 */
import type { Better } from './spc';

export const METRICS = [
	'repeat_rate',
	'lead_p85',
	'lead_median',
	'within_norm',
	'cases',
	'handoffs',
	'silence_p85'
] as const;
export type Metric = (typeof METRICS)[number];

/** The direction that is better for each metric, as proposed to a team (they may choose). */
export const BETTER: Record<Metric, Better> = {
	repeat_rate: 'lower',
	lead_p85: 'lower',
	lead_median: 'lower',
	within_norm: 'higher',
	cases: 'lower',
	handoffs: 'lower',
	silence_p85: 'lower'
};

/** How a metric's values read: a share (0–1), a number of days, or a count. */
export const UNIT: Record<Metric, 'share' | 'days' | 'count'> = {
	repeat_rate: 'share',
	lead_p85: 'days',
	lead_median: 'days',
	within_norm: 'share',
	cases: 'count',
	handoffs: 'count',
	silence_p85: 'days'
};

/** One week's figures as case_weekly returns them (see src/lib/server/figures/metrics.ts WeekFigures). */
export interface WeekValues {
	week: string;
	cases: number;
	repeatRate: number | null;
	leadMedianHours: number | null;
	leadP85Hours: number | null;
	withinNorm: number | null;
	handoffs: number;
	/** p85 of the longest silence (hours) of the cases resolved that week; see figures/silence. */
	silenceP85Hours?: number | null;
}

/** A metric's weekly values; lead times in days; null where a week has no value. */
export function metricValue(week: WeekValues, metric: Metric): number | null {
	switch (metric) {
		case 'repeat_rate':
			return week.repeatRate;
		case 'lead_p85':
			return week.leadP85Hours === null ? null : week.leadP85Hours / 24;
		case 'lead_median':
			return week.leadMedianHours === null ? null : week.leadMedianHours / 24;
		case 'within_norm':
			return week.withinNorm;
		case 'cases':
			return week.cases;
		case 'handoffs':
			return week.handoffs;
		case 'silence_p85':
			return week.silenceP85Hours == null ? null : week.silenceP85Hours / 24;
	}
}

export function metricSeries(weeks: readonly WeekValues[], metric: Metric): (number | null)[] {
	return weeks.map((w) => metricValue(w, metric));
}
