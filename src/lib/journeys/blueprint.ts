/**
 * The journey map as data: what the server sends and the pure rules both sides use — the order
 * of touchpoints, where handoffs are, the emotion curve, moves (so the map can show a move at
 * once and the server stores the same), and how far a lead time is from its norm.
 */
import type { Channel, Direction, NormUnit, Office } from '$lib/schemas/journeys';

/** How far the p85 lead time is from the norm. */
export type NormStatus = 'within' | 'over' | 'far_over';

/** Case figures of one touchpoint over the map's period. Lead times in days of `unit`. */
export interface Figures {
	cases: number;
	repeats: number;
	repeatRate: number | null;
	closed: number;
	open: number;
	leadMedian: number | null;
	leadP85: number | null;
	unit: NormUnit;
	withinNorm: number | null;
	handoffs: number;
	casesWithHandoff: number;
	/** The touchpoint's norm, else the one norm all its categories share; null without. */
	norm: { days: number; unit: NormUnit } | null;
	status: NormStatus | null;
	/** Silence (issue 12): p85 of the longest silence in working days, open cases silent past
	 * their norm now, and the share of cases over the norm. */
	silence?: { p85WorkingDays: number | null; silentNow: number; overNormShare: number | null };
}

/**
 * no_access: the person may not see case data; unmapped: no report category is mapped to the
 * touchpoint; figures: the figures (possibly of 0 cases in the period).
 */
export type TouchpointData =
	{ kind: 'no_access' } | { kind: 'unmapped' } | { kind: 'figures'; figures: Figures };

export interface TouchpointView {
	id: string;
	stageId: string;
	position: number;
	name: string;
	channel: Channel | null;
	departmentId: string | null;
	departmentName: string | null;
	office: Office;
	line: number | null;
	synchronous: boolean;
	normDays: number | null;
	normUnit: NormUnit;
	emotion: number | null;
	painPoints: string;
	categoryIds: string[];
	data: TouchpointData;
}

export interface StageView {
	id: string;
	position: number;
	name: string;
	customerAction: string;
	support: string;
	touchpoints: TouchpointView[];
}

/** p85 ≤ norm: within; up to 1.5 × the norm: over; beyond: far over. */
export function normStatus(p85: number | null, normDays: number | null): NormStatus | null {
	if (p85 === null || normDays === null || normDays <= 0) return null;
	const ratio = p85 / normDays;
	return ratio <= 1 ? 'within' : ratio <= 1.5 ? 'over' : 'far_over';
}

/** The touchpoints in journey order: stage by stage, then by position. */
export function sequence<U>(stages: { touchpoints: U[] }[]): U[] {
	return stages.flatMap((s) => s.touchpoints);
}

export interface FlowLink {
	from: string;
	to: string;
	/** The department changes between the two (both known): a handoff. */
	handoff: boolean;
	fromDepartment: string | null;
	toDepartment: string | null;
}

/** Arrows between consecutive touchpoints. */
export function flow(
	stages: {
		touchpoints: { id: string; departmentId: string | null; departmentName: string | null }[];
	}[]
): FlowLink[] {
	const all = sequence(stages);
	return all.slice(1).map((to, i) => {
		const from = all[i];
		return {
			from: from.id,
			to: to.id,
			handoff:
				from.departmentId !== null &&
				to.departmentId !== null &&
				from.departmentId !== to.departmentId,
			fromDepartment: from.departmentName,
			toDepartment: to.departmentName
		};
	});
}

interface EmotionPoint {
	id: string;
	name: string;
	emotion: number;
	/** 0–1 across the stages: within its stage's column, spread evenly. */
	x: number;
}

/** The customer's emotion curve: one point per touchpoint with an emotion. */
export function emotionPoints(
	stages: { touchpoints: { id: string; name: string; emotion: number | null }[] }[]
): EmotionPoint[] {
	const n = stages.length;
	return stages.flatMap((s, i) => {
		const felt = s.touchpoints.filter((t) => t.emotion !== null);
		return felt.map((t, j) => ({
			id: t.id,
			name: t.name,
			emotion: t.emotion as number,
			x: (i + (j + 1) / (felt.length + 1)) / n
		}));
	});
}

/** Where a touchpoint goes: a stage, a place in its order, and (from a drag) its lane. */
type Place = { stageId: string; index: number; office?: Office | null };
export type TouchpointMoveSpec = { direction: Direction } | Place;

interface Movable {
	id: string;
	touchpoints: { id: string; office: Office }[];
}

/**
 * The stages after moving a touchpoint, or null when it cannot move that way (the first one up,
 * the last one down, left of the first stage, right of the last) or is not there. Left puts it
 * at the end of the previous stage and right at the start of the next, so the order of the
 * journey stays as it was.
 */
export function moveTouchpoint<S extends Movable>(
	stages: S[],
	id: string,
	spec: TouchpointMoveSpec
): S[] | null {
	const from = stages.findIndex((s) => s.touchpoints.some((t) => t.id === id));
	if (from < 0) return null;
	const at = stages[from].touchpoints.findIndex((t) => t.id === id);
	let target: number;
	let index: number;
	let office: Office | null = null;
	if ('direction' in spec) {
		const count = stages[from].touchpoints.length;
		if (spec.direction === 'up' && at > 0) [target, index] = [from, at - 1];
		else if (spec.direction === 'down' && at < count - 1) [target, index] = [from, at + 1];
		else if (spec.direction === 'left' && from > 0)
			[target, index] = [from - 1, stages[from - 1].touchpoints.length];
		else if (spec.direction === 'right' && from < stages.length - 1)
			[target, index] = [from + 1, 0];
		else return null;
	} else {
		target = stages.findIndex((s) => s.id === spec.stageId);
		if (target < 0) return null;
		index = spec.index;
		office = spec.office ?? null;
	}
	const moving = stages[from].touchpoints[at];
	const moved = office && office !== moving.office ? { ...moving, office } : moving;
	const next = stages.map((s) => ({ ...s, touchpoints: s.touchpoints.filter((t) => t.id !== id) }));
	const list = next[target].touchpoints;
	list.splice(Math.max(0, Math.min(index, list.length)), 0, moved);
	const same =
		target === from &&
		moved === moving &&
		list.every((t, i) => t.id === stages[from].touchpoints[i].id);
	return same ? null : next;
}

/** The stages after moving one left, right or to an index; null when it cannot or stays. */
export function moveStage<S extends { id: string }>(
	stages: S[],
	id: string,
	spec: { direction: 'left' | 'right' } | { index: number }
): S[] | null {
	const at = stages.findIndex((s) => s.id === id);
	if (at < 0) return null;
	const to =
		'direction' in spec
			? at + (spec.direction === 'left' ? -1 : 1)
			: Math.max(0, Math.min(spec.index, stages.length - 1));
	if (to < 0 || to >= stages.length || to === at) return null;
	const next = stages.filter((s) => s.id !== id);
	next.splice(to, 0, stages[at]);
	return next;
}

export interface WorstTouchpoint {
	id: string;
	name: string;
	/** Why it is the worst: its p85 lead time furthest over its norm, or its repeat rate. */
	reason: 'lead_time' | 'repeat_rate';
	figures: Figures;
}

/**
 * The touchpoint that hurts most: the highest p85 lead time relative to its norm (when above
 * it), else the highest repeat rate; null when no touchpoint has figures with cases.
 */
export function worstTouchpoint(
	touchpoints: { id: string; name: string; data: TouchpointData }[]
): WorstTouchpoint | null {
	const withFigures = touchpoints.flatMap((t) =>
		t.data.kind === 'figures' && t.data.figures.cases > 0
			? [{ id: t.id, name: t.name, figures: t.data.figures }]
			: []
	);
	const ratio = (f: Figures) =>
		f.norm && f.leadP85 !== null && f.norm.unit === f.unit ? f.leadP85 / f.norm.days : null;
	const late = withFigures
		.filter((t) => (ratio(t.figures) ?? 0) > 1)
		.sort((a, b) => (ratio(b.figures) ?? 0) - (ratio(a.figures) ?? 0));
	if (late.length) return { ...late[0], reason: 'lead_time' };
	const repeats = withFigures
		.filter((t) => t.figures.repeatRate !== null)
		.sort((a, b) => (b.figures.repeatRate ?? 0) - (a.figures.repeatRate ?? 0));
	return repeats.length ? { ...repeats[0], reason: 'repeat_rate' } : null;
}

/** The figures the journey map can rank its touchpoints by. */
export const RANKINGS = ['repeat_rate', 'lead_p85', 'within_norm'] as const;
export type Ranking = (typeof RANKINGS)[number];

export interface Ranked<T> {
	touchpoint: T;
	figures: Figures;
	/** The place, 1 = worst. */
	place: number;
}

/**
 * Touchpoints with cases, worst first by one figure: the highest repeat rate; the p85 lead time
 * furthest over its norm (touchpoints without a norm in the same unit after those with one, by
 * their p85); the lowest share within norm. Touchpoints without that figure are left out.
 */
export function rankTouchpoints<T extends { id: string; name: string; data: TouchpointData }>(
	touchpoints: T[],
	by: Ranking
): Ranked<T>[] {
	const key = (f: Figures): [number, number] | null => {
		if (by === 'repeat_rate') return f.repeatRate === null ? null : [0, -f.repeatRate];
		if (by === 'within_norm') return f.withinNorm === null ? null : [0, f.withinNorm];
		if (f.leadP85 === null) return null;
		return f.norm && f.norm.unit === f.unit ? [0, -f.leadP85 / f.norm.days] : [1, -f.leadP85];
	};
	return touchpoints
		.flatMap((t) => {
			if (t.data.kind !== 'figures' || t.data.figures.cases === 0) return [];
			const k = key(t.data.figures);
			return k ? [{ touchpoint: t, figures: t.data.figures, k }] : [];
		})
		.sort(
			(a, b) =>
				a.k[0] - b.k[0] || a.k[1] - b.k[1] || a.touchpoint.name.localeCompare(b.touchpoint.name)
		)
		.map(({ touchpoint, figures }, i) => ({ touchpoint, figures, place: i + 1 }));
}
