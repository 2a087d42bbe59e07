/**
 * The refusals of the cycle modules: the error keys, how a database refusal becomes one, and
 * `change`, which runs a change as the signed-in user and answers with that key.
 */
import { db, type Claims, type Queryable } from '../db';
import { sqlState } from '../db/errors';
import { attempt, refuse, type DbRefusal, type Result } from '../result';

export type CycleError =
	| 'not_found'
	| 'forbidden'
	| 'cycle_windows_missing'
	| 'cycle_outside_mandate'
	| 'cycle_right_unknown'
	| 'cycle_status_stale'
	| 'cycle_baseline_order'
	| 'cycle_change_after_baseline'
	| 'cycle_test_after_change'
	| 'cycle_test_after_baseline'
	| 'cycle_test_order'
	| 'cycle_scope_unknown'
	| 'cycle_reason_required'
	| 'cycle_request_decided'
	| 'cycle_request_open'
	| 'cycle_rebase_needs_adoption'
	| 'cycle_request_pending'
	| 'cycle_request_declined'
	| 'cycle_over_budget'
	| 'cycle_touches_boundary'
	| 'cycle_boundary_named'
	| 'cycle_frozen'
	| 'cycle_correction_repeated'
	| 'too_long'
	| 'date_out_of_range';

/** Inside a change: undo it and answer with a CycleError. */
export const stop = refuse<CycleError>;

/** What the database refused, as one of our error keys; unknown errors are thrown on. */
function cycleRefusal(e: unknown, kind: DbRefusal | undefined): CycleError | undefined {
	const state = sqlState(e);
	const message = e instanceof Error ? e.message : String(e);
	if (kind === 'forbidden') return 'forbidden';
	if (kind === 'foreign_key') return 'cycle_scope_unknown';
	if (state === '22P02' || state === '22007' || state === '22008') return 'not_found';
	const known: CycleError[] = [
		'cycle_windows_missing',
		'cycle_outside_mandate',
		'cycle_rebase_needs_adoption',
		'cycle_baseline_order',
		'cycle_change_after_baseline',
		'cycle_test_after_change',
		'cycle_test_after_baseline',
		'cycle_test_order',
		'cycle_request_pending',
		'cycle_request_declined',
		'cycle_over_budget',
		'cycle_touches_boundary',
		'cycle_boundary_named',
		'cycle_frozen'
	];
	// P0001 from the trigger carries the key as its message; a check violation (23514) names
	// its constraint in the message on both drivers.
	if (state === 'P0001' || state === '23514') {
		const key = known.find((k) => message.includes(k));
		if (key) return key;
		if (message.includes('has been decided')) return 'cycle_request_decided';
		if (message.includes('cycle_rebase_after_change')) return 'cycle_rebase_needs_adoption';
		// a date outside the window (*_in_range, the sane_values migration): an old row's slip
		// that a change to the cycle, or to its actions, meets until the team corrects it
		if (message.includes('_in_range')) return 'date_out_of_range';
	}
	return undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string) => UUID.test(s);

/**
 * Runs a change as the user: a `stop(…)` inside undoes it and answers with that reason, and
 * what the database refuses comes back as a CycleError (cycleRefusal).
 */
export function change<T extends object = object>(
	claims: Claims,
	work: (tx: Queryable) => Promise<T>
): Promise<Result<T, CycleError>> {
	return attempt(() => db().asUser(claims, work), cycleRefusal);
}
