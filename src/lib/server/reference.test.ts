import { execFileSync } from 'node:child_process';
import { createReadStream, readdirSync } from 'node:fs';
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

/** The event attributes that stand for the department in the logs that have no org:group. */
const RESOURCE_AS_DEPARTMENT: Partial<ImportOptions> = {
	mapping: { department: 'org:resource' },
	partialMapping: true
};

/** How each file is imported, and the reference script's arguments for it. */
const FILES: Record<
	string,
	{ options: Partial<ImportOptions>; args: string[]; timezone?: string }
> = {
	'receipt.csv': { options: {}, args: ['--shape', 'event'] },
	'running-example.csv': {
		options: RESOURCE_AS_DEPARTMENT,
		args: ['--shape', 'event', '--dept', 'org:resource']
	},
	'running-example.xes': {
		options: RESOURCE_AS_DEPARTMENT,
		args: ['--shape', 'event', '--dept', 'org:resource']
	},
	'roadtraffic100traces.xes': {
		options: RESOURCE_AS_DEPARTMENT,
		args: ['--shape', 'event', '--dept', 'org:resource']
	},
	'boston311_2015_Abandoned_Vehicles.csv': {
		options: { shape: 'case', mapping: BOSTON, timezone: 'America/New_York', dayFirst: false },
		args: ['--shape', 'case'],
		timezone: 'America/New_York'
	}
};

type Pair = { from: string; to: string; count: number };
const byPair = (m: Pair[]) =>
	[...m].sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));

it('the cross-check covers every file in ../shared/data', () => {
	const files = readdirSync(data('')).filter((f) => !f.endsWith('.md'));
	expect(files.sort()).toEqual(Object.keys(FILES).sort());
});

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
			return t.db.asService(async (tx) => ({
				...(await summary(tx, { orgId: org.id })),
				// handoff waits (public.handoff_waits) and arrivals per hour (public.arrivals); the
				// service path sees every organisation, so narrowed to this one
				waits: (
					await tx.query<{ count: number; median: number | null; p85: number | null }>(
						`select count(*)::int as count,
						        percentile_cont(0.5) within group (order by wait_hours) as median,
						        percentile_cont(0.85) within group (order by wait_hours) as p85
						   from public.handoff_waits(null, null, null, $1)`,
						[org.id]
					)
				)[0],
				arrivals: await tx.query<{
					channel: string | null;
					weekday: number;
					hour: number;
					arrivals: number;
					repeats: number;
				}>(
					`select channel, weekday, hour, arrivals, repeats
					   from public.arrivals(null, null, null, $1)
					  order by coalesce(channel, ''), weekday, hour`,
					[org.id]
				)
			}));
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

		// Every figure of every file, the same both ways.
		it.each(Object.entries(FILES))('%s', async (file, { options, args, timezone }) => {
			const k = await figuresOf(file, options, timezone);
			const r = reference(file, ...args);
			expect({
				cases: k.cases,
				events: k.events,
				handoffs: k.handoffs,
				casesWithHandoff: k.casesWithHandoff,
				variants: k.variants.count
			}).toEqual({
				cases: r.cases,
				events: r.events,
				handoffs: r.handoffs ?? 0,
				casesWithHandoff: r.casesWithHandoff ?? 0,
				variants: r.variants.count
			});
			sameLeadTimes(k.leadTimeHours, r.leadTimeHours);
			// the most frequent variants' case counts (ties between them are ordered differently)
			expect(k.variants.top.map((v) => v.cases)).toEqual(
				r.variants.top.slice(0, k.variants.top.length).map((v: { cases: number }) => v.cases)
			);
			if (r.handoffMatrix) expect(byPair(k.handoffMatrix)).toEqual(byPair(r.handoffMatrix));
			// handoff waits and arrivals per channel, weekday and hour
			if (r.handoffWaitHours) {
				expect(k.waits.count).toBe(r.handoffWaitHours.count);
				if (k.waits.count) {
					close(k.waits.median, r.handoffWaitHours.median);
					close(k.waits.p85, r.handoffWaitHours.p85);
				}
			}
			expect(k.arrivals).toEqual(r.arrivals);
			if (r.repeats) {
				expect(k.openCases.total).toBe(r.open);
				expect(k.repeats).toEqual(r.repeats);
				close(k.repeatRate, r.repeatRate);
			}
		});
	}
});
