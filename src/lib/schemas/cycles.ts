import { z } from 'zod';
import { METRICS } from '$lib/metrics/series';
import { isSaneDay, plainText, requiredText, saneDate } from './fields';

/**
 * Improvement cycles: the forms of the board and the cycle page. Error messages are message keys;
 * keys starting with `cycle_` are the cycle pages' own (see components/cycle/errors.ts). The date
 * rules are those of the table's check constraints (cycle_baseline_order,
 * cycle_change_after_baseline, cycle_test_after_change, cycle_test_order), checked here first so
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

export const createCycleSchema = z.object({
	title: requiredText(200),
	problem: requiredText(4000)
});
export type CreateCycleInput = z.infer<typeof createCycleSchema>;

export const cycleSchema = z
	.object({
		title: requiredText(200),
		problem: optionalText(4000),
		hypothesis: optionalText(4000),
		metric: z.enum(METRICS, { error: 'invalid_choice' }),
		better: z.enum(BETTER_DIRECTIONS, { error: 'invalid_choice' }),
		// the scope: any of a category, a touchpoint (its mapped categories) and a report channel
		// (as the source writes it); each one set narrows the cases further
		scopeCategoryId: scopeId,
		scopeTouchpointId: scopeId,
		scopeChannel: z.preprocess(
			emptyToNull,
			plainText().trim().min(1).max(100, { error: 'too_long' }).nullable()
		),
		baselineFrom: optionalDate,
		baselineTo: optionalDate,
		changeDate: optionalDate,
		testFrom: optionalDate,
		testTo: optionalDate,
		nextStep: optionalText(1000),
		learnings: optionalText(4000)
	})
	.superRefine((v, ctx) => {
		// ISO dates compare as strings; a date that is not one has its own message already.
		const rule = (earlier: unknown, later: unknown, strict: boolean, path: string, key: string) => {
			if (!isSaneDay(earlier) || !isSaneDay(later)) return;
			if (strict ? earlier < later : earlier <= later) return;
			ctx.addIssue({ code: 'custom', path: [path], message: key });
		};
		rule(v.baselineFrom, v.baselineTo, true, 'baselineTo', 'cycle_baseline_order');
		rule(v.baselineTo, v.changeDate, false, 'changeDate', 'cycle_change_after_baseline');
		rule(v.changeDate, v.testFrom, false, 'testFrom', 'cycle_test_after_change');
		rule(v.testFrom, v.testTo, true, 'testTo', 'cycle_test_order');
	});
export type CycleInput = z.output<typeof cycleSchema>;

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
