import type { Limits, SignalKind } from '$lib/metrics/spc';
import type { HeadlineMetric } from './text';

/** A headline figure as the coach view receives it (see src/lib/server/figures/headlines.ts). */
export interface Figure {
	metric: HeadlineMetric;
	weeks: { week: string; value: number | null }[];
	latest: number | null;
	median: number | null;
	limits: Limits | null;
	signal: { kind: SignalKind } | null;
	signalPoints: number[];
}
