/**
 * The measured effect of an improvement cycle: the weekly series of its metric over its scope,
 * an XmR chart with the centre line and limits from the baseline weeks, the change date, the
 * signals (labelled improvement or concern by the better direction), and the before/after
 * medians in one sentence. After adoption the team may rebase: from the rebase date on, the
 * limits come from the weeks after the change (REBASE_WEEKS of them) — only when the team has
 * recorded it (improvement_cycle.rebased_on), never on its own.
 *
 * The weeks are ISO weeks (Monday) in the organisation's time zone, as public.case_weekly
 * counts them. A week belongs to the baseline when its Monday lies in [baseline_from,
 * baseline_to]; to the "after" period when its Monday lies in [change_date, test_to] (to the
 * last week when the test has no end).
 *
 * No signal is claimed before the change date: a cycle in idea or plan, or whose change date is
 * not set or still ahead, shows its baseline limits and no signals; otherwise each signal counts
 * with its weeks from the change week on, when those still make the signal (spc.signalFrom: a
 * run or trend keeps 7 of them, two-of-three 2). A baseline that itself holds signals is
 * reported (baselineSignals) with a suggested stable window, never used silently.
 *
 * A cycle whose dates lie outside the window every form keeps to (saneDate; an older row may
 * hold a slip such as year 0001) has no chart: it is 'out_of_range', and the pages say so while
 * the rest keeps working. The chart is bounded too: at most MAX_WEEKS weeks from the baseline.
 */
import { assurance, type AssuranceKind } from '$lib/metrics/assurance';
import { db, type Claims, type Queryable } from '../db';
import { touchpointCategoryIds } from '../journeys';
import { weekly, type MetricsFilter } from './metrics';
import { weeksAround } from './period';
import { withSilence } from './silence';
import {
	beforeAfter,
	latestSignal,
	signalFrom,
	stableBaseline,
	xmr,
	type BeforeAfter,
	type Better,
	type Limits,
	type Signal,
	type SignalKind
} from '$lib/metrics/spc';
import { metricSeries, UNIT, type Metric } from '$lib/metrics/series';
import type { CycleStatus } from '$lib/schemas/cycles';
import { isSaneDay } from '$lib/schemas/fields';

/** Weeks after the rebase date whose points make the rebased limits. */
const REBASE_WEEKS = 20;
/** How long the chart runs on after the end of a test that was not adopted. */
const WEEKS_AFTER_TEST = 8;
/** The most weeks a chart shows (five years), from the baseline's first week on. */
export const MAX_WEEKS = 260;

export interface EffectInput {
	metric: Metric;
	better: Better;
	scopeCategoryId: string | null;
	scopeTouchpointId: string | null;
	/** A report channel as the source writes it. */
	scopeChannel: string | null;
	baselineFrom: string | null;
	baselineTo: string | null;
	changeDate: string | null;
	testTo: string | null;
	rebasedOn: string | null;
	status: CycleStatus;
	/** The value the team aims for (the metric's own unit); null or absent: no goal. */
	goal?: number | null;
}

interface EffectPoint {
	/** The Monday, 'YYYY-MM-DD'. */
	week: string;
	value: number | null;
	cases: number;
}

/** A stretch of the chart [from, to) with the limits that hold there. */
interface Segment {
	from: number;
	to: number;
	limits: Limits | null;
	/** Limits recomputed after adoption (from the rebase week on). */
	rebased: boolean;
}

export type CycleEffect =
	| { state: 'no_windows' }
	| { state: 'out_of_range' }
	| { state: 'no_data'; weeks: number }
	| {
			state: 'ok';
			metric: Metric;
			unit: 'share' | 'days' | 'count';
			better: Better;
			series: EffectPoint[];
			segments: Segment[];
			/** All signals, indexes into `series`, sorted by start. */
			signals: Signal[];
			/** Baseline weeks, [start, end) into `series`. */
			baseline: [number, number];
			/** The week holding the change date (null when not set or outside the series). */
			changeIndex: number | null;
			/** First week of the rebased limits (null when not rebased). */
			rebaseIndex: number | null;
			/** Medians of the baseline weeks and of the weeks from the change date; null while no
			 * signals are claimed (see signalsFrom). */
			beforeAfter: BeforeAfter | null;
			/**
			 * The signal the summary sentence names: against the baseline limits, the one that covers
			 * most weeks from the change date to the end of the test.
			 */
			headline: Signal | null;
			/** The signal on the latest weeks, for a badge. */
			latest: Signal | null;
			/**
			 * First week from which signals are claimed (the change week); null when none are: the
			 * cycle is in idea or plan, or its change date is not set or still ahead.
			 */
			signalsFrom: number | null;
			/** Signals the baseline weeks hold on their own; empty when the baseline is stable. */
			baselineSignals: Signal[];
			/**
			 * For an unstable baseline: the longest stretch of weeks before the change whose own
			 * limits hold no signal, as dates (Monday of the first week, Sunday of the last); null
			 * when the baseline is stable or no such stretch of at least 6 weeks exists.
			 */
			suggestedBaseline: { from: string; to: string } | null;
			/** The cycle's goal: the target line. */
			goal: number | null;
			/**
			 * Will the process meet the goal? The goal against the limits that hold now (the
			 * rebased ones after a rebase); null without a goal or limits.
			 */
			assurance: AssuranceKind | null;
	  };

/**
 * The categories of the scope: a touchpoint's mapped categories, narrowed to the scope's
 * category when that is set too; one category; or all (null).
 */
async function scopeCategories(tx: Queryable, input: EffectInput): Promise<string[] | null> {
	if (!input.scopeTouchpointId) return input.scopeCategoryId ? [input.scopeCategoryId] : null;
	const ids = await touchpointCategoryIds(tx, input.scopeTouchpointId);
	return input.scopeCategoryId ? ids.filter((id) => id === input.scopeCategoryId) : ids;
}

const addDays = (date: string, days: number) => {
	const d = new Date(`${date}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + days);
	return d.toISOString().slice(0, 10);
};

const earliest = (a: string, b: string) => (a < b ? a : b);

/** The last day the chart shows: in the MAX_WEEKS weeks from the week of `from` on. */
function lastDay(input: EffectInput, from: string, today: string): string {
	const end =
		input.testTo && input.status !== 'adopted'
			? earliest(addDays(input.testTo, 7 * WEEKS_AFTER_TEST), today)
			: today;
	return earliest(end, addDays(from, 7 * (MAX_WEEKS - 1)));
}

/** Whether each date the cycle has set lies in the window the forms keep to. */
const datesInRange = (input: EffectInput) =>
	[input.baselineFrom, input.baselineTo, input.changeDate, input.testTo, input.rebasedOn].every(
		(d) => d === null || isSaneDay(d)
	);

/** Statuses before the test: the change has not been made, so nothing can be signalled yet. */
const BEFORE_TEST: readonly CycleStatus[] = ['idea', 'plan'];

/** Index range [start, end) of the weeks whose Monday lies in [from, to]. */
function weekRange(series: EffectPoint[], from: string, to: string | null): [number, number] {
	let start = series.findIndex((p) => p.week >= from);
	if (start < 0) start = series.length;
	let end = start;
	while (end < series.length && (to === null || series[end].week <= to)) end++;
	return [start, end];
}

const shift = (s: Signal, by: number): Signal => ({
	...s,
	start: s.start + by,
	end: s.end + by,
	points: s.points.map((i) => i + by)
});

/**
 * The effect of a cycle, computed in the caller's transaction (so row level security decides
 * which cases count). `today` ('YYYY-MM-DD') is for tests; it defaults to the current date.
 */
export async function cycleEffect(
	tx: Queryable,
	input: EffectInput,
	options: { today?: string } = {}
): Promise<CycleEffect> {
	if (!input.baselineFrom || !input.baselineTo) return { state: 'no_windows' };
	if (!datesInRange(input)) return { state: 'out_of_range' };
	const today = options.today ?? new Date().toISOString().slice(0, 10);
	const until = lastDay(input, input.baselineFrom, today);

	const filter: MetricsFilter = {
		categories: await scopeCategories(tx, input),
		channel: input.scopeChannel
	};
	// whole weeks: Monday 00:00 in the organisation's zone of the first and after the last week
	const bounds = await weeksAround(tx, input.baselineFrom, until);
	if (!bounds || until < input.baselineFrom) return { state: 'no_data', weeks: 0 };
	const range = { ...filter, from: bounds.from, to: bounds.to };
	const weeks = await weekly(tx, range);
	if (input.metric === 'silence_p85') await withSilence(tx, range, weeks);
	const values = metricSeries(weeks, input.metric);
	const series: EffectPoint[] = weeks.map((w, i) => ({
		week: w.week,
		value: values[i],
		cases: w.cases
	}));
	if (series.every((p) => p.cases === 0) && values.every((v) => v === null))
		return { state: 'no_data', weeks: series.length };

	const baseline = weekRange(series, input.baselineFrom, input.baselineTo);
	const changeIndex = input.changeDate
		? series.findIndex((p) => p.week <= input.changeDate! && addDays(p.week, 7) > input.changeDate!)
		: -1;
	const rebaseStart =
		input.rebasedOn && input.status === 'adopted'
			? weekRange(series, input.rebasedOn, null)[0]
			: series.length;
	const rebaseIndex = rebaseStart < series.length ? rebaseStart : null;

	const before = xmr(values.slice(0, rebaseStart), { baseline, better: input.better });
	const segments: Segment[] = [{ from: 0, to: rebaseStart, limits: before.limits, rebased: false }];
	let signals = before.signals;
	let last = before;
	let lastOffset = 0;
	if (rebaseIndex !== null) {
		const after = xmr(values.slice(rebaseIndex), {
			baseline: [0, REBASE_WEEKS],
			better: input.better
		});
		segments.push({ from: rebaseIndex, to: series.length, limits: after.limits, rebased: true });
		signals = [...signals, ...after.signals.map((s) => shift(s, rebaseIndex))];
		last = after;
		lastOffset = rebaseIndex;
	}
	// no signal before the change date: from the change week on, and only once it has happened
	const claimed =
		!BEFORE_TEST.includes(input.status) &&
		input.changeDate !== null &&
		input.changeDate <= today &&
		changeIndex >= 0;
	// a week that holds the baseline's last day and the change (a row from before the windows
	// were kept apart) is a baseline week: signals start after it
	const signalsFrom = claimed ? Math.max(changeIndex, baseline[1]) : null;
	// each signal's part from the change week on, when that part is a signal by itself
	const claim = (list: Signal[], offset = 0) =>
		signalsFrom === null ? [] : list.flatMap((s) => signalFrom(s, signalsFrom - offset) ?? []);
	signals = claim(signals);
	const latestRaw = latestSignal({ ...last, signals: claim(last.signals, lastOffset) }, 3);

	let comparison: BeforeAfter | null = null;
	let headline: Signal | null = null;
	if (input.changeDate && signalsFrom !== null) {
		const [from, to] = weekRange(series, input.changeDate, input.testTo);
		comparison = beforeAfter(
			values.slice(baseline[0], baseline[1]),
			values.slice(from, to),
			input.better
		);
		// the sentence judges the change against the baseline, also after a rebase
		const judged =
			rebaseIndex === null ? signals : xmr(values, { baseline, better: input.better }).signals;
		const overlap = (s: Signal) => s.points.filter((i) => i >= from && i < to).length;
		for (const s of claim(judged)) {
			const n = overlap(s);
			if (
				n > 0 &&
				(!headline || n > overlap(headline) || (n === overlap(headline) && s.end > headline.end))
			)
				headline = s;
		}
	}

	return {
		state: 'ok',
		metric: input.metric,
		unit: UNIT[input.metric],
		better: input.better,
		series,
		segments,
		signals,
		baseline,
		changeIndex: changeIndex >= 0 ? changeIndex : null,
		rebaseIndex,
		beforeAfter: comparison,
		headline,
		latest: latestRaw ? shift(latestRaw, lastOffset) : null,
		signalsFrom,
		baselineSignals: before.baselineSignals,
		suggestedBaseline: before.baselineSignals.length
			? suggestion(series, values, baseline, changeIndex, input.better)
			: null,
		goal: input.goal ?? null,
		assurance: assurance(last.limits, input.goal, input.better)
	};
}

/** A stable baseline window before the change (or in the baseline when there is none yet). */
function suggestion(
	series: EffectPoint[],
	values: (number | null)[],
	baseline: [number, number],
	changeIndex: number,
	better: Better
): { from: string; to: string } | null {
	const end = changeIndex > baseline[0] ? changeIndex : baseline[1];
	const window = stableBaseline(values, [0, end], better);
	if (!window) return null;
	return { from: series[window[0]].week, to: addDays(series[window[1] - 1].week, 6) };
}

const EFFECT_COLUMNS = `id, metric, better, scope_category_id as "scopeCategoryId",
	scope_touchpoint_id as "scopeTouchpointId", scope_channel as "scopeChannel",
	baseline_from as "baselineFrom", baseline_to as "baselineTo", change_date as "changeDate",
	test_to as "testTo", rebased_on as "rebasedOn", status, goal`;

/**
 * A cycle's effect in one line, as numbers (the page words it in the reader's language): the
 * before/after medians, the weeks after the change and the kind of the headline signal. Kept
 * with an evaluation as it stood when the coach recorded it.
 */
export interface EffectBrief {
	cycleId: string;
	title: string;
	status: CycleStatus;
	metric: Metric;
	unit: 'share' | 'days' | 'count';
	before: number;
	after: number;
	weeks: number;
	signal: SignalKind | null;
	/** The baseline holds signals of its own (missing in briefs recorded before this existed). */
	baselineUnstable?: boolean;
	/** Will it meet the cycle's goal (null: no goal; missing in briefs recorded before). */
	assurance?: AssuranceKind | null;
}

/** The brief of a computed effect, or null while there is nothing to compare yet. */
export function effectBrief(
	cycle: { id: string; title: string; status: CycleStatus },
	effect: CycleEffect
): EffectBrief | null {
	if (effect.state !== 'ok' || !effect.beforeAfter) return null;
	const { before, after } = effect.beforeAfter;
	if (before.median === null || after.median === null || after.weeks === 0) return null;
	return {
		cycleId: cycle.id,
		title: cycle.title,
		status: cycle.status,
		metric: effect.metric,
		unit: effect.unit,
		before: before.median,
		after: after.median,
		weeks: after.weeks,
		signal: effect.headline?.kind ?? null,
		baselineUnstable: effect.baselineSignals.length > 0,
		assurance: effect.assurance
	};
}

/**
 * The effects of a team's cycles for its evaluation, in the caller's transaction: the cycles in
 * test or evaluation, and those finished since `since` (the last evaluation), that have a
 * before and an after.
 */
export async function teamEffects(
	tx: Queryable,
	teamId: string,
	since: string | null
): Promise<EffectBrief[]> {
	const rows = await tx.query<EffectInput & { id: string; title: string }>(
		`select ${EFFECT_COLUMNS}, title from improvement_cycle
		  where team_id = $1 and change_date is not null
		    and (status in ('test', 'evaluate')
		         or (status in ('adopted', 'adapted', 'abandoned')
		             and ($2::date is null or updated_at >= $2::date)))
		  order by change_date desc, title`,
		[teamId, since]
	);
	const out: EffectBrief[] = [];
	for (const row of rows) {
		const brief = effectBrief(row, await cycleEffect(tx, row));
		if (brief) out.push(brief);
	}
	return out;
}

/** The effect of one cycle as the signed-in user sees it (null when the cycle is not visible). */
export async function effectOf(claims: Claims, cycleId: string): Promise<CycleEffect | null> {
	return db().asUser(claims, async (tx) => {
		const [row] = await tx.query<EffectInput>(
			`select ${EFFECT_COLUMNS} from improvement_cycle where id = $1`,
			[cycleId]
		);
		return row ? cycleEffect(tx, row) : null;
	});
}

/** A cycle's badge on the board: its latest signal, none, or dates out of range. */
export type BoardSignal = SignalKind | 'none' | 'out_of_range';

/** A cycle's icons on the board: its latest signal, and whether it will meet its goal. */
export interface BoardReading {
	/** null: the change has not happened yet, so no signal is claimed (and none is drawn). */
	signal: BoardSignal | null;
	assurance: AssuranceKind | null;
}

/**
 * For a team's board: per cycle with a baseline and data, the kind of its latest signal, or
 * 'none' when the chart has data but no recent signal (null before the change, when no signal
 * is claimed); 'out_of_range' for a cycle whose dates
 * lie outside the window; and the assurance against its goal. Cycles without data are left out.
 */
export async function teamSignals(
	claims: Claims,
	teamId: string
): Promise<Record<string, BoardReading>> {
	return db().asUser(claims, async (tx) => {
		const rows = await tx.query<EffectInput & { id: string }>(
			`select ${EFFECT_COLUMNS} from improvement_cycle
			  where team_id = $1 and baseline_from is not null and baseline_to is not null`,
			[teamId]
		);
		const out: Record<string, BoardReading> = {};
		for (const row of rows) {
			const effect = await cycleEffect(tx, row);
			// before the change there is nothing to signal: no variation icon yet
			if (effect.state === 'ok')
				out[row.id] = {
					signal: effect.signalsFrom === null ? null : (effect.latest?.kind ?? 'none'),
					assurance: effect.assurance
				};
			if (effect.state === 'out_of_range')
				out[row.id] = { signal: 'out_of_range', assurance: null };
		}
		return out;
	});
}
