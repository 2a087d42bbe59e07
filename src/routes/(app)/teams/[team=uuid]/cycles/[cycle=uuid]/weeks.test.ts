import { describe, expect, it } from 'vitest';
import type { Signal } from '$lib/metrics/spc';
import { groupSignals } from './signals';
import { isoWeek, spansYears, weekSpan } from './weeks';

describe('ISO weeks', () => {
	it('numbers weeks as the calendar does, across year ends', () => {
		expect(isoWeek('2025-11-03')).toEqual({ week: 45, year: 2025 });
		expect(isoWeek('2025-12-29')).toEqual({ week: 1, year: 2026 }); // Monday of week 1 2026
		expect(isoWeek('2020-12-28')).toEqual({ week: 53, year: 2020 });
		expect(isoWeek('2021-01-04')).toEqual({ week: 1, year: 2021 });
		expect(isoWeek('2026-11-23')).toEqual({ week: 48, year: 2026 });
	});

	it('says a stretch of weeks the short way, with years where needed', () => {
		expect(weekSpan('2025-11-03', '2025-12-15', 'wk')).toBe('wk 45–51');
		expect(weekSpan('2025-11-03', '2025-11-03', 'wk')).toBe('wk 45');
		expect(weekSpan('2025-12-22', '2026-01-12', 'wk')).toBe('wk 52 2025 – wk 3 2026');
		expect(weekSpan('2026-02-16', '2026-11-16', 'wk', true)).toBe('wk 8–47 2026');
		expect(spansYears(['2025-12-22', '2026-01-05'])).toBe(true);
		expect(spansYears(['2026-01-05', '2026-03-02'])).toBe(false);
	});
});

describe('signals in words', () => {
	const outside = (i: number): Signal => ({
		rule: 'outside',
		kind: 'improvement',
		side: 'below',
		start: i,
		end: i,
		points: [i]
	});

	it('tells the single points outside one limit as one line, and keeps other signals', () => {
		const run: Signal = {
			rule: 'run',
			kind: 'improvement',
			side: 'below',
			start: 3,
			end: 12,
			points: [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
		};
		const above: Signal = { ...outside(1), side: 'above', kind: 'concern' };
		const grouped = groupSignals([above, run, outside(5), outside(9), outside(11)]);
		expect(grouped).toEqual([above, run, { ...outside(5), end: 11, points: [5, 9, 11] }]);
	});
});
