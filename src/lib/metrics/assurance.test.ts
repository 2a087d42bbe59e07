import { describe, expect, it } from 'vitest';
import { assurance, variation } from './assurance';
import { latestSignal, xmr, type Limits } from './spc';

const limits: Limits = { centre: 10, mrBar: 1, upper: 12.66, lower: 7.34 };

describe('assurance', () => {
	it('gives no icon when the limits have no width (nothing to judge how often it is met)', () => {
		const flat: Limits = { centre: 2, mrBar: 0, upper: 2, lower: 2 };
		expect(assurance(flat, 2, 'lower')).toBeNull();
		expect(assurance(flat, 1, 'lower')).toBeNull();
	});

	it('passes when the target lies beyond the limits on the good side', () => {
		// a lead time (lower is better) whose upper limit is under the 14-day norm: always met
		expect(assurance(limits, 14, 'lower')).toBe('pass');
		// a share within norm (higher is better) whose lower limit is over a 5 % goal
		expect(assurance(limits, 5, 'higher')).toBe('pass');
	});

	it('fails when the target lies beyond the limits on the bad side', () => {
		expect(assurance(limits, 5, 'lower')).toBe('fail');
		expect(assurance(limits, 14, 'higher')).toBe('fail');
	});

	it('is hit and miss when the target lies on or between the limits', () => {
		expect(assurance(limits, 10, 'lower')).toBe('hit_and_miss');
		expect(assurance(limits, 12.66, 'lower')).toBe('hit_and_miss');
		expect(assurance(limits, 7.34, 'higher')).toBe('hit_and_miss');
	});

	it('gives no icon without a target or without limits', () => {
		expect(assurance(limits, null, 'lower')).toBeNull();
		expect(assurance(limits, undefined, 'lower')).toBeNull();
		expect(assurance(limits, Number.NaN, 'lower')).toBeNull();
		expect(assurance(null, 10, 'lower')).toBeNull();
	});

	it('reads the limits spc.ts computes', () => {
		const weeks = [9, 10, 11, 10, 9, 10, 11, 10, 9, 10, 11, 10, 10];
		const chart = xmr(weeks, { baseline: [0, 13], better: 'lower' });
		expect(assurance(chart.limits, 20, 'lower')).toBe('pass');
		expect(assurance(chart.limits, 10, 'lower')).toBe('hit_and_miss');
		expect(assurance(chart.limits, 2, 'lower')).toBe('fail');
	});
});

describe('variation', () => {
	it('is common cause when the chart has limits and no signal', () => {
		expect(variation(limits, null)).toEqual({ kind: 'common', direction: null });
	});

	it('is unknown without limits, even with a signal', () => {
		expect(variation(null, { kind: 'concern', side: 'above' })).toEqual({
			kind: 'unknown',
			direction: null
		});
	});

	it('names the kind and the direction of a special cause', () => {
		expect(variation(limits, { kind: 'improvement', side: 'below' })).toEqual({
			kind: 'improvement',
			direction: 'low'
		});
		expect(variation(limits, { kind: 'concern', side: 'above' })).toEqual({
			kind: 'concern',
			direction: 'high'
		});
	});

	it('labels a run of low lead times an improvement, low within-norm shares a concern', () => {
		const base = [10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 11, 9, 10];
		const after = [6, 6, 6, 6, 6, 6, 6, 6];
		const lead = xmr([...base, ...after], { baseline: [0, 13], better: 'lower' });
		expect(variation(lead.limits, latestSignal(lead, 3))).toEqual({
			kind: 'improvement',
			direction: 'low'
		});
		const share = xmr([...base, ...after], { baseline: [0, 13], better: 'higher' });
		expect(variation(share.limits, latestSignal(share, 3))).toEqual({
			kind: 'concern',
			direction: 'low'
		});
	});
});
