import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { forEachDriver, type TestDb } from './db/test-helpers';
import { importStream, type ImportOptions } from './import';
import { summary } from './figures/metrics';

// Koers's figures on the real files in ../shared/data must equal the figures an independent
// script computes a different way (Python's standard library, straight from the file:
// tests/reference/figures.py).
const data = (name: string) => resolve('..', 'shared', 'data', name);
const reference = (file: string, ...args: string[]) =>
	JSON.parse(
		execFileSync('python3', ['tests/reference/figures.py', data(file), ...args], {
			encoding: 'utf8',
			maxBuffer: 64 * 1024 * 1024
		})
	);

const BOSTON = {
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

forEachDriver('figures on the real files agree with the independent script', (db) => {
	{
		let t: TestDb;
		beforeAll(() => {
			t = db();
		});

		async function figuresOf(file: string, options: Partial<ImportOptions>, timezone?: string) {
			const [org] = await t.db.asService((tx) =>
				tx.query<{ id: string }>(
					`insert into organisation (name, slug, timezone) values ($1, $2, $3) returning id`,
					[file, file.replace(/[^a-z0-9]+/gi, '-').toLowerCase(), timezone ?? 'Europe/Amsterdam']
				)
			);
			const result = await importStream((fn) => t.db.asService(fn), createReadStream(data(file)), {
				orgId: org.id,
				via: 'cli',
				pseudonymSecret: 'reference-test-secret-of-32-characters!',
				...options
			});
			expect(result.rejected).toBe(false);
			return t.db.asService((tx) => summary(tx, { orgId: org.id }));
		}

		const close = (a: number | null, b: number | null) => {
			expect(a).not.toBeNull();
			expect(Math.abs(a! - b!)).toBeLessThan(1e-6);
		};
		const sameLeadTimes = (
			k: {
				count: number;
				mean: number | null;
				median: number | null;
				p85: number | null;
				p95: number | null;
			},
			r: { count: number; mean: number; median: number; p85: number; p95: number }
		) => {
			expect(k.count).toBe(r.count);
			close(k.mean, r.mean);
			close(k.median, r.median);
			close(k.p85, r.p85);
			close(k.p95, r.p95);
		};

		it('receipt.csv (event log; handoffs by org:group)', async () => {
			const k = await figuresOf('receipt.csv', {});
			const r = reference('receipt.csv', '--shape', 'event');
			expect(k.cases).toBe(r.cases);
			expect(k.events).toBe(r.events);
			sameLeadTimes(k.leadTimeHours, r.leadTimeHours);
			expect(k.handoffs).toBe(r.handoffs);
			expect(k.casesWithHandoff).toBe(r.casesWithHandoff);
			expect(k.variants.count).toBe(r.variants.count);
			expect(k.variants.top.map((v) => v.cases)).toEqual(
				r.variants.top.slice(0, k.variants.top.length).map((v: { cases: number }) => v.cases)
			);
		});

		it('running-example.csv (handoffs by org:resource)', async () => {
			const k = await figuresOf('running-example.csv', {
				mapping: {
					caseId: 'case:concept:name',
					activity: 'concept:name',
					timestamp: 'time:timestamp',
					department: 'org:resource'
				}
			});
			const r = reference('running-example.csv', '--shape', 'event', '--dept', 'org:resource');
			expect([k.cases, k.events, k.handoffs, k.casesWithHandoff, k.variants.count]).toEqual([
				r.cases,
				r.events,
				r.handoffs,
				r.casesWithHandoff,
				r.variants.count
			]);
			sameLeadTimes(k.leadTimeHours, r.leadTimeHours);
		});

		it('Boston 311 (one row per request): lead times, duplicates and repeats', async () => {
			const k = await figuresOf(
				'boston311_2015_Abandoned_Vehicles.csv',
				{ shape: 'case', mapping: BOSTON, timezone: 'America/New_York', dayFirst: false },
				'America/New_York'
			);
			const r = reference('boston311_2015_Abandoned_Vehicles.csv', '--shape', 'case');
			expect(k.cases).toBe(r.cases);
			expect(k.openCases.total).toBe(r.open);
			sameLeadTimes(k.leadTimeHours, r.leadTimeHours);
			expect(k.repeats).toEqual(r.repeats);
			close(k.repeatRate, r.repeatRate);
		});
	}
});
