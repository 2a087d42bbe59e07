/**
 * `npm run bench:pages`: the server's time per page that shows figures (issue 10 section 4) —
 * team page, journey map, touchpoint trend, coach view, figures page — on the production build,
 * with the demo plus generated events imported with `koers import` (src/bench/load.ts prepares
 * the data and starts the server), on PostgreSQL and PGlite, per size:
 *
 * - cold: the first request for each page after the server started (empty figures cache);
 * - warm: p50/p95 of 20 requests one after another (figures from the cache);
 * - 100 at once: 100 parallel requests to the team page just after a restart (cold: in-flight
 *   sharing, one computation for all) and again warm.
 *
 * Server time is the route's time in Koers from its request log (JSON lines).
 *
 *   npm run bench:pages -- [--db postgres|pglite|both] [--sizes 100000,1000000] [--readme]
 *
 * Run `npm run build` first.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startThrowawayPostgres } from '../../tests/setup/throwaway-postgres';
import { prepare, send, signIn, startServer, type Server } from './load';
import { log, machine, markdownTable, ROOT, textTable, updateReadme } from './report';

type Db = 'postgres' | 'pglite';
const PAGES = [
	'team page',
	'journey map',
	'touchpoint trend',
	'coach view',
	'figures page'
] as const;
type Page = (typeof PAGES)[number];
const ROUTE_IDS: Record<Page, string> = {
	'team page': '/(app)/teams/[team=uuid]',
	'journey map': '/(app)/teams/[team=uuid]/journeys/[journey=uuid]',
	'touchpoint trend':
		'/(app)/teams/[team=uuid]/journeys/[journey=uuid]/touchpoints/[touchpoint=uuid]',
	'coach view': '/(app)/coach/[team=uuid]',
	'figures page': '/(app)/figures'
};
const WARM = 20;
const PARALLEL = 100;

interface Target {
	paths: Record<Page, string>;
	member: string;
	coach: string;
}

const uuidAfter = (html: string, prefix: string) =>
	html.match(new RegExp(`${prefix}([0-9a-f-]{36})`))?.[1];

async function discover(agent: Agent, base: string): Promise<Target> {
	const [member, coach] = await Promise.all(
		['kim', 'coach'].map((who) => signIn(agent, base, `${who}@voorbeeld.nl`))
	);
	const teams = await send(agent, base, 'GET', '/teams', { cookie: member });
	const team = uuidAfter(teams.body, '/teams/');
	if (!team) throw new Error(`no team on /teams (${teams.status})`);
	const journeys = await send(agent, base, 'GET', `/teams/${team}/journeys`, { cookie: member });
	const journey = uuidAfter(journeys.body, `/teams/${team}/journeys/`);
	if (!journey) throw new Error(`no journey of team ${team}`);
	const map = await send(agent, base, 'GET', `/teams/${team}/journeys/${journey}`, {
		cookie: member
	});
	// the map's touchpoint links are built in the browser: try the ids on the page
	const ids = [
		...new Set(map.body.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g))
	];
	let touchpoint: string | undefined;
	for (const id of ids.filter((i) => i !== team && i !== journey).slice(0, 60)) {
		const r = await send(
			agent,
			base,
			'GET',
			`/teams/${team}/journeys/${journey}/touchpoints/${id}`,
			{
				cookie: member
			}
		);
		if (r.status === 200) {
			touchpoint = id;
			break;
		}
	}
	if (!touchpoint) throw new Error('no touchpoint on the journey map');
	return {
		member,
		coach,
		paths: {
			'team page': `/teams/${team}`,
			'journey map': `/teams/${team}/journeys/${journey}`,
			'touchpoint trend': `/teams/${team}/journeys/${journey}/touchpoints/${touchpoint}`,
			'coach view': `/coach/${team}`,
			'figures page': '/figures'
		}
	};
}

const cookieFor = (t: Target, page: Page) =>
	page === 'coach view' || page === 'figures page' ? t.coach : t.member;

function percentile(xs: number[], p: number): number {
	const sorted = [...xs].sort((a, b) => a - b);
	if (!sorted.length) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** The server times logged for a route since `from` (an index into its list). */
const serverSince = (server: Server, page: Page, from: number) =>
	(server.serverMs.get(ROUTE_IDS[page]) ?? []).slice(from);
const logged = (server: Server, page: Page) => server.serverMs.get(ROUTE_IDS[page])?.length ?? 0;

async function get(agent: Agent, server: Server, t: Target, page: Page) {
	const r = await send(agent, server.base, 'GET', t.paths[page], { cookie: cookieFor(t, page) });
	if (r.status !== 200) throw new Error(`${page}: status ${r.status}`);
}

interface PageFigures {
	page: string;
	cold: number;
	warmP50: number;
	warmP95: number;
}
interface Burst {
	label: string;
	clientP50: number;
	clientP95: number;
	serverP50: number;
	serverP95: number;
	errors: number;
}
interface SizeResult {
	db: Db;
	events: number;
	pages: PageFigures[];
	bursts: Burst[];
}

async function burst(server: Server, t: Target, label: string): Promise<Burst> {
	const agent = new Agent({ keepAlive: true, maxSockets: PARALLEL });
	const from = logged(server, 'team page');
	const ms: number[] = [];
	let errors = 0;
	await Promise.all(
		Array.from({ length: PARALLEL }, async () => {
			const start = performance.now();
			try {
				await get(agent, server, t, 'team page');
			} catch {
				errors++;
			}
			ms.push(performance.now() - start);
		})
	);
	agent.destroy();
	const srv = serverSince(server, 'team page', from);
	return {
		label,
		clientP50: percentile(ms, 50),
		clientP95: percentile(ms, 95),
		serverP50: percentile(srv, 50),
		serverP95: percentile(srv, 95),
		errors
	};
}

async function runSize(db: Db, events: number): Promise<SizeResult> {
	const dir = await mkdtemp(join(tmpdir(), 'koers-pages-'));
	const pg = db === 'postgres' ? await startThrowawayPostgres() : undefined;
	const env: NodeJS.ProcessEnv = {
		KOERS_DEMO: '1',
		KOERS_DATA_DIR: join(dir, 'data'),
		KOERS_SESSION_SECRET: randomBytes(24).toString('hex'),
		KOERS_PSEUDONYM_SECRET: randomBytes(24).toString('hex'),
		...(pg ? { DATABASE_URL: pg.url } : {})
	};
	let server: Server | undefined;
	try {
		log(`Pages, ${db}, ${events.toLocaleString('en')} events`);
		const { total } = await prepare(env, events, dir);
		server = await startServer(env);
		const agent = new Agent({ keepAlive: true });
		const target = await discover(agent, server.base);
		// discover loaded the journey map once; a restart empties the cache for the cold figures
		await server.stop();
		server = await startServer(env);
		const again = new Agent({ keepAlive: true });
		const t = { ...target, ...(await discover2(again, server.base, target)) };
		const pages: PageFigures[] = [];
		for (const page of PAGES) {
			const from = logged(server, page);
			await get(again, server, t, page);
			for (let i = 0; i < WARM; i++) await get(again, server, t, page);
			const srv = serverSince(server, page, from);
			const warm = srv.slice(1);
			pages.push({
				page,
				cold: srv[0],
				warmP50: percentile(warm, 50),
				warmP95: percentile(warm, 95)
			});
			log(
				`  ${page}: cold ${srv[0]?.toFixed(0)} ms, warm p95 ${percentile(warm, 95).toFixed(0)} ms`
			);
		}
		again.destroy();
		agent.destroy();
		await server.stop();
		server = await startServer(env);
		const fresh = new Agent({ keepAlive: true });
		const t3 = { ...target, ...(await discover2(fresh, server.base, target)) };
		fresh.destroy();
		const bursts = [
			await burst(server, t3, `${PARALLEL} at once, cold`),
			await burst(server, t3, `${PARALLEL} at once, warm`)
		];
		for (const b of bursts)
			log(`  team page, ${b.label}: server p95 ${b.serverP95.toFixed(0)} ms, errors ${b.errors}`);
		return { db, events: total, pages, bursts };
	} finally {
		await server?.stop();
		await pg?.stop();
		await rm(dir, { recursive: true, force: true });
	}
}

/** Signs the same people in again on a restarted server (fresh sessions for the new process). */
async function discover2(
	agent: Agent,
	base: string,
	t: Target
): Promise<Pick<Target, 'member' | 'coach'>> {
	const [member, coach] = await Promise.all(
		['kim', 'coach'].map((who) => signIn(agent, base, `${who}@voorbeeld.nl`))
	);
	return { member: member ?? t.member, coach: coach ?? t.coach };
}

const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(0)} ms` : '–');

function pageRows(results: SizeResult[], bold = '') {
	const head = ['database', 'events', ...PAGES.map((p) => `${p}: cold / warm p50 / warm p95`)];
	const rows = results.map((r) => [
		r.db === 'postgres' ? 'PostgreSQL' : 'PGlite',
		r.events.toLocaleString('en'),
		...r.pages.map((p) => `${bold}${ms(p.cold)}${bold} / ${ms(p.warmP50)} / ${ms(p.warmP95)}`)
	]);
	return { head, rows };
}

function burstRows(results: SizeResult[]) {
	const head = [
		'database',
		'events',
		'team page ×100',
		'client p50',
		'client p95',
		'server p50',
		'server p95',
		'errors'
	];
	const rows = results.flatMap((r) =>
		r.bursts.map((b) => [
			r.db === 'postgres' ? 'PostgreSQL' : 'PGlite',
			r.events.toLocaleString('en'),
			b.label,
			ms(b.clientP50),
			ms(b.clientP95),
			ms(b.serverP50),
			ms(b.serverP95),
			String(b.errors)
		])
	);
	return { head, rows };
}

async function main() {
	const { values } = parseArgs({
		options: {
			db: { type: 'string', default: 'both' },
			sizes: { type: 'string', default: '100000,1000000' },
			readme: { type: 'boolean', default: false }
		}
	});
	if (!['postgres', 'pglite', 'both'].includes(values.db!))
		throw new Error('--db is postgres, pglite or both');
	if (!existsSync(join(ROOT, 'build/index.js')))
		throw new Error('no build: run `npm run build` first');
	const dbs: Db[] = values.db === 'both' ? ['postgres', 'pglite'] : [values.db as Db];
	const sizes = values.sizes!.split(',').map(Number);
	const results: SizeResult[] = [];
	for (const db of dbs) for (const size of sizes) results.push(await runSize(db, size));
	const p = pageRows(results);
	const b = burstRows(results);
	console.log(textTable(p.head, p.rows));
	console.log(textTable(b.head, b.rows));
	if (values.readme) {
		const date = new Date().toISOString().slice(0, 10);
		await updateReadme(
			'bench-pages',
			'Pages with figures',
			[
				`Measured on ${date} with \`npm run bench:pages\` (\`src/bench/pages.ts\`). Machine: ${machine()}; ` +
					'the server, the database and the client share its cores. Server time per page from ' +
					"Koers's request log: _cold_ is the first request after a start (empty figures cache), " +
					`_warm_ p50/p95 of ${WARM} requests one after another; events are the demo's plus generated ` +
					'ones imported with `koers import`.',
				markdownTable(p.head, p.rows),
				`${PARALLEL} parallel requests to the team page right after a start (cold: one computation ` +
					'shared by all) and again warm:',
				markdownTable(b.head, b.rows)
			].join('\n\n')
		);
	}
}

main().catch((e) => {
	console.error(e instanceof Error ? e.message : e);
	process.exit(1);
});
