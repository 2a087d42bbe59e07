/**
 * The demo's agreements between departments and its Monday-morning phone peak, as the demo
 * coach meets them: the agreements page, the coach view and the journey map (issue 12).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as agreements from '../agreements';
import * as chains from '../chains';
import * as coach from '../coach';
import * as journeys from '../journeys';
import { useDb } from '../db';
import { claimsFor, forEachDriver } from '../db/test-helpers';
import type { Claims } from '../db/types';
import { seedDemo } from './index';

forEachDriver('the demo agreements and phone peak', (t) => {
	let claims: Claims;

	beforeAll(async () => {
		useDb(t().db);
		await seedDemo(t().db, 'demo-test-secret');
		const [user] = await t().db.asService((tx) =>
			tx.query<{ id: string }>(`select id from auth.users where email = 'coach@voorbeeld.nl'`)
		);
		claims = claimsFor(user.id, 'coach@voorbeeld.nl');
	});
	afterAll(() => useDb(undefined));

	it('holds KCC → Afvalinzameling in about 70 % and Afvalinzameling → Wijkbeheer in about 90 %', async () => {
		const shares = await t().db.asUser(claims, (tx) =>
			tx.query<{ pair: string; limit: number; share: number }>(
				`select w.from_department || ' → ' || w.to_department as pair, w.limit_value as limit,
				        avg(w.within::int)::float8 as share
				   from public.handoff_waits() w where w.within is not null group by 1, 2 order by 1`
			)
		);
		expect(shares.map((s) => [s.pair, s.limit])).toEqual([
			['Afvalinzameling → Wijkbeheer', 2],
			['KCC → Afvalinzameling', 1]
		]);
		expect(shares[0].share).toBeGreaterThan(0.85);
		expect(shares[0].share).toBeLessThan(0.95);
		expect(shares[1].share).toBeGreaterThan(0.6);
		expect(shares[1].share).toBeLessThan(0.75);
	});

	it('shows the coach the breached agreement on the page, in the coach view and on the map', async () => {
		const page = await agreements.page(claims);
		expect(page.canRecord).toBe(true);
		const kcc = page.agreements.find((a) => a.fromDepartment === 'KCC')!;
		expect(kcc.hold!.handoffs).toBeGreaterThan(1000);
		expect(kcc.weeks).toHaveLength(agreements.AGREEMENT_WEEKS);
		const overview = await coach.overview(claims);
		const team = overview.teams.find((x) => x.name === 'Afval & Buitenruimte')!;
		expect(team.agreements.map((a) => `${a.fromDepartment} → ${a.toDepartment}`)).toEqual([
			'KCC → Afvalinzameling'
		]);
		// the journey map knows both agreements, held on the handoffs of the journey's cases
		const [j] = await t().db.asUser(claims, (tx) =>
			tx.query<{ id: string }>(`select id from journey where name = 'Container niet geleegd'`)
		);
		const map = (await journeys.get(claims, team.id, j.id))!;
		const onMap = map.agreements.find((a) => a.fromDepartment === 'KCC')!;
		expect(onMap).toMatchObject({
			toDepartment: 'Afvalinzameling',
			limit: 1,
			unit: 'working_days'
		});
		expect(onMap.handoffs).toBeGreaterThan(100);
		expect(onMap.share).toBeGreaterThan(0.5);
	});

	it('has its phones peak on Monday morning, a third of it avoidable', async () => {
		const cells = await t().db.asUser(claims, (tx) =>
			tx.query<{ weekday: number; hour: number; arrivals: number; repeats: number }>(
				`select weekday, hour, arrivals, repeats from public.arrivals(
				   timestamptz '2026-08-24 00:00+02', timestamptz '2026-11-23 00:00+01')
				  where channel = 'telefoon' order by arrivals desc`
			)
		);
		const top = cells.slice(0, 3);
		expect(top.map((c) => [c.weekday, c.hour]).sort()).toEqual([
			[1, 10],
			[1, 8],
			[1, 9]
		]);
		const peak = top.reduce((s, c) => s + c.arrivals, 0);
		const avoidable = top.reduce((s, c) => s + c.repeats, 0) / peak;
		expect(avoidable).toBeGreaterThan(0.25);
		expect(avoidable).toBeLessThan(0.4);
	});

	it('has the chains "Inwoners" and "Ondernemers", each with figures over its own cases', async () => {
		const { chains: all } = await chains.list(claims);
		expect(all.map((c) => [c.name, c.teams.map((x) => x.name)])).toEqual([
			['Inwoners', ['Afval & Buitenruimte']],
			['Ondernemers', ['Wijkteam Noord']]
		]);
		const [inwoners, ondernemers] = await Promise.all(all.map((c) => chains.page(claims, c.id)));
		expect(inwoners!.figures!.cases).toBeGreaterThan(1000);
		expect(ondernemers!.journeys.map((j) => j.name)).toEqual(['Vraag over bedrijfsafval']);
		// ten calls every Monday (up to the demo's last one, 16 November 2026), three of them repeats
		expect(ondernemers!.figures!.cases).toBeGreaterThan(0);
		expect(ondernemers!.figures!.cases % 10).toBe(0);
		expect(ondernemers!.figures!.repeatRate).toBeCloseTo(0.3);
	});
});
