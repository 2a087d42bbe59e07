/**
 * Figures computed once, not per request: an in-process cache of figure results keyed by
 * (organisation, whether the user may see case data, the organisation's figures version, the
 * figure and its arguments), with in-flight sharing — many users asking for the same figures at
 * once wait for one computation.
 *
 * Row level security still decides. The key is read inside the user's own transaction through
 * public.figures_scope(): the user's organisation (from their claims, never from an argument)
 * and whether they may see case data, the only right the case policies depend on. A result is
 * shared only with users of the same organisation and the same right, never across
 * organisations. Without a signed-in user (the service path) nothing is cached.
 *
 * The version (supabase/migrations/20261204160000_case_facts.sql) changes with every change to
 * what figures read, so an entry is never stale for data. Figures that depend on the clock (the
 * age of open cases, who is silent right now) are kept at most MAX_AGE_MS.
 */
import type { Queryable } from '../db';

const MAX_AGE_MS = 60_000;
const MAX_ENTRIES = 1000;

interface Scope {
	org: string;
	seesCases: boolean;
	version: string;
}

interface Entry {
	value: Promise<unknown>;
	at: number;
}

const entries = new Map<string, Entry>();
let computations = 0;

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

function remember(key: string, value: Promise<unknown>) {
	entries.set(key, { value, at: Date.now() });
	while (entries.size > MAX_ENTRIES) {
		const oldest = entries.keys().next().value;
		if (oldest === undefined) break;
		entries.delete(oldest);
	}
}

/**
 * The figure `name` with `args`, from the cache when this organisation's data has not changed
 * since it was computed (and it is younger than a minute), else computed by `compute` in this
 * transaction. A computation that fails is not kept; those who waited for it compute their own.
 * Each caller receives its own copy.
 */
export async function cached<T>(
	tx: Queryable,
	name: string,
	args: unknown[],
	compute: () => Promise<T>
): Promise<T> {
	const scope = await scopeOf(tx);
	if (!scope) return compute();
	const key = JSON.stringify([scope.org, scope.seesCases, scope.version, name, args]);
	const hit = entries.get(key);
	if (hit && Date.now() - hit.at < MAX_AGE_MS) {
		try {
			return structuredClone((await hit.value) as T);
		} catch {
			return compute();
		}
	}
	computations++;
	const value = compute();
	remember(key, value);
	value.catch(() => {
		if (entries.get(key)?.value === value) entries.delete(key);
	});
	// every caller gets its own copy: a caller that changes its figures changes nobody else's
	return structuredClone(await value);
}

/** For tests: how many entries there are and how many computations ran. */
export const cacheStats = () => ({ entries: entries.size, computations });
