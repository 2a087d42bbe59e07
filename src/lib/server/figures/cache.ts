/**
 * Figures computed once, not per request: an in-process cache of figure results keyed by
 * (organisation, whether the user may see case data, the figure and its arguments), holding the
 * result of the organisation's latest computed figures version, with in-flight sharing — many
 * users asking for the same figures at once wait for one computation.
 *
 * Row level security still decides. The key is read inside the user's own transaction through
 * public.figures_scope(): the user's organisation (from their claims, never from an argument)
 * and whether they may see case data, the only right the case policies depend on. A result is
 * shared only with users of the same organisation and the same right, never across
 * organisations. Without a signed-in user (the service path) nothing is cached.
 *
 * The version (supabase/migrations/20261204160000_case_facts.sql) changes with every change to
 * what figures read. The first request after a change computes the new figures and waits for
 * them, so whoever changed the data and then looks sees the change. While that computation runs,
 * anyone asking for the same figures gets the previous result straight away (stale while
 * revalidate) instead of starting a computation of their own: when events arrive every
 * second (the API), figures are then recomputed back to back, once at a time per figure, and
 * pages keep answering — without it every request computed cold, each holding a database
 * connection, and a 100-user load test queued for seconds on the pool (README, bench-load).
 * Figures that depend on the clock (the age of open cases, who is silent right now) are kept at
 * most MAX_AGE_MS, a previous result is never served once it is older than STALE_MAX_MS.
 */
import type { Queryable } from '../db';

const MAX_AGE_MS = 60_000;
const STALE_MAX_MS = 5 * 60_000;
const MAX_ENTRIES = 1000;

interface Scope {
	org: string;
	seesCases: boolean;
	version: string;
}

interface Slot {
	/** The latest finished computation: its version, result and when it started. */
	done?: { version: string; value: unknown; at: number };
	/** The computation running now. */
	running?: { version: string; value: Promise<unknown>; at: number };
}

const slots = new Map<string, Slot>();
let computations = 0;
let staleAnswers = 0;

/**
 * Read every time, not once per transaction: a transaction that changed data has moved the
 * version (uncommitted, a number nobody else will see if it rolls back).
 */
async function scopeOf(tx: Queryable): Promise<Scope | null> {
	const [row] = await tx.query<{ org_id: string; sees_cases: boolean; version: string | number }>(
		'select org_id, sees_cases, version from public.figures_scope()'
	);
	return row ? { org: row.org_id, seesCases: row.sees_cases, version: String(row.version) } : null;
}

function slotFor(key: string): Slot {
	let slot = slots.get(key);
	if (slot) {
		// most recently used last, so the oldest key is dropped first
		slots.delete(key);
	} else {
		slot = {};
		while (slots.size >= MAX_ENTRIES) {
			const oldest = slots.keys().next().value;
			if (oldest === undefined) break;
			slots.delete(oldest);
		}
	}
	slots.set(key, slot);
	return slot;
}

function start<T>(slot: Slot, version: string, compute: () => Promise<T>): Promise<T> {
	computations++;
	const at = Date.now();
	const value = compute();
	const running = { version, value, at };
	slot.running = running;
	value.then(
		(result) => {
			if (slot.running === running) slot.running = undefined;
			if (!slot.done || slot.done.at <= at) slot.done = { version, value: result, at };
		},
		() => {
			if (slot.running === running) slot.running = undefined;
		}
	);
	return value;
}

/**
 * The figure `name` with `args`: from the cache when this organisation's data has not changed
 * since it was computed (and it is younger than a minute); the previous result while another
 * request is computing a newer one; shared with the request computing it when there is no
 * previous result; else computed by `compute` in this transaction. A
 * computation that fails is not kept; those who waited for it compute their own. Each caller
 * receives its own copy.
 */
export async function cached<T>(
	tx: Queryable,
	name: string,
	args: unknown[],
	compute: () => Promise<T>
): Promise<T> {
	const scope = await scopeOf(tx);
	if (!scope) return compute();
	const slot = slotFor(JSON.stringify([scope.org, scope.seesCases, name, args]));
	const now = Date.now();
	const { done, running } = slot;
	// every caller gets its own copy: a caller that changes its figures changes nobody else's
	if (done && done.version === scope.version && now - done.at < MAX_AGE_MS) {
		return structuredClone(done.value as T);
	}
	// a computation is running: the previous result now rather than a connection held waiting
	if (running && done && now - done.at < STALE_MAX_MS) {
		staleAnswers++;
		return structuredClone(done.value as T);
	}
	if (running && running.version === scope.version && now - running.at < MAX_AGE_MS) {
		try {
			return structuredClone((await running.value) as T);
		} catch {
			return compute();
		}
	}
	return structuredClone(await start(slot, scope.version, compute));
}

/** For tests: how many figures are kept, how many computations ran, how many stale answers. */
export const cacheStats = () => ({ entries: slots.size, computations, staleAnswers });
