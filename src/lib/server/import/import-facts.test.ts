/**
 * The importer under the contract with the fact triggers (supabase/migrations/
 * 20261204160000_case_facts.sql, CONTRACT WITH THE IMPORTER): each step of an import merges its
 * rows with koers.importing on — the triggers on report and report_event leave the per-case facts
 * alone — and then refreshes the facts of the cases it added or changed itself, once. The facts
 * must come out as a refresh of the whole organisation computes them: flows, lead times, and the
 * repeat flags of the new cases and of the older cases that share a customer or location key
 * with them, also when the data comes in two files or an import fails part-way.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { beforeAll, expect, it } from 'vitest';
import type { Db } from '../db';
import { createOrg, forEachDriver, type Org } from '../db/test-helpers';
import type { Queryable } from '../db/types';
import { importStream, STEP_ROWS, type ImportOptions } from './index';

const SECRET = 'import-facts-test-secret-0123456789abcdef';
const HEADER = 'case,activity,timestamp,department,category,customer,location';
const DAY = 86_400_000;

/**
 * Event rows of `cases` cases (3 events each, across departments) from case number `from`: three
 * categories with the three repeat rules, customers and locations shared by many cases, received
 * days apart (so some cases are repeats within 30 days and some are not) from `start`.
 */
function eventRows(from: number, cases: number, start: number, prefix = 'C'): string[] {
	const rows: string[] = [];
	for (let i = from; i < from + cases; i++) {
		const received = start + ((i * 7919) % 400) * DAY + (i % 13) * 3_600_000;
		const category = ['Afval', 'Vergunning', 'Parkeren'][i % 3];
		for (let k = 0; k < 3; k++)
			rows.push(
				[
					`${prefix}${i}`,
					['Melding', 'Beoordelen', 'Afhandelen'][k],
					new Date(received + k * 5 * 3_600_000).toISOString(),
					['KCC', i % 2 ? 'Afval' : 'Wijkbeheer', 'KCC'][k],
					category,
					i % 5 ? `klant${i % 41}` : '',
					i % 4 ? `plek${i % 31}` : ''
				].join(',')
			);
	}
	return rows;
}

const csv = (rows: string[]) => Readable.from([Buffer.from([HEADER, ...rows].join('\n') + '\n')]);

/** The organisation's facts by external id, every column of case_fact but the ids. */
async function facts(db: Db, orgId: string): Promise<Record<string, Record<string, unknown>>> {
	const rows = await db.asService((tx) =>
		tx.query<{ ext: string; fact: Record<string, unknown> }>(
			`select r.external_id as ext,
			        to_jsonb(f) - 'report_id' - 'org_id' - 'category_id' - 'batch_id' - 'variant' as fact
			   from case_fact f join report r on r.id = f.report_id
			  where f.org_id = $1`,
			[orgId]
		)
	);
	return Object.fromEntries(rows.map((r) => [r.ext, r.fact]));
}

/** The facts as they are, and as a refresh of the whole organisation computes them. */
async function factsAndRecomputed(db: Db, orgId: string) {
	const stored = await facts(db, orgId);
	await db.asService((tx) => tx.query('select private.refresh_case_facts($1, null)', [orgId]));
	return { stored, recomputed: await facts(db, orgId) };
}

async function withCategories(db: Db, prefix: string): Promise<Org> {
	const org = await createOrg(db, `${prefix}-${randomBytes(3).toString('hex')}`);
	await db.asService((tx) =>
		tx.query(
			`insert into category (org_id, name, repeat_key, repeat_window_days, journey_id)
			 values ($1, 'Afval', 'location_category', 30, null),
			        ($1, 'Vergunning', 'customer_category', 30, null),
			        ($1, 'Parkeren', 'customer_journey', 30, gen_random_uuid())`,
			[org.id]
		)
	);
	return org;
}

forEachDriver('an import refreshes the per-case facts itself', (t) => {
	let org: Org;
	const opts = (target: Org, extra: Partial<ImportOptions> = {}): ImportOptions => ({
		orgId: target.id,
		via: 'cli',
		pseudonymSecret: SECRET,
		source: 'facts',
		...extra
	});

	beforeAll(async () => {
		org = await withCategories(t().db, 'facts-imp');
	});

	it('once per step, after the triggers left them alone, as a full refresh computes them', async () => {
		const cases = Math.ceil((2.5 * STEP_ROWS) / 3);
		const steps: { refreshes: number; before: number; after: number }[] = [];
		const batchFacts = async (tx: Queryable) => {
			const [{ n }] = await tx.query<{ n: number }>(
				`select count(*)::integer as n from case_fact f join report r on r.id = f.report_id
				  where r.batch_id = nullif(current_setting('koers.batch', true), '')::uuid`
			);
			return n;
		};
		let last = 0;
		const summary = await importStream(
			(fn) =>
				t().db.asService(async (tx) => {
					const step = { refreshes: 0, before: -1, after: -1, merged: false };
					const spied: Queryable = {
						...tx,
						query: async <T>(text: string, params?: unknown[]) => {
							if (/insert into report_event\b/.test(text)) step.merged = true;
							if (!/refresh_case_facts/.test(text)) return tx.query<T>(text, params);
							step.refreshes++;
							step.before = await batchFacts(tx);
							const result = await tx.query<T>(text, params);
							step.after = await batchFacts(tx);
							return result;
						}
					};
					const result = await fn(spied);
					if (step.merged) {
						steps.push({
							refreshes: step.refreshes,
							// facts of this batch that appeared in the step before its refresh
							before: step.before - last,
							after: step.after - last
						});
						last = step.after;
					}
					return result;
				}),
			csv(eventRows(0, cases, Date.UTC(2024, 0, 1))),
			opts(org)
		);
		expect(summary).toMatchObject({ casesAdded: cases, eventsAdded: 3 * cases });
		expect(steps.length).toBeGreaterThanOrEqual(3);
		// each step: one refresh, no facts from the triggers, its cases' facts from the refresh
		expect(steps.map((s) => s.refreshes)).toEqual(steps.map(() => 1));
		expect(steps.map((s) => s.before)).toEqual(steps.map(() => 0));
		expect(steps.reduce((n, s) => n + s.after, 0)).toBe(cases);

		const { stored, recomputed } = await factsAndRecomputed(t().db, org.id);
		expect(Object.keys(stored)).toHaveLength(cases);
		expect(stored).toEqual(recomputed);
		const repeats = Object.values(stored).filter((f) => f.by_rule === true).length;
		expect(repeats).toBeGreaterThan(cases / 10); // the fixture has repeats to keep right
		expect(repeats).toBeLessThan(cases);
	});

	it('gives the same facts from two files (the second with repeats of the first) as from one', async () => {
		const start = Date.UTC(2024, 0, 1);
		const first = eventRows(0, 1500, start);
		// the same customers and locations, some received before the first file's cases (which
		// makes those later ones repeats), some after; and events for cases of the first file
		const second = [
			...eventRows(1500, 1500, start - 20 * DAY),
			...eventRows(0, 40, start + 500 * DAY).map((r) => r.replace('Melding', 'Heropend'))
		];
		const twice = await withCategories(t().db, 'facts-two');
		const once = await withCategories(t().db, 'facts-one');
		await importStream((fn) => t().db.asService(fn), csv(first), opts(twice));
		const afterFirst = await facts(t().db, twice.id);
		const second2 = await importStream((fn) => t().db.asService(fn), csv(second), opts(twice));
		expect(second2).toMatchObject({ casesAdded: 1500, eventsAdded: 3 * 1540 });
		await importStream((fn) => t().db.asService(fn), csv([...first, ...second]), opts(once));

		const a = await factsAndRecomputed(t().db, twice.id);
		const b = await factsAndRecomputed(t().db, once.id);
		expect(a.stored).toEqual(a.recomputed);
		expect(b.stored).toEqual(b.recomputed);
		expect(a.stored).toEqual(b.stored);
		// the second file changed facts of the first file's cases: repeat flags and flows
		const changed = Object.keys(afterFirst).filter(
			(ext) => JSON.stringify(afterFirst[ext]) !== JSON.stringify(a.stored[ext])
		);
		const flagsChanged = changed.filter((ext) => afterFirst[ext].by_rule !== a.stored[ext].by_rule);
		expect(flagsChanged.length).toBeGreaterThan(50);
		expect(changed.length).toBeGreaterThan(flagsChanged.length);
	});

	it("moves an existing case's times only by the events a later file adds", async () => {
		const target = await withCategories(t().db, 'facts-move');
		const head = 'case,activity,timestamp,department,received';
		// X says it was received at 11:00 but has an event at 10:00; Y is another case
		const x = [
			'X,Melding,2024-03-01T10:00:00Z,KCC,2024-03-01T11:00:00Z',
			'X,Afhandelen,2024-03-02T12:00:00Z,Afval,2024-03-01T11:00:00Z'
		];
		const y = ['Y,Melding,2024-03-05T09:00:00Z,KCC,']; // received: its first event
		const file = (rows: string[]) =>
			Readable.from([Buffer.from([head, ...rows].join('\n') + '\n')]);
		const imp = (rows: string[]) =>
			importStream(
				(fn) => t().db.asService(fn),
				file(rows),
				opts(target, {
					shape: 'event',
					mapping: {
						caseId: 'case',
						activity: 'activity',
						timestamp: 'timestamp',
						department: 'department',
						received: 'received'
					}
				})
			);
		await imp([...x, ...y]);
		const first = await facts(t().db, target.id);
		expect(first.X).toMatchObject({ received_at: '2024-03-01T11:00:00+00:00' });
		// the same file again adds nothing and changes nothing
		expect(await imp([...x, ...y])).toMatchObject({ casesAdded: 0, eventsAdded: 0 });
		expect(await facts(t().db, target.id)).toEqual(first);
		// the same rows of X and a new, later event of Y: Y's times and facts move, X stays
		const second = await imp([...x, ...y, 'Y,Afhandelen,2024-03-06T09:00:00Z,Afval,']);
		expect(second).toMatchObject({ casesAdded: 0, eventsAdded: 1 });
		let now = await factsAndRecomputed(t().db, target.id);
		expect(now.stored.X).toEqual(first.X);
		expect(now.stored.Y).toMatchObject({ resolved_at: '2024-03-06T09:00:00+00:00', events: 2 });
		expect(now.stored).toEqual(now.recomputed);
		// an earlier event of X: X's receipt moves to it
		await imp(['X,Bellen,2024-03-01T08:00:00Z,KCC,']);
		now = await factsAndRecomputed(t().db, target.id);
		expect(now.stored.X).toMatchObject({ received_at: '2024-03-01T08:00:00+00:00', events: 3 });
		expect(now.stored).toEqual(now.recomputed);
	});

	it('never changes an existing case when an import that gave it events fails', async () => {
		const target = await withCategories(t().db, 'facts-fail-existing');
		const start = Date.UTC(2024, 0, 1);
		await importStream((fn) => t().db.asService(fn), csv(eventRows(0, 50, start)), opts(target));
		const before = await facts(t().db, target.id);
		const reports = () =>
			t().db.asService((tx) =>
				tx.query(
					'select external_id, received_at, resolved_at from report where org_id = $1 order by 1',
					[target.id]
				)
			);
		const rowsBefore = await reports();
		// new cases over several steps, and for C0…C49 an event a day before and after their own
		const earlier = eventRows(0, 50, start).flatMap((row) => {
			const [ext, , time] = row.split(',');
			const at = Date.parse(time);
			return [
				`${ext},Bellen,${new Date(at - DAY).toISOString()},KCC,,,`,
				`${ext},Nabellen,${new Date(at + 30 * DAY).toISOString()},KCC,,,`
			];
		});
		let failed = false;
		await expect(
			importStream(
				(fn) =>
					t().db.asService((tx) =>
						fn({
							...tx,
							query: <T>(text: string, params?: unknown[]) => {
								// every step merged; the step that makes the batch visible fails
								if (/set state = 'done'/.test(text)) {
									failed = true;
									throw new Error('the database went away');
								}
								return tx.query<T>(text, params);
							}
						})
					),
				csv([...earlier, ...eventRows(1000, Math.ceil((1.5 * STEP_ROWS) / 3), start, 'F')]),
				opts(target)
			)
		).rejects.toThrow('the database went away');
		expect(failed).toBe(true);
		expect(await reports()).toEqual(rowsBefore);
		const after = await factsAndRecomputed(t().db, target.id);
		expect(after.stored).toEqual(before);
		expect(after.recomputed).toEqual(before);
	});

	it('leaves the facts as they were when an import fails part-way', async () => {
		const target = await withCategories(t().db, 'facts-fail');
		const start = Date.UTC(2024, 0, 1);
		await importStream((fn) => t().db.asService(fn), csv(eventRows(0, 1000, start)), opts(target));
		const before = await facts(t().db, target.id);
		// earlier reports of the same customers and locations, in several steps; the second fails
		let merges = 0;
		await expect(
			importStream(
				(fn) =>
					t().db.asService((tx) =>
						fn({
							...tx,
							query: <T>(text: string, params?: unknown[]) => {
								if (/insert into report_event\b/.test(text) && ++merges === 2)
									throw new Error('the database went away');
								return tx.query<T>(text, params);
							}
						})
					),
				csv(eventRows(1000, Math.ceil((2.5 * STEP_ROWS) / 3), start - 20 * DAY, 'F')),
				opts(target)
			)
		).rejects.toThrow('the database went away');
		expect(merges).toBe(2); // the first step was committed, with its facts, before the failure
		const after = await factsAndRecomputed(t().db, target.id);
		expect(after.stored).toEqual(before);
		expect(after.recomputed).toEqual(before);
	});
});
