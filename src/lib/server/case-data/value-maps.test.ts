/**
 * Channel and department values in the organisation's words (issue 11 section 3): the value map
 * that admins keep (row level security), the words Koers suggests for a real file's values, and
 * the Boston 311 requests imported with it — the figures by channel then use "telefoon", not
 * "Constituent Call". On PGlite and on PostgreSQL.
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { useDb } from '../db';
import { createTwoOrgs, forEachDriver, type Org } from '../db/test-helpers';
import { summary } from '../figures/metrics';
import { importStream } from '../import';
import * as valueMaps from './value-maps';

const BOSTON = path.resolve('..', 'shared', 'data', 'boston311_2015_Abandoned_Vehicles.csv');
/** The Source column of the file, counted with Python: csv.DictReader + Counter. */
const SOURCES = {
	'Constituent Call': 1554,
	'Citizens Connect App': 455,
	'Employee Generated': 304,
	'Self Service': 289,
	'Maximo Integration': 5
};

forEachDriver("a source's values in the organisation's words", (t) => {
	let a: Org;
	let b: Org;

	beforeAll(async () => {
		useDb(t().db);
		({ a, b } = await createTwoOrgs(t().db, 'words'));
	});
	afterAll(() => useDb(undefined));

	it('Koers suggests telefoon, app and web for the Boston channels, and keeps the rest', async () => {
		const c = await valueMaps.choices(a.admin.claims, Object.keys(SOURCES));
		expect(c.current.channel).toEqual({
			'Constituent Call': 'telefoon',
			'Citizens Connect App': 'app',
			'Employee Generated': null,
			'Self Service': 'web',
			'Maximo Integration': null
		});
		expect(c.targets.channel).toContain('telefoon');
		expect(c.targets.department).toEqual(['Front office']);
	});

	it('only admins keep the map; another organisation sees nothing of it', async () => {
		await valueMaps.save(a.admin.claims, {
			channel: {
				'Constituent Call': 'telefoon',
				'Self Service': 'web',
				'Citizens Connect App': ''
			},
			department: { 'BTDT_AVRS Interface Queue': 'Front office' }
		});
		await expect(
			valueMaps.save(a.coach.claims, { channel: { 'Employee Generated': 'balie' } })
		).rejects.toThrow(/row-level security/);
		await expect(
			valueMaps.save(a.staff.claims, { channel: { 'Employee Generated': 'balie' } })
		).rejects.toThrow(/row-level security/);
		const mine = await valueMaps.load(a.admin.claims);
		expect(Object.fromEntries(mine.channel!)).toEqual({
			'constituent call': 'telefoon',
			'self service': 'web'
		});
		expect((await valueMaps.load(a.coach.claims)).channel?.size).toBe(0);
		expect((await valueMaps.load(b.admin.claims)).channel?.size).toBe(0);
		// a saved choice wins over the suggestion next time; an emptied one is gone
		const again = await valueMaps.choices(a.admin.claims, ['self service', 'Citizens Connect App']);
		expect(again.current.channel).toEqual({ 'self service': 'web', 'Citizens Connect App': 'app' });
		await valueMaps.save(a.admin.claims, { channel: { 'self service': '' } });
		expect(
			Object.keys(Object.fromEntries((await valueMaps.load(a.admin.claims)).channel!))
		).toEqual(['constituent call']);
	});

	it('the Boston requests imported with the map count as telefoon by channel', async () => {
		const valueMap = await valueMaps.load(a.admin.claims);
		const imported = await importStream(
			(fn) => t().db.asUser(a.admin.claims, fn),
			createReadStream(BOSTON),
			{
				orgId: a.id,
				source: 'boston311',
				shape: 'case',
				mapping: {
					caseId: 'CASE_ENQUIRY_ID',
					received: 'OPEN_DT',
					resolved: 'CLOSED_DT',
					channel: 'Source',
					department: 'QUEUE'
				},
				timezone: 'America/New_York',
				dayFirst: false,
				via: 'upload',
				pseudonymSecret: 'value-map-test-pseudonym-secret-0123456789',
				valueMap
			}
		);
		expect(imported).toMatchObject({ casesAdded: 2607, errorCount: 0 });
		const cases = (channel: string | null, department: string | null = null) =>
			t().db.asUser(
				a.coach.claims,
				async (tx) => (await summary(tx, { channel, department })).cases
			);
		expect(await cases('telefoon')).toBe(SOURCES['Constituent Call']);
		expect(await cases('Constituent Call')).toBe(0);
		// a value the map does not (or no longer) name stays as the file writes it
		expect(await cases('Citizens Connect App')).toBe(SOURCES['Citizens Connect App']);
		expect(await cases('Self Service')).toBe(SOURCES['Self Service']);
		expect(await cases(null, 'Front office')).toBe(2572); // the BTDT_AVRS Interface Queue
	});
});
