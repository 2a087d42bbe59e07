/**
 * `npm run bench [-- --events N | --quick] [--profile] [--keep] [--no-readme] [--no-bundle]`
 *
 * Measures Koers's import and figures on a generated event log (1,000,000 events in 100,000
 * cases by default) against the practical limit (the database's own COPY of the same CSV) and
 * against pandas, on a throwaway PostgreSQL (or TEST_DATABASE_URL) and on PGlite in a folder,
 * and the JavaScript and CSS the idea page (/ideas) loads on a phone (./bundle.ts).
 * Every measured import runs in a child process of its own, so its peak memory is its own.
 * Prints a table, then the same as Markdown between `<!-- bench -->` markers, and puts that into
 * README.md (section "Benchmark"). Temporary files and the PostgreSQL it started are removed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startThrowawayPostgres } from '../../tests/setup/throwaway-postgres';
import type { ImportFile, Job, JobResult, Phases } from './child';
import { child, COPY_COLUMNS, postgresServer } from './jobs';
import { bundleTable, bundleVerdict, measureIdeasBundle, type BundleFigures } from './bundle';
import { writeLog } from './generate';
import { formatProfile, summariseProfile } from './profile';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PANDAS = fileURLToPath(new URL('./pandas_figures.py', import.meta.url));
const DATA = join(ROOT, '..', 'shared', 'data');
const PYTHON = '/usr/bin/python3';

const TARGET = {
	pgEventsPerSecond: 500_000,
	pgliteEventsPerSecond: 150_000,
	figuresSeconds: 1,
	peakMiB: 512
};

const { values: args } = parseArgs({
	options: {
		events: { type: 'string' },
		quick: { type: 'boolean' },
		profile: { type: 'boolean' },
		keep: { type: 'boolean' },
		'no-readme': { type: 'boolean' },
		'no-bundle': { type: 'boolean' }
	}
});
const EVENTS = args.events ? Number(args.events) : args.quick ? 100_000 : 1_000_000;
if (!Number.isInteger(EVENTS) || EVENTS < 1000) throw new Error('--events: a whole number ≥ 1000');
const QUARTER = Math.round(EVENTS / 4);

const fmt = (n: number, digits = 0) =>
	n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const secs = (s: number) => `${s < 10 ? s.toFixed(2) : s.toFixed(1)} s`;
const mib = (n: number) => `${fmt(n)} MB`;
const perSecond = (rows: number, s: number) => fmt(rows / s);
const log = (text: string) => process.stderr.write(`${text}\n`);

/** pandas from Debian (python3-pandas): installed with apt when missing and we are root. */
function pandasAvailable(): boolean {
	const importable = () =>
		existsSync(PYTHON) &&
		spawnSync(PYTHON, ['-c', 'import pandas'], { stdio: 'ignore' }).status === 0;
	if (importable()) return true;
	if (process.getuid?.() !== 0) {
		log(
			`pandas is not installed for ${PYTHON} and this is not root: skipping the pandas comparison`
		);
		log('  (install it with `apt-get install python3-pandas` to include it)');
		return false;
	}
	log("pandas is missing: installing Debian's python3-pandas with apt-get (once) …");
	const install = () =>
		spawnSync('apt-get', ['install', '-y', '-q', 'python3-pandas'], {
			stdio: ['ignore', 'ignore', 'inherit'],
			env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
		}).status === 0;
	if (!install()) {
		spawnSync('apt-get', ['update', '-q'], { stdio: ['ignore', 'ignore', 'inherit'] });
		install();
	}
	if (importable()) return true;
	log('apt-get could not install python3-pandas: skipping the pandas comparison');
	return false;
}

interface PandasResult {
	cases: number;
	events: number;
	leadMedianHours: number;
	leadMeanHours: number;
	handoffs: number;
	casesWithHandoff: number;
	variants: number;
	handoffMatrix: { from: string; to: string; count: number }[];
	seconds: { import: number; read: number; compute: number; total: number };
	pandas: string;
	wallSeconds: number;
}

function runPandas(csv: string): PandasResult {
	const start = performance.now();
	const out = execFileSync(
		PYTHON,
		[PANDAS, csv, 'case:concept:name', 'concept:name', 'time:timestamp', 'org:group'],
		{ encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] }
	);
	const line = out.split('\n').find((l) => l.startsWith('@@pandas '));
	if (!line) throw new Error(`pandas printed no result:\n${out.slice(-2000)}`);
	return {
		...(JSON.parse(line.slice(9)) as Omit<PandasResult, 'wallSeconds'>),
		wallSeconds: (performance.now() - start) / 1000
	};
}

/** Differences between Koers's figures and pandas's (empty when they agree). */
function compareFigures(koers: NonNullable<JobResult['figures']>['summary'], p: PandasResult) {
	const problems: string[] = [];
	const exact: [string, number, number][] = [
		['cases', koers.cases, p.cases],
		['events', koers.events, p.events],
		['handoffs', koers.handoffs, p.handoffs],
		['casesWithHandoff', koers.casesWithHandoff, p.casesWithHandoff],
		['variants', koers.variants.count, p.variants]
	];
	for (const [name, k, q] of exact) if (k !== q) problems.push(`${name}: Koers ${k}, pandas ${q}`);
	const close: [string, number | null, number][] = [
		['median lead time (h)', koers.leadTimeHours.median, p.leadMedianHours],
		['mean lead time (h)', koers.leadTimeHours.mean, p.leadMeanHours]
	];
	for (const [name, k, q] of close)
		if (k === null || Math.abs(k - q) > 1e-6) problems.push(`${name}: Koers ${k}, pandas ${q}`);
	const key = (m: { from: string; to: string; count: number }) => `${m.from} → ${m.to}: ${m.count}`;
	const km = koers.handoffMatrix.map(key).sort();
	const pm = p.handoffMatrix.map(key).sort();
	if (km.join('\n') !== pm.join('\n')) {
		const onlyK = km.filter((x) => !pm.includes(x));
		const onlyP = pm.filter((x) => !km.includes(x));
		problems.push(
			`handoffs by department differ: Koers only [${onlyK.join('; ')}], pandas only [${onlyP.join('; ')}]`
		);
	}
	return problems;
}

function largestProfile(dir: string): string | undefined {
	if (!existsSync(dir)) return undefined;
	return readdirSync(dir)
		.filter((f) => f.endsWith('.cpuprofile'))
		.map((f) => join(dir, f))
		.sort((a, b) => statSync(b).size - statSync(a).size)[0];
}

/** A Markdown table, its columns padded (as prettier would) so the README stays lint-clean. */
function markdownTable(head: string[], rows: string[][]): string {
	const widths = head.map((h, i) => Math.max(3, h.length, ...rows.map((r) => (r[i] ?? '').length)));
	const line = (cells: string[]) =>
		`| ${cells.map((c, i) => (c ?? '').padEnd(widths[i])).join(' | ')} |`;
	return [
		line(head),
		`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
		...rows.map(line)
	].join('\n');
}

/** Wraps a paragraph at 100 columns, as the rest of the README is written. */
function wrap(text: string, indent = ''): string {
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(' ')) {
		// never start a line with what Markdown would read as a list, quote, heading or table
		const safe = !/^([-+*>#|=]|\d+[.)])/.test(word);
		if (line && safe && line.length + 1 + word.length > 100) {
			lines.push(line);
			line = indent + word;
		} else line = line ? `${line} ${word}` : word;
	}
	lines.push(line);
	return lines.join('\n');
}

/** The same table as plain text for the terminal. */
function textTable(head: string[], rows: string[][]): string {
	const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
	const line = (cells: string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ');
	return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function updateReadme(section: string) {
	const path = join(ROOT, 'README.md');
	let text = await readFile(path, 'utf8');
	const start = text.indexOf('<!-- bench -->');
	const end = text.indexOf('<!-- /bench -->');
	if (start !== -1 && end > start) text = text.slice(0, start) + section + text.slice(end + 15);
	else text = `${text.trimEnd()}\n\n## Benchmark\n\n${section}\n`;
	const prettier = await import('prettier');
	const options = (await prettier.resolveConfig(path)) ?? {};
	await writeFile(path, await prettier.format(text, { ...options, filepath: path }));
}

async function main() {
	const began = performance.now();
	const dir = await mkdtemp(join(tmpdir(), 'koers-bench-'));
	let pg: { url: string; stop(): Promise<void> } | undefined;
	let server: ReturnType<typeof postgresServer> | undefined;
	try {
		// 1. the logs
		const csv = join(dir, 'log.csv');
		const xes = join(dir, 'log.xes');
		const csvQuarter = join(dir, 'log-quarter.csv');
		let t = performance.now();
		const generated = await writeLog(EVENTS, csv, xes);
		await writeLog(QUARTER, csvQuarter);
		const generateSeconds = (performance.now() - t) / 1000;
		const csvMB = statSync(csv).size / 1e6;
		const xesMB = statSync(xes).size / 1e6;
		log(
			`Generated ${fmt(generated.events)} events in ${fmt(generated.cases)} cases: CSV ${fmt(csvMB)} MB, ` +
				`XES ${fmt(xesMB)} MB, and ${fmt(QUARTER)} events as CSV, in ${secs(generateSeconds)} (${dir})`
		);

		// 2. PostgreSQL
		if (process.env.TEST_DATABASE_URL)
			pg = { url: process.env.TEST_DATABASE_URL, stop: async () => {} };
		else {
			t = performance.now();
			pg = await startThrowawayPostgres();
			log(`Started a throwaway PostgreSQL in ${secs((performance.now() - t) / 1000)}`);
		}
		server = postgresServer(pg.url);
		const srv = server;
		const pgliteDir = async (name: string) => mkdtemp(join(dir, `pglite-${name}-`));
		// Each import gets a fresh database, prepared (created, migrated, an organisation) by a
		// child process of its own: the measured child opens it as the app opens its database, so
		// its peak memory is the import's (for PGlite, creating a data folder alone peaks near 1 GB).
		const prepare = (target: { db: 'postgres'; url: string } | { db: 'pglite'; dataDir: string }) =>
			child({ kind: 'import', ...target, files: [] });
		const onPg = (make: (url: string) => Job, o?: Parameters<typeof child>[1]) =>
			srv.fresh(async (url) => {
				const job = make(url);
				if (job.kind === 'import') await prepare({ db: 'postgres', url });
				return child(job, o);
			});
		const onPglite = async (name: string, make: (dataDir: string) => Job) => {
			const dataDir = await pgliteDir(name);
			try {
				const job = make(dataDir);
				if (job.kind === 'import') await prepare({ db: 'pglite', dataDir });
				return await child(job);
			} finally {
				await rm(dataDir, { recursive: true, force: true });
			}
		};
		const logFile: ImportFile[] = [{ file: csv, label: 'CSV' }];
		const figures = { repeat: 3 };
		const profileDir = args.profile ? join(dir, 'profile') : undefined;

		log('PostgreSQL: import CSV …');
		const pgCsv = await onPg(
			(url) => ({ kind: 'import', db: 'postgres', url, files: logFile, figures }),
			{ profileDir }
		);
		log('PostgreSQL: import XES …');
		const pgXes = await onPg((url) => ({
			kind: 'import',
			db: 'postgres',
			url,
			files: [{ file: xes, label: 'XES' }]
		}));
		log(`PostgreSQL: import CSV of ${fmt(QUARTER)} events …`);
		const pgQuarter = await onPg((url) => ({
			kind: 'import',
			db: 'postgres',
			url,
			files: [{ file: csvQuarter, label: 'CSV quarter' }]
		}));
		log('PostgreSQL: COPY …');
		const pgCopy = await onPg((url) => ({
			kind: 'copy',
			db: 'postgres',
			url,
			file: csv,
			columns: COPY_COLUMNS
		}));

		log('PGlite: import CSV …');
		const liteCsv = await onPglite('csv', (dataDir) => ({
			kind: 'import',
			db: 'pglite',
			dataDir,
			files: logFile,
			figures
		}));
		log('PGlite: import XES …');
		const liteXes = await onPglite('xes', (dataDir) => ({
			kind: 'import',
			db: 'pglite',
			dataDir,
			files: [{ file: xes, label: 'XES' }]
		}));
		log('PGlite: COPY …');
		const liteCopy = await onPglite('copy', (dataDir) => ({
			kind: 'copy',
			db: 'pglite',
			dataDir,
			file: csv,
			columns: COPY_COLUMNS
		}));

		log('PostgreSQL and PGlite: a child process that imports nothing (memory at rest) …');
		const pgRest = await onPg((url) => ({ kind: 'import', db: 'postgres', url, files: [] }));
		const liteRest = await onPglite('rest', (dataDir) => ({
			kind: 'import',
			db: 'pglite',
			dataDir,
			files: []
		}));

		// 3. the real logs
		const real: (ImportFile & { name: string })[] = [
			{ name: 'receipt.csv', label: 'receipt.csv', file: join(DATA, 'receipt.csv') },
			{
				name: 'roadtraffic100traces.xes',
				label: 'roadtraffic100traces.xes',
				file: join(DATA, 'roadtraffic100traces.xes')
			},
			{
				name: 'boston311 (case shape)',
				label: 'boston311',
				file: join(DATA, 'boston311_2015_Abandoned_Vehicles.csv'),
				shape: 'case',
				mapping: {
					caseId: 'CASE_ENQUIRY_ID',
					received: 'OPEN_DT',
					resolved: 'CLOSED_DT',
					category: 'TYPE',
					channel: 'Source',
					location: 'Location',
					status: 'CASE_STATUS',
					department: 'QUEUE',
					duplicate: 'CLOSURE_REASON'
				},
				timezone: 'America/New_York',
				dayFirst: false
			}
		];
		const realFiles = real.filter((r) => existsSync(r.file));
		if (realFiles.length < real.length)
			log(
				`Real logs missing in ${DATA}: ${real
					.filter((r) => !realFiles.includes(r))
					.map((r) => r.name)
					.join(', ')}`
			);
		let pgReal: JobResult | undefined;
		let liteReal: JobResult | undefined;
		if (realFiles.length) {
			const files = realFiles.map(({ name: _name, ...f }) => f);
			log('PostgreSQL and PGlite: the real logs …');
			pgReal = await onPg((url) => ({ kind: 'import', db: 'postgres', url, files }));
			liteReal = await onPglite('real', (dataDir) => ({
				kind: 'import',
				db: 'pglite',
				dataDir,
				files
			}));
		}

		// 4. pandas
		let pandas: PandasResult | undefined;
		if (pandasAvailable()) {
			log('pandas …');
			pandas = runPandas(csv);
		}

		// 5. the idea page's weight on a phone
		let bundle: BundleFigures | undefined;
		if (!args['no-bundle']) {
			log('The idea page on a phone: JavaScript and CSS …');
			try {
				bundle = await measureIdeasBundle();
			} catch (e) {
				log(`The idea page was not measured: ${e instanceof Error ? e.message : e}`);
			}
		}

		// 6. the report
		const importOf = (r: JobResult) => r.imports![0];
		const eventsPerSecond = (r: JobResult) => importOf(r).eventsAdded / importOf(r).seconds;
		const check = (r: JobResult, label: string) => {
			const i = importOf(r);
			if (i.eventsAdded !== EVENTS && i.rowsRead)
				log(
					`!! ${label}: ${fmt(i.eventsAdded)} events added of ${fmt(EVENTS)} (${i.errors.join('; ')})`
				);
		};
		check(pgCsv, 'PostgreSQL CSV');
		check(pgXes, 'PostgreSQL XES');
		check(liteCsv, 'PGlite CSV');
		check(liteXes, 'PGlite XES');
		const mismatches: string[] = [];
		if (pandas) {
			for (const [label, r] of [
				['PostgreSQL', pgCsv],
				['PGlite', liteCsv]
			] as const)
				for (const p of compareFigures(r.figures!.summary, pandas))
					mismatches.push(`${label}: ${p}`);
		}

		const pgVersion = pgCsv.serverVersion.split(' ')[0];
		const liteVersion = liteCsv.serverVersion.split(' ')[0];
		const ratio = (a: number, b: number) => `${(a / b).toFixed(a / b < 10 ? 2 : 1)}×`;
		const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(a / b < 0.1 ? 1 : 0)} %`;
		const importCell = (r: JobResult) =>
			`${secs(importOf(r).seconds)} · ${perSecond(importOf(r).eventsAdded, importOf(r).seconds)} ev/s`;
		const copyCell = (r: JobResult) =>
			`${secs(r.copy!.seconds)} · ${perSecond(r.copy!.rows, r.copy!.seconds)} rows/s`;
		const best = (xs: number[]) => Math.min(...xs);
		const figCell = (xs: number[] | null | undefined) =>
			xs && xs.length ? `${secs(xs[0])} / ${secs(best(xs))}` : 'n/a';
		const pgFig = pgCsv.figures!;
		const liteFig = liteCsv.figures!;
		const pgFigures = best(pgFig.summarySeconds) + best(pgFig.weeklySeconds ?? [0]);
		const liteFigures = best(liteFig.summarySeconds) + best(liteFig.weeklySeconds ?? [0]);
		const pgEnd = importOf(pgCsv).seconds + pgFig.summarySeconds[0];
		const liteEnd = importOf(liteCsv).seconds + liteFig.summarySeconds[0];
		const head = ['', 'PostgreSQL', 'PGlite', 'PG vs PGlite', 'target'];
		const rows: string[][] = [
			[
				`Koers import, CSV (${fmt(csvMB)} MB)`,
				importCell(pgCsv),
				importCell(liteCsv),
				`PG ${ratio(eventsPerSecond(pgCsv), eventsPerSecond(liteCsv))}`,
				`≥ ${fmt(TARGET.pgEventsPerSecond)} / ≥ ${fmt(TARGET.pgliteEventsPerSecond)} ev/s`
			],
			[
				`Koers import, XES (${fmt(xesMB)} MB)`,
				importCell(pgXes),
				importCell(liteXes),
				`PG ${ratio(eventsPerSecond(pgXes), eventsPerSecond(liteXes))}`,
				''
			],
			['database COPY of the same CSV', copyCell(pgCopy), copyCell(liteCopy), '', ''],
			[
				'Koers CSV import ÷ COPY (speed)',
				pct(pgCopy.copy!.seconds, importOf(pgCsv).seconds),
				pct(liteCopy.copy!.seconds, importOf(liteCsv).seconds),
				'',
				''
			],
			[
				`importer peak RSS, CSV ${fmt(QUARTER)} → ${fmt(EVENTS)} events`,
				`${mib(pgQuarter.peakMiB)} → ${mib(pgCsv.peakMiB)}`,
				mib(liteCsv.peakMiB),
				'',
				`≤ ${TARGET.peakMiB} MB`
			],
			['importer peak RSS, XES', mib(pgXes.peakMiB), mib(liteXes.peakMiB), '', ''],
			[
				'the same child importing nothing (at rest)',
				mib(pgRest.peakMiB),
				`${mib(liteRest.peakMiB)} (the database runs in it)`,
				'',
				''
			],
			[
				'figures: summary() first / best',
				figCell(pgFig.summarySeconds),
				figCell(liteFig.summarySeconds),
				`PG ${ratio(best(liteFig.summarySeconds), best(pgFig.summarySeconds))}`,
				''
			],
			[
				`figures: weekly() first / best (${pgFig.weeks ?? 0} weeks)`,
				figCell(pgFig.weeklySeconds),
				figCell(liteFig.weeklySeconds),
				pgFig.weeklySeconds && liteFig.weeklySeconds
					? `PG ${ratio(best(liteFig.weeklySeconds), best(pgFig.weeklySeconds))}`
					: '',
				''
			],
			[
				'figures: summary() + weekly(), best',
				secs(pgFigures),
				secs(liteFigures),
				`PG ${ratio(liteFigures, pgFigures)}`,
				`≤ ${TARGET.figuresSeconds} s on PG`
			],
			[
				'figures: handoff matrix + agreements, first / best',
				figCell(pgFig.handoffSeconds),
				figCell(liteFig.handoffSeconds),
				'',
				`≤ ${TARGET.figuresSeconds} s on PG`
			],
			[
				'figures: arrivals per hour × weekday, first / best',
				figCell(pgFig.arrivalsSeconds),
				figCell(liteFig.arrivalsSeconds),
				'',
				`≤ ${TARGET.figuresSeconds} s on PG`
			],
			[
				'figures: silence (all time), first / best',
				figCell(pgFig.silenceSeconds),
				figCell(liteFig.silenceSeconds),
				'',
				`≤ ${TARGET.figuresSeconds} s on PG`
			],
			[
				'Koers end to end: CSV import + summary()',
				secs(pgEnd),
				secs(liteEnd),
				`PG ${ratio(liteEnd, pgEnd)}`,
				'faster than pandas'
			]
		];
		if (pandas)
			rows.push(
				[
					`pandas ${pandas.pandas}: read_csv + figures`,
					`${secs(pandas.seconds.total)} (read ${secs(pandas.seconds.read)}, figures ${secs(pandas.seconds.compute)})`,
					'',
					'',
					''
				],
				[
					'Koers end to end ÷ pandas (time)',
					ratio(pgEnd, pandas.seconds.total),
					ratio(liteEnd, pandas.seconds.total),
					'',
					'< 1×'
				],
				[
					'same figures as pandas',
					mismatches.some((m) => m.startsWith('PostgreSQL')) ? '**NO**' : 'yes',
					mismatches.some((m) => m.startsWith('PGlite')) ? '**NO**' : 'yes',
					'',
					''
				]
			);

		const phaseHead = ['where the CSV import time goes', 'PostgreSQL', 'PGlite'];
		const phaseRow = (label: string, pick: (p: Phases) => number): string[] => [
			label,
			...[pgCsv, liteCsv].map((r) => {
				const seconds = pick(r.phases!);
				return `${secs(seconds)} (${pct(seconds, importOf(r).seconds)})`;
			})
		];
		const phaseRows = [
			phaseRow('read, parse, check, stage (Node)', (p) => p.node),
			phaseRow('COPY into the staging table', (p) => p.copy),
			phaseRow('merge: insert categories', (p) => p.categories),
			phaseRow('merge: insert reports', (p) => p.reports),
			phaseRow('merge: insert events', (p) => p.events),
			phaseRow("merge: move existing cases' times", (p) => p.update),
			phaseRow('per-case facts (refresh_case_facts, once per step)', (p) => p.refresh),
			phaseRow('begin / commit of the steps', (p) => p.commit),
			phaseRow('other statements', (p) => p.other)
		];

		const realHead = ['real log', 'rows', 'PostgreSQL', 'PGlite'];
		const realRows: string[][] = (pgReal?.imports ?? []).map((p, i) => {
			const l = liteReal!.imports![i];
			const n = p.eventsAdded || p.casesAdded;
			const unit = p.eventsAdded ? 'events' : 'cases';
			const cell = (x: typeof p) =>
				`${secs(x.seconds)} · ${perSecond(x.eventsAdded || x.casesAdded, x.seconds)} ${unit}/s`;
			return [p.label, `${fmt(p.rowsRead)} → ${fmt(n)} ${unit}`, cell(p), cell(l)];
		});

		const s = pgFig.summary;
		const figuresLine =
			`${fmt(s.cases)} cases, ${fmt(s.events)} events, lead time median ${s.leadTimeHours.median?.toFixed(2)} h / ` +
			`mean ${s.leadTimeHours.mean?.toFixed(2)} h, ${fmt(s.handoffs)} handoffs in ${fmt(s.casesWithHandoff)} cases, ` +
			`${fmt(s.variants.count)} variants`;
		const verdict = (met: boolean, text: string) => `${met ? 'met' : '**not met**'}: ${text}`;
		const targets = [
			verdict(
				eventsPerSecond(pgCsv) >= TARGET.pgEventsPerSecond,
				`import into PostgreSQL ≥ ${fmt(TARGET.pgEventsPerSecond)} events/s (${fmt(eventsPerSecond(pgCsv))})`
			),
			verdict(
				eventsPerSecond(liteCsv) >= TARGET.pgliteEventsPerSecond,
				`import into PGlite ≥ ${fmt(TARGET.pgliteEventsPerSecond)} events/s (${fmt(eventsPerSecond(liteCsv))})`
			),
			verdict(
				pgFigures <= TARGET.figuresSeconds,
				`all figures ≤ ${TARGET.figuresSeconds} s on PostgreSQL (summary() ${secs(best(pgFig.summarySeconds))} + weekly() ${secs(best(pgFig.weeklySeconds ?? [0]))})`
			),
			verdict(
				best(pgFig.silenceSeconds ?? [Infinity]) <= TARGET.figuresSeconds,
				`silence summary of all time ≤ ${TARGET.figuresSeconds} s on PostgreSQL (${secs(best(pgFig.silenceSeconds ?? [Infinity]))})`
			),
			...(pandas
				? [
						verdict(
							pgEnd < pandas.seconds.total,
							`faster than pandas end to end (${secs(pgEnd)} against ${secs(pandas.seconds.total)})`
						)
					]
				: []),
			verdict(
				Math.max(pgCsv.peakMiB, pgXes.peakMiB) <= TARGET.peakMiB,
				`importer peak memory ≤ ${TARGET.peakMiB} MB with PostgreSQL (${mib(Math.max(pgCsv.peakMiB, pgXes.peakMiB))})`
			),
			verdict(
				Math.max(liteCsv.peakMiB, liteXes.peakMiB) <= TARGET.peakMiB,
				`the same with PGlite, the database included (${mib(Math.max(liteCsv.peakMiB, liteXes.peakMiB))}; ${mib(liteRest.peakMiB)} at rest)`
			),
			...(bundle ? [bundleVerdict(bundle)] : [])
		];
		const bundleRows = bundle ? bundleTable(bundle) : undefined;
		const date = new Date().toISOString().slice(0, 10);
		const machine =
			`${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ` +
			`${fmt(totalmem() / 2 ** 30, 1)} GiB RAM, Node ${process.version}, PostgreSQL ${pgVersion} ` +
			`(${process.env.TEST_DATABASE_URL ? 'TEST_DATABASE_URL' : 'throwaway cluster, fsync off'}), ` +
			`PGlite (PostgreSQL ${liteVersion}) in a folder`;
		const command = `npm run bench${args.events ? ` -- --events ${EVENTS}` : args.quick ? ' -- --quick' : ''}`;
		const total = (performance.now() - began) / 1000;

		console.log(`\nKoers benchmark: ${fmt(EVENTS)} events in ${fmt(generated.cases)} cases`);
		console.log(textTable(head, rows));
		console.log('\n' + textTable(phaseHead, phaseRows));
		if (realRows.length) console.log('\n' + textTable(realHead, realRows));
		if (bundleRows) console.log('\n' + textTable(bundleRows.head, bundleRows.rows));
		console.log(`\nFigures: ${figuresLine}`);
		console.log(`Targets:\n${targets.map((t) => `  ${t.replace(/\*\*/g, '')}`).join('\n')}`);
		if (pandas) {
			if (mismatches.length) {
				console.log('\n' + '!'.repeat(72));
				console.log('!! MISMATCH between Koers and pandas:');
				for (const m of mismatches) console.log(`!!   ${m}`);
				console.log('!'.repeat(72));
			} else
				console.log(
					'Koers (PostgreSQL and PGlite) and pandas agree: cases, events, handoffs (by department), ' +
						'cases with a handoff, variants exactly; median and mean lead time within 1e-6 h.'
				);
		}

		const markdown = [
			'<!-- bench -->',
			'',
			wrap(
				`Measured on ${date} with \`${command}\` (${secs(total)} in all): ${fmt(EVENTS)} generated ` +
					`events in ${fmt(generated.cases)} cases (\`src/bench/generate.ts\`, deterministic). ` +
					`Machine: ${machine}.`
			),
			'',
			markdownTable(head, rows),
			'',
			'Targets:',
			'',
			...targets.map((t) => wrap(`- ${t}`, '  ')),
			'',
			markdownTable(phaseHead, phaseRows),
			'',
			wrap(
				`Import: wall clock of \`importStream\` (read, parse, check, stage, merge, one transaction) ` +
					`into a fresh database, migrated beforehand, in a child process of its own that opens it as ` +
					`the app does (peak RSS from \`process.resourceUsage()\` after the import; PGlite runs the ` +
					`database in that process). COPY: the database's own \`COPY … FROM STDIN\` (PGlite: ` +
					`\`FROM '/dev/blob'\`) of the same CSV into a plain table. Figures: ${figuresLine}; first ` +
					`call and best of ${figures.repeat}. pandas: \`src/bench/pandas_figures.py\`, the same ` +
					`figures from the same CSV` +
					(pandas
						? `, ${mismatches.length ? "**which differ from Koers's**" : "equal to Koers's"}.`
						: ' (not run: pandas missing).')
			),
			'',
			...(realRows.length ? [markdownTable(realHead, realRows), ''] : []),
			...(bundle && bundleRows
				? [
						markdownTable(bundleRows.head, bundleRows.rows),
						'',
						wrap(
							`The idea page: \`src/bench/bundle.ts\` starts the built app with the demo, signs in ` +
								`as a staff member without loading a page, loads /ideas once in Chromium (390×844, ` +
								`service workers blocked) and adds up the scripts and styles it fetched: raw, gzip ` +
								`(level 9) and as transferred (brotli from the server). Largest files (gzip): ` +
								`${bundle.largest.map((l) => `${l.file} ${fmt(l.gzip / 1024, 1)}\u00a0KB`).join(', ')}.`
						),
						''
					]
				: []),
			'<!-- /bench -->'
		].join('\n');
		console.log('\n' + markdown);
		if (!args['no-readme']) {
			await updateReadme(markdown);
			log('README.md: section "Benchmark" updated.');
		}

		if (profileDir) {
			const file = largestProfile(profileDir);
			if (file)
				console.log(`\nCSV → PostgreSQL import, ${formatProfile(summariseProfile(file, 25))}`);
		}
		log(`Done in ${secs(total)}.`);
		if (mismatches.length) process.exitCode = 1;
	} finally {
		await server?.end();
		await pg?.stop();
		if (args.keep) log(`Kept ${dir}`);
		else await rm(dir, { recursive: true, force: true });
	}
}

await main();
