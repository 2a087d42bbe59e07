/**
 * The Cijfers page's figures (issue 11 section 3, issue 12 section 3): narrowed by source and by
 * import batch, the distribution of lead times, the period, and the example cases behind a
 * handoff-matrix cell — on hand-made cases, on PGlite and on PostgreSQL.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { useDb } from '../db';
import { createTwoOrgs, forEachDriver, type Org } from '../db/test-helpers';
import type { Row } from '../db/types';
import { figures, handoffCases } from './page';

forEachDriver('the Cijfers page', (t) => {
	let a: Org;
	let b: Org;
	let batch: string;
	const ids: Record<string, string> = {};

	const service = (sql: string, params: unknown[] = []) =>
		t().db.asService((tx) => tx.query<Row>(sql, params));

	/** A case received at `at` (UTC) resolved `hours` later, with events in these departments. */
	async function addCase(
		ext: string,
		source: string,
		at: string,
		hours: number,
		departments: string[] = [],
		batchId: string | null = null
	) {
		const [r] = await service(
			`insert into report (org_id, source, external_id, received_at, resolved_at, batch_id)
			 values ($1, $2, $3, $4::timestamptz, $4::timestamptz + make_interval(hours => $5), $6)
			 returning id`,
			[a.id, source, ext, at, hours, batchId]
		);
		ids[ext] = String(r.id);
		for (const [i, d] of departments.entries())
			await service(
				`insert into report_event (org_id, report_id, occurred_at, activity, department, seq)
				 values ($1, $2, $3::timestamptz + make_interval(mins => $4), $5, $6, $4)`,
				[a.id, r.id, at, i + 1, `Stap ${i + 1}`, d]
			);
	}

	beforeAll(async () => {
		useDb(t().db);
		({ a, b } = await createTwoOrgs(t().db, 'cijfers'));
		const [row] = await service(
			`insert into import_batch (org_id, via, file_name, format, shape, cases_added)
			 values ($1, 'upload', 'zaken.csv', 'csv', 'event', 3) returning id`,
			[a.id]
		);
		batch = String(row.id);
		// three cases of the case system, from one import: 2 h, 30 h and 200 h, two of them
		// handed from KCC to Afval; two phone calls of 1 h without an import batch
		await addCase('Z-1', 'zaken', '2026-03-02T09:00:00Z', 2, ['KCC', 'Afval'], batch);
		await addCase('Z-2', 'zaken', '2026-03-03T09:00:00Z', 30, ['KCC', 'Afval', 'KCC'], batch);
		await addCase('Z-3', 'zaken', '2026-03-04T09:00:00Z', 200, ['Afval'], batch);
		await addCase('T-1', 'telefonie', '2026-03-05T09:00:00Z', 1);
		await addCase('T-2', 'telefonie', '2026-03-20T09:00:00Z', 1);
	});
	afterAll(() => useDb(undefined));

	/** The non-empty bins as "lower–upper: cases". */
	const bins = (h: { lowerHours: number; upperHours: number | null; cases: number }[]) =>
		h.filter((x) => x.cases).map((x) => `${x.lowerHours}–${x.upperHours ?? '∞'}: ${x.cases}`);

	it('counts every case, shows the period of the data and the distribution of lead times', async () => {
		const p = await figures(a.coach.claims, {});
		expect(p.summary.cases).toBe(5);
		expect(p.period).toMatchObject({ first: '2026-03-02', last: '2026-03-20' });
		expect(bins(p.histogram)).toEqual(['0–4: 3', '24–48: 1', '168–336: 1']);
		expect(p.histogram).toHaveLength(13);
		expect(p.sources).toEqual(['telefonie', 'zaken']);
		expect(p.batches.map((x) => x.fileName)).toEqual(['zaken.csv']);
	});

	it('narrows every figure to one source or one import', async () => {
		const phone = await figures(a.coach.claims, { source: 'telefonie' });
		expect(phone.summary.cases).toBe(2);
		expect(phone.summary.handoffs).toBe(0);
		expect(phone.weeks.reduce((n, w) => n + w.cases, 0)).toBe(2);
		expect(bins(phone.histogram)).toEqual(['0–4: 2']);
		expect(phone.period).toMatchObject({ first: '2026-03-05', last: '2026-03-20' });

		const imported = await figures(a.coach.claims, { batch });
		expect(imported.summary.cases).toBe(3);
		// Z-1: KCC → Afval; Z-2: KCC → Afval → KCC
		expect(imported.summary.handoffMatrix).toEqual([
			{ from: 'KCC', to: 'Afval', count: 2 },
			{ from: 'Afval', to: 'KCC', count: 1 }
		]);
		expect(imported.weeks.reduce((n, w) => n + w.cases, 0)).toBe(3);
		expect(bins(imported.histogram)).toEqual(['0–4: 1', '24–48: 1', '168–336: 1']);
		// both, and a period: received from 3 March
		const both = await figures(a.coach.claims, { batch, source: 'zaken', from: '2026-03-03' });
		expect(both.summary.cases).toBe(2);
	});

	it('opens the example cases behind a matrix cell, latest first, under the filter', async () => {
		const cell = await handoffCases(a.coach.claims, { fromDept: 'KCC', toDept: 'Afval' }, {});
		expect(cell.total).toBe(2);
		expect(cell.cases.map((c) => c.externalId)).toEqual(['Z-2', 'Z-1']);
		expect(cell.cases[0]).toMatchObject({ id: ids['Z-2'], source: 'zaken', handoffs: 2 });
		const back = await handoffCases(a.coach.claims, { fromDept: 'Afval', toDept: 'KCC' }, {});
		expect(back.cases.map((c) => c.externalId)).toEqual(['Z-2']);
		const later = await handoffCases(
			a.coach.claims,
			{ fromDept: 'KCC', toDept: 'Afval' },
			{ from: '2026-03-03' }
		);
		expect(later.cases.map((c) => c.externalId)).toEqual(['Z-2']);
		const phone = await handoffCases(
			a.coach.claims,
			{ fromDept: 'KCC', toDept: 'Afval' },
			{ source: 'telefonie' }
		);
		expect(phone).toEqual({ total: 0, cases: [] });
	});

	it('shows nothing to staff outside the teams or to another organisation', async () => {
		for (const claims of [a.staff.claims, b.admin.claims]) {
			const p = await figures(claims, {});
			expect(p.summary.cases).toBe(0);
			expect(p.sources).toEqual([]);
			expect(p.batches).toEqual([]);
			const cell = await handoffCases(claims, { fromDept: 'KCC', toDept: 'Afval' }, {});
			expect(cell.total).toBe(0);
		}
	});
});
