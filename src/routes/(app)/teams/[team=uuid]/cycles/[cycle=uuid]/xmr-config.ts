/**
 * The chart.js configuration of an XmR chart: the weekly values as points and a line, the centre
 * line and the natural process limits (dashed) per segment, signal points drawn with their own
 * shape and the NHS "Making Data Count" colour (a big blue dot for an improvement, an orange diamond
 * for a concern — never colour alone), a target line where a target exists, and a plugin
 * that shades the baseline weeks and marks the change (and a rebase) with a labelled line.
 * Only types come from chart.js here; the component loads chart.js itself in the browser.
 */
import type { ChartConfiguration, Plugin, PointStyle } from 'chart.js';
import type { Limits, Signal } from '$lib/metrics/spc';
import { SPC_COLOURS } from '$lib/metrics/colours';

export interface XmrSegment {
	from: number;
	to: number;
	limits: Limits | null;
	rebased?: boolean;
}

export interface XmrMarks {
	baseline?: [number, number] | null;
	changeIndex?: number | null;
	rebaseIndex?: number | null;
	texts: { baseline: string; change: string; rebase: string };
}

const COLOURS = {
	line: '#0f4c5c',
	centre: '#3d474d',
	limit: '#6b3d8f',
	improvement: SPC_COLOURS.improvement,
	concern: SPC_COLOURS.concern,
	target: SPC_COLOURS.improvement,
	marker: '#8a4b00',
	band: 'rgba(15, 76, 92, 0.08)',
	grid: '#e4e8e6'
};

/** A plugin (one per chart) for the baseline band and the change and rebase markers. */
function marksPlugin(marks: XmrMarks): Plugin<'line'> {
	return {
		id: 'xmrMarks',
		beforeDatasetsDraw(chart) {
			const { ctx, chartArea: area, scales } = chart;
			const x = scales.x;
			const half = x.getPixelForValue(1) - x.getPixelForValue(0);
			const at = (i: number) => x.getPixelForValue(i);
			ctx.save();
			if (marks.baseline && marks.baseline[1] > marks.baseline[0]) {
				const [s, e] = marks.baseline;
				const left = Math.max(area.left, at(s) - half / 2);
				const right = Math.min(area.right, at(e - 1) + half / 2);
				ctx.fillStyle = COLOURS.band;
				ctx.fillRect(left, area.top, right - left, area.bottom - area.top);
				ctx.fillStyle = COLOURS.centre;
				ctx.font = '600 12px system-ui, sans-serif';
				ctx.textAlign = 'left';
				ctx.fillText(marks.texts.baseline, left + 4, area.top + 12);
			}
			const line = (i: number | null | undefined, text: string, row: number) => {
				if (i === null || i === undefined || i < 0) return;
				const px = at(i) - half / 2;
				ctx.strokeStyle = COLOURS.marker;
				ctx.lineWidth = 2;
				ctx.setLineDash([4, 3]);
				ctx.beginPath();
				ctx.moveTo(px, area.top);
				ctx.lineTo(px, area.bottom);
				ctx.stroke();
				ctx.setLineDash([]);
				ctx.fillStyle = COLOURS.marker;
				ctx.font = '600 12px system-ui, sans-serif';
				const right = px + 4 + ctx.measureText(text).width < area.right;
				ctx.textAlign = right ? 'left' : 'right';
				ctx.fillText(text, right ? px + 4 : px - 4, area.top + 12 + row * 15);
			};
			line(marks.changeIndex, marks.texts.change, 1);
			line(marks.rebaseIndex, marks.texts.rebase, 2);
			ctx.restore();
		}
	};
}

/** Per week, one limit of a segment within it, null elsewhere (a line per segment, unjoined). */
function within(n: number, s: XmrSegment, pick: (l: Limits) => number) {
	const out: (number | null)[] = Array(n).fill(null);
	if (s.limits)
		for (let i = Math.max(0, s.from); i < Math.min(n, s.to); i++) out[i] = pick(s.limits);
	return out;
}

export function xmrConfig(options: {
	values: (number | null)[];
	labels: string[];
	segments: XmrSegment[];
	signals: Signal[];
	marks: XmrMarks;
	names: { value: string; centre: string; upper: string; lower: string; target?: string };
	/** A target (a norm or the cycle's goal) drawn as a dash-dotted line across the chart. */
	target?: number | null;
	format: (v: number) => string;
	tickFormat: (v: number) => string;
}): ChartConfiguration<'line'> {
	const { values, labels, segments, signals, marks, names } = options;
	const n = values.length;
	const kind = values.map((_, i) => {
		const kinds = signals.filter((s) => s.points.includes(i)).map((s) => s.kind);
		return kinds.includes('concern') ? 'concern' : kinds.length ? 'improvement' : null;
	});
	const style = kind.map<PointStyle>((k) => (k === 'concern' ? 'rectRot' : 'circle'));
	const colour = kind.map((k) => (k ? COLOURS[k] : COLOURS.line));
	const limitLine = (label: string, data: (number | null)[], dash: number[], colour: string) => ({
		label,
		data,
		borderColor: colour,
		borderWidth: 1.5,
		borderDash: dash,
		pointRadius: 0,
		pointHitRadius: 0,
		spanGaps: false,
		fill: false
	});
	const allValues = [
		...values,
		...segments.flatMap((s) => (s.limits ? [s.limits.upper] : [])),
		options.target ?? null
	].filter((v): v is number => v !== null);
	return {
		type: 'line',
		data: {
			labels,
			datasets: [
				{
					label: names.value,
					data: values,
					borderColor: COLOURS.line,
					borderWidth: 2,
					pointStyle: style,
					// smaller points where the chart is narrow (a phone) so the weeks stay apart
					pointRadius: (c) => (kind[c.dataIndex] ? 6 : 2.5) * (c.chart.width < 560 ? 0.65 : 1),
					pointHoverRadius: (c) => (kind[c.dataIndex] ? 8 : 5),
					pointBackgroundColor: colour,
					pointBorderColor: colour,
					spanGaps: false,
					fill: false,
					order: 0
				},
				...segments.flatMap((s) => [
					{
						...limitLine(
							names.centre,
							within(n, s, (l) => l.centre),
							[],
							COLOURS.centre
						),
						order: 1
					},
					{
						...limitLine(
							names.upper,
							within(n, s, (l) => l.upper),
							[6, 4],
							COLOURS.limit
						),
						order: 2
					},
					{
						...limitLine(
							names.lower,
							within(n, s, (l) => l.lower),
							[6, 4],
							COLOURS.limit
						),
						order: 3
					}
				]),
				...(options.target === null || options.target === undefined
					? []
					: [
							{
								...limitLine(
									names.target ?? '',
									values.map(() => options.target ?? null),
									[8, 3, 2, 3],
									COLOURS.target
								),
								order: 4
							}
						])
			]
		},
		options: {
			responsive: true,
			maintainAspectRatio: false,
			animation: false,
			interaction: { mode: 'index', intersect: false },
			layout: { padding: { top: 4 } },
			scales: {
				x: {
					grid: { color: COLOURS.grid },
					ticks: { autoSkip: true, maxRotation: 0, autoSkipPadding: 12 }
				},
				y: {
					min: 0,
					suggestedMax: allValues.length ? Math.max(...allValues) : undefined,
					grid: { color: COLOURS.grid },
					ticks: { callback: (v) => options.tickFormat(Number(v)) }
				}
			},
			plugins: {
				tooltip: {
					filter: (item) => item.parsed.y !== null,
					callbacks: {
						label: (item) =>
							item.parsed.y === null
								? ''
								: `${item.dataset.label}: ${options.format(item.parsed.y)}`
					}
				}
			}
		},
		plugins: [marksPlugin(marks)]
	};
}
