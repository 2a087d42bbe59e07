/**
 * Service agreements between departments (DVO): recording versions (who may, what is refused)
 * and the wait of every handoff held to them (public.handoff_waits), against hand-made cases on
 * PGlite and on PostgreSQL. Times are UTC ('…Z'); the organisations are in Europe/Amsterdam
 * (UTC+1 in winter, UTC+2 from 29 March 2026). Every expected number is worked out beside it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { agreementSchema } from '$lib/schemas/agreements';
import * as agreements from './agreements';
import { useDb } from './db';
import { createTwoOrgs, forEachDriver, type Org } from './db/test-helpers';
import type { Row } from './db/types';
import { agreementHolds, handoffMatrix } from './figures/handoffs';

/** [occurred_at, department] of one case's events, in order. */
type Events = [string, string | null][];

forEachDriver('service agreements between departments', (t) => {
	let a: Org;
	let b: Org;
	const dept: Record<string, string> = {};
	let category: string;

	const service = (sql: string, params: unknown[] = []) =>
		t().db.asService((tx) => tx.query<Row>(sql, params));

	async function addCase(ext: string, events: Events) {
		const [r] = await service(
			`insert into report (org_id, source, external_id, category_id, received_at)
			 values ($1, 'dvo', $2, $3, $4) returning id`,
			[a.id, ext, category, events[0][0]]
		);
		for (const [i, [at, department]] of events.entries())
			await service(
				`insert into report_event (org_id, report_id, occurred_at, activity, department, seq)
				 values ($1, $2, $3, $4, $5, $6)`,
				[a.id, r.id, at, `Stap ${i + 1}`, department, i + 1]
			);
		return String(r.id);
	}

	/** The handoffs of one case as [from → to, wait_hours, wait_working_days, within]. */
	async function waits(ext: string) {
		const rows = await t().db.asUser(a.coach.claims, (tx) =>
			tx.query<Row>(
				`select w.from_department || ' → ' || w.to_department as pair, w.wait_hours,
				        w.wait_working_days, w.limit_value, w.within
				   from public.handoff_waits() w join report r on r.id = w.report_id
				  where r.external_id = $1 order by w.arrived_at`,
				[ext]
			)
		);
		return rows.map((r) => [r.pair, r.wait_hours, r.wait_working_days, r.within]);
	}

	beforeAll(async () => {
		useDb(t().db);
		({ a, b } = await createTwoOrgs(t().db, 'dvo'));
		for (const name of ['KCC', 'Afvalinzameling', 'Wijkbeheer']) {
			const [row] = await service(
				`insert into department (org_id, name, kind) values ($1, $2, 'back_office') returning id`,
				[a.id, name]
			);
			dept[name] = String(row.id);
		}
		const [cat] = await service(
			`insert into category (org_id, name) values ($1, 'Container') returning id`,
			[a.id]
		);
		category = String(cat.id);
	});
	afterAll(() => useDb(undefined));

	const input = (from: string, to: string, limit: number, unit: string, validFrom: string) =>
		agreementSchema.parse({ from: dept[from], to: dept[to], limit, unit, validFrom });

	it('a coach and an admin record agreements; versions number themselves', async () => {
		const one = await agreements.record(
			a.coach.claims,
			input('KCC', 'Afvalinzameling', 1, 'working_days', '2026-01-01')
		);
		expect(one).toMatchObject({ ok: true, version: 1 });
		const two = await agreements.record(
			a.admin.claims,
			input('Afvalinzameling', 'Wijkbeheer', 24, 'hours', '2026-01-01')
		);
		expect(two).toMatchObject({ ok: true, version: 1 });
		// a stricter KCC → Afvalinzameling from 1 April: version 2
		const three = await agreements.record(
			a.coach.claims,
			input('KCC', 'Afvalinzameling', 4, 'hours', '2026-04-01')
		);
		expect(three).toMatchObject({ ok: true, version: 2 });
		const [who] = await service('select created_by from service_agreement where id = $1', [
			(three as { id: string }).id
		]);
		expect(who.created_by).toBe(a.coach.personId);
	});

	it('refuses staff and another organisation, and saves nothing', async () => {
		const staff = await agreements.record(
			a.staff.claims,
			input('Wijkbeheer', 'KCC', 1, 'working_days', '2026-01-01')
		);
		expect(staff).toEqual({ ok: false, error: 'forbidden' });
		// b's admin names a's departments: unknown in b
		const outsider = await agreements.record(
			b.admin.claims,
			input('Wijkbeheer', 'KCC', 1, 'working_days', '2026-01-01')
		);
		expect(outsider).toEqual({ ok: false, error: 'department_unknown' });
		const rows = await service(
			'select count(*)::int as n from service_agreement where from_department_id = $1',
			[dept.Wijkbeheer]
		);
		expect(rows[0].n).toBe(0);
		// another organisation sees none of a's agreements
		const seen = await t().db.asUser(b.admin.claims, (tx) =>
			tx.query<Row>('select count(*)::int as n from service_agreement')
		);
		expect(seen[0].n).toBe(0);
		// nobody changes or removes a version, not even an admin
		for (const sql of [
			'update service_agreement set limit_value = 99',
			'delete from service_agreement'
		]) {
			const out = await t()
				.db.asUser(a.admin.claims, (tx) => tx.query(sql))
				.catch((e: Error) => e.message);
			expect(out).toMatch(/permission denied/);
		}
	});

	it('refuses bad input with a clear reason and saves nothing', async () => {
		const before = await service('select count(*)::int as n from service_agreement');
		// an overlapping version: one already starts on or after that date
		for (const validFrom of ['2026-04-01', '2026-03-01']) {
			expect(
				await agreements.record(
					a.coach.claims,
					input('KCC', 'Afvalinzameling', 2, 'working_days', validFrom)
				)
			).toEqual({ ok: false, error: 'agreement_overlap' });
		}
		// an unknown department
		expect(
			await agreements.record(a.coach.claims, {
				...input('KCC', 'Wijkbeheer', 1, 'working_days', '2026-01-01'),
				to: '00000000-0000-4000-8000-000000000000'
			})
		).toEqual({ ok: false, error: 'department_unknown' });
		const after = await service('select count(*)::int as n from service_agreement');
		expect(after[0].n).toBe(before[0].n);
		// the form refuses zero, negative and no time, and A = B
		const form = (limit: unknown, to = dept.Afvalinzameling) =>
			agreementSchema.safeParse({
				from: dept.KCC,
				to,
				limit,
				unit: 'hours',
				validFrom: '2026-01-01'
			}).error?.issues[0].message;
		expect(form('0')).toBe('number_positive');
		expect(form('-4')).toBe('number_positive');
		expect(form('')).toBe('number_positive');
		expect(form('twee')).toBe('number');
		expect(form('4', dept.KCC)).toBe('agreement_same_department');
		expect(form('2,5')).toBeUndefined();
	});

	it('measures the wait from the last event in A to the first in B, exactly at the limit within', async () => {
		// Fri 6 March 16:00 local → Mon 9 March 09:00: one working day (the limit) → within
		await addCase('Z-1', [
			['2026-03-06T09:00:00Z', 'KCC'],
			['2026-03-06T15:00:00Z', 'KCC'],
			['2026-03-09T08:00:00Z', 'Afvalinzameling'],
			// exactly 24 hours later in Wijkbeheer: the limit → within
			['2026-03-10T08:00:00Z', 'Wijkbeheer']
		]);
		expect(await waits('Z-1')).toEqual([
			['KCC → Afvalinzameling', 65, 1, true],
			['Afvalinzameling → Wijkbeheer', 24, 1, true]
		]);
		// Fri → Tue: two working days → not within; 24 h and one second → not within
		await addCase('Z-2', [
			['2026-03-06T15:00:00Z', 'KCC'],
			['2026-03-10T08:00:00Z', 'Afvalinzameling'],
			['2026-03-11T08:00:01Z', 'Wijkbeheer']
		]);
		expect(await waits('Z-2')).toEqual([
			['KCC → Afvalinzameling', 65 + 24, 2, false],
			['Afvalinzameling → Wijkbeheer', 24 + 1 / 3600, 1, false]
		]);
	});

	it('counts working days without Dutch holidays, and holds each handoff to the version valid then', async () => {
		// 2025-12-31 is before any version: a handoff without agreement. Then, from 1 April the
		// 4-hour version: Thu 2 April 10:00 local → Tue 7 April 09:00 (Easter Monday 6 April is a
		// holiday, Good Friday 3 April is not): 2 working days, 119 hours → not within 4 hours.
		await addCase('Z-3', [
			['2025-12-31T10:00:00Z', 'KCC'],
			['2025-12-31T11:00:00Z', 'Afvalinzameling'],
			['2026-04-02T08:00:00Z', 'KCC'],
			['2026-04-07T07:00:00Z', 'Afvalinzameling']
		]);
		expect(await waits('Z-3')).toEqual([
			['KCC → Afvalinzameling', 1, 0, null],
			['Afvalinzameling → KCC', 2205, 65, null],
			['KCC → Afvalinzameling', 119, 2, false]
		]);
		// Good Friday 3 April → Tue 7 April under version 2: working days Fri-excluded, Mon a
		// holiday, Tue → 1
		const [row] = await t().db.asUser(a.coach.claims, (tx) =>
			tx.query<Row>(`select public.working_days_between('2026-04-03', '2026-04-07') as n`)
		);
		expect(row.n).toBe(1);
	});

	it('sums up per agreement and per department pair, for case readers only', async () => {
		const holds = await t().db.asUser(a.coach.claims, (tx) => agreementHolds(tx, {}));
		const kcc = holds.find((h) => h.fromDepartmentId === dept.KCC)!;
		// KCC → Afvalinzameling judged: Z-1 (within), Z-2 (not), Z-3's April handoff (not)
		expect(kcc).toMatchObject({ handoffs: 3, within: 1 });
		expect(kcc.share).toBeCloseTo(1 / 3);
		// waits 65, 89, 119 hours: median 89, p85 = 89 + 0.7 × 30 = 110
		expect(kcc.medianHours).toBeCloseTo(89);
		expect(kcc.p85Hours).toBeCloseTo(110);
		const matrix = await t().db.asUser(a.coach.claims, (tx) => handoffMatrix(tx, {}));
		const cell = matrix.find((c) => c.from === 'KCC' && c.to === 'Afvalinzameling')!;
		// four handoffs, one of them (31 December) before any agreement
		expect(cell).toMatchObject({ handoffs: 4, share: 1 / 3 });
		// staff outside the teams see no case data, so no handoffs; the other organisation neither
		for (const claims of [a.staff.claims, b.admin.claims])
			expect(await t().db.asUser(claims, (tx) => handoffMatrix(tx, {}))).toEqual([]);
	});
});
