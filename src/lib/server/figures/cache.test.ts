/**
 * The figures cache (./cache.ts): figures are computed once per organisation and data version,
 * many users asking at once share one computation, a change to the data shows at once, and row
 * level security still decides — another organisation, or a staff member without access to
 * case data, never gets figures computed for someone else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	createTwoOrgs,
	forEachDriver,
	openTestDb,
	type Org,
	type TestDb
} from '../db/test-helpers';
import type { Queryable } from '../db';
import { cached, cacheStats } from './cache';
import { summary } from './metrics';

forEachDriver('figures cache', (t) => {
	let a: Org;
	let b: Org;
	const addCases = (org: Org, n: number, from = 0) =>
		t().db.asService((tx) =>
			tx.query(
				`insert into report (org_id, source, external_id, received_at, resolved_at)
				 select $1, 'cache', 'c' || i, timestamptz '2024-03-04 09:00Z' + i * interval '1 hour',
				   timestamptz '2024-03-05 09:00Z' + i * interval '1 hour'
				 from generate_series($2::integer + 1, $2::integer + $3::integer) as g (i)`,
				[org.id, from, n]
			)
		);
	const filter = { from: '2024-03-01T00:00:00Z', to: '2024-04-01T00:00:00Z' };

	beforeAll(async () => {
		({ a, b } = await createTwoOrgs(t().db, 'cache'));
		await addCases(a, 12);
		await addCases(b, 3);
	});

	it('computes once for many users asking at once, and answers them all the same', async () => {
		const before = cacheStats().computations;
		const results = await Promise.all(
			Array.from({ length: 20 }, (_, i) =>
				t().db.asUser(i % 2 ? a.coach.claims : a.admin.claims, (tx) => summary(tx, filter))
			)
		);
		expect(results.map((s) => s.cases)).toEqual(Array(20).fill(12));
		expect(cacheStats().computations - before).toBe(1);
		await t().db.asUser(a.coach.claims, (tx) => summary(tx, filter));
		expect(cacheStats().computations - before).toBe(1);
	});

	it('shows a change to the data at once', async () => {
		await addCases(a, 5, 100);
		const s = await t().db.asUser(a.coach.claims, (tx) => summary(tx, filter));
		expect(s.cases).toBe(17);
		await t().db.asService((tx) =>
			tx.query(`delete from report where org_id = $1 and external_id = 'c101'`, [a.id])
		);
		expect((await t().db.asUser(a.admin.claims, (tx) => summary(tx, filter))).cases).toBe(16);
	});

	it('never shares figures across organisations or with a user without access to case data', async () => {
		await t().db.asUser(a.coach.claims, (tx) => summary(tx, filter));
		// the same arguments, the other organisation's figures
		expect((await t().db.asUser(b.coach.claims, (tx) => summary(tx, filter))).cases).toBe(3);
		// the service path asking for another organisation is computed, not taken from the cache
		expect((await t().db.asService((tx) => summary(tx, { ...filter, orgId: b.id }))).cases).toBe(3);
		// staff who are in no team see no cases, whatever a coach of their organisation saw
		expect((await t().db.asUser(a.staff.claims, (tx) => summary(tx, filter))).cases).toBe(0);
	});
});

// On PGlite one transaction runs at a time, so no request can arrive while another computes;
// the pool of a PostgreSQL server is where figures are asked for during a computation.
describe('figures cache while data keeps changing [postgres]', () => {
	let db: TestDb;
	const t = () => db;
	let a: Org;
	const addCase = (i: number) =>
		t().db.asService((tx) =>
			tx.query(
				`insert into report (org_id, source, external_id, received_at) values ($1, 'swr', $2, now())`,
				[a.id, `s${i}`]
			)
		);

	beforeAll(async () => {
		db = await openTestDb('postgres');
		({ a } = await createTwoOrgs(db.db, 'swr'));
	});
	afterAll(() => db.close());

	it('answers with the previous figures while the new ones are computed, and computes once', async () => {
		const count = (tx: Queryable) =>
			cached(tx, 'swr-count', [], async () => {
				const [row] = await tx.query<{ n: number }>(
					`select count(*)::int as n from report where source = 'swr'`
				);
				return row.n;
			});
		await addCase(1);
		expect(await t().db.asUser(a.coach.claims, count)).toBe(1);
		await addCase(2);

		// the first to ask after the change computes; hold its computation open
		let release = () => {};
		const gate = new Promise<void>((resolve) => (release = resolve));
		const before = cacheStats();
		const first = t().db.asUser(a.coach.claims, (tx) =>
			cached(tx, 'swr-count', [], async () => {
				await gate;
				const [row] = await tx.query<{ n: number }>(
					`select count(*)::int as n from report where source = 'swr'`
				);
				return row.n;
			})
		);
		await expect.poll(() => cacheStats().computations).toBe(before.computations + 1);
		// meanwhile others get the previous figures at once, and start no computation
		const others = await Promise.all(
			Array.from({ length: 5 }, () => t().db.asUser(a.admin.claims, count))
		);
		expect(others).toEqual([1, 1, 1, 1, 1]);
		expect(cacheStats().computations).toBe(before.computations + 1);
		expect(cacheStats().staleAnswers).toBe(before.staleAnswers + 5);
		release();
		expect(await first).toBe(2);
		// once it is done everyone has the new figures, from the cache
		expect(await t().db.asUser(a.admin.claims, count)).toBe(2);
		expect(cacheStats().computations).toBe(before.computations + 1);
	});
});
