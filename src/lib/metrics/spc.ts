/**
 * Statistical process control for weekly series: XmR charts (individuals and moving range) with
 * four signal rules, medians and before/after comparisons. Pure and dependency-free, so it runs
 * in the browser and on the server alike.
 *
 * Gaps: a week without data is `null` (a non-finite number such as NaN counts as a gap too).
 * Gaps are not points. The moving range is taken between consecutive non-null points, and runs,
 * trends and two-of-three windows continue across a gap as if the missing week were not on the
 * chart: a week without data says nothing about the process, so it neither breaks nor extends a
 * pattern.
 */

export type Better = 'higher' | 'lower';
export type SignalRule = 'outside' | 'run' | 'trend' | 'two_of_three';
export type SignalKind = 'improvement' | 'concern';

/** Centre line, mean moving range and natural process limits (the lower one may be negative). */
export interface Limits {
	centre: number;
	/** Mean of the baseline's moving ranges after screening (see `screened`). */
	mrBar: number;
	upper: number;
	lower: number;
	/**
	 * Baseline moving ranges left out of `mrBar` because they were ≥ 3.267 × the mean of all
	 * baseline moving ranges (one freak week does not widen the limits). Optional for callers
	 * that build limits themselves; `xmr` always sets it.
	 */
	screened?: number;
}

export interface Signal {
	rule: SignalRule;
	kind: SignalKind;
	/** Side of the centre line; for a trend, 'above' means rising and 'below' falling. */
	side: 'above' | 'below';
	/** Indexes into the series, inclusive. */
	start: number;
	end: number;
	/** Indexes of the points that are part of the signal (never a null week). */
	points: number[];
}

export interface XmrPoint {
	index: number;
	value: number | null;
	/** |value − previous non-null value|; null for a gap and for the first point. */
	movingRange: number | null;
	/** Rules that fired on this point, in the order of `SignalRule`. */
	signals: SignalRule[];
	/** Kind of the point's signals; 'concern' when they disagree. Null without signals. */
	kind: SignalKind | null;
}

export interface Xmr {
	/** Null when the baseline holds fewer than 2 non-null points; there are no signals then. */
	limits: Limits | null;
	/** One entry per week of the series, gaps included. */
	points: XmrPoint[];
	/** Sorted by start, end and rule. */
	signals: Signal[];
	/** The baseline range actually used, clamped to the series: [start, end). */
	baseline: [number, number];
	/** Non-null points in the baseline. */
	baselinePoints: number;
	/**
	 * Signals the baseline weeks hold on their own (the rules run on the baseline points only,
	 * against the baseline's limits). Empty for a stable baseline; otherwise the limits describe
	 * a process that was itself changing, and a page must say so rather than use them silently.
	 */
	baselineSignals: Signal[];
}

/** Natural process limits lie 2.66 mean moving ranges (3 / d2, d2 = 1.128) from the centre. */
const E2 = 2.66;
/** A baseline moving range ≥ this many times their mean is screened out (D4 of the mR chart). */
const SCREEN = 3.267;
/** Points in a row needed for the run and trend rules. */
const IN_A_ROW = 7;
const RULES: readonly SignalRule[] = ['outside', 'run', 'trend', 'two_of_three'];

interface Pt {
	index: number;
	value: number;
}
type Side = 1 | -1;
type Found = Omit<Signal, 'kind' | 'side'> & { side: Side };

const isValue = (v: number | null | undefined): v is number =>
	typeof v === 'number' && Number.isFinite(v);

/** The non-null points of a series, with their indexes. */
function present(values: readonly (number | null)[]): Pt[] {
	const pts: Pt[] = [];
	values.forEach((value, index) => {
		if (isValue(value)) pts.push({ index, value });
	});
	return pts;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * a compared with b: 1, −1, or 0 when they differ only by floating-point noise. A flat series of
 * 0.3 has a computed mean of 0.30000000000000004; without this every point would sit "below" it
 * and a flat line would signal a run (and, with a moving range of 0, points outside the limits).
 */
function cmp(a: number, b: number): -1 | 0 | 1 {
	const d = a - b;
	return Math.abs(d) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)) ? 0 : d > 0 ? 1 : -1;
}

function limitsOf(baseline: readonly Pt[]): Limits | null {
	if (baseline.length < 2) return null;
	const centre = mean(baseline.map((p) => p.value));
	const ranges = baseline.slice(1).map((p, i) => Math.abs(p.value - baseline[i].value));
	const all = mean(ranges);
	// screened as NHSRplotthedots does: keep a range strictly below 3.267 × the mean of all;
	// with all ranges 0 nothing is screened (0 < 0 is false, so compare only when all > 0).
	// When screening would leave only ranges of 0 — a whole-number series that is flat but for a
	// jump or two, such as a weekly p85 in working days — nothing is screened either: limits of no
	// width would make every other week a signal and any target "never met".
	const screenedRanges = all > 0 ? ranges.filter((r) => r < SCREEN * all) : ranges;
	const kept = screenedRanges.some((r) => r > 0) ? screenedRanges : ranges;
	const mrBar = mean(kept);
	return {
		centre,
		mrBar,
		upper: centre + E2 * mrBar,
		lower: centre - E2 * mrBar,
		screened: ranges.length - kept.length
	};
}

function found(rule: SignalRule, side: Side, pts: readonly Pt[]): Found {
	return {
		rule,
		side,
		start: pts[0].index,
		end: pts[pts.length - 1].index,
		points: pts.map((p) => p.index)
	};
}

/** Maximal stretches [from, to) of 0..length−1 over which key is the same and not 0. */
function stretches(length: number, key: (i: number) => number): [number, number][] {
	const out: [number, number][] = [];
	let from = 0;
	for (let i = 1; i <= length; i++) {
		if (i < length && key(i) === key(from)) continue;
		if (key(from) !== 0) out.push([from, i]);
		from = i;
	}
	return out;
}

/** Rule 1: each point above the upper or below the lower limit (on a limit is not outside). */
function outside(pts: readonly Pt[], { upper, lower }: Limits): Found[] {
	return pts
		.filter((p) => cmp(p.value, upper) > 0 || cmp(p.value, lower) < 0)
		.map((p) => found('outside', cmp(p.value, upper) > 0 ? 1 : -1, [p]));
}

/** Rule 2: 7 or more points in a row on one side of the centre line; a point on it breaks a run. */
function runs(pts: readonly Pt[], { centre }: Limits): Found[] {
	const side = (i: number) => cmp(pts[i].value, centre);
	return stretches(pts.length, side)
		.filter(([from, to]) => to - from >= IN_A_ROW)
		.map(([from, to]) => found('run', side(from) as Side, pts.slice(from, to)));
}

/** Rule 3: 7 or more points each strictly higher (or lower) than the one before: 6 steps. */
function trends(pts: readonly Pt[]): Found[] {
	// step i goes from point i to point i + 1; an equal step breaks a trend.
	const step = (i: number) => cmp(pts[i + 1].value, pts[i].value);
	return stretches(pts.length - 1, step)
		.filter(([from, to]) => to - from >= IN_A_ROW - 1)
		.map(([from, to]) => found('trend', step(from) as Side, pts.slice(from, to + 1)));
}

/**
 * Rule 4: 2 of 3 consecutive points beyond two thirds of the way to a limit (but not outside it),
 * with all three points on the same side of the centre line; a point on the centre line is on
 * neither side. As NHSRplotthedots counts it: a point outside the limits is rule 1's and does not
 * count here. The points beyond are marked; overlapping windows that fire merge into one signal.
 */
function twoOfThree(pts: readonly Pt[], { centre, upper, lower }: Limits): Found[] {
	const out: Found[] = [];
	const sides: [Side, (v: number) => boolean][] = [
		[1, (v) => cmp(v, centre + (2 / 3) * (upper - centre)) > 0 && cmp(v, upper) <= 0],
		[-1, (v) => cmp(v, centre - (2 / 3) * (centre - lower)) < 0 && cmp(v, lower) >= 0]
	];
	for (const [side, beyond] of sides) {
		let marked: Pt[] = [];
		let lastWindow = -Infinity;
		for (let w = 0; w + 3 <= pts.length; w++) {
			const window = pts.slice(w, w + 3);
			if (!window.every((p) => cmp(p.value, centre) === side)) continue;
			const hits = window.filter((p) => beyond(p.value));
			if (hits.length < 2) continue;
			if (w > lastWindow + 2 && marked.length > 0) {
				out.push(found('two_of_three', side, marked));
				marked = [];
			}
			for (const hit of hits) if (!marked.includes(hit)) marked.push(hit);
			lastWindow = w;
		}
		if (marked.length > 0) out.push(found('two_of_three', side, marked));
	}
	return out;
}

/** Above the centre line (or rising) is an improvement when higher is better. */
const kindOf = (side: Side, better: Better): SignalKind =>
	(side === 1) === (better === 'higher') ? 'improvement' : 'concern';

/** All four rules on the points against the limits, labelled and sorted. */
function signalsOf(pts: readonly Pt[], limits: Limits, better: Better): Signal[] {
	return [...outside(pts, limits), ...runs(pts, limits), ...trends(pts), ...twoOfThree(pts, limits)]
		.map((s) => ({
			...s,
			kind: kindOf(s.side, better),
			side: s.side === 1 ? ('above' as const) : ('below' as const)
		}))
		.sort(
			(a, b) => a.start - b.start || a.end - b.end || RULES.indexOf(a.rule) - RULES.indexOf(b.rule)
		);
}

/**
 * XmR chart of a weekly series. Limits come from the non-null points in the baseline range
 * [start, end) (clamped to the series); signals are evaluated on all points, before and after
 * the baseline, against those limits.
 *
 * To rebase, e.g. after a cycle's change was adopted at week `changeIndex`, call again with
 * `baseline: [changeIndex, values.length]`: the new limits then come from that window only.
 */
export function xmr(
	values: readonly (number | null)[],
	options: { baseline: [number, number]; better: Better }
): Xmr {
	const clamp = (i: number) => Math.min(Math.max(i, 0), values.length);
	const start = clamp(options.baseline[0]);
	const end = Math.max(start, clamp(options.baseline[1]));
	const pts = present(values);
	const inBaseline = pts.filter((p) => p.index >= start && p.index < end);
	const limits = limitsOf(inBaseline);

	const signals = limits ? signalsOf(pts, limits, options.better) : [];
	const baselineSignals = limits ? signalsOf(inBaseline, limits, options.better) : [];

	const previous = new Map(pts.slice(1).map((p, i) => [p.index, pts[i].value]));
	const points = values.map((v, index): XmrPoint => {
		const value = isValue(v) ? v : null;
		const before = previous.get(index);
		const mine = signals.filter((s) => s.points.includes(index));
		const kinds = new Set(mine.map((s) => s.kind));
		return {
			index,
			value,
			movingRange: value !== null && before !== undefined ? Math.abs(value - before) : null,
			signals: RULES.filter((rule) => mine.some((s) => s.rule === rule)),
			kind: kinds.has('concern') ? 'concern' : kinds.has('improvement') ? 'improvement' : null
		};
	});

	return {
		limits,
		points,
		signals,
		baseline: [start, end],
		baselinePoints: inBaseline.length,
		baselineSignals
	};
}

/**
 * A baseline window to suggest when the chosen one holds signals: the longest stretch of weeks
 * [start, end) inside `within` (clamped to the series) with at least `minPoints` non-null points
 * whose own XmR holds no signal; among equally long ones the latest (closest to the change).
 * Null when there is none.
 */
export function stableBaseline(
	values: readonly (number | null)[],
	within: [number, number],
	better: Better,
	minPoints = 6
): [number, number] | null {
	const from = Math.max(0, within[0]);
	const to = Math.min(values.length, within[1]);
	for (let length = to - from; length > 0; length--) {
		for (let start = to - length; start >= from; start--) {
			const window: [number, number] = [start, start + length];
			const slice = values.slice(start, start + length);
			if (slice.filter(isValue).length < minPoints) continue;
			const r = xmr(slice, { baseline: [0, length], better });
			if (r.limits && r.baselineSignals.length === 0) return window;
		}
	}
	return null;
}

/** Points a signal of each rule needs. */
const NEEDS: Record<SignalRule, number> = {
	outside: 1,
	run: IN_A_ROW,
	trend: IN_A_ROW,
	two_of_three: 2
};

/**
 * The part of a signal from index `from` on, when that part is a signal by itself: its points
 * before `from` are dropped, and a run or trend must keep 7 points, a two-of-three 2 (its window
 * may reach back), an outside its point. Null otherwise. For "no signal before the change": a run
 * that began just before the change week counts from the change on when it holds 7 weeks there.
 */
export function signalFrom(signal: Signal, from: number): Signal | null {
	const points = signal.points.filter((i) => i >= from);
	if (points.length < NEEDS[signal.rule]) return null;
	return { ...signal, points, start: points[0], end: points[points.length - 1] };
}

/** Median of the non-null values (mean of the two middle ones for an even count); null if none. */
export function median(values: readonly (number | null)[]): number | null {
	const sorted = values.filter(isValue).sort((a, b) => a - b);
	if (sorted.length === 0) return null;
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface BeforeAfter {
	/** `weeks` counts the weeks with data (non-null values). */
	before: { median: number | null; weeks: number };
	after: { median: number | null; weeks: number };
	/** after − before; null when either median is unknown. */
	difference: number | null;
	/** difference ÷ before; null when unknown or when the before median is 0. */
	relative: number | null;
	/** Whether the change went the better way; null when there is no difference or it is unknown. */
	kind: SignalKind | null;
}

/** Compares the medians of two periods, e.g. the weeks before and after a change. */
export function beforeAfter(
	before: readonly (number | null)[],
	after: readonly (number | null)[],
	better: Better
): BeforeAfter {
	const b = median(before);
	const a = median(after);
	const difference = a !== null && b !== null ? a - b : null;
	return {
		before: { median: b, weeks: before.filter(isValue).length },
		after: { median: a, weeks: after.filter(isValue).length },
		difference,
		relative: difference !== null && b ? difference / b : null,
		kind: difference ? kindOf(difference > 0 ? 1 : -1, better) : null
	};
}

/**
 * The latest signal touching the last non-null point(s) of the series, for a headline badge;
 * null when none. With `withinLast` = n the signal must include one of the last n non-null
 * points. Among several, the one ending last wins, then the one starting last (so a fresh
 * 'outside' point beats a long run ending on the same week).
 */
export function latestSignal(result: Xmr, withinLast = 1): Signal | null {
	if (withinLast < 1) return null;
	const recent = new Set(
		result.points
			.filter((p) => p.value !== null)
			.slice(-withinLast)
			.map((p) => p.index)
	);
	let latest: Signal | null = null;
	for (const s of result.signals) {
		if (!s.points.some((i) => recent.has(i))) continue;
		if (!latest || s.end > latest.end || (s.end === latest.end && s.start > latest.start)) {
			latest = s;
		}
	}
	return latest;
}
