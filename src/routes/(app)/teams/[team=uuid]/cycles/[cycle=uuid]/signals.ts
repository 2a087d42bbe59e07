import type { Signal } from '$lib/metrics/spc';
import { m } from '$lib/paraglide/messages';
import { spansYears, weekSpan } from './weeks';

/** What a signal's rule saw, in words: "7 weken op rij onder de middenlijn". */
export function ruleText(s: Signal): string {
	const count = s.points.length;
	const above = s.side === 'above';
	switch (s.rule) {
		case 'outside':
			if (count === 1)
				return above ? m.cycle_rule_outside_above_one() : m.cycle_rule_outside_below_one();
			return above ? m.cycle_rule_outside_above({ count }) : m.cycle_rule_outside_below({ count });
		case 'run':
			return above ? m.cycle_rule_run_above({ count }) : m.cycle_rule_run_below({ count });
		case 'trend':
			return above ? m.cycle_rule_trend_above({ count }) : m.cycle_rule_trend_below({ count });
		case 'two_of_three':
			return above
				? m.cycle_rule_two_of_three_above({ count })
				: m.cycle_rule_two_of_three_below({ count });
	}
}

export const kindText = (kind: Signal['kind']) =>
	kind === 'improvement' ? m.cycle_signal_improvement() : m.cycle_signal_concern();

/** The weeks a signal spans, e.g. "wk 45–51". `weeks` are the series' Mondays. */
export const signalWeeks = (s: Signal, weeks: readonly string[]) =>
	weekSpan(weeks[s.start], weeks[s.end], m.cycle_week_short(), spansYears(weeks));

/** "verbetering: 7 weken op rij onder de middenlijn (wk 45–51)" */
export const signalText = (s: Signal, weeks: readonly string[]) =>
	m.cycle_signal_line({ kind: kindText(s.kind), rule: ruleText(s), weeks: signalWeeks(s, weeks) });

/**
 * Signals to list in words: each single point outside the limits is a signal of its own, which
 * on a long chart makes a long list; the points outside on one side are told as one line
 * ("23 weken onder de ondergrens (wk 47 2025 – wk 45 2026)"). Other signals stay as they are.
 */
export function groupSignals(signals: readonly Signal[]): Signal[] {
	const out: Signal[] = [];
	for (const s of signals) {
		const same =
			s.rule === 'outside'
				? out.find((o) => o.rule === 'outside' && o.side === s.side && o.kind === s.kind)
				: undefined;
		if (!same) out.push({ ...s, points: [...s.points] });
		else {
			same.points.push(...s.points);
			same.end = Math.max(same.end, s.end);
		}
	}
	return out.sort((a, b) => a.start - b.start || a.end - b.end);
}
