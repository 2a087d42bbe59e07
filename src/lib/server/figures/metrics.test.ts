/**
 * The case-data figures (public.case_summary, public.case_weekly and what they rest on) against
 * small hand-made fixtures, on PGlite and on PostgreSQL. Every expected number is worked out by
 * hand in the comment next to it. Times are UTC ('…Z'); the organisations are in
 * Europe/Amsterdam (UTC+1 in winter, UTC+2 from 31 March 2024 02:00 and 26 March 2023).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/port';
import { createOrg, forEachDriver, type Org } from '../db/test-helpers';
import type { Queryable } from '../db/types';
import { summary, weekly, type CaseSummary, type MetricsFilter, type WeekFigures } from './metrics';

interface CategorySpec {
	name: string;
	normDays?: number;
	normUnit?: 'calendar_days' | 'working_days';
	repeatKey?: 'customer_category' | 'location_category' | 'customer_journey';
	windowDays?: number;
	journeyId?: string;
}

interface ReportSpec {
	ext: string;
	category?: string;
	channel?: string;
	department?: string;
	customer?: string;
	location?: string;
	received: string;
	resolved?: string;
	flagged?: boolean;
	duplicateOf?: string;
	reopened?: boolean;
}

/** [occurred_at, activity, department, seq] */
type EventSpec = [string, string, string | null, number];

function newOrg(db: Db, prefix: string): Promise<Org> {
	return createOrg(db, `${prefix}-${randomBytes(3).toString('hex')}`);
}

async function addCategories(db: Db, org: Org, specs: CategorySpec[]) {
	const ids: Record<string, string> = {};
	await db.asService(async (tx) => {
		for (const c of specs) {
			const [row] = await tx.query<{ id: string }>(
				`insert into category (org_id, name, norm_days, norm_unit, repeat_key, repeat_window_days, journey_id)
				 values ($1, $2, $3, coalesce($4, 'calendar_days')::norm_unit,
				         coalesce($5, 'location_category')::repeat_key, coalesce($6, 30), $7)
				 returning id`,
				[
					org.id,
					c.name,
					c.normDays ?? null,
					c.normUnit ?? null,
					c.repeatKey ?? null,
					c.windowDays ?? null,
					c.journeyId ?? null
				]
			);
			ids[c.name] = row.id;
		}
	});
	return ids;
}

async function addReports(
	db: Db,
	org: Org,
	categories: Record<string, string>,
	specs: ReportSpec[]
) {
	const ids: Record<string, string> = {};
	await db.asService(async (tx) => {
		for (const r of specs) {
			const [row] = await tx.query<{ id: string }>(
				`insert into report (org_id, source, external_id, category_id, channel, department,
				   customer_key, location_key, received_at, resolved_at, flagged_duplicate,
				   duplicate_of, reopened)
				 values ($1, 'test', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning id`,
				[
					org.id,
					r.ext,
					r.category ? categories[r.category] : null,
					r.channel ?? null,
					r.department ?? null,
					r.customer ?? null,
					r.location ?? null,
					r.received,
					r.resolved ?? null,
					r.flagged ?? false,
					r.duplicateOf ?? null,
					r.reopened ?? false
				]
			);
			ids[r.ext] = row.id;
		}
	});
	return ids;
}

/** Adds events to one case, in one statement (so the flow is recomputed once). */
function addEvents(tx: Queryable, org: Org, reportId: string, events: EventSpec[]) {
	return tx.query(
		`insert into report_event (org_id, report_id, occurred_at, activity, department, seq)
		 select $1, $2, e.at, e.activity, e.department, e.seq
		 from jsonb_to_recordset($3::jsonb)
		   as e (at timestamptz, activity text, department text, seq integer)`,
		[
			org.id,
			reportId,
			JSON.stringify(
				events.map(([at, activity, department, seq]) => ({ at, activity, department, seq }))
			)
		]
	);
}

function figures(db: Db, org: Org, filter: MetricsFilter = {}): Promise<CaseSummary> {
	return db.asUser(org.coach.claims, (tx) => summary(tx, filter));
}

function weeks(db: Db, org: Org, filter: MetricsFilter = {}): Promise<WeekFigures[]> {
	return db.asUser(org.coach.claims, (tx) => weekly(tx, filter));
}

const CLOSE = 9; // decimal places for floating-point figures

forEachDriver('case figures', (t) => {
	describe('working days and Dutch public holidays', () => {
		const one = async <T>(sql: string, params: unknown[] = []) => {
			const [row] = await t().db.asService((tx) => tx.query<{ v: T }>(sql, params));
			return row.v;
		};

		it('computes Easter Sunday', async () => {
			// Checked against a different algorithm (Knuth's) and the published dates.
			const expected: Record<number, string> = {
				1990: '1990-04-15',
				2000: '2000-04-23',
				2008: '2008-03-23',
				2016: '2016-03-27',
				2019: '2019-04-21',
				2024: '2024-03-31',
				2025: '2025-04-20',
				2038: '2038-04-25',
				2100: '2100-03-28'
			};
			for (const [year, day] of Object.entries(expected)) {
				expect(await one<string>('select private.easter($1) as v', [Number(year)])).toBe(day);
			}
		});

		it('lists the holidays of the Algemene termijnenwet', async () => {
			const list = (year: number) =>
				t().db.asService((tx) =>
					tx.query<{ day: string; name: string }>('select * from nl_public_holidays($1)', [year])
				);
			// Easter 2024 = 31 March: +1 Tweede Paasdag, +39 Hemelvaartsdag, +50 Tweede Pinksterdag.
			expect(await list(2024)).toEqual([
				{ day: '2024-01-01', name: 'Nieuwjaarsdag' },
				{ day: '2024-04-01', name: 'Tweede Paasdag' },
				{ day: '2024-04-27', name: 'Koningsdag' },
				{ day: '2024-05-05', name: 'Bevrijdingsdag' },
				{ day: '2024-05-09', name: 'Hemelvaartsdag' },
				{ day: '2024-05-20', name: 'Tweede Pinksterdag' },
				{ day: '2024-12-25', name: 'Eerste Kerstdag' },
				{ day: '2024-12-26', name: 'Tweede Kerstdag' }
			]);
			// 27 April 2025 is a Sunday: Koningsdag moves to Saturday the 26th.
			expect((await list(2025)).find((h) => h.name === 'Koningsdag')?.day).toBe('2025-04-26');
			// 2016: Hemelvaartsdag falls on Bevrijdingsdag, 5 May.
			expect((await list(2016)).filter((h) => h.day === '2016-05-05').map((h) => h.name)).toEqual([
				'Bevrijdingsdag',
				'Hemelvaartsdag'
			]);
			// Before 2014 the King's (Queen's) birthday was celebrated on 30 April.
			expect((await list(2010)).find((h) => h.name === 'Koninginnedag')?.day).toBe('2010-04-30');
		});

		it.each([
			// a < d ≤ b: the day of receipt does not count, the day of resolution does
			['2024-05-13', '2024-05-13', 0], // same day
			['2024-05-13', '2024-05-14', 1], // Monday → Tuesday
			['2024-05-10', '2024-05-13', 1], // Friday → Monday: Sat, Sun not, Mon yes
			['2024-05-10', '2024-05-11', 0], // Friday → Saturday
			// Thu 28 Mar → Thu 4 Apr 2024: Fri 29 (Goede Vrijdag is a working day) 1, Sat, Sun,
			// Mon 1 Apr Tweede Paasdag, Tue 2, Wed 3, Thu 4 → 4
			['2024-03-28', '2024-04-04', 4],
			['2024-04-04', '2024-03-28', -4], // reversed: negative
			// Wed 26 Apr → Mon 1 May 2023: Thu 27 Koningsdag, Fri 28 1, Sat, Sun, Mon 1 May 2 → 2
			['2023-04-26', '2023-05-01', 2],
			// Fri 24 Apr → Tue 28 Apr 2026: Sat, Sun, Mon 27 Koningsdag, Tue 28 → 1
			['2026-04-24', '2026-04-28', 1],
			// Wed 8 May → Fri 10 May 2024: Thu 9 Hemelvaartsdag, Fri 10 → 1
			['2024-05-08', '2024-05-10', 1],
			// outside 1990–2100, counted day by day: Fri 29 Dec 1989 → Tue 2 Jan 1990: Sat, Sun,
			// Mon 1 Jan Nieuwjaarsdag, Tue 2 → 1
			['1989-12-29', '1990-01-02', 1],
			// Wed 29 Dec 2100 → Mon 3 Jan 2101: Thu 30, Fri 31, Sat 1 Jan, Sun 2, Mon 3 → 3
			['2100-12-29', '2101-01-03', 3]
		])('working_days_between(%s, %s) = %i', async (a, b, n) => {
			expect(await one<number>('select working_days_between($1, $2) as v', [a, b])).toBe(n);
		});

		it('is null when a date is missing', async () => {
			expect(await one('select working_days_between(null, $1::date) as v', ['2024-01-01'])).toBe(
				null
			);
		});

		it('the calendar arithmetic agrees with counting day by day', async () => {
			// 400 pairs spread over 1990–2099, 5 days back to 34 days forward.
			const [row] = await t().db.asService((tx) =>
				tx.query<{ wrong: number; n: number }>(
					`select count(*) filter (where private.working_days_slow(a, b)
					                               is distinct from working_days_between(a, b)) as wrong,
					        count(*) as n
					 from (select date '1990-01-01' + (i * 7919) % 40000 as a,
					              date '1990-01-01' + (i * 7919) % 40000 + i % 40 - 5 as b
					       from generate_series(1, 400) i) x`
				)
			);
			expect(row).toEqual({ wrong: 0, n: 400 });
		});
	});

	describe('lead time, norm and open cases', () => {
		let org: Org;
		let ids: Record<string, string>;

		beforeAll(async () => {
			org = await newOrg(t().db, 'lead');
			const cat = await addCategories(t().db, org, [
				{ name: 'C1 calendar', normDays: 2, normUnit: 'calendar_days' },
				{ name: 'C2 working', normDays: 2, normUnit: 'working_days' },
				{ name: 'C3 no norm' }
			]);
			ids = await addReports(t().db, org, cat, [
				// L1: Wed 26 Apr 2023 10:00 → Mon 1 May 10:00 (CEST): 120 h; working days 2
				// (Koningsdag Thu 27 and the weekend do not count) ≤ 2 → within
				{
					ext: 'L1',
					category: 'C2 working',
					received: '2023-04-26T08:00:00Z',
					resolved: '2023-05-01T08:00:00Z'
				},
				// L2: Thu 28 Mar 2024 10:00 CET → Thu 4 Apr 10:00 CEST: 7 days less the hour lost to
				// summer time = 167 h; working days 4 (Easter Monday does not count) > 2 → not within
				{
					ext: 'L2',
					category: 'C2 working',
					received: '2024-03-28T09:00:00Z',
					resolved: '2024-04-04T08:00:00Z'
				},
				// L3: exactly 48 h = 2 days ≤ 2 → within; working days Tue, Wed = 2
				{
					ext: 'L3',
					category: 'C1 calendar',
					received: '2024-05-06T08:00:00Z',
					resolved: '2024-05-08T08:00:00Z'
				},
				// L4: 49 h > 2 days → not within; working days 2
				{
					ext: 'L4',
					category: 'C1 calendar',
					received: '2024-05-06T08:00:00Z',
					resolved: '2024-05-08T09:00:00Z'
				},
				// L5: no category (no norm): 10 h, same day → 0 working days
				{ ext: 'L5', received: '2024-05-13T08:00:00Z', resolved: '2024-05-13T18:00:00Z' },
				// L6: category without a norm: 24 h; Mon 20 May (Tweede Pinksterdag) → Tue 21 = 1
				{
					ext: 'L6',
					category: 'C3 no norm',
					received: '2024-05-20T08:00:00Z',
					resolved: '2024-05-21T08:00:00Z'
				},
				// Open cases, aged at p_to = 2024-07-01T00:00Z:
				{ ext: 'O1', category: 'C1 calendar', received: '2024-06-23T12:00:00Z' }, // 7.5 d → 0-7
				{ ext: 'O2', category: 'C1 calendar', received: '2024-06-01T00:00:00Z' }, // 30 d → 8-30
				{ ext: 'O3', category: 'C1 calendar', received: '2024-04-01T00:00:00Z' }, // 91 d → >90
				{ ext: 'O4', category: 'C1 calendar', received: '2024-04-02T00:00:00Z' }, // 90 d → 31-90
				{ ext: 'O5', category: 'C1 calendar', received: '2024-06-20T00:00:00Z' } // 11 d → 8-30
			]);
		});

		it('gives each case its lead time and whether it met the norm', async () => {
			const rows = await t().db.asUser(org.coach.claims, (tx) =>
				tx.query<{
					report_id: string;
					lead_hours: number | null;
					lead_working_days: number | null;
					within_norm: boolean | null;
				}>('select report_id, lead_hours, lead_working_days, within_norm from case_lead_time')
			);
			const byExt = Object.fromEntries(
				Object.entries(ids).map(([ext, id]) => {
					const r = rows.find((row) => row.report_id === id)!;
					return [ext, [r.lead_hours, r.lead_working_days, r.within_norm]];
				})
			);
			expect(byExt).toEqual({
				L1: [120, 2, true],
				L2: [167, 4, false],
				L3: [48, 2, true],
				L4: [49, 2, false],
				L5: [10, 0, null],
				L6: [24, 1, null],
				O1: [null, null, null],
				O2: [null, null, null],
				O3: [null, null, null],
				O4: [null, null, null],
				O5: [null, null, null]
			});
		});

		it('summarises lead times with percentile_cont, leaving out open cases', async () => {
			const s = await figures(t().db, org, { to: '2024-07-01T00:00:00Z' });
			expect(s.cases).toBe(11);
			// hours, sorted: 10, 24, 48, 49, 120, 167 (n = 6; position p·(n−1), interpolated)
			// mean = 418 / 6; median: position 2.5 → (48 + 49) / 2 = 48.5;
			// p85: position 4.25 → 120 + 0.25 · 47 = 131.75; p95: 4.75 → 120 + 0.75 · 47 = 155.25
			expect(s.leadTimeHours.count).toBe(6);
			expect(s.leadTimeHours.mean).toBeCloseTo(418 / 6, CLOSE);
			expect(s.leadTimeHours.median).toBeCloseTo(48.5, CLOSE);
			expect(s.leadTimeHours.p85).toBeCloseTo(131.75, CLOSE);
			expect(s.leadTimeHours.p95).toBeCloseTo(155.25, CLOSE);
			// working days, sorted: 0, 1, 2, 2, 2, 4: mean 11 / 6; median (2 + 2) / 2 = 2;
			// p85: 2 + 0.25 · 2 = 2.5; p95: 2 + 0.75 · 2 = 3.5
			expect(s.leadTimeWorkingDays.count).toBe(6);
			expect(s.leadTimeWorkingDays.mean).toBeCloseTo(11 / 6, CLOSE);
			expect(s.leadTimeWorkingDays.median).toBeCloseTo(2, CLOSE);
			expect(s.leadTimeWorkingDays.p85).toBeCloseTo(2.5, CLOSE);
			expect(s.leadTimeWorkingDays.p95).toBeCloseTo(3.5, CLOSE);
		});

		it('counts within norm over closed cases that have a norm', async () => {
			// L1 yes, L2 no, L3 yes, L4 no; L5, L6 have no norm; open cases do not count → 2 / 4
			const s = await figures(t().db, org, { to: '2024-07-01T00:00:00Z' });
			expect(s.withinNorm).toBeCloseTo(0.5, CLOSE);
			// Only L5 and L6 (no norm) received in May 13–21 → null
			const none = await figures(t().db, org, {
				from: '2024-05-13T00:00:00Z',
				to: '2024-05-22T00:00:00Z'
			});
			expect(none.cases).toBe(2);
			expect(none.withinNorm).toBeNull();
		});

		it('shows open cases as ageing work at p_to', async () => {
			const s = await figures(t().db, org, { to: '2024-07-01T00:00:00Z' });
			expect(s.openCases).toEqual({
				total: 5,
				buckets: [
					{ label: '0-7', count: 1 }, // O1
					{ label: '8-30', count: 2 }, // O2, O5
					{ label: '31-90', count: 1 }, // O4
					{ label: '>90', count: 1 } // O3
				]
			});
		});

		it('has empty figures for a period without cases', async () => {
			const s = await figures(t().db, org, { from: '2030-01-01T00:00:00Z' });
			expect(s).toEqual({
				cases: 0,
				events: 0,
				leadTimeHours: { count: 0, mean: null, median: null, p85: null, p95: null },
				leadTimeWorkingDays: { count: 0, mean: null, median: null, p85: null, p95: null },
				withinNorm: null,
				openCases: {
					total: 0,
					buckets: [
						{ label: '0-7', count: 0 },
						{ label: '8-30', count: 0 },
						{ label: '31-90', count: 0 },
						{ label: '>90', count: 0 }
					]
				},
				repeats: { byRule: 0, bySource: 0, total: 0 },
				repeatRate: null,
				handoffs: 0,
				casesWithHandoff: 0,
				variants: { count: 0, top: [] },
				handoffMatrix: []
			});
		});
	});

	describe('handoffs and variants', () => {
		let org: Org;
		let ids: Record<string, string>;
		const day = (time: string) => `2024-05-01T${time}:00Z`;

		beforeAll(async () => {
			org = await newOrg(t().db, 'flow');
			ids = await addReports(
				t().db,
				org,
				{},
				['H1', 'H2', 'H3', 'H4', 'H5'].map((ext) => ({
					ext,
					received: day('08:00'),
					resolved: day('12:00')
				}))
			);
			await t().db.asService(async (tx) => {
				// H1: two events at 09:00 — seq (source order) puts Zien (Backoffice) before
				// Afspreken (Buitendienst), although neither the alphabet nor the order of storing
				// does: stored in two statements, the first event last.
				await addEvents(tx, org, ids.H1, [
					[day('12:00'), 'Afsluiten', 'KCC', 4],
					[day('09:00'), 'Afspreken', 'Buitendienst', 3],
					[day('09:00'), 'Zien', 'Backoffice', 2]
				]);
				await addEvents(tx, org, ids.H1, [[day('08:00'), 'Registreren', 'KCC', 1]]);
				// → KCC → Backoffice → Buitendienst → KCC: 3 handoffs
				// H2: an empty, a blank and a missing department break the chain: no handoff
				// (KCC → '' and '' → Backoffice are not handoffs; Backoffice → Backoffice neither)
				await addEvents(tx, org, ids.H2, [
					[day('08:00'), 'Registreren', 'KCC', 1],
					[day('09:00'), 'Beoordelen', '', 2],
					[day('10:00'), 'Afsluiten', 'Backoffice', 3],
					[day('10:30'), 'Controleren', 'Backoffice', 4],
					[day('11:00'), 'Archiveren', '  ', 5],
					[day('12:00'), 'Sluiten', null, 6]
				]);
				// H3: the same activities as H1; one handoff KCC → Backoffice
				await addEvents(tx, org, ids.H3, [
					[day('08:00'), 'Registreren', 'KCC', 1],
					[day('09:00'), 'Zien', 'KCC', 2],
					[day('10:00'), 'Afspreken', 'KCC', 3],
					[day('12:00'), 'Afsluiten', 'Backoffice', 4]
				]);
				// H4: no events (a case-shaped source). H5: one event.
				await addEvents(tx, org, ids.H5, [[day('08:00'), 'Registreren', 'KCC', 1]]);
			});
		});

		it('counts handoffs in event order, ties in source order, without empty departments', async () => {
			const s = await figures(t().db, org);
			expect(s.cases).toBe(5);
			expect(s.events).toBe(15); // 4 + 6 + 4 + 0 + 1
			expect(s.handoffs).toBe(4); // H1 3, H3 1
			expect(s.casesWithHandoff).toBe(2);
			expect(s.handoffMatrix).toEqual([
				{ from: 'KCC', to: 'Backoffice', count: 2 }, // H1, H3
				{ from: 'Backoffice', to: 'Buitendienst', count: 1 },
				{ from: 'Buitendienst', to: 'KCC', count: 1 }
			]);
			// no categories: lead times count, the norm does not
			expect(s.leadTimeHours).toEqual({ count: 5, mean: 4, median: 4, p85: 4, p95: 4 });
			expect(s.withinNorm).toBeNull();
		});

		it('counts variants over the cases that have events', async () => {
			const s = await figures(t().db, org);
			// H1 and H3 share a sequence; H2 and H5 each have their own; H4 has no events.
			// Ties (1 case each) in the order of the sequence: [Registreren] sorts first.
			expect(s.variants).toEqual({
				count: 3,
				top: [
					{ activities: ['Registreren', 'Zien', 'Afspreken', 'Afsluiten'], cases: 2 },
					{ activities: ['Registreren'], cases: 1 },
					{
						activities: [
							'Registreren',
							'Beoordelen',
							'Afsluiten',
							'Controleren',
							'Archiveren',
							'Sluiten'
						],
						cases: 1
					}
				]
			});
		});

		it('follows changes to the events', async () => {
			await t().db.asService((tx) =>
				tx.query(
					`update report_event set department = 'KCC' where report_id = $1 and activity = 'Afsluiten'`,
					[ids.H3]
				)
			);
			let s = await figures(t().db, org);
			expect(s.handoffs).toBe(3); // H3 now has none
			expect(s.handoffMatrix).toEqual([
				{ from: 'Backoffice', to: 'Buitendienst', count: 1 },
				{ from: 'Buitendienst', to: 'KCC', count: 1 },
				{ from: 'KCC', to: 'Backoffice', count: 1 }
			]);
			await t().db.asService((tx) =>
				tx.query(`delete from report_event where report_id = $1`, [ids.H2])
			);
			s = await figures(t().db, org);
			expect(s.events).toBe(9);
			expect(s.variants.count).toBe(2);
			await t().db.asService((tx) => tx.query(`delete from report where id = $1`, [ids.H5]));
			const [{ n }] = await t().db.asService((tx) =>
				tx.query<{ n: number }>('select count(*) as n from report_flow where org_id = $1', [org.id])
			);
			expect(n).toBe(2); // H1, H3
		});
	});

	describe('repeat reports', () => {
		let org: Org;
		const journey = randomUUID();
		const period = { from: '2024-03-01T00:00:00Z', to: '2024-04-01T00:00:00Z' };

		beforeAll(async () => {
			org = await newOrg(t().db, 'rep');
			const cat = await addCategories(t().db, org, [
				{ name: 'Afval', repeatKey: 'location_category', windowDays: 30 },
				{ name: 'Straat', repeatKey: 'location_category', windowDays: 30 },
				{ name: 'Vergunning', repeatKey: 'customer_category', windowDays: 10 },
				{ name: 'Reis A', repeatKey: 'customer_journey', windowDays: 30, journeyId: journey },
				{ name: 'Reis B', repeatKey: 'location_category', windowDays: 30, journeyId: journey }
			]);
			const r = (ext: string, category: string | undefined, received: string, more = {}) => ({
				ext,
				category,
				received,
				...more
			});
			await addReports(t().db, org, cat, [
				// location A, Afval: R1 before the period; R2 and R3 at the same instant, 13 days
				// after R1 → both repeats (R1 counts although it lies before the period)
				r('R1', 'Afval', '2024-02-20T10:00:00Z', { location: 'A' }),
				r('R2', 'Afval', '2024-03-05T10:00:00Z', { location: 'A', flagged: true }),
				r('R3', 'Afval', '2024-03-05T10:00:00Z', { location: 'A' }),
				// location B: R4 and R5 at the same instant, nothing earlier → neither is a repeat
				r('R4', 'Afval', '2024-03-10T09:00:00Z', { location: 'B' }),
				r('R5', 'Afval', '2024-03-10T09:00:00Z', { location: 'B' }),
				// location C: 1 Mar 10:00 CET → 31 Mar 10:00 CEST: 30 local days (29 d 23 h) →
				// repeat
				r('R6', 'Afval', '2024-03-01T09:00:00Z', { location: 'C' }),
				r('R7', 'Afval', '2024-03-31T08:00:00Z', { location: 'C' }),
				// location D: 1 Feb → 3 Mar 2024 = 31 days (February has 29) → not a repeat
				r('R8', 'Afval', '2024-02-01T10:00:00Z', { location: 'D' }),
				r('R9', 'Afval', '2024-03-03T10:00:00Z', { location: 'D' }),
				// location E: 5 Feb → 6 Mar = exactly 30 days → repeat
				r('R10', 'Afval', '2024-02-05T10:00:00Z', { location: 'E' }),
				r('R11', 'Afval', '2024-03-06T10:00:00Z', { location: 'E' }),
				// location F in two categories → not a repeat
				r('R12', 'Afval', '2024-03-10T10:00:00Z', { location: 'F' }),
				r('R13', 'Straat', '2024-03-12T10:00:00Z', { location: 'F' }),
				// no location → never a repeat by the rule
				r('R14', 'Afval', '2024-03-15T10:00:00Z'),
				r('R15', 'Afval', '2024-03-16T10:00:00Z'),
				// customer X, Vergunning (10 days): R16 → R17 exactly 10 days → repeat;
				// R17 → R18: 20 Mar 11:00 CET → 31 Mar 12:00 CEST = 11 days 1 hour → not
				r('R16', 'Vergunning', '2024-03-10T10:00:00Z', { customer: 'X' }),
				r('R17', 'Vergunning', '2024-03-20T10:00:00Z', { customer: 'X' }),
				r('R18', 'Vergunning', '2024-03-31T10:00:00Z', { customer: 'X' }),
				// no customer → never
				r('R19', 'Vergunning', '2024-03-21T10:00:00Z'),
				// journey: R20 in Reis B, then R21 in Reis A (rule customer + journey) for the same
				// customer → R21 is a repeat; R22 in Reis B judges by its own rule (location H, new)
				r('R20', 'Reis B', '2024-03-02T10:00:00Z', { customer: 'Y', location: 'G' }),
				r('R21', 'Reis A', '2024-03-12T10:00:00Z', { customer: 'Y' }),
				r('R22', 'Reis B', '2024-03-14T10:00:00Z', { customer: 'Y', location: 'H' }),
				// flagged by the source
				r('R23', 'Straat', '2024-03-20T10:00:00Z', { flagged: true }),
				r('R24', 'Straat', '2024-03-21T10:00:00Z', { duplicateOf: 'EXT-1' }),
				r('R25', 'Straat', '2024-03-22T10:00:00Z', { reopened: true }),
				// after the period: 28 days after R2/R3 → a repeat, but not counted in the period
				r('R26', 'Afval', '2024-04-02T10:00:00Z', { location: 'A' })
			]);
		});

		it('finds repeats by the rule and by the source, and counts their union once', async () => {
			const s = await figures(t().db, org, period);
			// in the period: R2–R7, R9, R11–R25 = 22 reports
			expect(s.cases).toBe(22);
			expect(s.repeats).toEqual({
				byRule: 6, // R2, R3, R7, R11, R17, R21
				bySource: 4, // R2, R23, R24, R25
				total: 9 // R2 in both
			});
			expect(s.repeatRate).toBeCloseTo(9 / 22, CLOSE);
		});

		it('judges every report when there is no period', async () => {
			const s = await figures(t().db, org);
			expect(s.cases).toBe(26);
			expect(s.repeats).toEqual({ byRule: 7, bySource: 4, total: 10 }); // + R26
			expect(s.repeatRate).toBeCloseTo(10 / 26, CLOSE);
		});

		it('looks back before the period start', async () => {
			// Only 5 and 6 March: R2, R3 (repeats of R1 in February) and R11 (of R10)
			const s = await figures(t().db, org, {
				from: '2024-03-05T00:00:00Z',
				to: '2024-03-07T00:00:00Z'
			});
			expect(s.cases).toBe(3);
			expect(s.repeats).toEqual({ byRule: 3, bySource: 1, total: 3 });
		});
	});

	describe('filters and the weekly series', () => {
		let org: Org;
		let cat: Record<string, string>;
		let ids: Record<string, string>;

		beforeAll(async () => {
			org = await newOrg(t().db, 'week');
			cat = await addCategories(t().db, org, [
				{ name: 'A', normDays: 1, normUnit: 'calendar_days' },
				{ name: 'B', normDays: 1, normUnit: 'working_days' }
			]);
			ids = await addReports(t().db, org, cat, [
				// F1: Wed 10 Jan, 10 h, within (A: 1 day)
				{
					ext: 'F1',
					category: 'A',
					channel: 'web',
					department: 'KCC',
					received: '2024-01-10T09:00:00Z',
					resolved: '2024-01-10T19:00:00Z'
				},
				// F2: Sat 20 Jan → Sun 21 Jan 06:00 local, 20 h, within; a repeat of F5 (location L1)
				{
					ext: 'F2',
					category: 'A',
					channel: 'phone',
					department: 'Backoffice',
					location: 'L1',
					received: '2024-01-20T09:00:00Z',
					resolved: '2024-01-21T05:00:00Z'
				},
				// F3: Sun 11 Feb 10:00 local (week of 5 Feb) → Mon 12 Feb 16:00 local (week of
				// 12 Feb): 30 h; working days (Sun, Mon] = 1 ≤ 1 → within
				{
					ext: 'F3',
					category: 'B',
					channel: 'web',
					department: 'Backoffice',
					received: '2024-02-11T09:00:00Z',
					resolved: '2024-02-12T15:00:00Z'
				},
				// F4: Tue 5 Mar 10:00 → Thu 7 Mar 02:00 local: 40 h; working days Wed, Thu = 2 > 1;
				// flagged as a duplicate
				{
					ext: 'F4',
					category: 'B',
					channel: 'email',
					department: 'KCC',
					received: '2024-03-05T09:00:00Z',
					resolved: '2024-03-07T01:00:00Z',
					flagged: true
				},
				// F5: Sunday 14 Jan 23:30 UTC = Monday 15 Jan 00:30 local → week of 15 Jan; open
				{
					ext: 'F5',
					category: 'A',
					channel: 'phone',
					department: 'KCC',
					location: 'L1',
					received: '2024-01-14T23:30:00Z'
				},
				// F6: Mon 4 Mar → Wed 6 Mar: 50 h > 1 day → not within
				{
					ext: 'F6',
					category: 'A',
					channel: 'counter',
					department: 'KCC',
					received: '2024-03-04T08:00:00Z',
					resolved: '2024-03-06T10:00:00Z'
				}
			]);
			await t().db.asService(async (tx) => {
				// F1: 1 handoff; F3: 2 handoffs
				await addEvents(tx, org, ids.F1, [
					['2024-01-10T09:00:00Z', 'Registreren', 'KCC', 1],
					['2024-01-10T12:00:00Z', 'Behandelen', 'Backoffice', 2]
				]);
				await addEvents(tx, org, ids.F3, [
					['2024-02-11T09:00:00Z', 'Registreren', 'Backoffice', 1],
					['2024-02-11T12:00:00Z', 'Inspecteren', 'Buitendienst', 2],
					['2024-02-12T15:00:00Z', 'Afsluiten', 'KCC', 3]
				]);
			});
		});

		it('summarises all cases without a filter', async () => {
			const s = await figures(t().db, org);
			expect(s.cases).toBe(6);
			// closed: 10, 20, 30, 40, 50 → mean 30, median 30
			expect(s.leadTimeHours.count).toBe(5);
			expect(s.leadTimeHours.mean).toBeCloseTo(30, CLOSE);
			expect(s.leadTimeHours.median).toBeCloseTo(30, CLOSE);
			// A: F1 yes, F2 yes, F6 no; B: F3 yes, F4 no → 3 / 5
			expect(s.withinNorm).toBeCloseTo(0.6, CLOSE);
			expect(s.repeats).toEqual({ byRule: 1, bySource: 1, total: 2 }); // F2; F4
			expect(s.handoffs).toBe(3);
		});

		it.each([
			// January: F1, F2, F5 (open) → 10, 20
			['period', { from: '2024-01-01T00:00:00Z', to: '2024-02-01T00:00:00Z' }, 3, 15],
			// p_to is exclusive: received before F3 → F1, F2, F5
			['before F3', { to: '2024-02-11T09:00:00Z' }, 3, 15],
			// p_from is inclusive: F3, F4, F6 → 30, 40, 50
			['from F3', { from: '2024-02-11T09:00:00Z' }, 3, 40],
			// category A: F1, F2, F5, F6 → 10, 20, 50
			['category', { category: 'A' }, 4, 80 / 3],
			// web: F1, F3 → 10, 30
			['channel', { channel: 'web' }, 2, 20],
			// Backoffice: F2, F3 → 20, 30
			['department', { department: 'Backoffice' }, 2, 25],
			// B and web: F3 → 30
			['category and channel', { category: 'B', channel: 'web' }, 1, 30]
		] as [string, MetricsFilter, number, number][])(
			'filters: %s',
			async (_name, filter, cases, meanHours) => {
				const resolved = {
					...filter,
					category: filter.category ? cat[filter.category] : undefined
				};
				const s = await figures(t().db, org, resolved);
				expect(s.cases).toBe(cases);
				expect(s.leadTimeHours.mean).toBeCloseTo(meanHours, CLOSE);
			}
		);

		const zero = (week: string): WeekFigures => ({
			week,
			cases: 0,
			repeats: 0,
			repeatRate: null,
			leadMedianHours: null,
			leadP85Hours: null,
			withinNorm: null,
			handoffs: 0,
			leadP85WorkingDays: null
		});
		const expected: WeekFigures[] = [
			// received F1; resolved F1 (10 h, within); F1's handoff
			{ ...zero('2024-01-08'), cases: 1, repeatRate: 0, handoffs: 1 },
			// received F5 (Monday 00:30 local) and F2 (a repeat); resolved F2 (20 h, within)
			{ ...zero('2024-01-15'), cases: 2, repeats: 1, repeatRate: 0.5 },
			zero('2024-01-22'),
			zero('2024-01-29'),
			// received F3 with its 2 handoffs; nothing resolved
			{ ...zero('2024-02-05'), cases: 1, repeatRate: 0, handoffs: 2 },
			// F3 resolved (30 h, within)
			zero('2024-02-12'),
			zero('2024-02-19'),
			zero('2024-02-26'),
			// received F6 and F4 (flagged); resolved F6 (50 h, no) and F4 (40 h, no):
			// median (40 + 50) / 2 = 45; p85 40 + 0.85 · 10 = 48.5; within 0 / 2
			{ ...zero('2024-03-04'), cases: 2, repeats: 1, repeatRate: 0.5 }
		];
		// [median h, p85 h, within norm, p85 working days]: working days counted in (received,
		// resolved]: F1 (Wed → Wed) 0, F2 (Sat → Sun) 0, F3 (Sun → Mon) 1, F6 (Mon → Wed) 2,
		// F4 (Tue → Thu) 2
		const lead: Record<string, [number, number, number, number]> = {
			'2024-01-08': [10, 10, 1, 0],
			'2024-01-15': [20, 20, 1, 0],
			'2024-02-12': [30, 30, 1, 1],
			'2024-03-04': [45, 48.5, 0, 2]
		};
		for (const row of expected) {
			if (lead[row.week]) {
				[row.leadMedianHours, row.leadP85Hours, row.withinNorm, row.leadP85WorkingDays] =
					lead[row.week];
			}
		}

		function expectWeeks(actual: WeekFigures[], wanted: WeekFigures[]) {
			expect(actual.map((w) => w.week)).toEqual(wanted.map((w) => w.week));
			actual.forEach((w, i) => {
				const e = wanted[i];
				expect({ ...w, leadP85Hours: null }).toEqual({ ...e, leadP85Hours: null });
				if (e.leadP85Hours === null) expect(w.leadP85Hours).toBeNull();
				else expect(w.leadP85Hours).toBeCloseTo(e.leadP85Hours, CLOSE);
			});
		}

		it('gives one row per ISO week in the organisation’s zone, empty weeks included', async () => {
			const rows = await weeks(t().db, org, {
				from: '2024-01-08T00:00:00+01:00',
				to: '2024-03-11T00:00:00+01:00'
			});
			expectWeeks(rows, expected);
		});

		it('runs from the first to the last week with data when there is no period', async () => {
			expectWeeks(await weeks(t().db, org), expected);
		});

		it('puts a case resolved in the period in its week, wherever it was received', async () => {
			// From 12 February: F3 (received the week before) counts in the week it was resolved.
			const rows = await weeks(t().db, org, {
				from: '2024-02-12T00:00:00+01:00',
				to: '2024-02-19T00:00:00+01:00'
			});
			expectWeeks(rows, [{ ...zero('2024-02-12'), ...leadOf(30, 30, 1, 1) }]);
		});

		function leadOf(median: number, p85: number, within: number, workingDays: number) {
			return {
				leadMedianHours: median,
				leadP85Hours: p85,
				withinNorm: within,
				leadP85WorkingDays: workingDays
			};
		}

		it('applies the filters to the weekly series', async () => {
			const rows = await weeks(t().db, org, { channel: 'web' });
			// F1 (week 8 Jan) and F3 (received week 5 Feb, resolved week 12 Feb)
			expectWeeks(rows, [
				{ ...zero('2024-01-08'), cases: 1, repeatRate: 0, handoffs: 1, ...leadOf(10, 10, 1, 0) },
				zero('2024-01-15'),
				zero('2024-01-22'),
				zero('2024-01-29'),
				{ ...zero('2024-02-05'), cases: 1, repeatRate: 0, handoffs: 2 },
				{ ...zero('2024-02-12'), ...leadOf(30, 30, 1, 1) }
			]);
		});

		describe('who sees the figures', () => {
			it('a coach and an admin see the organisation’s cases', async () => {
				for (const who of [org.coach, org.admin]) {
					const s = await t().db.asUser(who.claims, (tx) => summary(tx));
					expect(s.cases).toBe(6);
				}
			});

			it('a staff member sees no cases', async () => {
				const s = await t().db.asUser(org.staff.claims, (tx) => summary(tx));
				expect(s.cases).toBe(0);
				expect(s.events).toBe(0);
				expect(s.handoffs).toBe(0);
				expect(s.variants.count).toBe(0);
				expect(await t().db.asUser(org.staff.claims, (tx) => weekly(tx))).toEqual([]);
			});

			it('a person of another organisation sees none of them', async () => {
				const other = await newOrg(t().db, 'other');
				for (const who of [other.admin, other.coach]) {
					const s = await t().db.asUser(who.claims, (tx) => summary(tx));
					expect(s.cases).toBe(0);
					// asking for this organisation explicitly changes nothing
					const asked = await t().db.asUser(who.claims, (tx) => summary(tx, { orgId: org.id }));
					expect(asked.cases).toBe(0);
				}
			});

			it('an anonymous request may not call the functions', async () => {
				await expect(t().db.asAnon((tx) => summary(tx))).rejects.toThrow(/permission denied/);
			});

			it('the service path sees one organisation when asked', async () => {
				const s = await t().db.asService((tx) => summary(tx, { orgId: org.id }));
				expect(s).toEqual(await figures(t().db, org));
				const w = await t().db.asService((tx) => weekly(tx, { orgId: org.id }));
				expectWeeks(w, expected);
			});
		});
	});
});
