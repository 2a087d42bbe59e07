import { describe, expect, it } from 'vitest';
import type { Queryable } from '../db';
import { createDb } from '../db/port';
import { postgresDriver } from '../db/postgres';
import { forEachDriver } from '../db/test-helpers';
import { ADDRESS, attempt, PAIR, succeeded, waiting, waitSeconds, WINDOW_SECONDS } from './limiter';

describe('waitSeconds', () => {
	it('lets the free failures through without waiting', () => {
		for (let count = 0; count < 5; count++) expect(waitSeconds(PAIR, count, 0), `${count}`).toBe(0);
	});

	it('makes the attempt after the free failures wait baseSeconds', () => {
		expect(waitSeconds(PAIR, 5, 0)).toBe(30);
	});

	it('counts the wait down as time passes, rounding up (never 0 too early)', () => {
		expect(waitSeconds(PAIR, 5, 10)).toBe(20);
		expect(waitSeconds(PAIR, 5, 29.5)).toBe(1);
		expect(waitSeconds(PAIR, 5, 30)).toBe(0);
	});

	it('doubles the wait with each further failure, up to 15 minutes', () => {
		const waits = [5, 6, 7, 8, 9, 10, 11, 12].map((n) => waitSeconds(PAIR, n, 0));
		expect(waits).toEqual([30, 60, 120, 240, 480, 900, 900, 900]);
	});

	it('forgets failures older than the window', () => {
		expect(waitSeconds(PAIR, 12, 60)).toBe(840);
		expect(waitSeconds(PAIR, 12, WINDOW_SECONDS - 1)).toBe(1);
		expect(waitSeconds(PAIR, 12, WINDOW_SECONDS + 1)).toBe(0);
	});

	it('allows an address 20 free failures', () => {
		expect(waitSeconds(ADDRESS, 19, 0)).toBe(0);
		expect(waitSeconds(ADDRESS, 20, 0)).toBe(30);
	});
});

/** The counters in the database: shared by every instance, counted before the password check. */
forEachDriver('sign-in counters', (t, kind) => {
	let n = 0;
	const fresh = () => ({ email: `who${++n}@limiter.test`, ip: `198.51.100.${n}` });
	const service = <T>(fn: (tx: Queryable) => Promise<T>) => t().db.asService(fn);
	const tryOnce = (email: string, ip: string) => service<number>((tx) => attempt(tx, email, ip));
	/** Moves the counters' last failure into the past, as if time had passed. */
	const age = (seconds: number) =>
		t().owner.transaction((tx) =>
			tx.query(`update private.sign_in_failure set last_at = last_at - make_interval(secs => $1)`, [
				seconds
			])
		);

	it('counts each attempt until it succeeds; the sixth attempt of a pair waits 30 s', async () => {
		const { email, ip } = fresh();
		for (let i = 0; i < 5; i++) expect(await tryOnce(email, ip)).toBe(0);
		expect(await service((tx) => waiting(tx, email, ip))).toBe(30);
		expect(await tryOnce(email, ip)).toBe(30);
		// a refused attempt is not counted again: the wait does not grow
		expect(await service((tx) => waiting(tx, email, ip))).toBe(30);
		// another address for the same account, and another account from this address, go on
		expect(await tryOnce(email, `${ip}0`)).toBe(0);
		expect(await tryOnce(`other-${email}`, ip)).toBe(0);
	});

	it('forgets a pair after a success, and takes back only that attempt from the address', async () => {
		const { email, ip } = fresh();
		for (let i = 0; i < 4; i++) await tryOnce(`guess${i}-${email}`, ip);
		for (let i = 0; i < 4; i++) await tryOnce(email, ip);
		await tryOnce(email, ip);
		await service((tx) => succeeded(tx, email, ip));
		for (let i = 0; i < 4; i++) expect(await tryOnce(email, ip)).toBe(0);
		const [row] = await service<{ count: number }[]>((tx) =>
			tx.query('select count from private.sign_in_failure where key = $1', [`address:${ip}`])
		);
		expect(row.count).toBe(12); // 4 guesses + 4 + 4 failures; the success is not among them
	});

	it('lets the caller try again once the wait is over', async () => {
		const { email, ip } = fresh();
		for (let i = 0; i < 6; i++) await tryOnce(email, ip);
		expect(await tryOnce(email, ip)).toBeGreaterThan(0);
		await age(31);
		expect(await tryOnce(email, ip)).toBe(0);
	});

	it('sweeps counters older than the window', async () => {
		const { email, ip } = fresh();
		await tryOnce(email, ip);
		await age(WINDOW_SECONDS + 1);
		await tryOnce('someone-else@limiter.test', '203.0.113.1');
		const rows = await service<unknown[]>((tx) =>
			tx.query('select 1 from private.sign_in_failure where key like $1', [`%${ip}`])
		);
		expect(rows).toEqual([]);
	});

	if (kind === 'postgres')
		it('is shared by two instances, and holds under a burst of 30 at once', async () => {
			const other = createDb(postgresDriver(t().url!, { max: 4 }));
			try {
				const { email, ip } = fresh();
				for (let i = 0; i < 5; i++) await tryOnce(email, ip);
				// the second instance sees the first one's failures
				expect(await other.asService((tx) => attempt(tx, email, ip))).toBe(30);

				// a burst at a pair that already has a failure (its row exists): 4 more get through
				const burst = fresh();
				await tryOnce(burst.email, burst.ip);
				const results = await Promise.all(
					Array.from({ length: 30 }, (_, i) =>
						(i % 2 ? other : t().db).asService((tx) => attempt(tx, burst.email, burst.ip))
					)
				);
				expect(results.filter((w) => w === 0)).toHaveLength(4);
			} finally {
				await other.close();
			}
		});
});
