/**
 * Silence time on hand-made cases (DESIGN.md "Silence time"): open and closed cases, contacts
 * at receipt, before it and after the window, an activity written in another case, Dutch
 * holidays inside a gap (Koningsdag 27 April 2026, Bevrijdingsdag 5 May 2026), a norm per
 * category met exactly. On PGlite and on PostgreSQL, as a user under row level security.
 */
import { beforeAll, expect, it } from 'vitest';
import { useDb } from '../db';
import { createTwoOrgs, forEachDriver, type Org } from '../db/test-helpers';
import type { Queryable } from '../db/types';
import { categorySchema } from '$lib/schemas/case-data';
import { updateCategory } from '../case-data';
import { story } from './case-story';
import { confirm, overview, remove } from './contact-activities';
import { silenceSummary, silenceWeekly, silentNow, variants } from './silence';

const NOW = '2026-05-13T12:00:00+02:00';

async function seed(tx: Queryable, org: Org) {
	const one = async (sql: string, p: unknown[]) => (await tx.query<{ id: string }>(sql, p))[0].id;
	const afval = await one(`insert into category (org_id, name) values ($1, 'Afval') returning id`, [
		org.id
	]);
	const snel = await one(
		`insert into category (org_id, name, silence_norm_days) values ($1, 'Snel', 2) returning id`,
		[org.id]
	);
	await tx.query(
		`insert into contact_activity (org_id, activity, direction) values
		   ($1, 'Klant gebeld', 'outbound'), ($1, 'Bevestiging verstuurd', 'outbound')`,
		[org.id]
	);
	const report = (id: string, category: string, received: string, resolved: string | null) =>
		one(
			`insert into report (org_id, source, external_id, category_id, channel, customer_key,
			   received_at, resolved_at)
			 values ($1, 'zaken', $2, $3, 'telefoon', 'klant-1', $4, $5) returning id`,
			[org.id, id, category, received, resolved]
		);
	const events = async (reportId: string, list: [string, string, string][]) => {
		let seq = 0;
		for (const [at, activity, department] of list)
			await tx.query(
				`insert into report_event (org_id, report_id, occurred_at, activity, department, seq)
				 values ($1, $2, $3, $4, $5, $6)`,
				[org.id, reportId, at, activity, department, ++seq]
			);
	};
	// 1: closed; longest gap 20 Apr 10:00 → 29 Apr 09:00 = 215 h, 6 working days (27 April is
	// Koningsdag), over the norm of 5. The contact is written in another case, with a space.
	const z1 = await report('Z-1', afval, '2026-04-20T09:00:00+02:00', '2026-04-30T09:00:00+02:00');
	await events(z1, [
		['2026-04-20T09:00:00+02:00', 'Melding ontvangen', 'KCC'],
		['2026-04-20T10:00:00+02:00', 'Bevestiging verstuurd', 'KCC'],
		['2026-04-22T09:00:00+02:00', 'Ingepland', 'Afval'],
		['2026-04-29T09:00:00+02:00', ' klant GEBELD', 'KCC'],
		['2026-04-30T09:00:00+02:00', 'Afgemeld', 'KCC']
	]);
	// 2: closed; a contact at the instant of receipt (one point), one before it and one after
	// resolution (both ignored): 72 h, 3 working days.
	const z2 = await report('Z-2', afval, '2026-04-20T09:00:00+02:00', '2026-04-23T09:00:00+02:00');
	await events(z2, [
		['2026-04-19T09:00:00+02:00', 'Klant gebeld', 'KCC'],
		['2026-04-20T09:00:00+02:00', 'Klant gebeld', 'KCC'],
		['2026-04-21T09:00:00+02:00', 'Ingepland', 'Afval'],
		['2026-04-24T09:00:00+02:00', 'Klant gebeld', 'KCC']
	]);
	// 3: open; Fri 1 May 09:00 → Mon 4 May 12:00 (75 h, 1 working day) → now Wed 13 May 12:00
	// (216 h, 6 working days: Bevrijdingsdag does not count): silent past its norm now.
	const z3 = await report('Z-3', afval, '2026-05-01T09:00:00+02:00', null);
	await events(z3, [['2026-05-04T12:00:00+02:00', 'Klant gebeld', 'KCC']]);
	// 4: open, norm 2; Mon 11 May 09:00 → now: 51 h, 2 working days — exactly the norm, not over.
	await report('Z-4', snel, '2026-05-11T09:00:00+02:00', null);
	return { z1, z2, z3 };
}

forEachDriver('silence time', (t) => {
	let a: Org;
	let b: Org;
	let ids: { z1: string; z2: string; z3: string };

	beforeAll(async () => {
		useDb(t().db);
		({ a, b } = await createTwoOrgs(t().db, 'silence'));
		ids = await t().db.asService((tx) => seed(tx, a));
		await t().db.asService((tx) => seed(tx, b));
	});

	it('takes the longest gap between contact moments, holidays left out of working days', async () => {
		const s = await t().db.asUser(a.coach.claims, (tx) => silenceSummary(tx, {}, NOW));
		// silences 51, 72, 215, 216 h; percentile_cont: median (72 + 215) / 2, p85 215 + 0.55 × 1
		expect(s.cases).toBe(4);
		expect(s.silenceHours.median).toBeCloseTo(143.5, 9);
		expect(s.silenceHours.p85).toBeCloseTo(215.55, 9);
		// working days 3, 2, 6, 6
		expect(s.silenceWorkingDays).toEqual({ median: 4.5, p85: 6 });
		expect(s.overNorm).toBe(2);
		expect(s.overNormShare).toBe(0.5);
		expect(s.open).toBe(2);
		expect(s.silentNow).toBe(1);
		expect(s.contactActivities).toBe(2);
	});

	it('lists the open cases silent past their norm now, with their source id', async () => {
		const list = await t().db.asUser(a.admin.claims, (tx) => silentNow(tx, {}, { now: NOW }));
		expect(list).toEqual([
			{
				id: ids.z3,
				source: 'zaken',
				externalId: 'Z-3',
				category: 'Afval',
				channel: 'telefoon',
				receivedAt: new Date('2026-05-01T07:00:00Z').toISOString(),
				lastContact: new Date('2026-05-04T10:00:00Z').toISOString(),
				hours: 216,
				workingDays: 6,
				normDays: 5
			}
		]);
		// a day earlier case 3 was at 5 working days: not yet over
		const before = await t().db.asUser(a.admin.claims, (tx) =>
			silentNow(tx, {}, { now: '2026-05-12T12:00:00+02:00' })
		);
		expect(before).toEqual([]);
	});

	it('counts closed cases in the week they were resolved', async () => {
		const weeks = await t().db.asUser(a.coach.claims, (tx) => silenceWeekly(tx, {}));
		expect(weeks).toEqual([
			{ week: '2026-04-20', cases: 1, medianHours: 72, p85Hours: 72, overNorm: 0 },
			{ week: '2026-04-27', cases: 1, medianHours: 215, p85Hours: 215, overNorm: 1 }
		]);
		// a period that starts after case 1 was received: its whole silence still counts, the
		// contact before the period's start included (only the cases resolved in it are computed)
		const late = await t().db.asUser(a.coach.claims, (tx) =>
			silenceWeekly(tx, { from: '2026-04-27T00:00:00+02:00' })
		);
		expect(late).toEqual([
			{ week: '2026-04-27', cases: 1, medianHours: 215, p85Hours: 215, overNorm: 1 }
		]);
	});

	it('lists variants with share, median lead time and handoffs', async () => {
		const v = await t().db.asUser(a.coach.claims, (tx) => variants(tx, {}));
		expect(v.map((x) => [x.cases, x.share, x.medianLeadHours, x.meanHandoffs])).toEqual([
			[1, 1 / 3, null, 0],
			[1, 1 / 3, 72, 2],
			[1, 1 / 3, 240, 2]
		]);
		expect(v[2].examples).toEqual([ids.z1]);
	});

	it('shows nothing to staff outside the teams, and nothing across organisations', async () => {
		const staff = await t().db.asUser(a.staff.claims, (tx) => silenceSummary(tx, {}, NOW));
		expect(staff.cases).toBe(0);
		expect(staff.contactActivities).toBe(0);
		const other = await t().db.asUser(b.coach.claims, (tx) =>
			silentNow(tx, { orgId: a.id }, { now: NOW })
		);
		expect(other).toEqual([]);
		const mine = await t().db.asUser(b.coach.claims, (tx) => silentNow(tx, {}, { now: NOW }));
		expect(mine.map((c) => c.id)).not.toContain(ids.z3);
		expect(mine).toHaveLength(1);
	});

	it('tells a case as a timeline: contacts, handoffs, silences against the norm, related reports', async () => {
		const z1 = await story(a.coach.claims, ids.z1);
		expect(z1?.events.map((e) => [e.activity, e.contact, e.handoffFrom])).toEqual([
			['Melding ontvangen', false, null],
			['Bevestiging verstuurd', true, null],
			['Ingepland', false, 'KCC'],
			[' klant GEBELD', true, 'Afval'],
			['Afgemeld', false, null]
		]);
		expect(z1?.gaps.map((g) => [g.hours, g.workingDays, g.overNorm])).toEqual([
			[1, 0, false],
			[215, 6, true],
			[24, 1, false]
		]);
		expect(z1?.silenceNormDays).toBe(5);
		// the same customer's other reports, before and after
		expect(z1?.related.map((r) => [r.externalId, r.same, r.when])).toEqual([
			['Z-2', 'customer', 'before'],
			['Z-3', 'customer', 'after'],
			['Z-4', 'customer', 'after']
		]);
		expect(await story(a.staff.claims, ids.z1)).toBeNull();
		expect(await story(b.coach.claims, ids.z1)).toBeNull();
	});

	it('suggests contact activities from their names; admins and coaches confirm them', async () => {
		const seen = await overview(a.coach.claims);
		expect(seen.canEdit).toBe(true);
		expect(seen.activities.map((x) => [x.activity, x.events])).toEqual([
			['Bevestiging verstuurd', 1],
			['Klant gebeld', 5]
		]);
		expect(seen.suggestions).toEqual([]);
		await t().db.asService((tx) =>
			tx.query(
				`insert into report_event (org_id, report_id, occurred_at, activity, seq)
				 values ($1, $2, '2026-04-25T10:00:00+02:00', 'Statusbericht gemaild', 9)`,
				[a.id, ids.z1]
			)
		);
		const after = await overview(a.admin.claims);
		expect(after.suggestions).toEqual([
			{ activity: 'Statusbericht gemaild', direction: 'outbound', events: 1, reason: 'name' }
		]);
		// confirmed: the silence of case 1 shortens (20 Apr 10:00 → 25 Apr 10:00 → 29 Apr 09:00)
		expect(
			await confirm(a.admin.claims, { activity: 'statusbericht gemaild ', direction: 'outbound' })
		).toEqual({
			ok: true,
			unseen: false
		});
		const z1 = await story(a.coach.claims, ids.z1);
		expect(Math.max(...(z1?.gaps.map((g) => g.hours) ?? []))).toBe(120);
		expect(
			await confirm(a.coach.claims, { activity: 'Brief verstuurd', direction: 'outbound' })
		).toEqual({
			ok: true,
			unseen: true
		});
		expect(
			await confirm(a.coach.claims, { activity: 'BRIEF VERSTUURD', direction: 'inbound' })
		).toEqual({
			ok: false,
			error: 'contact_activity_taken'
		});
		expect(await confirm(a.staff.claims, { activity: 'Gebeld', direction: 'outbound' })).toEqual({
			ok: false,
			error: 'forbidden'
		});
		const list = (await overview(a.admin.claims)).activities;
		const brief = list.find((x) => x.activity === 'Brief verstuurd')!;
		expect(brief.confirmedBy).toBe('coach of ' + a.slug);
		expect(await remove(b.admin.claims, brief.id)).toEqual({ ok: false, error: 'not_found' });
		expect(await remove(a.admin.claims, brief.id)).toEqual({ ok: true });
		expect((await overview(b.admin.claims)).activities.map((x) => x.activity)).toEqual([
			'Bevestiging verstuurd',
			'Klant gebeld'
		]);
	});

	it('takes each category’s silence norm, which admins set (a positive number of working days)', async () => {
		const [afval] = await t().db.asService((tx) =>
			tx.query<{ id: string }>(`select id from category where org_id = $1 and name = 'Afval'`, [
				a.id
			])
		);
		const input = (silenceNormDays: unknown) =>
			categorySchema.safeParse({
				name: 'Afval',
				normDays: '',
				normUnit: 'working_days',
				repeatKey: 'location_category',
				repeatWindowDays: '30',
				silenceNormDays
			});
		expect(input('0').error?.issues[0].message).toBe('number_positive');
		expect(input('-2').error?.issues[0].message).toBe('number_positive');
		expect(input('zes').error?.issues[0].message).toBe('number');
		const six = input('6');
		expect(await updateCategory(a.admin.claims, afval.id, six.data!)).toEqual({ ok: true });
		const s = await t().db.asUser(a.coach.claims, (tx) => silenceSummary(tx, {}, NOW));
		expect([s.overNorm, s.silentNow]).toEqual([0, 0]);
		// left out of the form: unchanged
		expect(await updateCategory(a.admin.claims, afval.id, input(undefined).data!)).toEqual({
			ok: true
		});
		expect(
			(await t().db.asUser(a.coach.claims, (tx) => silenceSummary(tx, {}, NOW))).overNorm
		).toBe(0);
		expect(await updateCategory(a.coach.claims, afval.id, input('1').data!)).toEqual({
			ok: false,
			error: 'not_found'
		});
		expect(await updateCategory(a.admin.claims, afval.id, input('5').data!)).toEqual({ ok: true });
		expect(
			(await t().db.asUser(a.coach.claims, (tx) => silenceSummary(tx, {}, NOW))).overNorm
		).toBe(1); // case 3 only: case 1 has a status message since the test above
	});
});
