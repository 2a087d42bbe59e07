/**
 * Silence time, case by case, against DESIGN.md "Silence time" at its edges: points = received,
 * every contact moment inside the window, then resolved (or now); silence = the largest gap
 * between neighbouring points; contacts at the same instant are one point; a contact before
 * receipt or after the window is ignored (the window starts at received); working days counted
 * by the function working-day lead time uses, on local dates in the organisation's zone. Early
 * June 2026 has no Dutch public holiday (Whit Monday is 25 May). On PGlite and on PostgreSQL,
 * as a coach under row level security.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { createOrg, forEachDriver, type Org } from '../db/test-helpers';
import type { Queryable } from '../db/types';

const NOW = '2026-06-04T15:00:00+02:00';

/** [external id, received, resolved, contacts (activity 'Klant gebeld' unless named)] */
const CASES: [string, string, string | null, (string | [string, string])[]][] = [
	// two contacts at the same instant: one point, no gap of 0 between them
	[
		'same-instant',
		'2026-06-01T09:00:00+02:00',
		'2026-06-05T09:00:00+02:00',
		['2026-06-02T09:00:00+02:00', ['2026-06-02T09:00:00+02:00', 'Bevestiging verstuurd']]
	],
	// a contact at the instant of resolution is that point; one after the window is ignored
	[
		'after-window',
		'2026-06-01T09:00:00+02:00',
		'2026-06-05T09:00:00+02:00',
		['2026-06-03T09:00:00+02:00', '2026-06-05T09:00:00+02:00', '2026-06-08T09:00:00+02:00']
	],
	// a contact before receipt is ignored: the window starts at received
	[
		'before-received',
		'2026-06-01T09:00:00+02:00',
		'2026-06-02T21:00:00+02:00',
		['2026-05-29T09:00:00+02:00']
	],
	// the window's end closes the last (and longest) interval
	[
		'end-closes',
		'2026-06-01T09:00:00+02:00',
		'2026-06-10T09:00:00+02:00',
		['2026-06-01T10:00:00+02:00']
	],
	// no contact at all: silence is the lead time, in hours and in working days
	['no-contact', '2026-06-05T16:00:00+02:00', '2026-06-09T10:00:00+02:00', []],
	// late on Friday to just after midnight on Monday, local time: one working day (Monday),
	// though in UTC both ends fall before Monday
	['local-dates', '2026-06-05T23:30:00+02:00', '2026-06-08T00:30:00+02:00', []],
	// open: now closes the window
	['open', '2026-06-01T09:00:00+02:00', null, ['2026-06-02T09:00:00+02:00']]
];

async function seed(tx: Queryable, org: Org) {
	await tx.query(
		`insert into contact_activity (org_id, activity, direction) values
		   ($1, 'Klant gebeld', 'outbound'), ($1, 'Bevestiging verstuurd', 'outbound')`,
		[org.id]
	);
	for (const [ext, received, resolved, contacts] of CASES) {
		const [{ id }] = await tx.query<{ id: string }>(
			`insert into report (org_id, source, external_id, channel, received_at, resolved_at)
			 values ($1, 'zaken', $2, 'telefoon', $3, $4) returning id`,
			[org.id, ext, received, resolved]
		);
		let seq = 0;
		for (const c of contacts) {
			const [at, activity] = typeof c === 'string' ? [c, 'Klant gebeld'] : c;
			await tx.query(
				`insert into report_event (org_id, report_id, occurred_at, activity, department, seq)
				 values ($1, $2, $3, $4, 'KCC', $5)`,
				[org.id, id, at, activity, ++seq]
			);
		}
		// an event that is no contact moment, between, changes nothing
		await tx.query(
			`insert into report_event (org_id, report_id, occurred_at, activity, department, seq)
			 values ($1, $2, $3::timestamptz + interval '1 hour', 'Ingepland', 'Afval', $4)`,
			[org.id, id, received, ++seq]
		);
	}
}

interface Row {
	ext: string;
	hours: number;
	days: number;
	last: Date;
	currentHours: number | null;
	currentDays: number | null;
	leadDays: number | null;
	gaps: number[];
}

forEachDriver('silence time at its edges', (t) => {
	let org: Org;
	let rows: Map<string, Row>;

	beforeAll(async () => {
		org = await createOrg(t().db, `sil-${randomBytes(3).toString('hex')}`);
		await t().db.asService((tx) => seed(tx, org));
		rows = await t().db.asUser(org.coach.claims, async (tx) => {
			const list = await tx.query<Row>(
				`select r.external_id as ext, s.silence_hours as hours, s.silence_working_days as days,
				   s.last_contact as last, s.current_hours as "currentHours",
				   s.current_working_days as "currentDays", l.lead_working_days as "leadDays",
				   array(select g.hours from public.case_silence_gaps(r.id, $1::timestamptz) g
				         order by g.gap_from) as gaps
				 from public.case_silence(p_now => $1::timestamptz) s
				 join public.report r on r.id = s.report_id
				 join public.case_lead_time l on l.report_id = s.report_id
				 where r.org_id = $2`,
				[NOW, org.id]
			);
			return new Map(list.map((r) => [r.ext, r]));
		});
	});

	const row = (ext: string) => {
		const r = rows.get(ext);
		if (!r) throw new Error(`no silence for ${ext}`);
		return { ...r, hours: Number(r.hours), gaps: r.gaps.map(Number) };
	};

	it('takes contacts at the same instant as one point', () => {
		// Mon 09:00 → Tue 09:00 (both contacts) → Fri 09:00: 24 h and 72 h, no gap of 0
		const r = row('same-instant');
		expect(r.gaps).toEqual([24, 72]);
		expect(r.hours).toBe(72);
		expect(r.days).toBe(3);
	});

	it('ignores a contact after the window; one at resolution is the end point', () => {
		// Mon → Wed → Fri: 48 h twice; Fri → the next Monday's contact (72 h) is not counted
		const r = row('after-window');
		expect(r.gaps).toEqual([48, 48]);
		expect(r.hours).toBe(48);
		expect(r.days).toBe(2);
	});

	it('starts the window at received: an earlier contact is ignored', () => {
		const r = row('before-received');
		expect(r.gaps).toEqual([36]);
		expect(r.hours).toBe(36);
		expect(r.days).toBe(1);
		expect(new Date(r.last).toISOString()).toBe('2026-06-01T07:00:00.000Z');
	});

	it('closes the last interval with the resolution', () => {
		// Mon 1 June 10:00 → Wed 10 June 09:00: 215 h; working days 2–5 and 8–10 June: 7
		const r = row('end-closes');
		expect(r.gaps).toEqual([1, 215]);
		expect(r.hours).toBe(215);
		expect(r.days).toBe(7);
		expect(r.days).toBe(r.leadDays);
	});

	it('counts working days as working-day lead time does, on local dates', () => {
		const none = row('no-contact');
		// Fri 16:00 → Tue 10:00: 90 h; Monday and Tuesday
		expect(none.hours).toBe(90);
		expect(none.days).toBe(2);
		expect(none.days).toBe(none.leadDays);
		const late = row('local-dates');
		expect(late.hours).toBe(49);
		expect(late.days).toBe(1);
		expect(late.days).toBe(late.leadDays);
	});

	it('closes an open case at now, and says how long it has been silent now', () => {
		// Mon 09:00 → Tue 09:00 → now Thu 15:00: 24 h and 54 h; Wednesday and Thursday
		const r = row('open');
		expect(r.gaps).toEqual([24, 54]);
		expect(r.hours).toBe(54);
		expect(r.days).toBe(2);
		expect(Number(r.currentHours)).toBe(54);
		expect(r.currentDays).toBe(2);
		expect(r.leadDays).toBeNull();
	});
});
