/**
 * `npm run bench:responsive [-- --events N] [--alone]`: does an import on the embedded database block the
 * team? (issue 10 §3). In one process, as the server runs: PGlite in a throwaway folder with the
 * demo seeded, then N generated events (default 1,000,000, in the demo's categories and
 * departments) imported through `importStream` while a team member keeps opening the team page
 * (teams.overview) and the journey map (journeys.get with the cycles on its touchpoints), one
 * after the other without pause, with the same server functions the pages load. Prints each
 * page's p50/p95/max while idle and during the import, and the import's own time. Aim: p95 ≤ 1 s
 * during the import. With `--alone` the import runs without the pages, for its own time.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as cycles from '../lib/server/cycles';
import { useDb } from '../lib/server/db';
import { pgliteDriver } from '../lib/server/db/pglite';
import { createDb } from '../lib/server/db/port';
import type { Claims } from '../lib/server/db/types';
import { seedDemo } from '../lib/server/demo';
import { importStream, STEP_ROWS } from '../lib/server/import';
import * as journeys from '../lib/server/journeys';
import * as teams from '../lib/server/teams';
import { writeDemoScaled } from './load';

const SUPABASE_DIR = fileURLToPath(new URL('../../supabase', import.meta.url));
const SECRET = 'benchmark-secret-benchmark-secret';
const TARGET_MS = 1000;

const { values: args } = parseArgs({
	options: { events: { type: 'string' }, alone: { type: 'boolean' } }
});
const EVENTS = Number(args.events ?? 1_000_000);
const log = (s: string) => process.stderr.write(`${s}\n`);
const now = () => performance.now();

function stats(ms: number[]) {
	const s = [...ms].sort((a, b) => a - b);
	const at = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] ?? NaN;
	return { n: s.length, p50: at(0.5), p95: at(0.95), max: s[s.length - 1] ?? NaN };
}

const dir = await mkdtemp(join(tmpdir(), 'koers-responsive-'));
try {
	const db = createDb(await pgliteDriver(join(dir, 'pgdata')));
	await db.migrate(SUPABASE_DIR);
	useDb(db);
	await seedDemo(db, SECRET);
	const [who] = await db.asService((tx) =>
		tx.query<{ userId: string; orgId: string; teamId: string; journeyId: string }>(
			`select p.user_id as "userId", p.org_id as "orgId", m.team_id as "teamId", j.id as "journeyId"
			   from person p join team_member m on m.person_id = p.id
			   join journey j on j.team_id = m.team_id
			  where p.email = 'kim@voorbeeld.nl' limit 1`
		)
	);
	const claims: Claims = {
		sub: who.userId,
		email: 'kim@voorbeeld.nl',
		role: 'authenticated',
		aud: 'authenticated',
		exp: Math.floor(Date.now() / 1000) + 24 * 3600
	};
	const pages = {
		'team page': () => teams.overview(claims, who.teamId),
		'journey map': () =>
			Promise.all([
				journeys.get(claims, who.teamId, who.journeyId, {}),
				cycles.onTouchpoints(claims, who.teamId)
			])
	};
	const file = join(dir, 'log.csv');
	log(`writing ${EVENTS.toLocaleString('en')} events …`);
	await writeDemoScaled(EVENTS, file); // the demo's words, as bench:load writes them

	const times: Record<string, number[]> = { 'team page': [], 'journey map': [] };
	let running = true;
	let importing = true;
	const after: Record<string, number[]> = { 'team page': [], 'journey map': [] };
	const visitor = async () => {
		while (running)
			for (const [name, load] of Object.entries(pages)) {
				// The request arrives now; its time includes waiting for the event loop (a network
				// round trip lets timers and the import's reads run; PGlite answers without leaving
				// the microtask queue), which the import holds while it parses.
				const t = now();
				await new Promise((r) => setImmediate(r));
				await load();
				// A page that was still loading when the import ended: the first one over the new
				// data (its figures computed afresh), reported apart.
				(importing ? times[name] : after[name]).push(now() - t);
			}
	};
	// Idle: the demo alone, for a few seconds.
	log('idle …');
	const idle = visitor();
	await new Promise((r) => setTimeout(r, 5000));
	running = false;
	await idle;
	const idleStats = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, stats(v)]));
	for (const v of Object.values(times)) v.length = 0;

	log('importing while the team page and the journey map are opened …');
	running = !args.alone;
	const during = visitor();
	const t0 = now();
	const result = await importStream((fn) => db.asService(fn), createReadStream(file), {
		orgId: who.orgId,
		fileName: 'log.csv',
		via: 'cli',
		pseudonymSecret: SECRET,
		onProgress: ({ rows, bytes }) => {
			if (process.env.DEBUG) log(`progress ${rows} ${bytes}`);
		}
	});
	const importSeconds = (now() - t0) / 1000;
	importing = false;
	running = false;
	await during;
	await db.close();

	const fmt = (x: number) => `${Math.round(x).toLocaleString('en')} ms`;
	console.log(
		`\nPGlite, demo + ${result.eventsAdded.toLocaleString('en')} events imported in ` +
			`${importSeconds.toFixed(1)} s (${Math.round(result.eventsAdded / importSeconds).toLocaleString('en')} events/s, ` +
			`steps of ≥ ${STEP_ROWS.toLocaleString('en')} rows)\n`
	);
	console.log(
		'| page | idle p50 / p95 | during the import: n, p50 / p95 / max | p95 ≤ 1 s | the load that ended after it |'
	);
	console.log('|---|---|---|---|---|');
	for (const name of Object.keys(pages)) {
		const i = idleStats[name];
		const d = stats(times[name]);
		console.log(
			`| ${name} | ${fmt(i.p50)} / ${fmt(i.p95)} | ${d.n}: ${fmt(d.p50)} / ${fmt(d.p95)} / ${fmt(d.max)} | ${d.p95 <= TARGET_MS ? 'yes' : 'no'} | ${after[name].map(fmt).join(', ') || '–'} |`
		);
	}
} finally {
	await rm(dir, { recursive: true, force: true });
}
