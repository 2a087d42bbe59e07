/**
 * `npm run bench:load`: Koers under load (issue 13). The production build (`node build`) serves
 * the demo organisation, its case data scaled up with generated events in the demo's categories
 * and departments (imported with `koers import`, the app's own import), on loopback only:
 *
 * 1. on a throwaway PostgreSQL server (DATABASE_URL): 100 users for 60 s on 1,000,000 events;
 * 2. on the embedded database (PGlite, KOERS_DATA_DIR): 20 users for 30 s on 100,000 events.
 *
 * Every user loops without pause over a mix of the team page, the journey map with its figures,
 * the coach view, an idea sent with the form (no JavaScript: a form POST with the origin header
 * SvelteKit checks) and an API import batch of 50 events (`POST /api/v1/events`, an API token),
 * signed in as the demo's own people. Per route and overall: requests per second, p50/p95/p99 of
 * the time to the whole answer as the client sees it, errors (any status but the expected one,
 * or no answer), and the server's own time from its request log (so queueing shows as the
 * difference). Aim: no errors, p95 ≤ 300 ms.
 *
 *   npm run bench:load -- [--db postgres|pglite|both] [--users N] [--seconds N] [--events N]
 *                         [--readme]
 *
 * --users/--seconds/--events replace both runs' values (a quick look: `--users 10 --seconds 10
 * --events 100000` takes about a minute per database); --readme writes the figures into
 * README.md between `<!-- bench-load -->` markers. Run `npm run build` first. With
 * KOERS_PROF=<folder> the server writes a V8 CPU profile there when it stops (--cpu-prof).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { startThrowawayPostgres } from '../../tests/setup/throwaway-postgres';
import { cases, CSV_HEADER } from './generate';
import { log, machine, markdownTable, ROOT, textTable, updateReadme } from './report';

const PASSWORD = 'koers-demo-2026';
const P95_TARGET_MS = 300;
const API_BATCH = 50;

type Db = 'postgres' | 'pglite';
interface RunOptions {
	db: Db;
	users: number;
	seconds: number;
	events: number;
}
const DEFAULTS: Record<Db, Omit<RunOptions, 'db'>> = {
	postgres: { users: 100, seconds: 60, events: 1_000_000 },
	pglite: { users: 20, seconds: 30, events: 100_000 }
};

/** The mix: each request of a user is one of these, drawn by weight. */
const ROUTES = ['team page', 'journey map', 'coach view', 'idea (form)', 'API batch'] as const;
type Route = (typeof ROUTES)[number];
const WEIGHTS: Record<Route, number> = {
	'team page': 30,
	'journey map': 25,
	'coach view': 15,
	'idea (form)': 20,
	'API batch': 10
};

// ---------------------------------------------------------------------------------------------
// HTTP

interface Answer {
	status: number;
	body: string;
	headers: Record<string, string | string[] | undefined>;
}

export function send(
	agent: Agent,
	base: string,
	method: string,
	path: string,
	headers: Record<string, string>,
	body?: string
): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const req = request(
			`${base}${path}`,
			{
				method,
				agent,
				headers: body ? { ...headers, 'content-length': Buffer.byteLength(body) } : headers
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () =>
					resolve({
						status: res.statusCode ?? 0,
						body: Buffer.concat(chunks).toString(),
						headers: res.headers
					})
				);
				res.on('error', reject);
			}
		);
		req.setTimeout(60_000, () => req.destroy(new Error('timeout after 60 s')));
		req.on('error', reject);
		req.end(body);
	});
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

export async function signIn(agent: Agent, base: string, email: string): Promise<string> {
	const res = await send(
		agent,
		base,
		'POST',
		'/login',
		{ origin: base, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
		form({ email, password: PASSWORD })
	);
	const set = ([] as string[])
		.concat(res.headers['set-cookie'] ?? [])
		.find((c) => c.startsWith('koers_session='));
	if (res.status !== 303 || !set) throw new Error(`sign-in of ${email} failed: ${res.status}`);
	return set.split(';')[0];
}

// ---------------------------------------------------------------------------------------------
// Setting up: a server on a database, the demo, scaled

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const address = srv.address();
			srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

export interface Server {
	base: string;
	child: ChildProcess;
	/** Server-side milliseconds per route id, from the request log (JSON lines). */
	serverMs: Map<string, number[]>;
	stop(): Promise<void>;
}

/** `node build` as in production, on loopback; resolves once /readyz answers 200. */
export async function startServer(env: NodeJS.ProcessEnv): Promise<Server> {
	const port = await freePort();
	const base = `http://127.0.0.1:${port}`;
	const clean = Object.fromEntries(
		Object.entries(process.env).filter(
			([k]) => !/^(DATABASE_URL|KOERS_|PUBLIC_SUPABASE_|SUPABASE_|ORIGIN)/.test(k)
		)
	);
	const child = spawn(
		process.execPath,
		[
			...(process.env.KOERS_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.KOERS_PROF] : []),
			join(ROOT, 'build')
		],
		{
			cwd: ROOT,
			env: { ...clean, ...env, PORT: String(port), HOST: '127.0.0.1', ORIGIN: base },
			stdio: ['ignore', 'pipe', 'pipe']
		}
	);
	const serverMs = new Map<string, number[]>();
	let rest = '';
	let output = '';
	child.stdout!.on('data', (d: Buffer) => {
		const lines = (rest + d.toString()).split('\n');
		rest = lines.pop() ?? '';
		for (const line of lines) {
			if (!line.startsWith('{')) {
				output += `${line}\n`;
				continue;
			}
			try {
				const entry = JSON.parse(line) as { route?: string; ms?: number };
				if (entry.route && typeof entry.ms === 'number') {
					const list = serverMs.get(entry.route) ?? [];
					list.push(entry.ms);
					serverMs.set(entry.route, list);
				}
			} catch {
				output += `${line}\n`;
			}
		}
	});
	child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const started = Date.now();
	for (;;) {
		if (child.exitCode !== null) throw new Error(`the server stopped:\n${output.slice(-3000)}`);
		if (Date.now() - started > 300_000) throw new Error(`not ready after 300 s:\n${output}`);
		const ok = await fetch(`${base}/readyz`)
			.then((r) => r.status === 200)
			.catch(() => false);
		if (ok) break;
		await new Promise((r) => setTimeout(r, 500));
	}
	return {
		base,
		child,
		serverMs,
		stop: async () => {
			if (child.exitCode === null) child.kill('SIGTERM');
			await exited;
		}
	};
}

const DEPARTMENTS: Record<string, string> = {
	Klantcontactcentrum: 'KCC',
	'Openbare Ruimte': 'Wijkbeheer',
	'Afval en Reiniging': 'Afvalinzameling',
	Buitendienst: 'Wijkbeheer',
	Handhaving: 'Afvalinzameling',
	Vergunningen: 'Vergunningen'
};
const CATEGORIES = [
	'Container niet geleegd',
	'Grofvuil ophalen',
	'Zwerfafval',
	'Kapotte container'
];

/**
 * The benchmark's generated log (src/bench/generate.ts: 2025, 10 events a case on average) in
 * the demo's words: its four categories and its departments, case numbers of their own.
 */
export async function writeDemoScaled(events: number, path: string) {
	const out = createWriteStream(path);
	const write = (s: string) =>
		out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r()));
	await write(`${CSV_HEADER.join(',')}\n`);
	let i = 0;
	let chunk = '';
	for (const c of cases(events)) {
		const category = CATEGORIES[i++ % CATEGORIES.length];
		for (const e of c.events)
			chunk += `B${c.caseId},${e.activity},${e.time},${DEPARTMENTS[e.department] ?? ''},${e.resource},complete,${c.channel},${category}\n`;
		if (chunk.length > 1 << 20) {
			await write(chunk);
			chunk = '';
		}
	}
	await write(chunk);
	await new Promise<void>((resolve, reject) =>
		out.end((e?: Error | null) => (e ? reject(e) : resolve()))
	);
}

async function countEvents(env: NodeJS.ProcessEnv): Promise<number> {
	if (env.DATABASE_URL) {
		const sql = postgres(env.DATABASE_URL, { max: 1, onnotice: () => {} });
		try {
			const [row] = await sql`select count(*)::int as n from report_event`;
			return row.n as number;
		} finally {
			await sql.end();
		}
	}
	const db = new PGlite(join(env.KOERS_DATA_DIR!, 'pgdata'));
	try {
		const { rows } = await db.query<{ n: number }>('select count(*)::int as n from report_event');
		return rows[0].n;
	} finally {
		await db.close();
	}
}

/**
 * The demo seeded by a first start, then generated events imported with `koers import` (the
 * server stopped: the embedded database belongs to one process) up to `events` in all.
 */
export async function prepare(env: NodeJS.ProcessEnv, events: number, dir: string) {
	let t = performance.now();
	const first = await startServer(env);
	await first.stop();
	const demo = await countEvents(env);
	log(
		`  demo seeded (${demo.toLocaleString('en')} events) in ${((performance.now() - t) / 1000).toFixed(1)} s`
	);
	const extra = Math.max(0, events - demo);
	if (extra < 5) return { demo, total: demo };
	t = performance.now();
	const csv = join(dir, 'scaled.csv');
	await writeDemoScaled(extra, csv);
	const imported = spawnSync(
		process.execPath,
		[
			'--import',
			'tsx',
			join(ROOT, 'src/scripts/koers.ts'),
			'import',
			csv,
			'--source',
			'load-benchmark'
		],
		{ cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 26 }
	);
	if (imported.status !== 0)
		throw new Error(`koers import failed:\n${imported.stdout}\n${imported.stderr.slice(-3000)}`);
	const total = await countEvents(env);
	log(
		`  ${imported.stdout.trim()} (+ writing the CSV: ${((performance.now() - t) / 1000).toFixed(1)} s)`
	);
	return { demo, total };
}

// ---------------------------------------------------------------------------------------------
// The load

interface Target {
	team: string;
	journey: string;
	token: string;
	/** Cookies of the demo's people, by what they do in the mix. */
	members: string[];
	coach: string;
	staff: string[];
}

const uuidAfter = (html: string, prefix: string) =>
	html.match(new RegExp(`${prefix}([0-9a-f-]{36})`))?.[1];

/** Signs in the demo's people, finds their team and journey, makes an API token as the admin. */
async function discover(agent: Agent, base: string): Promise<Target> {
	const [kim, sam, noor, coach, ravi, admin] = await Promise.all(
		['kim', 'sam', 'noor', 'coach', 'ravi', 'admin'].map((who) =>
			signIn(agent, base, `${who}@voorbeeld.nl`)
		)
	);
	const teams = await send(agent, base, 'GET', '/teams', { cookie: kim });
	const team = uuidAfter(teams.body, '/teams/');
	if (!team) throw new Error(`no team on /teams for kim (${teams.status})`);
	const journeys = await send(agent, base, 'GET', `/teams/${team}/journeys`, { cookie: kim });
	const journey = uuidAfter(journeys.body, `/teams/${team}/journeys/`);
	if (!journey) throw new Error(`no journey of team ${team} (${journeys.status})`);
	const made = await send(
		agent,
		base,
		'POST',
		'/admin/tokens?/create',
		{
			origin: base,
			cookie: admin,
			'content-type': 'application/x-www-form-urlencoded',
			accept: 'application/json',
			'x-sveltekit-action': 'true'
		},
		form({ name: 'Load benchmark' })
	);
	const token = made.body.match(/koers_[A-Za-z0-9_-]{20,}/)?.[0];
	if (!token) throw new Error(`no API token (${made.status}): ${made.body.slice(0, 300)}`);
	return { team, journey, token, members: [kim, sam, noor], coach, staff: [ravi, kim, sam, noor] };
}

interface Sample {
	route: Route;
	ms: number;
	ok: boolean;
	status: number | string;
}

interface Req {
	method: string;
	path: string;
	headers: Record<string, string>;
	body?: string;
	expect: number;
}

/** One request of the mix for user `u`, its `n`-th. */
function requestFor(route: Route, u: number, n: number, t: Target, base: string): Req {
	const pick = <T>(xs: T[]) => xs[(u + n) % xs.length];
	switch (route) {
		case 'team page':
			return {
				method: 'GET',
				path: `/teams/${t.team}`,
				headers: { cookie: pick(t.members) },
				expect: 200
			};
		case 'journey map':
			return {
				method: 'GET',
				path: `/teams/${t.team}/journeys/${t.journey}`,
				headers: { cookie: pick([...t.members, t.coach]) },
				expect: 200
			};
		case 'coach view':
			return { method: 'GET', path: `/coach/${t.team}`, headers: { cookie: t.coach }, expect: 200 };
		case 'idea (form)':
			return {
				method: 'POST',
				path: '/ideas?/submit',
				headers: {
					cookie: pick(t.staff),
					origin: base,
					'content-type': 'application/x-www-form-urlencoded',
					accept: 'text/html'
				},
				body: form({
					body: `Idee ${u}-${n} uit de belastingtest: de container bij het plein is vaak vol.`
				}),
				expect: 200
			};
		case 'API batch': {
			const items = [];
			const start = Date.UTC(2026, 9, 1) + ((u * 7919 + n * 104729) % (40 * 86400)) * 1000;
			for (let i = 0; i < API_BATCH; i++) {
				const at = new Date(start + i * 600_000).toISOString();
				items.push({
					caseId: `L${u}-${n}-${Math.floor(i / 5)}`,
					activity: ['Melding ontvangen', 'Doorgezet', 'Ingepland', 'Uitgevoerd', 'Afgemeld'][
						i % 5
					],
					timestamp: at,
					department: ['KCC', 'KCC', 'Afvalinzameling', 'Afvalinzameling', 'KCC'][i % 5],
					category: CATEGORIES[(u + n) % CATEGORIES.length],
					channel: 'app'
				});
			}
			return {
				method: 'POST',
				path: '/api/v1/events',
				headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' },
				body: JSON.stringify({ source: 'load-benchmark', items }),
				expect: 200
			};
		}
	}
}

const TOTAL_WEIGHT = ROUTES.reduce((s, r) => s + WEIGHTS[r], 0);
function draw(x: number): Route {
	let left = x * TOTAL_WEIGHT;
	for (const r of ROUTES) if ((left -= WEIGHTS[r]) < 0) return r;
	return ROUTES[0];
}

async function load(base: string, t: Target, users: number, seconds: number) {
	const agent = new Agent({ keepAlive: true, maxSockets: users });
	const samples: Sample[] = [];
	const firstErrors = new Map<Route, string>();
	let resets = 0;
	// warm up: every route once, so the first compilation of each page is not measured
	for (const r of ROUTES) {
		const q = requestFor(r, 0, 0, t, base);
		await send(agent, base, q.method, q.path, q.headers, q.body).catch(() => {});
	}
	// each route alone, one request at a time: what it costs without others waiting
	const alone = new Map<Route, number>();
	for (const r of ROUTES) {
		const ms: number[] = [];
		for (let n = 0; n < 3; n++) {
			const q = requestFor(r, 0, 1_000_000 + n, t, base);
			const t0 = performance.now();
			const res = await send(agent, base, q.method, q.path, q.headers, q.body);
			if (res.status !== q.expect) throw new Error(`${r} alone: ${res.status}`);
			ms.push(performance.now() - t0);
		}
		alone.set(r, ms.sort((a, b) => a - b)[1]);
	}
	const end = performance.now() + seconds * 1000;
	let seed = 12345;
	const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
	const user = async (u: number) => {
		for (let n = 1; performance.now() < end; n++) {
			const route = draw(random());
			const q = requestFor(route, u, n, t, base);
			const t0 = performance.now();
			let status: number | string;
			let detail = '';
			try {
				// A connection the server closed as idle while this request was on its way (its
				// keep-alive timeout fires late when its one thread was busy) is tried once more on
				// a new one, as browsers do; counted apart.
				const res = await send(agent, base, q.method, q.path, q.headers, q.body).catch(
					(e: NodeJS.ErrnoException) => {
						if (e.code !== 'ECONNRESET' && e.code !== 'EPIPE') throw e;
						resets++;
						return send(agent, base, q.method, q.path, q.headers, q.body);
					}
				);
				status = res.status;
				if (status !== q.expect) detail = res.body.slice(0, 200);
			} catch (e) {
				status = (e as Error).message;
			}
			const ok = status === q.expect;
			samples.push({ route, ms: performance.now() - t0, ok, status });
			if (!ok && !firstErrors.has(route)) firstErrors.set(route, `${status} ${detail}`.trim());
		}
	};
	const began = performance.now();
	await Promise.all(Array.from({ length: users }, (_, u) => user(u)));
	const elapsed = (performance.now() - began) / 1000;
	agent.destroy();
	return { samples, elapsed, firstErrors, alone, resets };
}

// ---------------------------------------------------------------------------------------------
// Figures

function percentile(sorted: number[], p: number): number {
	if (!sorted.length) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

interface RouteFigures {
	route: string;
	requests: number;
	rps: number;
	p50: number;
	p95: number;
	p99: number;
	errors: number;
	serverP50?: number;
	serverP95?: number;
	/** The route alone (median of 3 requests, one at a time, before the load). */
	alone?: number;
}

/** SvelteKit route ids of the mix, to find each route's lines in the server's log. */
const ROUTE_IDS: Record<Route, string> = {
	'team page': '/(app)/teams/[team=uuid]',
	'journey map': '/(app)/teams/[team=uuid]/journeys/[journey=uuid]',
	'coach view': '/(app)/coach/[team=uuid]',
	'idea (form)': '/(app)/ideas',
	'API batch': '/api/v1/events'
};

function figures(
	samples: Sample[],
	elapsed: number,
	serverMs: Map<string, number[]>,
	alone: Map<Route, number>
) {
	const one = (route: string, xs: Sample[], server?: number[], by?: number): RouteFigures => {
		const ms = xs.map((s) => s.ms).sort((a, b) => a - b);
		const srv = server?.slice().sort((a, b) => a - b);
		return {
			route,
			requests: xs.length,
			rps: xs.length / elapsed,
			p50: percentile(ms, 50),
			p95: percentile(ms, 95),
			p99: percentile(ms, 99),
			errors: xs.filter((s) => !s.ok).length,
			serverP50: srv?.length ? percentile(srv, 50) : undefined,
			serverP95: srv?.length ? percentile(srv, 95) : undefined,
			alone: by
		};
	};
	return [
		...ROUTES.map((r) =>
			one(
				r,
				samples.filter((s) => s.route === r),
				serverMs.get(ROUTE_IDS[r]),
				alone.get(r)
			)
		),
		one('all', samples, [...serverMs.values()].flat())
	];
}

const HEAD = [
	'route',
	'requests',
	'req/s',
	'p50',
	'p95',
	'p99',
	'errors',
	'server p50 / p95',
	'alone'
];
const msText = (n: number | undefined) =>
	n === undefined || Number.isNaN(n) ? '–' : `${Math.round(n)} ms`;
const rows = (fs: RouteFigures[], bold = '') =>
	fs.map((f) => [
		f.route === 'all' ? `${bold}all${bold}` : f.route,
		f.requests.toLocaleString('en'),
		f.rps.toFixed(1),
		msText(f.p50),
		msText(f.p95),
		msText(f.p99),
		String(f.errors),
		`${msText(f.serverP50)} / ${msText(f.serverP95)}`,
		msText(f.alone)
	]);

interface RunResult {
	options: RunOptions;
	demoEvents: number;
	totalEvents: number;
	elapsed: number;
	figures: RouteFigures[];
	firstErrors: Map<Route, string>;
	database: string;
	/** The machine's 1-minute load average just before the load (other work on its cores). */
	loadBefore: number;
	/** Requests sent again once because the server had closed their idle connection. */
	resets: number;
}

async function run(options: RunOptions): Promise<RunResult> {
	const dir = await mkdtemp(join(tmpdir(), 'koers-load-'));
	const pg = options.db === 'postgres' ? await startThrowawayPostgres() : undefined;
	const env: NodeJS.ProcessEnv = {
		KOERS_DEMO: '1',
		KOERS_DATA_DIR: join(dir, 'data'),
		KOERS_SESSION_SECRET: randomBytes(24).toString('hex'),
		KOERS_PSEUDONYM_SECRET: randomBytes(24).toString('hex'),
		...(pg ? { DATABASE_URL: pg.url } : {})
	};
	let server: Server | undefined;
	try {
		log(
			`Load, ${options.db}: ${options.users} users, ${options.seconds} s, ${options.events.toLocaleString('en')} events`
		);
		const { demo, total } = await prepare(env, options.events, dir);
		server = await startServer(env);
		const agent = new Agent({ keepAlive: true });
		const target = await discover(agent, server.base);
		agent.destroy();
		server.serverMs.clear();
		const loadBefore = loadavg()[0];
		const { samples, elapsed, firstErrors, alone, resets } = await load(
			server.base,
			target,
			options.users,
			options.seconds
		);
		// the warm-up's requests are in the log too; they are a handful among thousands
		const database = pg
			? await (async () => {
					const sql = postgres(pg.url, { max: 1 });
					const [{ v }] = await sql`select current_setting('server_version') as v`;
					await sql.end();
					return `PostgreSQL ${v} (throwaway cluster, fsync off)`;
				})()
			: 'PGlite in a folder';
		return {
			options,
			demoEvents: demo,
			totalEvents: total,
			elapsed,
			figures: figures(samples, elapsed, server.serverMs, alone),
			loadBefore,
			resets,
			firstErrors,
			database
		};
	} finally {
		await server?.stop();
		await pg?.stop();
		await rm(dir, { recursive: true, force: true });
	}
}

function describe(r: RunResult): string {
	const all = r.figures.find((f) => f.route === 'all')!;
	const slowest = r.figures.filter((f) => f.route !== 'all').sort((a, b) => b.p95 - a.p95)[0];
	const met = all.errors === 0 && all.p95 <= P95_TARGET_MS;
	return (
		`${met ? 'met' : '**not met**'}: no errors and p95 ≤ ${P95_TARGET_MS} ms ` +
		`(${all.errors} errors, p95 ${msText(all.p95)}); slowest route: ${slowest.route} ` +
		`(p95 ${msText(slowest.p95)}, server p50 ${msText(slowest.serverP50)})`
	);
}

async function main() {
	const { values } = parseArgs({
		options: {
			db: { type: 'string', default: 'both' },
			users: { type: 'string' },
			seconds: { type: 'string' },
			events: { type: 'string' },
			readme: { type: 'boolean', default: false }
		}
	});
	if (!['postgres', 'pglite', 'both'].includes(values.db!))
		throw new Error('--db is postgres, pglite or both');
	if (!existsSync(join(ROOT, 'build/index.js')))
		throw new Error('no build: run `npm run build` first');
	const dbs: Db[] = values.db === 'both' ? ['postgres', 'pglite'] : [values.db as Db];
	const num = (v: string | undefined, d: number) => (v === undefined ? d : Number(v));
	const results: RunResult[] = [];
	for (const db of dbs) {
		const d = DEFAULTS[db];
		const r = await run({
			db,
			users: num(values.users, d.users),
			seconds: num(values.seconds, d.seconds),
			events: num(values.events, d.events)
		});
		results.push(r);
		console.log(
			`\n${r.database}: ${r.options.users} users, ${r.elapsed.toFixed(1)} s, ${r.totalEvents.toLocaleString('en')} events`
		);
		console.log(textTable(HEAD, rows(r.figures)));
		for (const [route, e] of r.firstErrors) console.log(`  first error, ${route}: ${e}`);
		console.log(describe(r).replace(/\*\*/g, ''));
		console.log(
			`load average before: ${r.loadBefore.toFixed(1)}; connections reset and retried: ${r.resets}`
		);
	}
	if (values.readme) {
		const date = new Date().toISOString().slice(0, 10);
		const parts = [
			`Measured on ${date} with \`npm run bench:load\` (\`src/bench/load.ts\`). Machine: ${machine()}; ` +
				'the load generator, the server and the database share its cores.'
		];
		for (const r of results)
			parts.push(
				`**${r.database}**: ${r.options.users} users without pause for ${r.elapsed.toFixed(0)} s on ` +
					`${r.totalEvents.toLocaleString('en')} case events (the demo's ${r.demoEvents.toLocaleString('en')} ` +
					"and generated ones imported with `koers import`); the machine's load average just before: " +
					`${r.loadBefore.toFixed(1)}; requests sent again on a new connection after a reset: ${r.resets}.`,
				markdownTable(HEAD, rows(r.figures, '**')),
				`- ${describe(r)}`
			);
		parts.push(
			'Each user signs in as a demo person (members Kim, Sam and Noor, coach Coco, staff Ravi) and ' +
				'loops over the mix: team page 30 %, journey map with its figures 25 %, coach view 15 %, an ' +
				'idea through the form without JavaScript (a POST with the origin SvelteKit checks) 20 %, ' +
				`an API batch of ${API_BATCH} events with an API token 10 %. Times are to the whole answer as the ` +
				"client sees it; _server_ is the route's time in Koers from its request log (including the wait " +
				'for one of its 10 database connections); _alone_ is the route with nobody else on the server ' +
				'(median of 3, before the load). An error is any status but the expected 200, or no answer.'
		);
		await updateReadme('bench-load', 'Load', parts.join('\n\n'));
	}
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	main().catch((e) => {
		console.error(e instanceof Error ? e.message : e);
		process.exit(1);
	});
}
