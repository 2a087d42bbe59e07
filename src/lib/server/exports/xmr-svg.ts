/**
 * The XmR chart of a cycle as a standalone SVG (issue 11, section 4): drawn from the same series,
 * limits, baseline and signals the cycle page shows (cycleEffect), so the file a team puts in a
 * report is the chart they discussed. Pure: no database, no DOM. Signals are drawn with their own
 * shape (a dot for an improvement, a diamond for a concern, in the NHS colours the page's chart
 * uses), never with colour alone.
 */
import type { CycleEffect } from '../figures/cycle-effect';
import { SPC_COLOURS } from '$lib/metrics/colours';

export type ChartEffect = Extract<CycleEffect, { state: 'ok' }>;

export interface XmrSvgTexts {
	title: string;
	baseline: string;
	change: string;
	rebase: string;
	centre: string;
	limits: string;
	improvement: string;
	concern: string;
	/** The legend of the goal line, e.g. "Doel: 15 %" (only drawn when the cycle has a goal). */
	goal?: string;
}

const COLOURS = {
	line: '#0f4c5c',
	centre: '#3d474d',
	limit: '#6b3d8f',
	improvement: SPC_COLOURS.improvement,
	concern: SPC_COLOURS.concern,
	// the target line as on the page's chart: blue, dash-dotted
	goal: SPC_COLOURS.improvement,
	marker: '#8a4b00',
	band: '#eef3f4',
	grid: '#e4e8e6',
	text: '#1d2528'
};

const W = 960;
const H = 440;
const PAD = { left: 64, right: 24, top: 56, bottom: 88 };

/** Text safe inside SVG markup and attributes. */
export const esc = (s: string) =>
	s.replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? '&#39;'
	);

const r1 = (n: number) => Math.round(n * 10) / 10;

/** "Nice" tick values between lo and hi (about five). */
function ticks(lo: number, hi: number): number[] {
	const span = hi - lo || Math.abs(hi) || 1;
	const raw = span / 5;
	const mag = 10 ** Math.floor(Math.log10(raw));
	const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
	const out: number[] = [];
	for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
		out.push(Number(v.toFixed(10)));
	return out;
}

/**
 * The SVG text of the chart. `format` writes a value in the metric's unit as the page does
 * (e.g. "27 %", "4,5"), `formatWeek` a week's Monday.
 */
export function xmrSvg(
	effect: ChartEffect,
	texts: XmrSvgTexts,
	format: (v: number) => string,
	formatWeek: (week: string) => string
): string {
	const n = effect.series.length;
	const values = effect.series.map((p) => p.value);
	const goal = effect.goal;
	const bounds = [
		...values.filter((v): v is number => v !== null),
		...effect.segments.flatMap((s) => (s.limits ? [s.limits.lower, s.limits.upper] : [])),
		...(goal === null ? [] : [goal])
	];
	let lo = bounds.length ? Math.min(...bounds) : 0;
	let hi = bounds.length ? Math.max(...bounds) : 1;
	if (effect.unit !== 'count' || lo >= 0) lo = Math.max(lo, effect.unit === 'share' ? 0 : lo);
	if (effect.unit === 'share') hi = Math.min(Math.max(hi, lo + 0.01), 1);
	if (hi === lo) hi = lo + 1;
	const pad = (hi - lo) * 0.08;
	lo -= pad;
	hi += pad;
	if (lo < 0 && bounds.every((b) => b >= 0)) lo = 0;

	const plotW = W - PAD.left - PAD.right;
	const plotH = H - PAD.top - PAD.bottom;
	const step = n > 1 ? plotW / (n - 1) : plotW;
	const x = (i: number) => r1(PAD.left + (n > 1 ? i * step : plotW / 2));
	const y = (v: number) => r1(PAD.top + plotH - ((v - lo) / (hi - lo)) * plotH);
	const half = n > 1 ? step / 2 : plotW / 2;
	const out: string[] = [];
	const push = (s: string) => out.push(s);

	push(
		`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(texts.title)}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif">`
	);
	push(`<title>${esc(texts.title)}</title>`);
	push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
	push(
		`<text x="${PAD.left}" y="28" font-size="18" font-weight="700" fill="${COLOURS.text}">${esc(texts.title)}</text>`
	);

	// baseline band
	const [bs, be] = effect.baseline;
	if (be > bs) {
		const left = Math.max(PAD.left, x(bs) - half);
		const right = Math.min(W - PAD.right, x(be - 1) + half);
		push(
			`<rect data-baseline="true" x="${r1(left)}" y="${PAD.top}" width="${r1(right - left)}" height="${plotH}" fill="${COLOURS.band}"/>`
		);
		push(
			`<text x="${r1(left + 4)}" y="${PAD.top + 14}" font-size="12" font-weight="600" fill="${COLOURS.centre}">${esc(texts.baseline)}</text>`
		);
	}

	// y grid and labels
	for (const t of ticks(lo, hi)) {
		push(
			`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(t)}" y2="${y(t)}" stroke="${COLOURS.grid}"/>`
		);
		push(
			`<text x="${PAD.left - 6}" y="${y(t) + 4}" font-size="11" text-anchor="end" fill="${COLOURS.centre}">${esc(format(t))}</text>`
		);
	}
	// x labels: about ten weeks' dates
	const every = Math.max(1, Math.ceil(n / 10));
	for (let i = 0; i < n; i += every)
		push(
			`<text x="${x(i)}" y="${PAD.top + plotH + 18}" font-size="11" text-anchor="middle" fill="${COLOURS.centre}">${esc(formatWeek(effect.series[i].week))}</text>`
		);

	// centre line and limits per segment
	for (const s of effect.segments) {
		if (!s.limits || s.to <= s.from) continue;
		const x1 = x(s.from);
		const x2 = x(Math.max(s.from, s.to - 1));
		const seg = (v: number, colour: string, dash: string, kind: string) =>
			push(
				`<line data-${kind}="${v}" x1="${x1}" x2="${x2 === x1 ? x1 + 1 : x2}" y1="${y(v)}" y2="${y(v)}" stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`
			);
		seg(s.limits.centre, COLOURS.centre, '', 'centre');
		seg(s.limits.upper, COLOURS.limit, '6 4', 'upper');
		if (s.limits.lower > lo) seg(s.limits.lower, COLOURS.limit, '6 4', 'lower');
	}

	// the cycle's goal across the chart
	if (goal !== null)
		push(
			`<line data-goal="${goal}" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(goal)}" y2="${y(goal)}" stroke="${COLOURS.goal}" stroke-width="2" stroke-dasharray="8 3 2 3"/>`
		);

	// change and rebase markers
	const marker = (i: number | null, text: string, row: number) => {
		if (i === null || i < 0) return;
		const px = r1(x(i) - (n > 1 ? half : 0));
		push(
			`<line data-change="true" x1="${px}" x2="${px}" y1="${PAD.top}" y2="${PAD.top + plotH}" stroke="${COLOURS.marker}" stroke-width="2" stroke-dasharray="4 3"/>`
		);
		const right = px + 8 * text.length < W - PAD.right;
		push(
			`<text x="${right ? px + 4 : px - 4}" y="${PAD.top + 14 + row * 15}" font-size="12" font-weight="600" text-anchor="${right ? 'start' : 'end'}" fill="${COLOURS.marker}">${esc(text)}</text>`
		);
	};
	marker(effect.changeIndex, texts.change, 1);
	marker(effect.rebaseIndex, texts.rebase, 2);

	// the data line, broken at weeks without a value
	let path = '';
	let open = false;
	values.forEach((v, i) => {
		if (v === null) return void (open = false);
		path += `${open ? 'L' : 'M'}${x(i)} ${y(v)}`;
		open = true;
	});
	if (path)
		push(
			`<path data-series="true" d="${path}" fill="none" stroke="${COLOURS.line}" stroke-width="2"/>`
		);

	// points: a dot, or the signal's shape
	const kindOf = new Map<number, 'improvement' | 'concern'>();
	for (const s of effect.signals)
		for (const p of s.points) kindOf.set(p, kindOf.get(p) === 'concern' ? 'concern' : s.kind);
	values.forEach((v, i) => {
		if (v === null) return;
		const cx = x(i);
		const cy = y(v);
		const kind = kindOf.get(i);
		const label = `${formatWeek(effect.series[i].week)}: ${format(v)}${kind ? ` (${kind === 'improvement' ? texts.improvement : texts.concern})` : ''}`;
		if (kind === 'improvement')
			push(
				`<circle data-point="improvement" cx="${cx}" cy="${cy}" r="6" fill="${COLOURS.improvement}"><title>${esc(label)}</title></circle>`
			);
		else if (kind === 'concern')
			push(
				`<path data-point="concern" d="M${cx} ${r1(cy - 7)}L${r1(cx + 7)} ${cy}L${cx} ${r1(cy + 7)}L${r1(cx - 7)} ${cy}Z" fill="${COLOURS.concern}"><title>${esc(label)}</title></path>`
			);
		else
			push(
				`<circle data-point="common" cx="${cx}" cy="${cy}" r="3.5" fill="${COLOURS.line}"><title>${esc(label)}</title></circle>`
			);
	});

	// axes
	push(
		`<line x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${PAD.top + plotH}" stroke="${COLOURS.centre}"/>`
	);
	push(
		`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}" stroke="${COLOURS.centre}"/>`
	);

	// legend
	const ly = H - 24;
	let lx = PAD.left;
	const legend = (shape: string, text: string) => {
		push(shape.replaceAll('$X', String(lx)).replaceAll('$Y', String(ly)));
		push(
			`<text x="${lx + 30}" y="${ly + 4}" font-size="12" fill="${COLOURS.text}">${esc(text)}</text>`
		);
		lx += 40 + 7 * text.length;
	};
	legend(
		`<line x1="$X" x2="${lx + 24}" y1="$Y" y2="$Y" stroke="${COLOURS.centre}" stroke-width="2"/>`,
		texts.centre
	);
	legend(
		`<line x1="$X" x2="${lx + 24}" y1="$Y" y2="$Y" stroke="${COLOURS.limit}" stroke-width="2" stroke-dasharray="6 4"/>`,
		texts.limits
	);
	legend(
		`<circle cx="${lx + 12}" cy="${ly}" r="6" fill="${COLOURS.improvement}"/>`,
		texts.improvement
	);
	legend(
		`<path d="M${lx + 12} ${ly - 7}L${lx + 19} ${ly}L${lx + 12} ${ly + 7}L${lx + 5} ${ly}Z" fill="${COLOURS.concern}"/>`,
		texts.concern
	);
	if (goal !== null && texts.goal)
		legend(
			`<line x1="$X" x2="${lx + 24}" y1="$Y" y2="$Y" stroke="${COLOURS.goal}" stroke-width="2" stroke-dasharray="8 3 2 3"/>`,
			texts.goal
		);
	push('</svg>');
	return out.join('\n');
}
