import { describe, expect, it } from 'vitest';
import {
	beforeAfter,
	latestSignal,
	median,
	signalFrom,
	stableBaseline,
	xmr,
	type Better,
	type Xmr
} from './spc';

/*
 * Worked example used throughout: the baseline 10, 12, 11, 13, 12, 10, 11, 13.
 *   centre = 92 / 8 = 11.5
 *   moving ranges = 2, 1, 2, 1, 2, 1, 2 → mR̄ = 11 / 7 ≈ 1.5714
 *   2.66 × mR̄ = 29.26 / 7 = 4.18 → upper = 15.68, lower = 7.32
 *   two thirds of the way to a limit: 4.18 × 2/3 ≈ 2.7867 → above 14.2867 or below 8.7133
 * The baseline itself fires no rule (sides alternate, no 3 steps the same way, nothing near a
 * limit), so every signal below comes from the points appended after it. It ends on 13 (above
 * the centre line), so appended series that must not extend a run start below it.
 */
const BASE = [10, 12, 11, 13, 12, 10, 11, 13];

/** XmR of BASE followed by `after`, with BASE (indexes 0–7) as the baseline. */
const chart = (after: (number | null)[], better: Better = 'higher') =>
	xmr([...BASE, ...after], { baseline: [0, BASE.length], better });

/** Which rules fired, one entry per signal, in order. */
const rules = (result: Xmr) => result.signals.map((s) => s.rule);

describe('xmr limits', () => {
	it('computes centre, mean moving range and limits from the baseline', () => {
		const { limits, baselinePoints } = chart([]);
		expect(baselinePoints).toBe(8);
		expect(limits?.centre).toBeCloseTo(11.5, 10);
		expect(limits?.mrBar).toBeCloseTo(11 / 7, 10);
		expect(limits?.upper).toBeCloseTo(15.68, 10);
		expect(limits?.lower).toBeCloseTo(7.32, 10);
	});

	it('reports the moving range of each point and none for the first', () => {
		expect(chart([]).points.map((p) => p.movingRange)).toEqual([null, 2, 1, 2, 1, 2, 1, 2]);
	});

	it('ignores points after the baseline when computing limits', () => {
		const result = chart([100, -50, 100]);
		expect(result.limits?.centre).toBeCloseTo(11.5, 10);
		expect(result.limits?.upper).toBeCloseTo(15.68, 10);
	});

	it('does not clamp a negative lower limit', () => {
		// baseline 0, 2, 0: centre 2/3, moving ranges 2, 2 → mR̄ 2, limits 2/3 ± 5.32
		const { limits } = xmr([0, 2, 0, 1], { baseline: [0, 3], better: 'lower' });
		expect(limits?.centre).toBeCloseTo(2 / 3, 10);
		expect(limits?.mrBar).toBe(2);
		expect(limits?.lower).toBeCloseTo(2 / 3 - 5.32, 10);
		expect(limits!.lower).toBeLessThan(0);
	});

	it('clamps the baseline range to the series', () => {
		const result = xmr(BASE, { baseline: [-3, 99], better: 'higher' });
		expect(result.baseline).toEqual([0, 8]);
		expect(result.limits?.centre).toBeCloseTo(11.5, 10);
	});

	it('rebases: another baseline window gives limits from that window only', () => {
		// Weeks 0–7 around 11.5, then a shift to 20, 21, 20, 21 (centre 20.5, mR̄ 1, 20.5 ± 2.66).
		const values = [...BASE, 20, 21, 20, 21];
		const original = xmr(values, { baseline: [0, 8], better: 'higher' });
		const rebased = xmr(values, { baseline: [8, values.length], better: 'higher' });
		expect(original.signals.some((s) => s.rule === 'outside' && s.start === 8)).toBe(true);
		expect(rebased.limits?.centre).toBeCloseTo(20.5, 10);
		expect(rebased.limits?.upper).toBeCloseTo(23.16, 10);
		expect(rebased.limits?.lower).toBeCloseTo(17.84, 10);
		// The new points sit inside their own limits; the old weeks are now far below them.
		expect(rebased.points.slice(8).every((p) => !p.signals.includes('outside'))).toBe(true);
		expect(rebased.points.slice(0, 8).every((p) => p.signals.includes('outside'))).toBe(true);
	});
});

describe('screening moving ranges (one freak week does not widen the limits)', () => {
	// 20 weeks alternating 10 / 12 with one freak week of 30 at index 9:
	//   moving ranges: seventeen of 2 and two of 20 → mean 74 / 19 ≈ 3.89; 3.267 × 3.89 ≈ 12.7
	//   so both ranges of 20 are screened out and mR̄ = 2 (unscreened it would be 3.89)
	//   centre = (10 × 10 + 9 × 12 + 30) / 20 = 11.9; limits 11.9 ± 5.32 = 6.58 … 17.22
	const FREAK = [10, 12, 10, 12, 10, 12, 10, 12, 10, 30, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12];
	const freak = (after: number[]) =>
		xmr([...FREAK, ...after], { baseline: [0, FREAK.length], better: 'lower' });

	it('leaves moving ranges of 3.267 × their mean or more out of the mean moving range', () => {
		const { limits } = freak([]);
		expect(limits?.centre).toBeCloseTo(11.9, 10);
		expect(limits?.mrBar).toBe(2);
		expect(limits?.screened).toBe(2);
		expect(limits?.upper).toBeCloseTo(17.22, 10);
		expect(limits?.lower).toBeCloseTo(6.58, 10);
	});

	it('flags a later week of 18 that unscreened limits (upper ≈ 22.2) would have let pass', () => {
		const result = freak([18]);
		expect(result.signals.map((s) => [s.rule, s.points, s.kind])).toEqual(
			expect.arrayContaining([['outside', [20], 'concern']])
		);
	});

	it('screens nothing when the ranges are alike', () => {
		expect(chart([]).limits?.screened).toBe(0);
	});

	it('screens nothing when every moving range is 0', () => {
		const { limits } = xmr([5, 5, 5, 5], { baseline: [0, 4], better: 'higher' });
		expect(limits).toMatchObject({ centre: 5, mrBar: 0, upper: 5, lower: 5, screened: 0 });
	});

	it('screens nothing when screening would leave only ranges of 0 (a flat whole-number series with one jump)', () => {
		// a weekly p85 in working days: 2 every week but one week of 3 (index 6)
		// ranges: ten of 0 and two of 1 → mean 1/6; 3.267 / 6 ≈ 0.54 < 1, so screening would drop
		// both and leave limits of no width (every week of 2 a signal below the centre of 2.077)
		const values = [2, 2, 2, 2, 2, 2, 3, 2, 2, 2, 2, 2, 2];
		const result = xmr(values, { baseline: [0, values.length], better: 'lower' });
		expect(result.limits?.screened).toBe(0);
		expect(result.limits?.mrBar).toBeCloseTo(1 / 6, 10);
		expect(result.limits?.upper).toBeCloseTo(2 + 1 / 13 + 2.66 / 6, 10);
		// only the week of 3 stands out; the weeks of 2 are common cause
		expect(result.signals.flatMap((s) => s.points)).toEqual([6]);
	});

	it('keeps a range just below 3.267 × the mean', () => {
		// ranges 1, 1, 1, 1, 1, 1, 1, 1, 1, 4: mean 1.3, 3.267 × 1.3 ≈ 4.25 > 4 → kept
		const values = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 5];
		const { limits } = xmr(values, { baseline: [0, values.length], better: 'higher' });
		expect(limits?.screened).toBe(0);
		expect(limits?.mrBar).toBeCloseTo(1.3, 10);
	});
});

describe('a baseline that holds signals', () => {
	it('reports no baseline signals for the stable worked example', () => {
		expect(chart([16, 16]).baselineSignals).toEqual([]);
	});

	it('reports the freak week as a baseline signal', () => {
		const values = [10, 12, 10, 12, 10, 12, 10, 12, 10, 30, 10, 12, 10, 12, 10, 12, 10, 12];
		const result = xmr(values, { baseline: [0, values.length], better: 'lower' });
		expect(result.baselineSignals.map((s) => [s.rule, s.points])).toEqual([['outside', [9]]]);
	});

	it('does not count a run that only starts in the baseline and goes on after it', () => {
		// the baseline ends on 13, 12.5, 12 (above); the run of 7 needs the weeks after it
		const result = xmr([10, 12, 11, 13, 12, 10, 11, 13, 12.5, 12, 12.6, 12.2, 12.4, 12.1, 12.3], {
			baseline: [0, 10],
			better: 'higher'
		});
		expect(result.signals.map((s) => s.rule)).toContain('run');
		expect(result.baselineSignals).toEqual([]);
	});

	it('finds a baseline in a rising baseline, from the weeks after the rise', () => {
		// a trend of 7 rising weeks, then 8 stable weeks: the suggestion is the stable stretch
		const values = [1, 2, 3, 4, 5, 6, 7, 10, 12, 11, 13, 12, 10, 11, 13];
		const result = xmr(values, { baseline: [0, values.length], better: 'higher' });
		expect(result.baselineSignals.length).toBeGreaterThan(0);
		const window = stableBaseline(values, [0, values.length], 'higher');
		expect(window).not.toBeNull();
		const [from, to] = window!;
		expect(from).toBeGreaterThanOrEqual(6);
		expect(to).toBe(values.length);
		expect(
			xmr(values.slice(from, to), { baseline: [0, to - from], better: 'higher' }).baselineSignals
		).toEqual([]);
	});

	it('suggests nothing when no window long enough is stable', () => {
		// every 7 weeks of a steady rise are a trend
		expect(stableBaseline([1, 2, 3, 4, 5, 6, 7, 8], [0, 8], 'higher', 7)).toBeNull();
		expect(stableBaseline([10, 12, 11], [0, 3], 'higher')).toBeNull();
	});
});

describe('signalFrom: the part of a signal from the change on', () => {
	const run = chart([11, 10, 10.5, 10, 11, 10.5, 10, 11, 10.5], 'lower').signals[0];

	it('keeps a run that still has 7 points from the change on', () => {
		expect(run).toMatchObject({ rule: 'run', start: 8, end: 16 });
		expect(signalFrom(run, 10)).toMatchObject({ rule: 'run', start: 10, end: 16 });
		expect(signalFrom(run, 10)?.points).toEqual([10, 11, 12, 13, 14, 15, 16]);
	});

	it('drops a run with fewer than 7 points from the change on', () => {
		expect(signalFrom(run, 11)).toBeNull();
	});

	it('keeps an outside point from the change on and drops one before', () => {
		const outside = chart([16]).signals[0];
		expect(signalFrom(outside, 8)).toEqual(outside);
		expect(signalFrom(outside, 9)).toBeNull();
	});
});

describe('fewer than 2 baseline points', () => {
	it('has no limits and no signals with a single baseline point', () => {
		const result = xmr([5, 100, 200, 300], { baseline: [0, 1], better: 'higher' });
		expect(result.limits).toBeNull();
		expect(result.signals).toEqual([]);
		expect(result.baselinePoints).toBe(1);
		// The points are still there for a plain line chart.
		expect(result.points.map((p) => p.movingRange)).toEqual([null, 95, 100, 100]);
		expect(result.points.every((p) => p.signals.length === 0 && p.kind === null)).toBe(true);
	});

	it('counts only non-null baseline points', () => {
		const result = xmr([null, 4, null, 100], { baseline: [0, 3], better: 'higher' });
		expect(result.limits).toBeNull();
		expect(result.baselinePoints).toBe(1);
	});

	it('has no limits for an empty baseline or an empty series', () => {
		expect(xmr(BASE, { baseline: [3, 3], better: 'higher' }).limits).toBeNull();
		expect(xmr(BASE, { baseline: [6, 2], better: 'higher' }).limits).toBeNull();
		expect(xmr([], { baseline: [0, 10], better: 'higher' })).toMatchObject({
			limits: null,
			points: [],
			signals: []
		});
	});
});

describe('nulls', () => {
	it('skips nulls in the centre line and the moving ranges', () => {
		// points 10, 12, 11 → centre 11; moving ranges |12 − 10| = 2, |11 − 12| = 1 → mR̄ 1.5
		const result = xmr([10, null, 12, null, null, 11], { baseline: [0, 6], better: 'higher' });
		expect(result.limits?.centre).toBe(11);
		expect(result.limits?.mrBar).toBe(1.5);
		expect(result.limits?.upper).toBeCloseTo(14.99, 10);
		expect(result.points.map((p) => [p.value, p.movingRange])).toEqual([
			[10, null],
			[null, null],
			[12, 2],
			[null, null],
			[null, null],
			[11, 1]
		]);
	});

	it('treats a non-finite number as a gap', () => {
		const result = xmr([10, NaN, 12, 11], { baseline: [0, 4], better: 'higher' });
		expect(result.limits?.centre).toBe(11);
		expect(result.points[1]).toMatchObject({ value: null, movingRange: null });
	});
});

describe('rule 1: outside the limits', () => {
	it('fires for a point above the upper limit, and only that rule', () => {
		const result = chart([16]);
		expect(rules(result)).toEqual(['outside']);
		expect(result.signals[0]).toMatchObject({ side: 'above', start: 8, end: 8, points: [8] });
		expect(result.points[8].signals).toEqual(['outside']);
	});

	it('fires for a point below the lower limit', () => {
		const result = chart([7]);
		expect(rules(result)).toEqual(['outside']);
		expect(result.signals[0]).toMatchObject({ side: 'below', points: [8] });
	});

	it('reports each point outside as its own signal', () => {
		expect(chart([16, 11, 7]).signals.map((s) => [s.rule, s.side, s.start])).toEqual([
			['outside', 'above', 8],
			['outside', 'below', 10]
		]);
	});

	it('does not fire for a point exactly on a limit', () => {
		const limits = chart([]).limits!;
		expect(chart([limits.upper]).signals).toEqual([]);
		expect(chart([limits.lower]).signals).toEqual([]);
	});

	it('does not fire just inside the limits', () => {
		expect(chart([15.6]).signals).toEqual([]);
		expect(chart([7.4]).signals).toEqual([]);
	});
});

describe('rule 2: run of 7 on one side', () => {
	const seven = [12, 12.5, 12, 12.5, 12, 12.5, 12];

	it('fires for 7 points above the centre line, and only that rule', () => {
		// 11 (below) breaks the baseline's last point off, then 7 above, zigzagging.
		const result = chart([11, ...seven]);
		expect(rules(result)).toEqual(['run']);
		expect(result.signals[0]).toMatchObject({
			side: 'above',
			start: 9,
			end: 15,
			points: [9, 10, 11, 12, 13, 14, 15]
		});
		expect(result.points.filter((p) => p.signals.includes('run')).map((p) => p.index)).toEqual([
			9, 10, 11, 12, 13, 14, 15
		]);
	});

	it('fires for 7 points below the centre line', () => {
		const result = chart([11, 10.5, 11, 10.5, 11, 10.5, 11]);
		// 11 and 10 from the baseline (indexes 5, 6) are below too, but 13 at index 7 is not.
		expect(rules(result)).toEqual(['run']);
		expect(result.signals[0]).toMatchObject({ side: 'below', start: 8, end: 14 });
	});

	it('reports one signal for a longer run, covering all of it', () => {
		const result = chart([11, ...seven, 12.5, 12]);
		expect(rules(result)).toEqual(['run']);
		expect(result.signals[0]).toMatchObject({ start: 9, end: 17 });
		expect(result.signals[0].points).toHaveLength(9);
	});

	it('does not fire for 6 in a row', () => {
		expect(chart([11, ...seven.slice(1), 11]).signals).toEqual([]);
	});

	it('is broken by a point exactly on the centre line', () => {
		// 7 points above in all, but split 3 + 4 by 11.5.
		expect(chart([11, 12, 12.5, 12, 11.5, 12.5, 12, 12.5, 12]).signals).toEqual([]);
	});

	it('continues across null weeks', () => {
		const result = chart([11, 12, 12.5, 12, null, null, 12.5, 12, 12.5, 12]);
		expect(rules(result)).toEqual(['run']);
		expect(result.signals[0]).toMatchObject({
			start: 9,
			end: 17,
			points: [9, 10, 11, 14, 15, 16, 17]
		});
		expect(result.points[12].signals).toEqual([]);
	});

	it('counts baseline points too', () => {
		// Baseline ends on 13 (above); 6 more above make 7.
		const result = chart(seven.slice(1));
		expect(rules(result)).toEqual(['run']);
		expect(result.signals[0]).toMatchObject({ start: 7, end: 13 });
	});
});

describe('rule 3: trend of 7', () => {
	it('fires for 7 points each rising (6 increases), and only that rule', () => {
		// 13 → 9 falls, then 9 … 13 rises 6 times; no run (4 below, 3 above), nothing near a limit.
		const result = chart([9, 9.5, 10, 11, 12, 12.5, 13]);
		expect(rules(result)).toEqual(['trend']);
		expect(result.signals[0]).toMatchObject({
			side: 'above',
			start: 8,
			end: 14,
			points: [8, 9, 10, 11, 12, 13, 14]
		});
	});

	it('fires for 7 points each falling, as side below', () => {
		// 13 → 14 rises, then 14 … 10 falls 6 times.
		const result = chart([14, 13.5, 13, 12, 11, 10.5, 10]);
		expect(rules(result)).toEqual(['trend']);
		expect(result.signals[0]).toMatchObject({ side: 'below', start: 8, end: 14 });
	});

	it('does not fire for 6 rising points (5 increases)', () => {
		expect(chart([9.5, 10, 11, 12, 12.5, 13]).signals).toEqual([]);
	});

	it('is broken by two equal values in a row', () => {
		expect(chart([9, 9.5, 10, 10, 11, 12, 12.5, 13]).signals).toEqual([]);
	});

	it('is not fired by equal values, which are a run at most', () => {
		expect(chart(Array(7).fill(11.5)).signals).toEqual([]);
		const result = chart([11, ...Array(7).fill(12)]);
		expect(rules(result)).toEqual(['run']);
	});

	it('continues across null weeks', () => {
		const result = chart([9, 9.5, 10, null, 11, 12, 12.5, 13]);
		expect(rules(result)).toEqual(['trend']);
		expect(result.signals[0]).toMatchObject({
			start: 8,
			end: 15,
			points: [8, 9, 10, 12, 13, 14, 15]
		});
	});

	it('reports one signal for a longer trend', () => {
		const result = chart([9, 9.5, 10, 10.5, 11, 12, 12.5, 13]);
		expect(rules(result)).toEqual(['trend']);
		expect(result.signals[0].points).toHaveLength(8);
	});
});

describe('rule 4: 2 of 3 beyond two thirds', () => {
	it('fires for 2 of 3 points above two thirds, marking just those, and only that rule', () => {
		const result = chart([14.5, 12, 14.6]);
		expect(rules(result)).toEqual(['two_of_three']);
		expect(result.signals[0]).toMatchObject({ side: 'above', start: 8, end: 10, points: [8, 10] });
		expect(result.points.map((p) => p.signals.length > 0)).toEqual([
			...BASE.map(() => false),
			true,
			false,
			true
		]);
	});

	it('fires below the centre line', () => {
		const result = chart([8.5, 8.6, 10]);
		expect(rules(result)).toEqual(['two_of_three']);
		expect(result.signals[0]).toMatchObject({ side: 'below', points: [8, 9] });
	});

	it('does not fire for 1 of 3 beyond', () => {
		expect(chart([14.5, 12, 12, 14.6]).signals).toEqual([]);
	});

	it('does not fire for 2 of 3 beyond on opposite sides', () => {
		expect(chart([14.5, 8.5, 12]).signals).toEqual([]);
	});

	it('does not fire for points just inside two thirds', () => {
		expect(chart([14.2, 12, 14.2]).signals).toEqual([]);
	});

	it('merges overlapping windows into one signal', () => {
		// windows (13, 14.5, 14.6), (14.5, 14.6, 12), (14.6, 12, 14.7) all fire.
		const result = chart([14.5, 14.6, 12, 14.7]);
		expect(rules(result)).toEqual(['two_of_three']);
		expect(result.signals[0]).toMatchObject({ start: 8, end: 11, points: [8, 9, 11] });
	});

	it('merges windows that share a single point', () => {
		// windows (14.5, 12, 14.6) and (14.6, 12, 14.7) fire; (12, 14.6, 12) between them does not.
		const result = chart([14.5, 12, 14.6, 12, 14.7]);
		expect(rules(result)).toEqual(['two_of_three']);
		expect(result.signals[0]).toMatchObject({ start: 8, end: 12, points: [8, 10, 12] });
	});

	it('keeps windows that do not overlap apart', () => {
		const result = chart([14.5, 14.6, 11, 12, 11, 12, 14.5, 14.6]);
		expect(result.signals.map((s) => [s.rule, s.points])).toEqual([
			['two_of_three', [8, 9]],
			['two_of_three', [14, 15]]
		]);
	});

	it('looks across null weeks', () => {
		const result = chart([8.5, null, 8.6, 10]);
		expect(rules(result)).toEqual(['two_of_three']);
		expect(result.signals[0].points).toEqual([8, 10]);
	});

	it('does not count a point outside the limits as beyond two thirds (rule 1 has it)', () => {
		// as NHSRplotthedots: only points between two thirds and the limit count here
		const result = chart([16, 12, 14.5]);
		expect(rules(result)).toEqual(['outside']);
		expect(result.points[10].signals).toEqual([]);
	});

	it('fires beside an outside point when two others are beyond two thirds', () => {
		const result = chart([16, 14.5, 14.6]);
		expect(rules(result)).toEqual(['outside', 'two_of_three']);
		expect(result.signals[1].points).toEqual([9, 10]);
	});

	it('does not fire for 2 beyond on one side when the third point is on the other side', () => {
		// every window holding both 14.5 and 14.6 also holds a point below the centre line
		expect(chart([10, 14.5, 14.6, 10]).signals).toEqual([]);
		expect(chart([13, 8.5, 8.6, 13]).signals).toEqual([]);
	});

	it('does not fire when the third point lies exactly on the centre line', () => {
		expect(chart([14.5, 11.5, 14.6]).signals).toEqual([]);
	});
});

describe('improvement or concern', () => {
	const cases: [string, (number | null)[], 'above' | 'below'][] = [
		['outside above', [16], 'above'],
		['outside below', [7], 'below'],
		['run above', [11, 12, 12.5, 12, 12.5, 12, 12.5, 12], 'above'],
		['run below', [11, 10.5, 11, 10.5, 11, 10.5, 11], 'below'],
		['rising trend', [9, 9.5, 10, 11, 12, 12.5, 13], 'above'],
		['falling trend', [14, 13.5, 13, 12, 11, 10.5, 10], 'below'],
		['two of three above', [14.5, 12, 14.6], 'above'],
		['two of three below', [8.5, 8.6, 10], 'below']
	];

	for (const [name, after, side] of cases) {
		it(`labels ${name} by the better direction`, () => {
			const higher = chart(after, 'higher');
			const lower = chart(after, 'lower');
			expect(higher.signals).toHaveLength(1);
			expect(higher.signals[0].side).toBe(side);
			expect(higher.signals[0].kind).toBe(side === 'above' ? 'improvement' : 'concern');
			expect(lower.signals[0].kind).toBe(side === 'above' ? 'concern' : 'improvement');
			const marked = higher.signals[0].points;
			expect(marked.map((i) => higher.points[i].kind)).toEqual(
				marked.map(() => higher.signals[0].kind)
			);
		});
	}

	it('marks a point with disagreeing signals as a concern', () => {
		// 16 (index 14) is outside above and ends the rising trend 9 … 16: improvements when higher
		// is better. The falling trend 16 … 10.5 that starts on it is a concern.
		const result = chart([9, 9.5, 10, 11, 12, 12.5, 16, 15, 14, 13, 12, 11, 10.5]);
		const kinds = result.signals.filter((s) => s.points.includes(14)).map((s) => [s.rule, s.kind]);
		expect(kinds).toEqual(
			expect.arrayContaining([
				['outside', 'improvement'],
				['trend', 'improvement'],
				['trend', 'concern']
			])
		);
		expect(result.points[14].kind).toBe('concern');
		expect(result.points[8].kind).toBe('improvement');
	});
});

describe('a realistic repeat rate', () => {
	// ~0.27 for 20 weeks with noise, then ~0.13 for 12 weeks after a change.
	const before = [
		0.27, 0.29, 0.26, 0.28, 0.25, 0.27, 0.29, 0.26, 0.28, 0.27, 0.25, 0.28, 0.26, 0.29, 0.27, 0.26,
		0.28, 0.25, 0.27, 0.28
	];
	const after = [0.13, 0.14, 0.12, 0.13, 0.15, 0.12, 0.14, 0.13, 0.12, 0.14, 0.13, 0.11];
	const result = xmr([...before, ...after], { baseline: [0, 20], better: 'lower' });

	it('has limits around 0.27', () => {
		// centre 5.41 / 20 = 0.2705; mR̄ 0.41 / 19 ≈ 0.02158; 2.66 × mR̄ ≈ 0.0574
		expect(result.limits?.centre).toBeCloseTo(0.2705, 10);
		expect(result.limits?.mrBar).toBeCloseTo(0.41 / 19, 10);
		expect(result.limits?.upper).toBeCloseTo(0.3279, 10);
		expect(result.limits?.lower).toBeCloseTo(0.2131, 10);
	});

	it('fires the run and outside rules as improvements after the change, none before', () => {
		expect(result.signals.every((s) => s.start >= 20)).toBe(true);
		expect(result.signals.every((s) => s.kind === 'improvement' && s.side === 'below')).toBe(true);
		const run = result.signals.find((s) => s.rule === 'run');
		expect(run).toMatchObject({ start: 20, end: 31 });
		const outside = result.signals.filter((s) => s.rule === 'outside').map((s) => s.start);
		expect(outside).toEqual([20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]);
		expect(latestSignal(result)?.kind).toBe('improvement');
	});

	it('compares medians before and after', () => {
		const change = beforeAfter(before, after, 'lower');
		expect(change.before).toEqual({ median: 0.27, weeks: 20 });
		expect(change.after).toEqual({ median: 0.13, weeks: 12 });
		expect(change.difference).toBeCloseTo(-0.14, 10);
		expect(change.relative).toBeCloseTo(-0.14 / 0.27, 10);
		expect(change.kind).toBe('improvement');
	});
});

describe('median', () => {
	it('takes the middle value of an odd count', () => {
		expect(median([3, 1, 2])).toBe(2);
		expect(median([7])).toBe(7);
	});

	it('takes the mean of the two middle values of an even count', () => {
		expect(median([4, 1, 3, 2])).toBe(2.5);
		expect(median([10, 20])).toBe(15);
	});

	it('ignores nulls', () => {
		expect(median([null, 5, null, 1, 9])).toBe(5);
		expect(median([null, 4, 2, null])).toBe(3);
	});

	it('is null without values', () => {
		expect(median([])).toBeNull();
		expect(median([null, null])).toBeNull();
	});

	it('leaves its input alone', () => {
		const values = [3, 1, 2];
		median(values);
		expect(values).toEqual([3, 1, 2]);
	});
});

describe('beforeAfter', () => {
	it('gives medians, weeks with data, difference and relative change', () => {
		// before: 0.25, 0.27, 0.29 → 0.27 (3 weeks); after: 0.12, 0.13, 0.14, 0.15 → 0.135
		const result = beforeAfter([0.27, 0.25, null, 0.29], [0.13, 0.12, 0.15, 0.14], 'lower');
		expect(result.before).toEqual({ median: 0.27, weeks: 3 });
		expect(result.after.median).toBeCloseTo(0.135, 10);
		expect(result.after.weeks).toBe(4);
		expect(result.difference).toBeCloseTo(-0.135, 10);
		expect(result.relative).toBeCloseTo(-0.5, 10);
		expect(result.kind).toBe('improvement');
	});

	it('labels the direction of the change by the better direction', () => {
		expect(beforeAfter([10], [12], 'higher').kind).toBe('improvement');
		expect(beforeAfter([10], [12], 'lower').kind).toBe('concern');
		expect(beforeAfter([10], [8], 'higher').kind).toBe('concern');
		expect(beforeAfter([10], [8], 'lower').kind).toBe('improvement');
	});

	it('has no kind without a difference', () => {
		expect(beforeAfter([10, 12], [11], 'higher')).toMatchObject({
			difference: 0,
			relative: 0,
			kind: null
		});
	});

	it('has no difference when a period has no data', () => {
		expect(beforeAfter([10], [null, null], 'higher')).toEqual({
			before: { median: 10, weeks: 1 },
			after: { median: null, weeks: 0 },
			difference: null,
			relative: null,
			kind: null
		});
	});

	it('has no relative change from a median of 0', () => {
		const result = beforeAfter([0, 0, 1], [2], 'higher');
		expect(result.difference).toBe(2);
		expect(result.relative).toBeNull();
		expect(result.kind).toBe('improvement');
	});
});

describe('latestSignal', () => {
	it('returns the signal on the last point', () => {
		const signal = latestSignal(chart([16]));
		expect(signal).toMatchObject({ rule: 'outside', start: 8, kind: 'improvement' });
	});

	it('is null when the last point has no signal', () => {
		expect(latestSignal(chart([16, 12]))).toBeNull();
		expect(latestSignal(chart([]))).toBeNull();
	});

	it('looks back over the last n points when asked', () => {
		const result = chart([16, 12, 11]);
		expect(latestSignal(result, 2)).toBeNull();
		expect(latestSignal(result, 3)).toMatchObject({ rule: 'outside', start: 8 });
	});

	it('skips trailing null weeks', () => {
		expect(latestSignal(chart([7, null, null]))).toMatchObject({ rule: 'outside', side: 'below' });
	});

	it('prefers the signal ending last, then the one starting last', () => {
		// A run of 7 below ending on 7, which is also outside: both touch the last point.
		const result = chart([11, 10.5, 11, 10.5, 11, 10.5, 7]);
		expect(rules(result).sort()).toEqual(['outside', 'run']);
		expect(latestSignal(result)).toMatchObject({ rule: 'outside', start: 14 });
		// An older outside point does not touch the last week; the run going on does.
		const older = chart([7, 11, 10.5, 11, 10.5, 11, 10.5]);
		expect(latestSignal(older, 1)).toMatchObject({ rule: 'run', end: 14 });
	});

	it('is null without limits', () => {
		const result = xmr([1, 100, 1000], { baseline: [0, 1], better: 'higher' });
		expect(latestSignal(result, 3)).toBeNull();
	});
});

describe('a flat line is common cause (floating-point noise is no signal)', () => {
	it('20 weeks at exactly 30 % signal nothing, although their computed mean is 0.29999999999999993', () => {
		const values = Array(20).fill(0.3);
		const chart = xmr(values, { baseline: [0, 13], better: 'lower' });
		expect(chart.limits!.mrBar).toBe(0);
		expect(chart.signals).toEqual([]);
		expect(chart.baselineSignals).toEqual([]);
	});

	it('a real rise after a flat baseline still signals', () => {
		const values = [...Array(13).fill(0.3), 0.35];
		const chart = xmr(values, { baseline: [0, 13], better: 'lower' });
		expect(chart.signals.map((s) => [s.rule, s.kind, s.points])).toEqual([
			['outside', 'concern', [13]]
		]);
	});
});
