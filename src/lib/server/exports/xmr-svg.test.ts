/** The XmR chart as SVG: drawn from the series and limits the cycle page shows. */
import { SPC_COLOURS } from '$lib/metrics/colours';
import { describe, expect, it } from 'vitest';
import { xmr } from '$lib/metrics/spc';
import { xmrSvg, type ChartEffect } from './xmr-svg';

const texts = {
	title: 'Herhaal <meldingen> & "zo"',
	baseline: 'basis',
	change: 'wijziging',
	rebase: 'nieuwe grenzen',
	centre: 'Middenlijn',
	limits: 'Grenzen',
	improvement: 'verbetering',
	concern: 'zorg'
};

/** 13 baseline weeks around 30 %, then 8 weeks at 10 %: a run below the centre line. */
function effect(): ChartEffect {
	const values = [
		0.3, 0.32, 0.28, 0.31, 0.29, 0.3, 0.33, 0.27, 0.3, 0.31, 0.29, 0.3, 0.32, 0.1, 0.1, 0.11, 0.09,
		0.1, 0.1, 0.12, 0.1
	];
	const chart = xmr(values, { baseline: [0, 13], better: 'lower' });
	const week = (i: number) => new Date(Date.UTC(2026, 0, 5 + 7 * i)).toISOString().slice(0, 10);
	return {
		state: 'ok',
		metric: 'repeat_rate',
		unit: 'share',
		better: 'lower',
		series: values.map((value, i) => ({ week: week(i), value, cases: 40 })),
		segments: [{ from: 0, to: values.length, limits: chart.limits, rebased: false }],
		signals: chart.signals,
		baseline: [0, 13],
		changeIndex: 13,
		rebaseIndex: null,
		beforeAfter: null,
		headline: chart.signals[0] ?? null,
		latest: null,
		signalsFrom: 13,
		baselineSignals: [],
		suggestedBaseline: null,
		goal: null,
		assurance: null
	};
}

describe('the XmR chart of a cycle with a goal', () => {
	it('draws the goal as the target line across the chart, with its value in the legend', () => {
		const svg = xmrSvg(
			{ ...effect(), goal: 0.15 },
			{ ...texts, goal: 'Doel: 15 %' },
			(v) => `${Math.round(v * 100)} %`,
			(w) => w
		);
		expect(svg).toMatch(
			/<line data-goal="0.15" x1="64" x2="936" y1="[\d.]+" y2="[\d.]+" stroke="[^"]+"/
		);
		expect(svg).toContain('>Doel: 15 %</text>');
	});

	it('draws no goal line without a goal', () => {
		const svg = xmrSvg(effect(), { ...texts, goal: 'Doel: 15 %' }, String, (w) => w);
		expect(svg).not.toContain('data-goal');
		expect(svg).not.toContain('Doel');
	});
});

describe('the XmR chart as SVG', () => {
	const e = effect();
	const svg = xmrSvg(
		e,
		texts,
		(v) => `${Math.round(v * 100)} %`,
		(w) => w
	);

	it('is a standalone SVG with the title escaped', () => {
		expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
		expect(svg.trim().endsWith('</svg>')).toBe(true);
		expect(svg).toContain('<title>Herhaal &lt;meldingen&gt; &amp; &quot;zo&quot;</title>');
	});

	it('is well-formed XML (a browser shows nothing of an SVG file that is not)', () => {
		// every attribute has a quoted value: no bare `data-x` as HTML would allow
		for (const tag of svg.match(/<[a-z][^>]*>/g) ?? [])
			expect(tag.replace(/\s[\w:-]+="[^"]*"/g, ''), tag).toMatch(/^<[a-z]+\s*\/?>$/);
	});

	it('draws every week, the centre line and limits of the page, the baseline and the change', () => {
		expect(svg.match(/data-point=/g)).toHaveLength(21);
		const limits = e.segments[0].limits!;
		expect(svg).toContain(`data-centre="${limits.centre}"`);
		expect(svg).toContain(`data-upper="${limits.upper}"`);
		expect(svg).toContain('data-baseline');
		expect(svg).toContain('data-change');
		expect(svg).toContain('>wijziging</text>');
	});

	it('marks the weeks after the change as improvement signals by shape, with a text label', () => {
		const improvements = svg.match(/data-point="improvement"/g) ?? [];
		expect(improvements.length).toBeGreaterThanOrEqual(8);
		expect(svg).toContain('<title>2026-04-06: 10 % (verbetering)</title>');
		expect(svg).not.toContain('data-point="concern"');
	});
});

describe('one visual grammar', () => {
	it('draws signals in the NHS colours the page, icons and sparklines use', () => {
		const svg = xmrSvg(
			effect(),
			texts,
			(v) => `${Math.round(v * 100)} %`,
			(w) => w
		);
		expect(svg).toMatch(
			new RegExp(`<circle data-point="improvement"[^>]*fill="${SPC_COLOURS.improvement}"`)
		);
		expect(svg).not.toMatch(/#1f6b3a|#a3261b/); // the old green and red
	});
});
