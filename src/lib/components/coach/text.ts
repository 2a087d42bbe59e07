/** Words and numbers of the coach view in the user's language. */
import { number, percent } from '$lib/format';
import { errorText } from '$lib/i18n/errors';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import type { CycleStatus } from '$lib/schemas/evaluations';

export type HeadlineMetric = 'repeat_rate' | 'lead_p85' | 'within_norm';

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

/** A calendar date (YYYY-MM-DD) as people write it, e.g. "2 nov. 2026". */
export function day(iso: string | null | undefined): string {
	if (!iso) return '–';
	const [y, mo, d] = iso.split('-').map(Number);
	return new Intl.DateTimeFormat(getLocale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(
		new Date(Date.UTC(y, mo - 1, d))
	);
}

export const metricLabel = (metric: HeadlineMetric) =>
	({
		repeat_rate: m.coach_metric_repeat_rate,
		lead_p85: m.coach_metric_lead_p85,
		within_norm: m.coach_metric_within_norm
	})[metric]();

/** A headline value: shares as percentages, lead times in days. */
export const metricValue = (metric: HeadlineMetric, v: number | null | undefined) =>
	v === null || v === undefined
		? '–'
		: metric === 'lead_p85'
			? `${number(v, 1)} ${m.unit_days()}`
			: percent(v, 1);

export const signalText = (kind: 'improvement' | 'concern' | null | undefined) =>
	kind === 'improvement'
		? m.coach_signal_improvement()
		: kind === 'concern'
			? m.coach_signal_concern()
			: m.coach_no_signal();

export const statusLabel = (status: CycleStatus) =>
	({
		idea: m.coach_status_idea,
		plan: m.coach_status_plan,
		test: m.coach_status_test,
		evaluate: m.coach_status_evaluate,
		adopted: m.coach_status_adopted,
		adapted: m.coach_status_adapted,
		abandoned: m.coach_status_abandoned
	})[status]();

const errors: Record<string, () => string> = {
	coach_next_after_held: m.coach_err_next_after_held,
	coach_date_invalid: m.coach_err_date_invalid,
	coach_reason_required: m.coach_err_reason_required,
	coach_already_decided: m.coach_err_already_decided,
	not_found: m.coach_err_not_found,
	forbidden: m.coach_err_forbidden
};

/** An error key from the coach's forms in words; shared keys fall back to the shared texts. */
export const coachError = (key: string | undefined) =>
	key ? (errors[key]?.() ?? errorText(key)) : '';

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
	}[],
	cycles: { title: string; status: CycleStatus }[]
): string {
	const parts = figures
		.filter((f) => f.latest !== null)
		.map(
			(f) =>
				m.coach_summary_figure({
					metric: metricLabel(f.metric),
					latest: metricValue(f.metric, f.latest),
					median: metricValue(f.metric, f.median)
				}) + (f.signal ? `, ${signalText(f.signal.kind)}` : '')
		);
	const lines = parts.length ? [`${parts.join('; ')}.`] : [];
	if (cycles.length)
		lines.push(
			m.coach_summary_cycles({
				list: cycles.map((c) => `${c.title} (${statusLabel(c.status)})`).join(', ')
			})
		);
	return lines.join('\n');
}
