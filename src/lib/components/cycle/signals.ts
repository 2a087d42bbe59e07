import type { Signal } from '$lib/metrics/spc';
import { m } from '$lib/paraglide/messages';
import { weekSpan } from './weeks';

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
	weekSpan(weeks[s.start], weeks[s.end], m.cycle_week_short());

/** "verbetering: 7 weken op rij onder de middenlijn (wk 45–51)" */
export const signalText = (s: Signal, weeks: readonly string[]) =>
	m.cycle_signal_line({ kind: kindText(s.kind), rule: ruleText(s), weeks: signalWeeks(s, weeks) });
