/** Words and numbers of the coach view in the user's language. */
import { metricValue } from '$lib/format';
import { errorText, type ErrorTexts } from '$lib/i18n/errors';
import { cycleStatusLabel, metricLabel, signalLabel } from '$lib/i18n/labels';
import { m } from '$lib/paraglide/messages';
import type { CycleStatus } from '$lib/schemas/cycles';
import type { NormUnit } from '$lib/schemas/journeys';
import type { HeadlineMetric } from '$lib/server/figures/headlines';

/** A number of days' unit in words. */
export const daysUnit = (unit: NormUnit) =>
	unit === 'working_days' ? m.spc_unit_working_days() : m.spc_unit_calendar_days();

/**
 * A headline figure's value in its unit (shares as percent, days in the figure's unit: lead
 * time in its norm's, calendar days otherwise).
 */
export const figureValue = (
	metric: HeadlineMetric,
	v: number | null | undefined,
	unit: NormUnit = 'calendar_days'
) => metricValue(v, metric, daysUnit(unit));

/** How late (positive) or how far ahead (negative) a due date is, in words. */
export function dueText(daysLate: number): string {
	const days = Math.abs(daysLate);
	const weeks = Math.floor(days / 7);
	if (daysLate === 0) return m.coach_due_today();
	if (daysLate > 0) {
		if (days < 7) return days === 1 ? m.coach_late_day() : m.coach_late_days({ count: days });
		return weeks === 1 ? m.coach_late_week() : m.coach_late_weeks({ count: weeks });
	}
	if (days < 7) return days === 1 ? m.coach_in_day() : m.coach_in_days({ count: days });
	return weeks === 1 ? m.coach_in_week() : m.coach_in_weeks({ count: weeks });
}

/** The coach view's own error keys → text (the `texts` of the shared form components). */
export const coachErrors: ErrorTexts = {
	coach_next_after_held: m.coach_err_next_after_held,
	coach_date_invalid: m.coach_err_date_invalid,
	coach_reason_required: m.coach_err_reason_required,
	coach_already_decided: m.coach_err_already_decided,
	not_found: m.coach_err_not_found,
	forbidden: m.coach_err_forbidden
};

/** An error key from the coach's forms in words; shared keys fall back to the shared texts. */
export const coachError = (key: string | undefined) => errorText(key, coachErrors);

/**
 * A first line for "results against the baseline": the headline figures with their medians and
 * signals, and the active cycles with their status. The coach edits it.
 */
export function resultsSummary(
	figures: {
		metric: HeadlineMetric;
		latest: number | null;
		median: number | null;
		signal: { kind: 'improvement' | 'concern' } | null;
		unit?: NormUnit;
	}[],
	cycles: { title: string; status: CycleStatus }[]
): string {
	const parts = figures
		.filter((f) => f.latest !== null)
		.map(
			(f) =>
				m.coach_summary_figure({
					metric: metricLabel(f.metric),
					latest: figureValue(f.metric, f.latest, f.unit),
					median: figureValue(f.metric, f.median, f.unit)
				}) + (f.signal ? `, ${signalLabel(f.signal.kind).toLowerCase()}` : '')
		);
	const lines = parts.length ? [`${parts.join('; ')}.`] : [];
	if (cycles.length)
		lines.push(
			m.coach_summary_cycles({
				list: cycles
					.map((c) => `${c.title} (${cycleStatusLabel(c.status).toLowerCase()})`)
					.join(', ')
			})
		);
	return lines.join('\n');
}
