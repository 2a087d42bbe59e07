/**
 * importStream end to end, on PGlite and on PostgreSQL, with the real files in ../shared/data:
 * what lands in report / report_event / import_batch, idempotency, pseudonyms, bad input (all
 * or nothing), row level security, and an import killed part-way.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db';
import { createOrg, forEachDriver, openTestDb, type Org, type TestDb } from '../db/test-helpers';
import { summary as figures } from '../figures/metrics';
import {
	discardUnfinished,
	importStream,
	InputError,
	removeLeftoverSpills,
	STEP_ROWS,
	type ImportOptions,
	type RawRow,
	type RowProblem
} from './index';

const data = (name: string) => path.resolve('..', 'shared', 'data', name);
const SECRET = 'import-test-pseudonym-secret-0123456789';
const BOSTON = 'boston311_2015_Abandoned_Vehicles.csv';
const BOSTON_MAPPING = {
	caseId: 'CASE_ENQUIRY_ID',
	received: 'OPEN_DT',
	resolved: 'CLOSED_DT',
	category: 'TYPE',
	channel: 'Source',
	location: 'Location',
	status: 'CASE_STATUS',
	department: 'QUEUE',
	duplicate: 'CLOSURE_REASON'
};

/** A small CSV reader of our own (quotes, "" escapes, CRLF), to check the importer against. */
function parseCsv(text: string): Record<string, string>[] {
	const records: string[][] = [];
	let record: string[] = [];
	let cell = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (quoted) {
			if (c !== '"') cell += c;
			else if (text[i + 1] === '"') cell += text[++i];
			else quoted = false;
		} else if (c === '"') quoted = true;
		else if (c === ',') {
			record.push(cell);
			cell = '';
		} else if (c === '\n' || c === '\r') {
			if (c === '\r' && text[i + 1] === '\n') i++;
			record.push(cell);
			records.push(record);
			record = [];
			cell = '';
		} else cell += c;
	}
	if (cell || record.length) records.push([...record, cell]);
	const [header, ...rows] = records;
	return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

/** receipt.csv's times: `2011-10-11 13:45:40.276000+02:00` (microseconds, space). */
const isoMoment = (s: string) =>
	new Date(s.replace(' ', 'T').replace(/(\.\d{3})\d*/, '$1')).getTime();

const bytesOf = (text: string | Uint8Array) =>
	Readable.from([typeof text === 'string' ? Buffer.from(text) : Buffer.from(text)]);

function options(org: Org, extra: Partial<ImportOptions> = {}): ImportOptions {
	return { orgId: org.id, via: 'cli', pseudonymSecret: SECRET, ...extra };
}

/** What an organisation holds, read on the service path. */
async function counts(db: Db, orgId: string) {
	const [row] = await db.asService((tx) =>
		tx.query<{ reports: number; events: number; batches: number }>(
			`select (select count(*) from report where org_id = $1) as reports,
			        (select count(*) from report_event where org_id = $1) as events,
			        (select count(*) from import_batch where org_id = $1) as batches`,
			[orgId]
		)
	);
	return row;
}

async function inputError(run: () => Promise<unknown>): Promise<InputError> {
	try {
		await run();
	} catch (e) {
		expect(e).toBeInstanceOf(InputError);
		return e as InputError;
	}
	throw new Error('expected an InputError');
}

const newOrg = (db: Db, prefix: string) =>
	createOrg(db, `${prefix}-${randomBytes(3).toString('hex')}`);

forEachDriver('importStream with real files', (t) => {
	let org: Org;
	const imp = (
		input: AsyncIterable<Uint8Array>,
		extra: Partial<ImportOptions> = {},
		target: Org = org
	) => importStream((fn) => t().db.asService(fn), input, options(target, extra));
	const file = (name: string) => createReadStream(data(name));

	beforeAll(async () => {
		org = await newOrg(t().db, 'imp');
	});

	it('lets waiting requests in between its steps (a page is not held until the import ends)', async () => {
		const target = await newOrg(t().db, 'yield');
		const rows = 3 * STEP_ROWS;
		const csv =
			'case,activity,timestamp\n' +
			Array.from(
				{ length: rows },
				(_, i) =>
					`Y${Math.floor(i / 3)},a${i % 3},${new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString()}`
			).join('\n');
		let transactions = 0;
		// a request waiting for the event loop: which transactions had ended when it got a turn
		const turns = new Set<number>();
		let going = true;
		const tick = () => {
			turns.add(transactions);
			if (going) setImmediate(tick);
		};
		const summary = await importStream(
			async (fn) => {
				const result = await t().db.asService(fn);
				transactions++;
				if (transactions === 2) setImmediate(tick); // the batch is open; the steps follow
				return result;
			},
			Readable.from([Buffer.from(csv)]),
			options(target, { source: 'yield' })
		);
		going = false;
		expect(summary).toMatchObject({ eventsAdded: rows });
		// a turn after each step, before the next one and the last one (3 steps: transactions 3..5)
		for (let n = 3; n < transactions; n++) expect(turns.has(n)).toBe(true);
	});

	it('loads a large file in steps that no user sees until the last one makes it visible', async () => {
		const target = await newOrg(t().db, 'steps');
		const rows = 3 * STEP_ROWS;
		const csv =
			'case,activity,timestamp,department\n' +
			Array.from(
				{ length: rows },
				(_, i) =>
					`S${Math.floor(i / 3)},step ${i % 3},${new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString()},dept ${i % 2}`
			).join('\n');
		// what the admin sees: the rows, the per-case facts and the figures (through the cache,
		// which must not keep a count of a batch that was still hidden)
		const seen = () =>
			t().db.asUser(target.admin.claims, async (tx) => {
				const rows = await tx.query<{
					reports: number;
					events: number;
					batches: number;
					facts: number;
				}>(
					`select (select count(*) from report) as reports,
					        (select count(*) from report_event) as events,
					        (select count(*) from import_batch where state = 'done') as batches,
					        (select count(*) from case_fact) as facts`
				);
				const { cases } = await figures(tx, { from: '2023-12-01T00:00:00Z' });
				return [{ ...rows[0], figures: cases }];
			});
		const during: { stored: number; seen: number; facts: number; figures: number }[] = [];
		let transactions = 0;
		const summary = await importStream(
			async (fn) => {
				const result = await t().db.asService(fn);
				// After each committed step (the 1st transaction reads the organisation, the 2nd
				// opens the batch, the last makes it visible): what is stored, what a user sees.
				if (++transactions >= 3) {
					const stored = (await counts(t().db, target.id)).reports;
					const [now] = await seen();
					during.push({ stored, seen: now.reports, facts: now.facts, figures: now.figures });
				}
				return result;
			},
			Readable.from([Buffer.from(csv)]),
			options(target, { source: 'steps' })
		);
		expect(summary).toMatchObject({ casesAdded: rows / 3, eventsAdded: rows });
		const steps = during.slice(0, -1);
		expect(steps.length).toBeGreaterThanOrEqual(3);
		expect(steps.some((d) => d.stored > 0)).toBe(true);
		expect(steps.every((d) => d.seen === 0 && d.facts === 0 && d.figures === 0)).toBe(true);
		const all = rows / 3;
		expect(during.at(-1)).toEqual({ stored: all, seen: all, facts: all, figures: all });
		expect(await seen()).toEqual([
			{ reports: all, events: rows, batches: 1, facts: all, figures: all }
		]);
	});

	describe('running-example (6 cases, 42 events)', () => {
		const casesOf = (source: string) =>
			t().db.asService((tx) =>
				tx.query<{ id: string; received: Date; resolved: Date; events: string[] }>(
					`select r.external_id as id, r.received_at as received, r.resolved_at as resolved,
					        array_agg(e.occurred_at::text || ' ' || e.activity order by e.occurred_at, e.activity) as events
					   from report r join report_event e on e.report_id = r.id
					  where r.org_id = $1 and r.source = $2
					  group by r.id order by r.external_id`,
					[org.id, source]
				)
			);

		it('imports the XES file: 6 cases, 42 events, one import batch', async () => {
			const summary = await imp(file('running-example.xes'), { source: 'xes-alone' });
			expect(summary).toMatchObject({
				format: 'xes',
				shape: 'event',
				rowsRead: 42,
				casesAdded: 6,
				eventsAdded: 42,
				rejected: false
			});
			const cases = await casesOf('xes-alone');
			expect(cases.map((c) => c.id)).toEqual(['1', '2', '3', '4', '5', '6']);
			expect(cases.flatMap((c) => c.events)).toHaveLength(42);
			const [batch] = await t().db.asService((tx) =>
				tx.query('select * from import_batch where id = $1', [summary.batchId])
			);
			expect(batch).toMatchObject({
				org_id: org.id,
				via: 'cli',
				format: 'xes',
				shape: 'event',
				rows_read: 42,
				cases_added: 6,
				events_added: 42
			});
		});

		it('imports the CSV: the same 6 cases and 42 events; the XES after it adds nothing', async () => {
			const csv = await imp(file('running-example.csv'), { source: 'running-example' });
			expect(csv).toMatchObject({ format: 'csv', shape: 'event', casesAdded: 6, eventsAdded: 42 });
			const before = await counts(t().db, org.id);
			const fromCsv = await casesOf('running-example');
			// the CSV and the XES are the same log: same cases, same timed activities
			expect(fromCsv).toEqual(await casesOf('xes-alone'));
			// case 1 (Pete, 2010-12-30 11:02 +01:00 → 2011-01-07 14:24 +01:00, CSV rows by hand)
			expect(fromCsv[0].received.toISOString()).toBe('2010-12-30T10:02:00.000Z');
			expect(fromCsv[0].resolved.toISOString()).toBe('2011-01-07T13:24:00.000Z');

			const xes = await imp(file('running-example.xes'), { source: 'running-example' });
			expect(xes).toMatchObject({ rowsRead: 42, casesAdded: 0, eventsAdded: 0, batchId: null });
			expect(await counts(t().db, org.id)).toEqual(before);
			expect(await casesOf('running-example')).toEqual(fromCsv);
		});

		it('a second import of the same file adds nothing and leaves no import batch', async () => {
			const before = await counts(t().db, org.id);
			const again = await imp(file('running-example.csv'), { source: 'running-example' });
			expect(again).toMatchObject({ rowsRead: 42, casesAdded: 0, eventsAdded: 0, batchId: null });
			expect(await counts(t().db, org.id)).toEqual(before);
		});
	});

	it('receipt.csv (event log): 1,434 cases, 8,577 events; received/resolved = first/last event', async () => {
		const summary = await imp(file('receipt.csv'), { source: 'receipt' });
		expect(summary.mapping).toMatchObject({
			caseId: 'case:concept:name',
			activity: 'concept:name',
			timestamp: 'time:timestamp',
			department: 'org:group',
			resource: 'org:resource',
			lifecycle: 'lifecycle:transition'
		});
		expect(summary).toMatchObject({
			shape: 'event',
			rowsRead: 8577,
			casesAdded: 1434,
			eventsAdded: 8577,
			errorCount: 0
		});

		// first and last event per case, worked out from the file here
		const expected = new Map<string, { first: number; last: number }>();
		const [header, ...lines] = readFileSync(data('receipt.csv'), 'utf8').trim().split('\n');
		const cols = header.split(',');
		const [caseCol, timeCol] = [cols.indexOf('case:concept:name'), cols.indexOf('time:timestamp')];
		for (const line of lines) {
			const cells = line.split(',');
			const at = isoMoment(cells[timeCol]);
			const seen = expected.get(cells[caseCol]);
			if (!seen) expected.set(cells[caseCol], { first: at, last: at });
			else {
				seen.first = Math.min(seen.first, at);
				seen.last = Math.max(seen.last, at);
			}
		}
		expect(expected.size).toBe(1434);
		const stored = await t().db.asService((tx) =>
			tx.query<{ id: string; received: Date; resolved: Date; events: number }>(
				`select external_id as id, received_at as received, resolved_at as resolved,
				        (select count(*) from report_event e where e.report_id = r.id) as events
				   from report r where org_id = $1 and source = 'receipt'`,
				[org.id]
			)
		);
		expect(stored).toHaveLength(1434);
		const wrong = stored.filter((r) => {
			const e = expected.get(r.id);
			return !e || r.received.getTime() !== e.first || r.resolved.getTime() !== e.last;
		});
		expect(wrong).toEqual([]);
		// spot checks against the file by hand: case-10011's first and last of its rows
		const c10011 = stored.find((r) => r.id === 'case-10011')!;
		expect(c10011.received.toISOString()).toBe(
			new Date(expected.get('case-10011')!.first).toISOString()
		);
		expect(stored.reduce((n, r) => n + r.events, 0)).toBe(8577);
	});

	describe('boston311 (case shape, US dates in Boston time)', () => {
		const rows = parseCsv(readFileSync(data(BOSTON), 'utf8'));
		const bostonOptions = (source: string, secret = SECRET): Partial<ImportOptions> => ({
			source,
			shape: 'case',
			mapping: BOSTON_MAPPING,
			timezone: 'America/New_York',
			dayFirst: false,
			pseudonymSecret: secret
		});
		const reports = (source: string) =>
			t().db.asService((tx) =>
				tx.query<{
					id: string;
					received: Date;
					resolved: Date | null;
					flagged: boolean;
					location: string | null;
					channel: string | null;
					status: string | null;
					department: string | null;
					category: string | null;
				}>(
					`select r.external_id as id, r.received_at as received, r.resolved_at as resolved,
					        r.flagged_duplicate as flagged, r.location_key as location, r.channel,
					        r.status, r.department, c.name as category
					   from report r left join category c on c.id = r.category_id
					  where r.org_id = $1 and r.source = $2`,
					[org.id, source]
				)
			);
		let stored: Awaited<ReturnType<typeof reports>>;
		const byId = (id: string) => stored.find((r) => r.id === id)!;

		beforeAll(async () => {
			const summary = await imp(file(BOSTON), bostonOptions('boston'));
			expect(summary).toMatchObject({ rowsRead: 2607, casesAdded: 2607, errorCount: 0 });
			stored = await reports('boston');
		});

		it('stores 2,607 cases with their times in UTC', () => {
			expect(rows).toHaveLength(2607);
			expect(stored).toHaveLength(2607);
			// 01/02/2015 09:27:07 AM and 01/08/2015 08:03:37 AM, Boston winter time (UTC−5)
			expect(byId('101001241058').received.toISOString()).toBe('2015-01-02T14:27:07.000Z');
			expect(byId('101001241058').resolved?.toISOString()).toBe('2015-01-08T13:03:37.000Z');
			// 07/08/2015 01:19:00 PM, summer time (UTC−4)
			expect(byId('101001425435').received.toISOString()).toBe('2015-07-08T17:19:00.000Z');
			expect(byId('101001241058')).toMatchObject({
				category: 'Abandoned Vehicles',
				channel: 'Constituent Call',
				status: 'Closed',
				department: 'BTDT_AVRS Interface Queue'
			});
			// a request without CLOSED_DT stays open
			const open = rows.filter((r) => !r.CLOSED_DT).map((r) => r.CASE_ENQUIRY_ID);
			expect(
				stored
					.filter((r) => r.resolved === null)
					.map((r) => r.id)
					.sort()
			).toEqual(open.sort());
		});

		it('flags the requests whose closure reason says duplicate', () => {
			// 291 say "Duplicate", 3 more "duplicate" ("Case Invalid duplicate", …)
			const duplicates = rows
				.filter((r) => /duplicate/i.test(r.CLOSURE_REASON))
				.map((r) => r.CASE_ENQUIRY_ID);
			expect(duplicates.length).toBeGreaterThan(250);
			expect(
				stored
					.filter((r) => r.flagged)
					.map((r) => r.id)
					.sort()
			).toEqual(duplicates.sort());
		});

		it('keeps no address in clear text: a keyed pseudonym, the same for the same address', async () => {
			const norm = (a: string) => a.trim().toLowerCase().replace(/\s+/g, ' ');
			const idsByAddress = new Map<string, string[]>();
			for (const r of rows)
				if (r.Location.trim())
					idsByAddress.set(norm(r.Location), [
						...(idsByAddress.get(norm(r.Location)) ?? []),
						r.CASE_ENQUIRY_ID
					]);
			const repeated = [...idsByAddress.values()].filter((ids) => ids.length > 1);
			expect(repeated.length).toBeGreaterThan(10);
			for (const ids of repeated) expect(new Set(ids.map((id) => byId(id).location)).size).toBe(1);
			// one key per address, and no key is (or contains) an address
			const keys = new Set(stored.map((r) => r.location).filter((k) => k !== null));
			expect(keys.size).toBe(idsByAddress.size);
			const street = byId('101001241058').location!;
			expect(street).not.toMatch(/alpheus|roslindale/i);
			const addresses = rows.map((r) => r.Location);
			const [{ clear }] = await t().db.asService((tx) =>
				tx.query<{ clear: number }>(
					`select count(*) as clear from report
					  where org_id = $1 and (location_key = any($2) or location_key !~ '^[A-Za-z0-9_-]{43}$')`,
					[org.id, addresses]
				)
			);
			expect(clear).toBe(0);

			// another secret, other keys for the same addresses
			await imp(file(BOSTON), bostonOptions('boston-other-secret', `${SECRET}-rotated`));
			const other = await reports('boston-other-secret');
			const otherKey = new Map(other.map((r) => [r.id, r.location]));
			const same = stored.filter((r) => r.location && otherKey.get(r.id) === r.location);
			expect(other.filter((r) => r.location).length).toBe(stored.filter((r) => r.location).length);
			expect(same).toEqual([]);
		});
	});

	describe('bad input', () => {
		// line 3: bad time; line 4: no case id; line 5: resolved before received
		const BAD = [
			'id,received,resolved',
			'A1,2024-01-02 09:00,2024-01-03 10:00',
			'A2,not a date,2024-01-03 10:00',
			',2024-01-02 09:00,',
			'A4,2024-01-05 09:00,2024-01-04 09:00',
			'A5,2024-01-06 09:00,'
		].join('\n');
		const caseShape = {
			shape: 'case' as const,
			mapping: { caseId: 'id', received: 'received', resolved: 'resolved' }
		};
		const PROBLEMS = [
			{ line: 3, field: 'received', key: 'row_bad_time', detail: 'not a date' },
			{ line: 4, field: 'caseId', key: 'row_missing' },
			{ line: 5, field: 'resolved', key: 'row_resolved_before_received' }
		];

		it('imports nothing when a row is invalid, and lists each problem with its line', async () => {
			const before = await counts(t().db, org.id);
			const summary = await imp(bytesOf(BAD), { ...caseShape, source: 'bad' });
			expect(summary).toMatchObject({
				rejected: true,
				rowsRead: 5,
				rowsSkipped: 3,
				casesAdded: 0,
				errorCount: 3
			});
			expect(summary.errors).toEqual(PROBLEMS);
			expect(await counts(t().db, org.id)).toEqual(before);
		});

		it('an event log whose given receipt is after its events (or resolution before them) is not refused', async () => {
			// E1 says it was received on the 5th, its events are on the 2nd and 3rd (a registration
			// date after the work, seen in real exports); E2 has no receipt column value; E3 was
			// resolved on the 1st by its resolution column, before its only event
			const log = [
				'case,activity,time,received,resolved',
				'E1,Melding,2024-01-02 09:00,2024-01-05 09:00,',
				'E1,Afhandelen,2024-01-03 09:00,2024-01-05 09:00,',
				'E2,Melding,2024-01-02 09:00,,',
				'E3,Melding,2024-01-02 09:00,,2024-01-01 09:00'
			].join('\n');
			const summary = await imp(bytesOf(log), {
				shape: 'event',
				mapping: {
					caseId: 'case',
					activity: 'activity',
					timestamp: 'time',
					received: 'received',
					resolved: 'resolved'
				},
				source: 'late-receipt'
			});
			expect(summary).toMatchObject({ casesAdded: 3, eventsAdded: 4, errorCount: 0 });
			const rows = await t().db.asService((tx) =>
				tx.query<{ id: string; received: Date; resolved: Date }>(
					`select external_id as id, received_at as received, resolved_at as resolved
					   from report where org_id = $1 and source = 'late-receipt' order by 1`,
					[org.id]
				)
			);
			expect(rows.map((r) => [r.id, r.received.toISOString(), r.resolved.toISOString()])).toEqual([
				['E1', '2024-01-05T08:00:00.000Z', '2024-01-05T08:00:00.000Z'],
				['E2', '2024-01-02T08:00:00.000Z', '2024-01-02T08:00:00.000Z'],
				['E3', '2024-01-01T08:00:00.000Z', '2024-01-01T08:00:00.000Z']
			]);
		});

		it('lists the first 100 problems and counts them all', async () => {
			const lines = ['id,received'];
			for (let i = 0; i < 150; i++) lines.push(`B${i},31-02-2024 25:00`);
			lines.push('B-ok,2024-02-01 10:00');
			const before = await counts(t().db, org.id);
			const summary = await imp(bytesOf(lines.join('\n')), {
				shape: 'case',
				mapping: { caseId: 'id', received: 'received' },
				source: 'many-bad'
			});
			expect(summary.errors).toHaveLength(100);
			expect(summary.errorCount).toBe(150);
			expect(summary.errors[0]).toMatchObject({ line: 2, key: 'row_bad_time' });
			expect(summary.errors[99]).toMatchObject({ line: 101, key: 'row_bad_time' });
			expect(await counts(t().db, org.id)).toEqual(before);
		});

		it('with skipInvalid imports the valid rows and hands over exactly the bad ones', async () => {
			const rejected: { row: RawRow; problems: RowProblem[] }[] = [];
			const before = await counts(t().db, org.id);
			const summary = await imp(bytesOf(BAD), {
				...caseShape,
				source: 'bad-skipped',
				skipInvalid: true,
				onRejected: (row, problems) => rejected.push({ row, problems })
			});
			expect(summary).toMatchObject({ rejected: false, rowsSkipped: 3, casesAdded: 2 });
			expect(rejected.map((r) => r.row.line)).toEqual([3, 4, 5]);
			expect(rejected.map((r) => r.row.values.id)).toEqual(['A2', '', 'A4']);
			expect(rejected.flatMap((r) => r.problems)).toEqual(PROBLEMS);
			expect(await counts(t().db, org.id)).toEqual({
				...before,
				reports: before.reports + 2,
				batches: before.batches + 1
			});
			const ids = await t().db.asService((tx) =>
				tx.query<{ external_id: string }>(
					`select external_id from report where org_id = $1 and source = 'bad-skipped'
					  order by external_id`,
					[org.id]
				)
			);
			expect(ids.map((r) => r.external_id)).toEqual(['A1', 'A5']);
			const [batch] = await t().db.asService((tx) =>
				tx.query<{ rows_skipped: number; errors: RowProblem[] }>(
					'select rows_skipped, errors from import_batch where id = $1',
					[summary.batchId]
				)
			);
			expect(batch).toEqual({ rows_skipped: 3, errors: PROBLEMS });
		});

		const receiptBytes = readFileSync(data('receipt.csv'));
		const xesText = readFileSync(data('running-example.xes'), 'utf8');
		const broken: [string, string, () => Uint8Array | string][] = [
			['a truncated gzip', 'input_gzip', () => gzipSync(receiptBytes).subarray(0, 150_000)],
			[
				'broken XML',
				'input_xml',
				() => xesText.replace('</event>', '</evnet>').replace(/<\/log>\s*$/, '')
			],
			[
				'a binary buffer',
				'input_binary',
				() => Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)
			],
			['an empty file', 'input_empty', () => ''],
			[
				'a header-only CSV',
				'input_no_rows',
				() => 'case:concept:name,concept:name,time:timestamp\n'
			]
		];
		it.each(broken)('%s throws InputError %s and writes nothing', async (_, key, content) => {
			const before = await counts(t().db, org.id);
			const error = await inputError(() => imp(bytesOf(content()), { source: `broken-${key}` }));
			expect(error.key).toBe(key);
			expect(await counts(t().db, org.id)).toEqual(before);
		});

		it('a gzip cut off after many rows were read still writes nothing', async () => {
			const lines = ['case,activity,timestamp'];
			for (let i = 0; i < 30_000; i++)
				lines.push(`G${i >> 1},step ${i & 1},2024-03-01T10:${i % 60}:00Z`);
			const gz = gzipSync(lines.join('\n'));
			let rows = 0;
			const before = await counts(t().db, org.id);
			const error = await inputError(() =>
				imp(bytesOf(gz.subarray(0, Math.floor(gz.length * 0.9))), {
					source: 'gz',
					onProgress: (p) => (rows = p.rows)
				})
			);
			expect(error.key).toBe('input_gzip');
			expect(rows).toBeGreaterThanOrEqual(20_000);
			expect(await counts(t().db, org.id)).toEqual(before);
		});

		it('a mapping that names a missing column throws mapping_invalid', async () => {
			const error = await inputError(() =>
				imp(file('running-example.csv'), {
					source: 'bad-mapping',
					mapping: {
						caseId: 'case:concept:name',
						activity: 'Activiteit',
						timestamp: 'time:timestamp'
					}
				})
			);
			expect(error.key).toBe('mapping_invalid');
			expect(error.message).toContain('activity');
		});
	});

	describe('row level security on case data', () => {
		let other: Org;
		beforeAll(async () => {
			other = await newOrg(t().db, 'imp-other');
			// org holds case data by now only if the earlier tests ran; make sure of some
			await imp(file('running-example.csv'), { source: 'rls' });
		});

		const visible = (db: Db, claims: Org['admin']['claims']) =>
			db.asUser(claims, (tx) =>
				tx.query<{ reports: number; events: number; batches: number }>(
					`select (select count(*) from report) as reports,
					        (select count(*) from report_event) as events,
					        (select count(*) from import_batch) as batches`
				)
			);

		it('coaches and admins see the case data, staff and other organisations do not', async () => {
			const all = await counts(t().db, org.id);
			expect(all.reports).toBeGreaterThanOrEqual(6);
			expect(await visible(t().db, org.coach.claims)).toEqual([all]);
			expect(await visible(t().db, org.admin.claims)).toEqual([all]);
			expect(await visible(t().db, org.staff.claims)).toEqual([
				{ reports: 0, events: 0, batches: 0 }
			]);
			expect(await visible(t().db, other.admin.claims)).toEqual([
				{ reports: 0, events: 0, batches: 0 }
			]);
		});

		it('an admin imports as themself; a coach or a staff member cannot', async () => {
			const asUser = (m: Org['admin']) =>
				importStream(
					(fn) => t().db.asUser(m.claims, fn),
					file('running-example.csv'),
					options(org, { source: 'as-user', via: 'upload', createdBy: m.personId })
				);
			const before = await counts(t().db, org.id);
			await expect(asUser(org.staff)).rejects.toThrow(/row-level security/);
			await expect(asUser(org.coach)).rejects.toThrow(/row-level security/);
			expect(await counts(t().db, org.id)).toEqual(before);

			const summary = await asUser(org.admin);
			expect(summary).toMatchObject({ casesAdded: 6, eventsAdded: 42 });
			const [batch] = await t().db.asService((tx) =>
				tx.query('select via, created_by from import_batch where id = $1', [summary.batchId])
			);
			expect(batch).toEqual({ via: 'upload', created_by: org.admin.personId });
		});

		it('an admin cannot import into another organisation', async () => {
			const before = await counts(t().db, other.id);
			await expect(
				importStream(
					(fn) => t().db.asUser(org.admin.claims, fn),
					file('running-example.csv'),
					options(other, { source: 'cross' })
				)
			).rejects.toThrow();
			expect(await counts(t().db, other.id)).toEqual(before);
		});
	});
});

// The same on PGlite, through the CLI on its data folder: src/scripts/koers.test.ts.
describe('an import killed part-way leaves nothing behind [postgres]', () => {
	const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
	const CHILD = fileURLToPath(new URL('./testdata/interrupted-import.ts', import.meta.url));
	let dir: string;
	let bigFile: string;
	const ROWS = 100_000;

	beforeAll(async () => {
		dir = await mkdtemp(path.join(tmpdir(), 'koers-interrupt-'));
		bigFile = path.join(dir, 'big.csv');
		const out = createWriteStream(bigFile);
		out.write('case,activity,timestamp,department,category\n');
		const base = Date.UTC(2024, 0, 1);
		for (let i = 0; i < ROWS; i++) {
			const at = new Date(base + i * 60_000).toISOString();
			// Categories new to the organisation, but for one that a cycle uses by then.
			out.write(`C${Math.floor(i / 3)},step ${i % 3},${at},dept ${i % 4},killed ${i % 3}\n`);
		}
		await new Promise((resolve) => out.end(resolve));
	});
	afterAll(async () => {
		await rm(dir, { recursive: true, force: true });
	});

	/** Runs the import in a child process that reports its progress on stdout. */
	function startImport(target: string, orgId: string) {
		// node with tsx's loader, one process: the tsx command would run the script in a second
		// process, which a SIGKILL of the first would leave running
		const child = spawn(process.execPath, ['--import', 'tsx', CHILD, target, orgId, bigFile], {
			cwd: ROOT,
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let out = '';
		let lastProgress = 0;
		let readAll: () => void;
		const allRead = new Promise<void>((resolve) => (readAll = resolve));
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
			out += chunk;
			for (const m of chunk.matchAll(/progress (\d+)/g))
				lastProgress = Math.max(lastProgress, Number(m[1]));
			if (lastProgress >= ROWS) readAll();
		});
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
		const exited = new Promise<string | null>((resolve, reject) => {
			child.on('error', reject);
			child.on('exit', (_, signal) => resolve(signal));
		});
		return {
			/** Resolves when the child has read every row (then it merges into the real tables). */
			allRead: Promise.race([allRead, exited]),
			exited,
			pid: child.pid!,
			kill: () => child.kill('SIGKILL'),
			out: () => out,
			lastProgress: () => lastProgress
		};
	}

	async function prepare(db: Db) {
		const org = await newOrg(db, 'killed');
		const first = await importStream(
			(fn) => db.asService(fn),
			createReadStream(data('running-example.csv')),
			options(org)
		);
		expect(first.casesAdded).toBe(6);
		return org;
	}

	it(
		'a child process killed while it merges 100,000 rows in steps leaves them hidden, and start-up removes them',
		{ timeout: 60_000 },
		async () => {
			const test: TestDb = await openTestDb('postgres');
			try {
				const org = await prepare(test.db);
				const child = startImport(test.url!, org.id);
				await child.allRead;
				// Kill it in its third step: two steps of rows are committed by then, in a batch
				// still loading.
				const steps = () => child.out().match(/insert into report_event/g)?.length ?? 0;
				for (const until = Date.now() + 30_000; steps() < 3 && Date.now() < until;)
					await new Promise((r) => setTimeout(r, 5));
				child.kill();
				expect(await child.exited, child.out()).toBe('SIGKILL');
				expect(steps()).toBeGreaterThanOrEqual(3);
				expect(child.lastProgress()).toBe(ROWS);
				expect(child.out()).not.toContain('done');
				// An admin scopes a cycle to a category the import created while it was loading.
				await test.db.asService((tx) =>
					tx.query(
						`with t as (insert into team (org_id, name) values ($1, 'killed') returning id)
						 insert into improvement_cycle (org_id, team_id, title, scope_category_id)
						 select $1, t.id, 'killed', c.id from t, category c
						  where c.org_id = $1 and c.name = 'killed 2'`,
						[org.id]
					)
				);
				// The server ends the dead client's transaction when it notices the closed connection
				// (after the running statement); end it now, as it would, rather than wait. (Our own
				// pool's connections are idle.)
				await test.owner.transaction((tx) =>
					tx.query(
						`select pg_terminate_backend(pid) from pg_stat_activity
					  where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle'`
					)
				);
				const generated = () =>
					test.db.asService((tx) =>
						tx.query<{ n: number }>(`select count(*) as n from report where source = 'generated'`)
					);
				// Committed steps are in the database, but no user sees them.
				expect((await generated())[0].n).toBeGreaterThanOrEqual(2 * (STEP_ROWS / 3) - 1);
				const [seen] = await test.db.asUser(org.admin.claims, (tx) =>
					tx.query(
						`select (select count(*) from report) as reports,
						        (select count(*) from report_event) as events,
						        (select count(*) from import_batch where state = 'done') as batches`
					)
				);
				expect(seen).toEqual({ reports: 6, events: 42, batches: 1 });
				// Start-up removes the unfinished batch and all it loaded.
				expect(await discardUnfinished((fn) => test.db.asService(fn), '0 seconds')).toBe(1);
				expect(await counts(test.db, org.id)).toEqual({ reports: 6, events: 42, batches: 1 });
				expect((await generated())[0].n).toBe(0);
				// The categories it created went with it, but for the one a cycle uses.
				const names = await test.db.asService((tx) =>
					tx.query<{ name: string }>(
						`select name from category where org_id = $1 and name like 'killed %' order by name`,
						[org.id]
					)
				);
				expect(names.map((n) => n.name)).toEqual(['killed 2']);
				// Its spill folder in the temp folder is removed at start-up too.
				const spilled = async () =>
					(await readdir(tmpdir())).filter((n) => n.startsWith(`koers-import-${child.pid}-`));
				expect(await spilled()).toHaveLength(1);
				await removeLeftoverSpills();
				expect(await spilled()).toEqual([]);
			} finally {
				await test.close();
			}
		}
	);
});
