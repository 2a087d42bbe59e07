/**
 * The JSON import API (POST /api/v1/reports and /api/v1/events) through handleApiImport, with
 * organisation tokens made by tokens.create, on PGlite.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RequestEvent } from '@sveltejs/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate, configureAuth } from '../auth';
import { SESSION_COOKIE } from '../auth/session';
import { useDb } from '../db';
import { createTwoOrgs, openTestDb, type Org, type TestDb } from '../db/test-helpers';
import * as tokens from './tokens';
import { handleApiImport } from './api';
import * as valueMaps from './value-maps';

const SECRET = 'api-test-pseudonym-secret-0123456789abcdef';

let test: TestDb;
let a: Org;
let b: Org;
let tokenA: string;
let tokenB: string;

beforeAll(async () => {
	test = await openTestDb('pglite');
	useDb(test.db);
	({ a, b } = await createTwoOrgs(test.db, 'api'));
	tokenA = await tokens.create(a.admin.claims, 'Zaaksysteem');
	tokenB = await tokens.create(b.admin.claims, 'Zaaksysteem');
});
afterAll(async () => {
	useDb(undefined);
	await test?.close();
});

function post(shape: 'case' | 'event', body: unknown, authorization?: string) {
	const headers: Record<string, string> = { 'content-type': 'application/json' };
	if (authorization) headers.authorization = authorization;
	return handleApiImport(
		new Request(`http://koers.test/api/v1/${shape === 'case' ? 'reports' : 'events'}`, {
			method: 'POST',
			headers,
			body: typeof body === 'string' ? body : JSON.stringify(body)
		}),
		shape,
		SECRET
	);
}
const bearer = (token: string) => `Bearer ${token}`;

/** What an organisation holds, read on the service path. */
async function counts(org: Org) {
	const [row] = await test.db.asService((tx) =>
		tx.query<{ reports: number; events: number; batches: number }>(
			`select (select count(*) from report where org_id = $1) as reports,
			        (select count(*) from report_event where org_id = $1) as events,
			        (select count(*) from import_batch where org_id = $1) as batches`,
			[org.id]
		)
	);
	return row;
}

const reports = (source: string, items: Record<string, unknown>[]) => ({ source, items });
const report = (id: string, extra: Record<string, unknown> = {}) => ({
	id,
	received: '2024-03-04T09:00:00+01:00',
	...extra
});

describe('authentication', () => {
	const body = reports('auth', [report('AUTH-1')]);

	it('answers 401 without a token, with an unknown one, or with a revoked one', async () => {
		const before = await counts(a);
		const other = await tokens.create(a.admin.claims, 'Wordt ingetrokken');
		const [row] = await test.db.asService((tx) =>
			tx.query<{ id: string }>('select id from api_token where prefix = $1', [other.slice(0, 12)])
		);
		expect(await tokens.revoke(a.admin.claims, row.id)).toBe(true);

		for (const authorization of [
			undefined,
			'Bearer',
			`Basic ${tokenA}`,
			tokenA,
			bearer(`koers_${randomBytes(24).toString('base64url')}`),
			bearer(`${tokenA}x`),
			bearer(other)
		]) {
			const response = await post('case', body, authorization);
			expect(response.status, String(authorization)).toBe(401);
			expect(await response.json()).toMatchObject({ error: 'unauthorized' });
		}
		expect(await counts(a)).toEqual(before);
	});

	it('only an admin creates tokens', async () => {
		await expect(tokens.create(a.coach.claims, 'coach')).rejects.toThrow();
		await expect(tokens.create(a.staff.claims, 'staff')).rejects.toThrow();
	});

	it('a valid token works and its last use is recorded', async () => {
		const lastUsed = async () => {
			const [row] = await test.db.asService((tx) =>
				tx.query<{ last_used_at: Date | null }>(
					'select last_used_at from api_token where prefix = $1',
					[tokenB.slice(0, 12)]
				)
			);
			return row.last_used_at;
		};
		const started = new Date(Date.now() - 1000);
		const response = await post('case', body, bearer(tokenB));
		expect(response.status).toBe(200);
		const used = await lastUsed();
		expect(used).toBeInstanceOf(Date);
		expect(used!.getTime()).toBeGreaterThanOrEqual(started.getTime());
	});
});

describe('reports', () => {
	const batch = reports('zaaksysteem', [
		report('Z-1', {
			category: 'Afval naast container',
			channel: 'web',
			customer: 'klant 123',
			location: 'Dorpsstraat 1',
			resolved: '2024-03-05T15:30:00Z',
			status: 'afgehandeld',
			department: 'Stadsbeheer'
		}),
		report('Z-2', { duplicate: true })
	]);

	it('stores a valid batch: 200 with the number of cases added', async () => {
		const before = await counts(a);
		const response = await post('case', batch, bearer(tokenA));
		expect(response.status).toBe(200);
		const result = await response.json();
		expect(result).toMatchObject({ casesAdded: 2, eventsAdded: 0, items: 2 });
		expect(await counts(a)).toEqual({
			...before,
			reports: before.reports + 2,
			batches: before.batches + 1
		});
		const rows = await test.db.asService((tx) =>
			tx.query(
				`select r.external_id, c.name as category, r.channel, r.customer_key, r.location_key,
				        r.received_at, r.resolved_at, r.status, r.department, r.flagged_duplicate,
				        b.via, b.format
				   from report r left join category c on c.id = r.category_id
				   join import_batch b on b.id = r.batch_id
				  where r.org_id = $1 and r.source = 'zaaksysteem' order by r.external_id`,
				[a.id]
			)
		);
		expect(rows).toEqual([
			{
				external_id: 'Z-1',
				category: 'Afval naast container',
				channel: 'web',
				customer_key: expect.stringMatching(/^[\w-]{43}$/),
				location_key: expect.stringMatching(/^[\w-]{43}$/),
				received_at: new Date('2024-03-04T08:00:00Z'),
				resolved_at: new Date('2024-03-05T15:30:00Z'),
				status: 'afgehandeld',
				department: 'Stadsbeheer',
				flagged_duplicate: false,
				via: 'api',
				format: 'json'
			},
			expect.objectContaining({ external_id: 'Z-2', flagged_duplicate: true, customer_key: null })
		]);
		expect(result.batchId).toEqual(expect.any(String));
	});

	it('the same batch again adds nothing (200, casesAdded 0)', async () => {
		const before = await counts(a);
		const response = await post('case', batch, bearer(tokenA));
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({ casesAdded: 0, batchId: null });
		expect(await counts(a)).toEqual(before);
	});
});

describe('events', () => {
	it('creates cases and events, every item one (also items alike); sent again, nothing', async () => {
		const before = await counts(a);
		const batch = {
			source: 'stroom',
			items: [
				{ caseId: 'E-1', activity: 'ontvangen', timestamp: '2024-05-01T08:00:00Z' },
				{ caseId: 'E-1', activity: 'beoordeeld', timestamp: '2024-05-02T10:00:00Z' },
				// the first again, once as written and once in another offset: as in an event log,
				// rows alike are events alike (PM4Py and Disco keep them)
				{ caseId: 'E-1', activity: 'ontvangen', timestamp: '2024-05-01T08:00:00Z' },
				{ caseId: 'E-1', activity: 'ontvangen', timestamp: '2024-05-01T10:00:00+02:00' },
				{ caseId: 'E-1', activity: 'afgehandeld', timestamp: '2024-05-03T16:00:00Z' },
				{
					caseId: 'E-2',
					activity: 'ontvangen',
					timestamp: '2024-05-02T09:00:00Z',
					department: 'KCC'
				}
			]
		};
		const response = await post('event', batch, bearer(tokenA));
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({ casesAdded: 2, eventsAdded: 6, items: 6 });
		const after = {
			reports: before.reports + 2,
			events: before.events + 6,
			batches: before.batches + 1
		};
		expect(await counts(a)).toEqual(after);
		const again = await post('event', batch, bearer(tokenA));
		expect(await again.json()).toMatchObject({ casesAdded: 0, eventsAdded: 0, items: 6 });
		expect(await counts(a)).toEqual(after);
		const rows = await test.db.asService((tx) =>
			tx.query<{ id: string; received: Date; resolved: Date; activities: string[] }>(
				`select r.external_id as id, r.received_at as received, r.resolved_at as resolved,
				        array_agg(e.activity order by e.occurred_at, e.seq) as activities
				   from report r join report_event e on e.report_id = r.id
				  where r.org_id = $1 and r.source = 'stroom' group by r.id order by r.external_id`,
				[a.id]
			)
		);
		expect(rows).toEqual([
			{
				id: 'E-1',
				received: new Date('2024-05-01T08:00:00Z'),
				resolved: new Date('2024-05-03T16:00:00Z'),
				activities: ['ontvangen', 'ontvangen', 'ontvangen', 'beoordeeld', 'afgehandeld']
			},
			{
				id: 'E-2',
				received: new Date('2024-05-02T09:00:00Z'),
				resolved: new Date('2024-05-02T09:00:00Z'),
				activities: ['ontvangen']
			}
		]);
	});
});

describe('bad requests store nothing', () => {
	it('10,001 items: 400', async () => {
		const before = await counts(a);
		const items = Array.from({ length: 10_001 }, (_, i) => report(`BIG-${i}`));
		const response = await post('case', reports('big', items), bearer(tokenA));
		expect(response.status).toBe(400);
		expect((await response.json()).issues).toEqual([
			{ path: 'items', message: 'at most 10000 items per request' }
		]);
		expect(await counts(a)).toEqual(before);
		// … while 10,000 is allowed
		const ok = await post('case', reports('big', items.slice(0, 10_000)), bearer(tokenA));
		expect(ok.status).toBe(200);
		expect(await ok.json()).toMatchObject({ casesAdded: 10_000 });
	});

	it('an item with a bad time or an unknown field: 400 naming the items', async () => {
		const before = await counts(a);
		const response = await post(
			'case',
			reports('half', [
				report('H-1'),
				report('H-2', { received: '04-03-2024 09:00' }),
				report('H-3', { colour: 'red' }),
				report('H-4', { received: '2024-03-04T09:00:00' })
			]),
			bearer(tokenA)
		);
		expect(response.status).toBe(400);
		const body = await response.json();
		expect(body).toMatchObject({ error: 'invalid', issueCount: 3 });
		expect(body.issues).toEqual([
			{ path: 'items.1.received', message: 'expected an ISO 8601 time with offset' },
			{ path: 'items.2', message: expect.stringContaining('colour') },
			{ path: 'items.3.received', message: 'expected an ISO 8601 time with offset' }
		]);
		expect(await counts(a)).toEqual(before);
	});

	it('an event with a bad timestamp: 400, and the valid events are not stored either', async () => {
		const before = await counts(a);
		const response = await post(
			'event',
			{
				items: [
					{ caseId: 'X-1', activity: 'ontvangen', timestamp: '2024-05-01T08:00:00Z' },
					{ caseId: 'X-1', activity: 'klaar', timestamp: 'gisteren' }
				]
			},
			bearer(tokenA)
		);
		expect(response.status).toBe(400);
		expect((await response.json()).issues).toEqual([
			{ path: 'items.1.timestamp', message: 'expected an ISO 8601 time with offset' }
		]);
		expect(await counts(a)).toEqual(before);
	});

	it('malformed JSON: 400', async () => {
		const before = await counts(a);
		const response = await post('case', '{"items": [', bearer(tokenA));
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({ error: 'invalid_json' });
		expect(await counts(a)).toEqual(before);
	});
});

describe('a token writes into its own organisation only', () => {
	it("org A's token stores in A; B is untouched, even when the body names B", async () => {
		const [beforeA, beforeB] = [await counts(a), await counts(b)];
		const ok = await post('case', reports('eigen', [report('O-1')]), bearer(tokenA));
		expect(ok.status).toBe(200);
		const naming = await post(
			'case',
			{ ...reports('eigen', [report('O-2')]), orgId: b.id },
			bearer(tokenA)
		);
		expect(naming.status).toBe(400);
		const spoofed = await post(
			'case',
			reports('eigen', [report('O-3', { org_id: b.id })]),
			bearer(tokenA)
		);
		expect(spoofed.status).toBe(400);
		expect(await counts(b)).toEqual(beforeB);
		expect(await counts(a)).toEqual({
			...beforeA,
			reports: beforeA.reports + 1,
			batches: beforeA.batches + 1
		});

		// the same source and id from B's token is B's own report
		const fromB = await post('case', reports('eigen', [report('O-1')]), bearer(tokenB));
		expect(await fromB.json()).toMatchObject({ casesAdded: 1 });
		const owners = await test.db.asService((tx) =>
			tx.query<{ org_id: string }>(
				`select org_id from report where source = 'eigen' and external_id = 'O-1' order by org_id`
			)
		);
		expect(owners.map((r) => r.org_id).sort()).toEqual([a.id, b.id].sort());
	});
});

/**
 * A token is no database role: it acts on the service path for its organisation, and only in
 * handleApiImport. So it reaches the two import endpoints and nothing else: it never signs
 * anyone in (not as a header, not as the session cookie), and no other route looks it up.
 */
describe('a token reaches only the import endpoints', () => {
	it('is no sign-in, as a bearer header or as the session cookie', async () => {
		configureAuth({
			sessionSecret: 'api-test-session-secret-0123456789abcdef',
			secureCookies: false
		});
		const event = (cookie?: string) =>
			({
				request: new Request('http://koers.test/teams', {
					headers: { authorization: bearer(tokenA) }
				}),
				cookies: { get: (name: string) => (name === SESSION_COOKIE ? cookie : undefined) }
			}) as unknown as RequestEvent;
		expect(await authenticate(event())).toBeNull();
		expect(await authenticate(event(tokenA))).toBeNull();
	});

	it('is looked up by the import API alone, which only POST /api/v1/reports and /events call', () => {
		const root = fileURLToPath(new URL('../../..', import.meta.url));
		const sources = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter(
			(f) => /\.(ts|svelte)$/.test(f) && !/\.(test|spec)\.ts$/.test(f)
		);
		const calling = (name: string) =>
			sources
				.filter((f) => new RegExp(`\\b${name}\\(`).test(readFileSync(join(root, f), 'utf8')))
				.map((f) => f.split(sep).join('/'))
				.sort();
		expect(calling('authenticateToken')).toEqual([
			'lib/server/case-data/api.ts',
			'lib/server/case-data/tokens.ts'
		]);
		expect(calling('handleApiImport')).toEqual([
			'lib/server/case-data/api.ts',
			'routes/api/v1/events/+server.ts',
			'routes/api/v1/reports/+server.ts'
		]);
	});
});

describe("values in the organisation's words", () => {
	it("maps an API batch's channel and department with the value map, as an upload does", async () => {
		await valueMaps.save(a.admin.claims, {
			channel: { 'Constituent Call': 'telefoon' },
			department: { 'PWDx_District 1': 'Front office' }
		});
		const res = await post(
			'case',
			reports('words', [
				report('WORDS-1', { channel: 'constituent call ', department: 'PWDx_District 1' }),
				report('WORDS-2', { channel: 'Self Service' })
			]),
			bearer(tokenA)
		);
		expect(res.status).toBe(200);
		const rows = await test.db.asService((tx) =>
			tx.query<{ external_id: string; channel: string | null; department: string | null }>(
				`select external_id, channel, department from report
				  where org_id = $1 and external_id like 'WORDS-%' order by external_id`,
				[a.id]
			)
		);
		expect(rows).toEqual([
			{ external_id: 'WORDS-1', channel: 'telefoon', department: 'Front office' },
			{ external_id: 'WORDS-2', channel: 'Self Service', department: null }
		]);
		// another organisation's batch is not touched by this map
		await post(
			'case',
			reports('words', [report('WORDS-B', { channel: 'Constituent Call' })]),
			bearer(tokenB)
		);
		const [other] = await test.db.asService((tx) =>
			tx.query<{ channel: string }>(
				`select channel from report where org_id = $1 and external_id = 'WORDS-B'`,
				[b.id]
			)
		);
		expect(other.channel).toBe('Constituent Call');
	});
});
