/**
 * `npx tsx src/bench/phases.ts [--events N] [--db postgres|pglite|both] [--files 1|2]`
 *
 * Where a CSV import's time and memory go, phase by phase (issue 10 §2): the generated log of
 * `npm run bench` (1,000,000 events by default, kept in the temp folder between runs), imported
 * by `importStream` in a child process of its own (./child.ts) into a fresh database. `--files 2`
 * imports the log as two halves, one after the other (the second import then also merges
 * into existing data). Prints one table; nothing is written to the README.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { startThrowawayPostgres } from '../../tests/setup/throwaway-postgres';
import type { Job, JobResult } from './child';
import { writeLog } from './generate';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const { values: args } = parseArgs({
	options: {
		events: { type: 'string', default: '1000000' },
		db: { type: 'string', default: 'both' },
		files: { type: 'string', default: '1' }
	}
});
const EVENTS = Number(args.events);

async function child(job: Job): Promise<JobResult> {
	const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(job)], {
		cwd: ROOT,
		stdio: ['ignore', 'pipe', 'inherit']
	});
	let out = '';
	proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
	const code = await new Promise<number | null>((resolve) => proc.on('close', resolve));
	const line = out.split('\n').find((l) => l.startsWith('@@bench '));
	if (code !== 0 || !line) throw new Error(`the job failed (exit ${code}):\n${out.slice(-2000)}`);
	return JSON.parse(line.slice(8)) as JobResult;
}

async function halves(csv: string): Promise<string[]> {
	const { readFile, writeFile } = await import('node:fs/promises');
	const text = await readFile(csv, 'utf8');
	const lines = text.trimEnd().split('\n');
	const [head, ...rows] = lines;
	// by case: the first half of the cases, then the rest (whole cases in each file)
	const caseOf = (l: string) => l.slice(0, l.indexOf(','));
	const cases = [...new Set(rows.map(caseOf))];
	const first = new Set(cases.slice(0, Math.floor(cases.length / 2)));
	const a = join(tmpdir(), `koers-phases-${EVENTS}-a.csv`);
	const b = join(tmpdir(), `koers-phases-${EVENTS}-b.csv`);
	await writeFile(a, [head, ...rows.filter((r) => first.has(caseOf(r)))].join('\n') + '\n');
	await writeFile(b, [head, ...rows.filter((r) => !first.has(caseOf(r)))].join('\n') + '\n');
	return [a, b];
}

const f = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));

function report(db: string, r: JobResult) {
	const p = r.phases!;
	const seconds = r.imports!.reduce((s, i) => s + i.seconds, 0);
	const events = r.imports!.reduce((s, i) => s + i.eventsAdded, 0);
	const pct = (x: number) => `${f(x)} s (${((100 * x) / seconds).toFixed(0)} %)`;
	const rows: [string, string][] = [
		['import (wall clock)', `${f(seconds)} s · ${Math.round(events / seconds)} ev/s`],
		['read, parse, check, spill (Node)', pct(p.read)],
		['steps: spill read, staging text (Node)', pct(p.node - p.read)],
		['COPY into staging', pct(p.copy)],
		['insert categories', pct(p.categories)],
		['insert reports (+ triggers)', pct(p.reports)],
		['insert events (+ triggers)', pct(p.events)],
		['update existing cases times', pct(p.update)],
		[`refresh_case_facts (${p.refreshes}×)`, pct(p.refresh)],
		['begin/commit/role per step', pct(p.commit)],
		['other statements', pct(p.other)],
		['peak RSS', `${Math.round(r.peakMiB)} MB`],
		[
			'memory while reading (rss/heap/ext)',
			`${Math.round(r.memory!.read.rss)} / ${Math.round(r.memory!.read.heapUsed)} / ${Math.round(r.memory!.read.external)} MB`
		],
		[
			'memory while loading (rss/heap/ext)',
			`${Math.round(r.memory!.load.rss)} / ${Math.round(r.memory!.load.heapUsed)} / ${Math.round(r.memory!.load.external)} MB`
		]
	];
	process.stdout.write(`\n${db}, ${EVENTS} events, ${r.imports!.length} file(s)\n`);
	for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(40)} ${v}\n`);
	process.stdout.write(`@@phases ${db} ${JSON.stringify({ seconds, events, ...r })}\n`);
}

const csv = join(tmpdir(), `koers-phases-${EVENTS}.csv`);
if (!existsSync(csv)) await writeLog(EVENTS, csv);
const files = args.files === '2' ? await halves(csv) : [csv];
const jobFiles = files.map((file, i) => ({ file, label: `part ${i + 1}` }));

if (args.db === 'postgres' || args.db === 'both') {
	const pg = await startThrowawayPostgres();
	try {
		const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
		await admin.unsafe('create database koers_phases');
		await admin.end();
		const url = new URL(pg.url);
		url.pathname = '/koers_phases';
		await child({ kind: 'import', db: 'postgres', url: url.toString(), files: [] });
		report(
			'PostgreSQL',
			await child({ kind: 'import', db: 'postgres', url: url.toString(), files: jobFiles })
		);
	} finally {
		await pg.stop();
	}
}
if (args.db === 'pglite' || args.db === 'both') {
	const dataDir = await mkdtemp(join(tmpdir(), 'koers-phases-pglite-'));
	try {
		await child({ kind: 'import', db: 'pglite', dataDir, files: [] });
		report('PGlite', await child({ kind: 'import', db: 'pglite', dataDir, files: jobFiles }));
	} finally {
		await rm(dataDir, { recursive: true, force: true });
	}
}
