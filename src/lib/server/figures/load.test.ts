/**
 * Arrivals per hour × weekday and avoidable load (public.arrivals) on hand-made reports around
 * both daylight-saving changes of 2026 in Europe/Amsterdam, on PGlite and on PostgreSQL.
 * Spring: 29 March 02:00 CET → 03:00 CEST (01:00 UTC). Autumn: 25 October 03:00 CEST → 02:00 CET
 * (01:00 UTC), so 02:00–03:00 local happens twice.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createTwoOrgs, forEachDriver, type Org } from '../db/test-helpers';
import { arrivals, channelLoads, type ArrivalCell } from './load';

forEachDriver('arrivals per hour of the week', (t) => {
	let a: Org;
	let b: Org;

	beforeAll(async () => {
		({ a, b } = await createTwoOrgs(t().db, 'load'));
		await t().db.asService(async (tx) => {
			const [cat] = await tx.query<{ id: string }>(
				`insert into category (org_id, name) values ($1, 'Container') returning id`,
				[a.id]
			);
			const reports: [string, string, string, string][] = [
				// spring, Sunday: 00:30 UTC = 01:30 CET; 01:30 UTC = 03:30 CEST (02:xx does not exist)
				['S-1', 'telefoon', 'Kerkweg 1', '2026-03-29T00:30:00Z'],
				['S-2', 'telefoon', 'Kerkweg 2', '2026-03-29T01:30:00Z'],
				// autumn, Sunday: 00:30 UTC = 02:30 CEST and 01:30 UTC = 02:30 CET: one hour, twice
				['A-1', 'telefoon', 'Molenlaan 1', '2026-10-25T00:30:00Z'],
				['A-2', 'telefoon', 'Molenlaan 1', '2026-10-25T01:30:00Z'],
				// Monday 09:15 local (08:15 UTC in winter): the same address again → a repeat
				['M-1', 'web', 'Molenlaan 1', '2026-10-26T08:15:00Z'],
				['M-2', 'telefoon', 'Dorpsstraat 9', '2026-10-26T08:59:59Z']
			];
			for (const [ext, channel, location, at] of reports)
				await tx.query(
					`insert into report (org_id, source, external_id, category_id, channel, location_key, received_at)
					 values ($1, 'load', $2, $3, $4, $5, $6)`,
					[a.id, ext, cat.id, channel, location, at]
				);
		});
	});

	const cells = (claims = a.coach.claims, from?: string, to?: string) =>
		t().db.asUser(claims, (tx) => arrivals(tx, { from, to }));
	const key = (c: ArrivalCell) => `${c.channel} ${c.weekday} ${c.hour}h ${c.arrivals}/${c.repeats}`;

	it('counts each report in its local hour and weekday, across both DST changes', async () => {
		expect((await cells()).map(key)).toEqual([
			'telefoon 1 9h 1/0',
			'telefoon 7 1h 1/0',
			'telefoon 7 2h 2/1',
			'telefoon 7 3h 1/0',
			'web 1 9h 1/1'
		]);
	});

	it('selects by received time and still finds the earlier report of a repeat', async () => {
		expect(
			(await cells(a.coach.claims, '2026-10-26T00:00:00Z', '2026-10-27T00:00:00Z')).map(key)
		).toEqual(['telefoon 1 9h 1/0', 'web 1 9h 1/1']);
	});

	it('shows nothing to another organisation or to staff outside the teams', async () => {
		expect(await cells(b.admin.claims)).toEqual([]);
		expect(await cells(a.staff.claims)).toEqual([]);
	});
});

describe('channel loads', () => {
	const cell = (channel: string, weekday: number, hour: number, arrivals: number, repeats = 0) => ({
		channel,
		weekday,
		hour,
		arrivals,
		repeats
	});

	it('puts live channels first, then by volume, with the busiest hours and the avoidable share', () => {
		const loads = channelLoads(
			[
				cell('web', 2, 10, 50, 5),
				cell('balie', 1, 9, 3),
				cell('Telefoon', 1, 8, 20, 8),
				cell('Telefoon', 1, 9, 12, 2),
				cell('Telefoon', 3, 14, 8),
				cell('chat', 1, 9, 4)
			],
			new Set(['chat'])
		);
		expect(loads.map((l) => [l.channel, l.synchronous, l.arrivals])).toEqual([
			['Telefoon', true, 40],
			['chat', true, 4],
			['balie', true, 3],
			['web', false, 50]
		]);
		expect(loads[0].avoidable).toBeCloseTo(10 / 40);
		expect(loads[0].busiest.map((c) => [c.weekday, c.hour])).toEqual([
			[1, 8],
			[1, 9],
			[3, 14]
		]);
		expect(loads[0].grid[0][8]).toEqual({ arrivals: 20, repeats: 8 });
	});
});
