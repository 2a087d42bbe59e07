import { z } from 'zod';
import { METRICS, UNIT } from '$lib/metrics/series';
import { commaDecimal, isSaneDay, plainText, requiredText, saneDate } from './fields';

/**
 * Improvement cycles: the forms of the board and the cycle page. Error messages are message keys;
 * keys starting with `cycle_` are the cycle pages' own (see components/cycle/errors.ts). The date
 * rules are those of the table's check constraints (cycle_baseline_order,
 * cycle_change_after_baseline, cycle_test_after_change, cycle_test_order) and of the trigger
 * that keeps the windows apart (cycle_windows_apart: the change date and the test window lie
 * after the baseline's last day, cycle_test_after_baseline), checked here first so
 * the user hears which field is wrong; the constraints stay as the last line.
 */

export const CYCLE_STATUSES = [
	'idea',
	'plan',
	'test',
	'evaluate',
	'adopted',
	'adapted',
	'abandoned'
] as const;
export type CycleStatus = (typeof CYCLE_STATUSES)[number];

/** Whether a cycle's metric improves by going up or down (the database's better_direction). */
export const BETTER_DIRECTIONS = ['lower', 'higher'] as const;

/** A decision request's state (the database's request_status). */
export const REQUEST_STATUSES = ['open', 'approved', 'declined'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Where each status may go with the page's buttons. */
export const NEXT_STATUS: Record<CycleStatus, readonly CycleStatus[]> = {
	idea: ['plan', 'abandoned'],
	plan: ['test', 'abandoned'],
	test: ['evaluate', 'abandoned'],
	evaluate: ['adopted', 'adapted', 'abandoned'],
	adapted: ['plan'],
	adopted: [],
	abandoned: []
};

const optionalText = (max: number) =>
	z.preprocess(
		(v) => (v === undefined || v === null ? '' : v),
		plainText().trim().max(max, { error: 'too_long' })
	);

/** A date; empty means not set. */
const optionalDate = z.preprocess(
	(v) => (v === '' || v === null || v === undefined ? null : v),
	saneDate('cycle_date_invalid').nullable()
);

const emptyToNull = (v: unknown) => (v === '' || v === undefined ? null : v);

/** A category or touchpoint from a select; empty means none. */
const scopeId = z.preprocess(emptyToNull, z.uuid({ error: 'cycle_scope_unknown' }).nullable());

/** A money amount in euros, with a Dutch decimal comma or a point; empty means unknown. */
const optionalAmount = z.preprocess(
	(v) => (v === '' || v === undefined ? null : commaDecimal(v)),
	z.coerce
		.number({ error: 'number' })
		.min(0, { error: 'out_of_range' })
		.max(1e10 - 1, { error: 'out_of_range' })
		.nullable()
);

/**
 * A cycle's goal as the team types it: the metric's value to aim for, in the unit the page
 * shows (a percentage for a share, days, a count), a Dutch decimal comma or a point; empty
 * means no goal. `goalStored` turns a percentage into the share the figures use.
 */
const optionalGoal = z.preprocess(
	(v) =>
		v === '' || v === undefined || v === null
			? null
			: typeof v === 'string'
				? commaDecimal(v.trim().replace(/\s*%$/, '')) || null
				: v,
	z.coerce
		.number({ error: 'number' })
		.min(0, { error: 'out_of_range' })
		.max(1e8, { error: 'out_of_range' })
		.nullable()
);

/** The goal as typed (percent for a share) → as stored (a share 0–1), and back for the form. */
export const goalStored = (goal: number | null, metric: (typeof METRICS)[number]) =>
	goal === null ? null : UNIT[metric] === 'share' ? goal / 100 : goal;
export const goalTyped = (goal: number | null, metric: (typeof METRICS)[number]) =>
	goal === null ? null : UNIT[metric] === 'share' ? Math.round(goal * 1e6) / 1e4 : goal;

const metric = z.enum(METRICS, { error: 'invalid_choice' });
const better = z.enum(BETTER_DIRECTIONS, { error: 'invalid_choice' });
const scopeChannel = z.preprocess(
	emptyToNull,
	plainText().trim().min(1).max(100, { error: 'too_long' }).nullable()
);

/**
 * A new cycle: a title and the problem, and what the plan starts from when it is started from a
 * figure (the metric, its better direction, the scope and a baseline window).
 */
export const createCycleSchema = z
	.object({
		title: requiredText(200),
		problem: requiredText(4000),
		metric: metric.default('repeat_rate'),
		better: better.default('lower'),
		scopeCategoryId: scopeId,
		scopeTouchpointId: scopeId,
		scopeChannel,
		baselineFrom: optionalDate,
		baselineTo: optionalDate
	})
	.superRefine((v, ctx) => {
		if (isSaneDay(v.baselineFrom) && isSaneDay(v.baselineTo) && v.baselineFrom >= v.baselineTo)
			ctx.addIssue({ code: 'custom', path: ['baselineTo'], message: 'cycle_baseline_order' });
	});
export type CreateCycleInput = z.output<typeof createCycleSchema>;

/**
 * "Start een verbetercyclus hier": what a figure hands to the new-cycle page in its address
 * (`?touchpoint=…&metric=…`). Anything that is not one of these is left out, never an error.
 */
export const cycleStartSchema = z.object({
	touchpoint: z.uuid().optional().catch(undefined),
	category: z.uuid().optional().catch(undefined),
	channel: plainText().trim().min(1).max(100).optional().catch(undefined),
	metric: metric.optional().catch(undefined)
});
export type CycleStart = z.output<typeof cycleStartSchema>;

const planShape = z.object({
	title: requiredText(200),
	problem: optionalText(4000),
	hypothesis: optionalText(4000),
	metric,
	better,
	// the scope: any of a category, a touchpoint (its mapped categories) and a report channel
	// (as the source writes it); each one set narrows the cases further
	scopeCategoryId: scopeId,
	scopeTouchpointId: scopeId,
	scopeChannel,
	baselineFrom: optionalDate,
	baselineTo: optionalDate,
	changeDate: optionalDate,
	testFrom: optionalDate,
	testTo: optionalDate,
	// what the change costs and whether it touches a boundary of the mandate (the mandate gate)
	expectedCost: optionalAmount,
	touchesBoundary: z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()),
	boundary: z.preprocess(
		emptyToNull,
		plainText().trim().max(1000, { error: 'too_long' }).nullable()
	),
	// the value of the metric the team aims for: the target line on the chart and the assurance icon
	goal: optionalGoal,
	nextStep: optionalText(1000),
	learnings: optionalText(4000)
});

function planRules(v: z.output<typeof planShape>, ctx: z.RefinementCtx) {
	// ISO dates compare as strings; a date that is not one has its own message already.
	const rule = (earlier: unknown, later: unknown, strict: boolean, path: string, key: string) => {
		if (!isSaneDay(earlier) || !isSaneDay(later)) return;
		if (strict ? earlier < later : earlier <= later) return;
		ctx.addIssue({ code: 'custom', path: [path], message: key });
	};
	rule(v.baselineFrom, v.baselineTo, true, 'baselineTo', 'cycle_baseline_order');
	// the windows do not overlap: the change and the test come after the baseline's last day
	rule(v.baselineTo, v.changeDate, true, 'changeDate', 'cycle_change_after_baseline');
	rule(v.baselineTo, v.testFrom, true, 'testFrom', 'cycle_test_after_baseline');
	rule(v.changeDate, v.testFrom, false, 'testFrom', 'cycle_test_after_change');
	rule(v.testFrom, v.testTo, true, 'testTo', 'cycle_test_order');
	if (!v.testFrom) {
		rule(v.baselineTo, v.testTo, true, 'testTo', 'cycle_test_after_baseline');
		rule(v.changeDate, v.testTo, false, 'testTo', 'cycle_test_after_change');
	}
	if (v.touchesBoundary && !v.boundary)
		ctx.addIssue({ code: 'custom', path: ['boundary'], message: 'cycle_boundary_named' });
	if (v.goal !== null && UNIT[v.metric] === 'share' && v.goal > 100)
		ctx.addIssue({ code: 'custom', path: ['goal'], message: 'out_of_range' });
}

/** The plan as stored: a goal for a share goes from a percentage to a share. */
const stored = <T extends z.output<typeof planShape>>(v: T): T => ({
	...v,
	goal: goalStored(v.goal, v.metric)
});

export const cycleSchema = planShape.superRefine(planRules).transform(stored);
export type CycleInput = z.output<typeof cycleSchema>;

/** A correction of a finished (frozen) cycle's plan: the plan and why it is corrected. */
export const correctionSchema = planShape
	.extend({ correction: requiredText(2000) })
	.superRefine(planRules)
	.transform(stored);

/** "start test" and the other status buttons. `right` is the covering decision right, if any. */
export const statusSchema = z.object({
	to: z.enum(CYCLE_STATUSES, { error: 'invalid_choice' }),
	right: z.preprocess(emptyToNull, plainText().trim().max(1000, { error: 'too_long' }).nullable())
});

export const actionSchema = z.object({
	who: requiredText(120),
	what: requiredText(1000),
	dueOn: optionalDate
});
export type ActionInput = z.infer<typeof actionSchema>;

export const requestSchema = z.object({ question: requiredText(2000) });

export const decideSchema = z.object({
	request: z.uuid({ error: 'not_found' }),
	decision: z.enum(['approve', 'decline'], { error: 'invalid_choice' }),
	reason: z
		.string({ error: 'cycle_reason_required' })
		.trim()
		.min(1, { error: 'cycle_reason_required' })
		.max(2000, { error: 'too_long' })
});

export const idSchema = z.object({ id: z.uuid({ error: 'not_found' }) });
