import type { Queryable } from '../db';

/**
 * Slows down repeated failed sign-ins, per address and per account-and-address pair (never per
 * account alone: a stranger guessing someone's password must not lock the owner out, who signs
 * in from another address). After `free` failures within the window, each further attempt must
 * wait, doubling from `baseSeconds` up to `maxSeconds`. The counters are rows of
 * private.sign_in_failure, so every Koers instance on one database shares them; the functions
 * below run in the caller's transaction on the privileged path.
 */
export interface Policy {
	free: number;
	baseSeconds: number;
	maxSeconds: number;
}

export const WINDOW_SECONDS = 15 * 60;
/** Per account and address: 5 free failures. */
export const PAIR: Policy = { free: 5, baseSeconds: 30, maxSeconds: 15 * 60 };
/** Per address: 20 free failures, since a whole office can share one address. */
export const ADDRESS: Policy = { free: 20, baseSeconds: 30, maxSeconds: 15 * 60 };

/**
 * Seconds one key must still wait with `count` failures, the last `ageSeconds` ago (0: go),
 * rounded up: never 0 too early. (Counters older than the window are swept by `attempt`.)
 */
export function waitSeconds(policy: Policy, count: number, ageSeconds: number): number {
	if (count < policy.free) return 0;
	const delay = Math.min(policy.baseSeconds * 2 ** (count - policy.free), policy.maxSeconds);
	return Math.max(0, Math.ceil(delay - ageSeconds));
}

/** The rows that count the failures of one sign-in attempt. */
function keysOf(email: string, ip: string) {
	return { address: `address:${ip}`, pair: `pair:${email.toLowerCase()} ${ip}` };
}

/** Seconds to wait before the next attempt (after a failed one, to tell the user). */
export async function waiting(tx: Queryable, email: string, ip: string): Promise<number> {
	const keys = keysOf(email, ip);
	const rows = await tx.query<{ key: string; count: number; age: number }>(
		`select key, count, extract(epoch from now() - last_at)::float8 as age
		   from private.sign_in_failure where key = any($1::text[])`,
		[[keys.address, keys.pair]]
	);
	return Math.max(
		0,
		...rows.map((r) => waitSeconds(r.key === keys.pair ? PAIR : ADDRESS, r.count, r.age))
	);
}

/**
 * Starts a sign-in attempt: the seconds to wait first, or 0 — and then the attempt already
 * counts as a failure until `succeeded` takes it back. Counting before the password is checked
 * (with the keys' rows locked) holds under a burst: concurrent attempts are counted one after
 * another, so no more than the free number get to the password check.
 */
export async function attempt(tx: Queryable, email: string, ip: string): Promise<number> {
	const { address, pair } = keysOf(email, ip);
	await tx.query(
		'delete from private.sign_in_failure where last_at < now() - make_interval(secs => $1)',
		[WINDOW_SECONDS]
	);
	await tx.query(
		`insert into private.sign_in_failure (key) select unnest($1::text[])
		 on conflict (key) do nothing`,
		[[address, pair]]
	);
	await tx.query(
		'select 1 from private.sign_in_failure where key = any($1::text[]) order by key for update',
		[[address, pair]]
	);
	const wait = await waiting(tx, email, ip);
	if (wait > 0) return wait;
	await tx.query(
		`update private.sign_in_failure set count = count + 1, last_at = now()
		  where key = any($1::text[])`,
		[[address, pair]]
	);
	return 0;
}

/**
 * A successful attempt: the pair's failures are forgotten, the address's count loses only this
 * attempt (one good sign-in of their own does not let a guesser reset the address).
 */
export async function succeeded(tx: Queryable, email: string, ip: string) {
	const { address, pair } = keysOf(email, ip);
	await tx.query('delete from private.sign_in_failure where key = $1', [pair]);
	await tx.query(
		'update private.sign_in_failure set count = greatest(count - 1, 0) where key = $1',
		[address]
	);
}
