/**
 * The demo organisation as a first start seeds it: the customer team with its mandate, journeys
 * and cycles on top of two years of case data — what a new user sees first.
 */
import { describe, expect, it } from 'vitest';
import { median, xmr } from '$lib/metrics/spc';
import { metricSeries } from '$lib/metrics/series';
import { forEachDriver, claimsFor } from '../db/test-helpers';
import { seedDemo } from './index';
import { weekly } from '../figures/metrics';
import { silenceSummary } from '../figures/silence';

forEachDriver('the demo organisation', (t) => {
	let coach: ReturnType<typeof claimsFor>;

	it('seeds once, with the team, its members and an approved mandate', async () => {
		const accounts = await seedDemo(t().db, 'demo-test-secret');
		expect(accounts?.map((a) => a.email)).toContain('kim@voorbeeld.nl');
		expect(await seedDemo(t().db, 'demo-test-secret')).toBeNull();
		const [user] = await t().db.asService((tx) =>
			tx.query<{ id: string }>(`select id from auth.users where email = 'coach@voorbeeld.nl'`)
		);
		coach = claimsFor(user.id, 'coach@voorbeeld.nl');
		const members = await t().db.asUser(coach, (tx) =>
			tx.query<{ name: string; department: string; team_role: string }>(
				`select p.name, d.name as department, tm.team_role
				   from team t join team_member tm on tm.team_id = t.id
				   join person p on p.id = tm.person_id join department d on d.id = tm.department_id
				  where t.name = 'Afval & Buitenruimte' order by d.name`
			)
		);
		expect(members.map((m) => m.department)).toEqual(['Afvalinzameling', 'KCC', 'Wijkbeheer']);
		const mandates = await t().db.asUser(coach, (tx) =>
			tx.query<{ version: number; approved_on: string | null; rights: number }>(
				`select m.version, m.approved_on::text, cardinality(m.decision_rights) as rights
				   from mandate m join team t on t.id = m.team_id
				  where t.name = 'Afval & Buitenruimte' order by m.version`
			)
		);
		expect(mandates.map((m) => m.version)).toEqual([1, 2]);
		expect(mandates.every((m) => m.approved_on !== null)).toBe(true);
	});

	it('maps the journey "Container niet geleegd" from report to confirmation, with case data', async () => {
		const stages = await t().db.asUser(coach, (tx) =>
			tx.query<{ name: string; touchpoints: number; mapped: number }>(
				`select s.name, count(tp.id) as touchpoints, count(tc.category_id) as mapped
				   from journey j join stage s on s.journey_id = j.id
				   left join touchpoint tp on tp.stage_id = s.id
				   left join touchpoint_category tc on tc.touchpoint_id = tp.id
				  where j.name = 'Container niet geleegd' group by s.name, s.position order by s.position`
			)
		);
		expect(stages.map((s) => s.name)).toEqual(['Melden', 'Beoordelen', 'Inzamelen', 'Bevestigen']);
		expect(stages[0].mapped).toBeGreaterThan(0);
	});

	it('has an adopted cycle whose repeat rate roughly halves after its change date', async () => {
		const [cycle] = await t().db.asUser(coach, (tx) =>
			tx.query<{
				category: string;
				baseline_from: string;
				baseline_to: string;
				change_date: string;
			}>(
				`select scope_category_id as category, baseline_from::text, baseline_to::text, change_date::text
				   from improvement_cycle where status = 'adopted'`
			)
		);
		const weeks = await t().db.asUser(coach, (tx) =>
			weekly(tx, {
				categories: [cycle.category],
				from: `${cycle.baseline_from}T00:00:00+02:00`,
				to: '2026-02-02T00:00:00+01:00'
			})
		);
		const values = metricSeries(weeks, 'repeat_rate');
		const changeAt = weeks.findIndex((w) => w.week >= cycle.change_date);
		const baseEnd = weeks.findIndex((w) => w.week > cycle.baseline_to);
		const before = median(values.slice(0, baseEnd))!;
		const after = median(values.slice(changeAt))!;
		expect(after / before).toBeGreaterThan(0.35);
		expect(after / before).toBeLessThan(0.65);
		const chart = xmr(values, { baseline: [0, baseEnd], better: 'lower' });
		expect(chart.signals.some((s) => s.kind === 'improvement' && s.start >= changeAt)).toBe(true);
		expect(chart.signals.filter((s) => s.kind === 'concern')).toEqual([]);
	});

	it('counts calls back and confirmations as contact, and the silence shortens after the change', async () => {
		const categories = await t().db.asUser(coach, (tx) =>
			tx.query<{ id: string }>(`select id from category where name = 'Container niet geleegd'`)
		);
		const p85 = async (from: string, to: string) => {
			const s = await t().db.asUser(coach, (tx) =>
				silenceSummary(tx, { categories: categories.map((c) => c.id), from, to })
			);
			expect(s.contactActivities).toBe(4);
			return s.silenceHours.p85!;
		};
		const before = await p85('2025-05-05T00:00:00+02:00', '2025-11-03T00:00:00+01:00');
		const after = await p85('2025-11-03T00:00:00+01:00', '2026-05-04T00:00:00+02:00');
		expect(after / before).toBeLessThan(0.5);
	});
});

describe('demo', () => {
	it('is described by its accounts in the README', async () => {
		const { readFile } = await import('node:fs/promises');
		const readme = await readFile('README.md', 'utf8');
		for (const email of ['admin@voorbeeld.nl', 'coach@voorbeeld.nl', 'kim@voorbeeld.nl']) {
			expect(readme).toContain(email);
		}
	});
});
