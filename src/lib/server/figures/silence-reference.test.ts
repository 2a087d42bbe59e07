import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { forEachDriver, type TestDb } from '../db/test-helpers';
import { importStream, type ImportOptions } from '../import';

// Koers's silence time of every case of two real logs in ../shared/data must equal what an
// independent script computes from the file (Python's standard library: tests/reference/silence.py),
// in hours and in working days (Dutch holidays, over years 2000–2013 and 2010–2011 here).
const data = (name: string) => resolve('..', 'shared', 'data', name);

const FILES: Record<string, { contacts: string[]; options: Partial<ImportOptions> }> = {
	'roadtraffic100traces.xes': {
		contacts: ['Send Fine', 'Insert Fine Notification', 'Notify Result Appeal to Offender'],
		options: { mapping: { department: 'org:resource' }, partialMapping: true }
	},
	'receipt.csv': {
		contacts: ['Confirmation of receipt', 'T05 Print and send confirmation of receipt'],
		options: {}
	}
};

forEachDriver('silence on the real files agrees with the independent script', (db) => {
	let t: TestDb;
	beforeAll(() => {
		t = db();
	});

	it.each(Object.entries(FILES))('%s', async (file, { contacts, options }) => {
		const [org] = await t.db.asService((tx) =>
			tx.query<{ id: string }>(
				`insert into organisation (name, slug) values ($1, $2) returning id`,
				[file, `silence-${file.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`]
			)
		);
		const result = await importStream((fn) => t.db.asService(fn), createReadStream(data(file)), {
			orgId: org.id,
			via: 'cli',
			pseudonymSecret: 'reference-test-secret-of-32-characters!',
			...options
		});
		expect(result.rejected).toBe(false);
		const rows = await t.db.asService(async (tx) => {
			for (const activity of contacts)
				await tx.query(
					`insert into contact_activity (org_id, activity, direction) values ($1, $2, 'outbound')`,
					[org.id, activity]
				);
			return tx.query<{ external_id: string; hours: number; wd: number; lead: number }>(
				`select r.external_id, s.silence_hours as hours, s.silence_working_days as wd,
				        extract(epoch from r.resolved_at - r.received_at)::float8 / 3600 as lead
				   from public.case_silence(p_org => $1) s join report r on r.id = s.report_id`,
				[org.id]
			);
		});
		const reference: Record<string, [number, number]> = JSON.parse(
			execFileSync(
				'python3',
				['tests/reference/silence.py', data(file), ...contacts.flatMap((c) => ['--contact', c])],
				{ encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }
			)
		);
		expect(rows.length).toBe(Object.keys(reference).length);
		expect(rows.length).toBeGreaterThan(99);
		const off = rows.filter((r) => {
			const [hours, wd] = reference[r.external_id] ?? [NaN, NaN];
			return !(Math.abs(r.hours - hours) < 1e-6 && r.wd === wd);
		});
		expect(off).toEqual([]);
		// the contacts matter: many cases' silence is shorter than their lead time
		expect(rows.filter((r) => r.hours < r.lead - 1e-6).length).toBeGreaterThan(50);
	});
});
