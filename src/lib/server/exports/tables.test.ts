/**
 * Figure tables as CSV (issue 11, section 4): the download holds the figures the page shows,
 * Excel-readable in the person's language, and row level security decides what it holds —
 * another organisation's coach gets the header and no rows. On PGlite and on PostgreSQL.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { overwriteGetLocale } from '$lib/paraglide/runtime';
import { useDb } from '../db';
import { createTwoOrgs, forEachDriver, type Org } from '../db/test-helpers';
import { figures } from '../figures/page';
import { csvNumber, exportCsv, type ExportTable } from './tables';

/** The rows of a CSV text (after its BOM and header), split on the separator. */
function rows(csv: string, sep: string): string[][] {
	const lines = csv
		.replace(/^\uFEFF/, '')
		.split('\r\n')
		.filter(Boolean);
	return lines.slice(1).map((l) => l.split(sep));
}

forEachDriver('figure tables as CSV', (t) => {
	let a: Org;
	let b: Org;
	const asCoach = (o: Org) => ({ claims: o.coach.claims, canSeeCases: true, role: 'coach' });
	const get = async (o: Org, table: ExportTable) => {
		const r = await exportCsv(asCoach(o), { table, filter: {} });
		if (!r.ok) throw new Error(r.error);
		return r;
	};

	beforeAll(async () => {
		useDb(t().db);
		({ a, b } = await createTwoOrgs(t().db, 'exports'));
		await t().db.asService(async (tx) => {
			const cases = [
				['Z-1', '2026-03-02T09:00:00Z', 2, ['KCC', 'Afval']],
				['Z-2', '2026-03-03T09:00:00Z', 30, ['KCC', 'Afval', 'KCC']],
				['Z-3', '2026-03-10T09:00:00Z', 201, ['Afval']]
			] as const;
			for (const [ext, at, hours, departments] of cases) {
				const [r] = await tx.query<{ id: string }>(
					`insert into report (org_id, source, external_id, received_at, resolved_at)
					 values ($1, 'zaken', $2, $3::timestamptz, $3::timestamptz + make_interval(hours => $4))
					 returning id`,
					[a.id, ext, at, hours]
				);
				for (const [i, d] of departments.entries())
					await tx.query(
						`insert into report_event (org_id, report_id, occurred_at, activity, department, seq)
						 values ($1, $2, $3::timestamptz + make_interval(mins => $4), $5, $6, $4)`,
						[a.id, r.id, at, i + 1, ext === 'Z-3' ? '=HYPERLINK("x")' : `Stap ${i + 1}`, d]
					);
			}
		});
	});
	afterEach(() => overwriteGetLocale(() => 'nl'));
	afterAll(() => useDb(undefined));

	it('holds the weeks the Cijfers page shows, with `;` and a decimal comma in Dutch', async () => {
		overwriteGetLocale(() => 'nl');
		const page = await figures(a.coach.claims, {});
		const r = await get(a, 'figures-weeks');
		expect(r.csv.startsWith('\uFEFFWeek vanaf;Meldingen;')).toBe(true);
		expect(r.fileName).toBe('cijfers-weken.csv');
		const body = rows(r.csv, ';');
		expect(body.map((w) => w[0])).toEqual(page.weeks.map((w) => w.week));
		expect(body.map((w) => Number(w[1]))).toEqual(page.weeks.map((w) => w.cases));
		const march2 = page.weeks.find((w) => w.week === '2026-03-02')!;
		// median of 2 h and 30 h = 16 h; p85 by linear interpolation = 25,8 h
		expect(march2.leadMedianHours).toBe(16);
		const row = body.find((w) => w[0] === '2026-03-02')!;
		expect(row[4]).toBe('16');
		expect(row[5]).toBe(csvNumber(march2.leadP85Hours, 2, 'nl'));
		expect(row[5]).toContain(',');
	});

	it('uses `,` and a decimal point in English', async () => {
		overwriteGetLocale(() => 'en');
		const r = await get(a, 'figures-weeks');
		expect(r.csv.startsWith('\uFEFFWeek of,Reports,')).toBe(true);
		const row = rows(r.csv, ',').find((w) => w[0] === '2026-03-02')!;
		expect(row[5]).toMatch(/^\d+\.\d+$/);
	});

	it('holds the handoff matrix, and an activity that reads as a formula stays text', async () => {
		const page = await figures(a.coach.claims, {});
		const r = await get(a, 'figures-matrix');
		const body = rows(r.csv, ';');
		expect(body).toEqual(page.summary.handoffMatrix.map((c) => [c.from, c.to, String(c.count)]));
		expect(body).toContainEqual(['KCC', 'Afval', '2']);
		const v = await get(a, 'figures-variants');
		expect(v.csv).toContain(`"'=HYPERLINK(""x"")";1`);
		expect(v.csv).not.toMatch(/(^|;|\n)=HYPERLINK/);
	});

	it("another organisation's coach gets the header and no rows", async () => {
		for (const table of ['figures-weeks', 'figures-matrix', 'figures-variants'] as const) {
			const r = await get(b, table);
			expect(rows(r.csv, ';'), table).toEqual([]);
		}
		const mine = await get(a, 'figures-matrix');
		expect(rows(mine.csv, ';').length).toBeGreaterThan(0);
	});

	it('refuses a person who may not see case data, and the coach table to staff', async () => {
		const staff = { claims: a.staff.claims, canSeeCases: false, role: 'staff' };
		expect(await exportCsv(staff, { table: 'figures-weeks', filter: {} })).toEqual({
			ok: false,
			error: 'forbidden'
		});
		expect(await exportCsv(staff, { table: 'coach-teams', filter: {} })).toEqual({
			ok: false,
			error: 'forbidden'
		});
		expect(
			await exportCsv(asCoach(b), {
				table: 'silence-cases',
				filter: {},
				team: '00000000-0000-4000-8000-000000000000'
			})
		).toEqual({ ok: false, error: 'not_found' });
	});
});
