import { number, percent } from '$lib/format';
import type { Metric } from '$lib/metrics/series';
import { m } from '$lib/paraglide/messages';
import type { EffectBrief } from '$lib/server/figures/cycle-effect';

/** The metric as a noun in a sentence ("herhaalpercentage 27 % → 13 %"). */
export const metricNoun: Record<Metric, () => string> = {
	repeat_rate: m.cycle_noun_repeat_rate,
	lead_p85: m.cycle_noun_lead_p85,
	lead_median: m.cycle_noun_lead_median,
	within_norm: m.cycle_noun_within_norm,
	cases: m.cycle_noun_cases,
	handoffs: m.cycle_noun_handoffs,
	silence_p85: m.cycle_noun_silence_p85
};

/** Before and after in the metric's unit; one more digit when rounding would hide the change. */
export function beforeAfterText(
	unit: 'share' | 'days' | 'count',
	a: number,
	b: number
): [string, string] {
	const fmt = (v: number, d: number) =>
		unit === 'share'
			? percent(v, d)
			: unit === 'days'
				? m.cycle_days({ value: number(v, d + 1) })
				: number(v, d);
	const coarse: [string, string] = [fmt(a, 0), fmt(b, 0)];
	return coarse[0] === coarse[1] && a !== b ? [fmt(a, 1), fmt(b, 1)] : coarse;
}

/**
 * "herhaalpercentage 27 % → 13 % over 13 weken, signaal: verbetering", with "(basislijn niet
 * stabiel)" after it when the baseline holds signals of its own.
 */
export function briefText(
	e: Pick<
		EffectBrief,
		'metric' | 'unit' | 'before' | 'after' | 'weeks' | 'signal' | 'baselineUnstable'
	>
) {
	const [before, after] = beforeAfterText(e.unit, e.before, e.after);
	const parts = { metric: metricNoun[e.metric](), before, after, weeks: e.weeks };
	const signal =
		e.signal === 'improvement' ? m.cycle_signal_improvement() : m.cycle_signal_concern();
	const text = e.signal
		? m.cycle_effect_brief({ ...parts, signal })
		: m.cycle_effect_brief_none(parts);
	// a baseline with signals of its own is never used silently
	return e.baselineUnstable ? m.cycle_effect_summary_unstable({ summary: text }) : text;
}
