import { z } from 'zod';
import { requiredText, saneDate } from './fields';

/**
 * The coach's evaluation of a team and the coach's decision on a request outside a team's
 * mandate. Error messages are message keys: the shared ones (required, too_long, not_found,
 * invalid_choice) and the coach view's own (coach_*), see coachErrors in src/lib/components/coach/text.ts.
 */

const optionalText = (max: number) =>
	z
		.string()
		.trim()
		.max(max, { error: 'too_long' })
		.optional()
		.transform((v) => v ?? '');

/** An evaluation's date: the shared date rule in the coach view's words. */
const evaluationDate = saneDate('coach_date_invalid');

export const evaluationSchema = z
	.object({
		held_on: evaluationDate,
		results: requiredText(4000),
		blockers: optionalText(4000),
		decisions: optionalText(4000),
		next_step: optionalText(2000),
		next_on: evaluationDate
	})
	.refine((e) => e.next_on > e.held_on, {
		path: ['next_on'],
		error: 'coach_next_after_held',
		// only compare two valid dates (an empty or broken one has its own message)
		when: ({ issues }) =>
			!issues.some((i) => i.path?.[0] === 'held_on' || i.path?.[0] === 'next_on')
	});
export type EvaluationInput = z.output<typeof evaluationSchema>;

/** The date `days` after an ISO date (both YYYY-MM-DD). */
export function addDays(isoDay: string, days: number): string {
	const [y, m, d] = isoDay.split('-').map(Number);
	return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export const DECISIONS = ['approve', 'decline'] as const;

export const decisionSchema = z.object({
	request_id: z.uuid({ error: 'not_found' }),
	decision: z.enum(DECISIONS, { error: 'invalid_choice' }),
	reason: z
		.string({ error: 'coach_reason_required' })
		.trim()
		.min(1, { error: 'coach_reason_required' })
		.max(2000, { error: 'too_long' })
});
