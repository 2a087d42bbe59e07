import type { Better } from '$lib/metrics/spc';
import type { Metric } from '$lib/metrics/series';

/** The cycle's plan as the cycle page shows and edits it. */
export interface Plan {
	title: string;
	problem: string;
	hypothesis: string;
	metric: Metric;
	better: Better;
	scopeCategoryId: string | null;
	scopeCategoryName: string | null;
	scopeTouchpointId: string | null;
	scopeTouchpointName: string | null;
	scopeChannel: string | null;
	baselineFrom: string | null;
	baselineTo: string | null;
	changeDate: string | null;
	testFrom: string | null;
	testTo: string | null;
	nextStep: string;
	learnings: string;
}

export interface Scopes {
	categories: { id: string; name: string }[];
	touchpoints: { id: string; name: string; journey: string }[];
	channels: string[];
}
