/**
 * The NHS "Making Data Count" reading of an XmR chart, as two icons: variation (is there a
 * special cause, is it an improvement or a concern, and is it high or low) and assurance
 * (given a target, will the process consistently meet it, consistently fail it, or hit and
 * miss because the target lies between the limits). Pure: it only reads what spc.ts computed.
 */
import type { Better, Limits, Signal } from './spc';

/** Common cause, special cause improvement or concern; 'unknown' when there are no limits yet. */
export type VariationKind = 'common' | 'improvement' | 'concern' | 'unknown';
export type Direction = 'high' | 'low';

export interface Variation {
	kind: VariationKind;
	/** Which way the special cause goes (above the centre line / rising = high); null otherwise. */
	direction: Direction | null;
}

export type AssuranceKind = 'pass' | 'fail' | 'hit_and_miss';

/**
 * The variation icon for a chart: its latest signal (as `latestSignal` in spc.ts picks it)
 * decides; without limits nothing can be said.
 */
export function variation(
	limits: Limits | null,
	signal: Pick<Signal, 'kind' | 'side'> | null
): Variation {
	if (!limits) return { kind: 'unknown', direction: null };
	if (!signal) return { kind: 'common', direction: null };
	return { kind: signal.kind, direction: signal.side === 'above' ? 'high' : 'low' };
}

/**
 * The assurance icon: where the target lies against the natural process limits. A target
 * beyond the limits on the good side is met every week (pass), beyond them on the bad side
 * never (fail); on or between the limits the process will sometimes meet it and sometimes
 * not (hit and miss). Null without limits, with limits of no width or without a target (no
 * icon then).
 */
export function assurance(
	limits: Limits | null,
	target: number | null | undefined,
	better: Better
): AssuranceKind | null {
	if (!limits || target === null || target === undefined || !Number.isFinite(target)) return null;
	// limits of no width (a baseline without any variation) cannot say how often it is met
	if (limits.upper - limits.lower <= 0) return null;
	if (target > limits.upper) return better === 'lower' ? 'pass' : 'fail';
	if (target < limits.lower) return better === 'higher' ? 'pass' : 'fail';
	return 'hit_and_miss';
}
