/**
 * One measured job of `npm run bench`, in its own process so that its peak memory (maxRSS) is
 * its own: an import through Koers's `importStream` (then the figures over what it imported),
 * or the database's own COPY of the same CSV. Prints one line `@@bench <json>` with the result.
 *
 * Usage (the runner calls it): node --import tsx src/bench/child.ts '<job json>'
 */
import { createReadStream, openAsBlob } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { pgliteDriver } from '../lib/server/db/pglite';
import { createDb, type Db } from '../lib/server/db/port';
import { postgresDriver } from '../lib/server/db/postgres';
import { importStream, type Mapping } from '../lib/server/import';
import type { Queryable } from '../lib/server/db/types';
import * as metrics from '../lib/server/figures/metrics';
import { agreementHolds, handoffMatrix } from '../lib/server/figures/handoffs';
import { arrivals } from '../lib/server/figures/load';
import { silenceSummary } from '../lib/server/figures/silence';

const SUPABASE_DIR = fileURLToPath(new URL('../../supabase', import.meta.url));

/** Where the job runs: a database on the PostgreSQL server, or a PGlite folder. */
export type Target = { db: 'postgres'; url: string } | { db: 'pglite'; dataDir: string };

export interface ImportFile {
	file: string;
	label?: string;
	shape?: 'case' | 'event';
	mapping?: Mapping;
	timezone?: string;
	dayFirst?: boolean;
}

export type Job =
	| (Target & {
			kind: 'import';
			files: ImportFile[];
			/** Time summary() and weekly() over the imported log afterwards, `repeat` times each. */
			figures?: { repeat: number };
	  })
	| (Target & { kind: 'copy'; file: string; columns: [name: string, type: string][] });

export interface ImportResult {
	label: string;
	seconds: number;
	rowsRead: number;
	rowsSkipped: number;
	casesAdded: number;
	eventsAdded: number;
	errors: string[];
}

export interface FiguresResult {
	/** Seconds of each call, in order (the first one is "cold"). */
	summarySeconds: number[];
	weeklySeconds: number[] | null;
	weeks: number | null;
	summary: metrics.CaseSummary;
	/** Issue 12: handoff waits per agreement and per department pair, arrivals per hour. */
	handoffSeconds?: number[];
	arrivalsSeconds?: number[];
	/** Issue 12: the silence summary of all time, with two contact activities defined. */
	silenceSeconds?: number[];
}

/** Where an import's time went: database statements by kind, and the rest (Node). */
export interface Phases {
	/** Reading, parsing, checking and staging rows in Node (the import's time minus the rest). */
	node: number;
	/** Of `node`: reading, parsing and checking the file into the spill, before any step. */
	read: number;
	/** COPY into the staging table. */
	copy: number;
	/** The merge: new reports, new events (with the triggers they fire, if any). */
	reports: number;
	events: number;
	/** New categories; moving existing cases' first/last times. */
	categories: number;
	update: number;
	/** private.refresh_case_facts (the importer's contract with the fact triggers). */
	refresh: number;
	/** Committing the steps (a transaction's time minus its statements' time). */
	commit: number;
	/** Every other statement (batch row, settings, staging tables). */
	other: number;
	/** How many times refresh_case_facts ran. */
	refreshes: number;
}

/** Memory (MiB) at its highest during reading the file and during loading the steps. */
export interface MemoryPhases {
	read: { rss: number; heapUsed: number; external: number };
	load: { rss: number; heapUsed: number; external: number };
}

export interface JobResult {
	imports?: ImportResult[];
	/** Of all imports of the job together. */
	phases?: Phases;
	memory?: MemoryPhases;
	/** Peak resident memory (MiB) of this process at the end of the import(s) or the COPY. */
	peakMiB: number;
	figures?: FiguresResult;
	copy?: { seconds: number; rows: number };
	serverVersion: string;
	setupSeconds: number;
}

const now = () => performance.now() / 1000;

/** A transaction that adds the time of each statement to `phases` (by what it does). */
function timed(tx: Queryable, phases: Phases): Queryable {
	return {
		async query<T>(text: string, params?: unknown[]) {
			const start = now();
			try {
				return await tx.query<T>(text, params);
			} finally {
				const seconds = now() - start;
				if (/refresh_case_facts/.test(text)) {
					phases.refresh += seconds;
					phases.refreshes++;
				} else if (/insert into report_event\b/.test(text)) phases.events += seconds;
				else if (/insert into report\b/.test(text)) phases.reports += seconds;
				else if (/insert into category\b/.test(text)) phases.categories += seconds;
				else if (/update report r set received_at/.test(text)) phases.update += seconds;
				else phases.other += seconds;
			}
		},
		async exec(text: string) {
			const start = now();
			await tx.exec(text);
			phases.other += now() - start;
		},
		async copyFrom(table: string, columns: string[], csv: string) {
			const start = now();
			await tx.copyFrom(table, columns, csv);
			phases.copy += now() - start;
		}
	};
}
/** The time the statements of all transactions took so far. */
const statementSeconds = (p: Phases) =>
	p.copy + p.reports + p.events + p.categories + p.update + p.refresh + p.other;

const peakMiB = () => process.resourceUsage().maxRSS / 1024;

const MiB = 1024 * 1024;
function sample(into: MemoryPhases['read']) {
	const m = process.memoryUsage();
	into.rss = Math.max(into.rss, m.rss / MiB);
	into.heapUsed = Math.max(into.heapUsed, m.heapUsed / MiB);
	into.external = Math.max(into.external, (m.external + m.arrayBuffers) / MiB);
}

async function openDb(target: Target): Promise<Db> {
	return target.db === 'postgres'
		? createDb(postgresDriver(target.url, { max: 2 }))
		: createDb(await pgliteDriver(target.dataDir));
}

async function runImport(job: Extract<Job, { kind: 'import' }>): Promise<JobResult> {
	const t0 = now();
	const db = await openDb(job);
	try {
		await db.migrate(SUPABASE_DIR);
		// the organisation of a database prepared by an earlier job, or a new one
		const orgId = await db.asService(async (tx) => {
			const [found] = await tx.query<{ id: string }>(
				`select id from organisation where slug = 'benchmark'`
			);
			if (found) return found.id;
			const [org] = await tx.query<{ id: string }>(
				`insert into organisation (name, slug) values ('Benchmark', 'benchmark') returning id`
			);
			return org.id;
		});
		const [{ version }] = await db.asService((tx) =>
			tx.query<{ version: string }>(`select current_setting('server_version') as version`)
		);
		const setupSeconds = now() - t0;
		const imports: ImportResult[] = [];
		const phases: Phases = {
			node: 0,
			read: 0,
			copy: 0,
			reports: 0,
			events: 0,
			categories: 0,
			update: 0,
			refresh: 0,
			commit: 0,
			other: 0,
			refreshes: 0
		};
		const memory: MemoryPhases = {
			read: { rss: 0, heapUsed: 0, external: 0 },
			load: { rss: 0, heapUsed: 0, external: 0 }
		};
		let importSeconds = 0;
		for (const f of job.files) {
			const start = now();
			// importStream's first transaction reads the organisation, then it reads the whole file
			// (into the spill), and its second transaction opens the batch: between them is `read`
			let runs = 0;
			let readFrom = start;
			let loading = false;
			// the time of each transaction outside its statements: BEGIN, COMMIT, the driver
			const run = async <T>(fn: (tx: Queryable) => Promise<T>) => {
				if (++runs === 2) {
					loading = true;
					phases.read += now() - readFrom;
				}
				const before = statementSeconds(phases);
				const t = now();
				const result = await db.asService((tx) => fn(timed(tx, phases)));
				const inside = statementSeconds(phases) - before;
				phases.commit += now() - t - inside;
				if (runs === 1) readFrom = now();
				else sample(memory.load);
				return result;
			};
			const result = await importStream(run, createReadStream(f.file), {
				orgId,
				fileName: f.file.split('/').pop(),
				shape: f.shape,
				mapping: f.mapping,
				timezone: f.timezone,
				dayFirst: f.dayFirst,
				via: 'cli',
				pseudonymSecret: 'benchmark-secret-benchmark-secret',
				onProgress: () => sample(loading ? memory.load : memory.read)
			});
			const seconds = now() - start;
			importSeconds += seconds;
			imports.push({
				label: f.label ?? f.file,
				seconds,
				rowsRead: result.rowsRead,
				rowsSkipped: result.rowsSkipped,
				casesAdded: result.casesAdded,
				eventsAdded: result.eventsAdded,
				errors: result.errors
					.slice(0, 5)
					.map((e) => `line ${e.line}: ${e.field ?? ''} ${e.key} ${e.detail ?? ''}`)
			});
		}
		const peak = peakMiB();
		phases.node =
			importSeconds -
			phases.copy -
			phases.reports -
			phases.events -
			phases.categories -
			phases.update -
			phases.refresh -
			phases.commit -
			phases.other;
		let figures: FiguresResult | undefined;
		if (job.figures) {
			const filter = { orgId };
			const summarySeconds: number[] = [];
			const weeklySeconds: number[] = [];
			let summary: metrics.CaseSummary | undefined;
			let weeks = 0;
			for (let i = 0; i < job.figures.repeat; i++) {
				const s = now();
				summary = await db.asService((tx) => metrics.summary(tx, filter));
				summarySeconds.push(now() - s);
			}
			const hasWeekly = typeof metrics.weekly === 'function';
			if (hasWeekly)
				for (let i = 0; i < job.figures.repeat; i++) {
					const s = now();
					weeks = (await db.asService((tx) => metrics.weekly(tx, filter))).length;
					weeklySeconds.push(now() - s);
				}
			// an agreement between the two departments with the most handoffs, then the matrix and
			// the agreements' figures (two passes over the handoffs), and the arrivals
			const handoffSeconds: number[] = [];
			const arrivalsSeconds: number[] = [];
			const [top] = summary!.handoffMatrix;
			if (top)
				await db.asService(async (tx) => {
					await tx.query(
						`insert into public.department (org_id, name, kind)
						 select $1, d.name, 'back_office' from unnest($2::text[]) as d (name)
						 on conflict do nothing`,
						[orgId, [top.from, top.to]]
					);
					await tx.query(
						`insert into public.service_agreement (org_id, from_department_id, to_department_id, limit_value, unit, valid_from)
						 select $1, f.id, t.id, 2, 'working_days', date '1990-01-01'
						   from public.department f, public.department t
						  where f.org_id = $1 and t.org_id = $1 and f.name = $2 and t.name = $3`,
						[orgId, top.from, top.to]
					);
				});
			for (let i = 0; i < job.figures.repeat; i++) {
				const s = now();
				await db.asService(async (tx) => {
					await handoffMatrix(tx, { orgId });
					await agreementHolds(tx, { orgId });
				});
				handoffSeconds.push(now() - s);
				const a = now();
				await db.asService((tx) => arrivals(tx, {}));
				arrivalsSeconds.push(now() - a);
			}
			// two contact activities (the customer informed, information received) before timing the
			// silence summary of all time: defining them computes every closed case's silence
			await db.asService((tx) =>
				tx.query(
					`insert into public.contact_activity (org_id, activity, direction)
					 values ($1, 'Klant informeren', 'outbound'), ($1, 'Informatie ontvangen', 'inbound')
					 on conflict do nothing`,
					[orgId]
				)
			);
			const silenceSeconds: number[] = [];
			for (let i = 0; i < job.figures.repeat; i++) {
				const s = now();
				await db.asService((tx) => silenceSummary(tx, { orgId }));
				silenceSeconds.push(now() - s);
			}
			figures = {
				summarySeconds,
				weeklySeconds: hasWeekly ? weeklySeconds : null,
				weeks: hasWeekly ? weeks : null,
				summary: summary!,
				handoffSeconds,
				arrivalsSeconds,
				silenceSeconds
			};
		}
		return {
			imports,
			phases,
			memory,
			peakMiB: peak,
			figures,
			serverVersion: version,
			setupSeconds
		};
	} finally {
		await db.close();
	}
}

/** The practical limit: COPY of the plain CSV into a plain table, nothing else. */
async function runCopy(job: Extract<Job, { kind: 'copy' }>): Promise<JobResult> {
	const t0 = now();
	const typed = `create table bench_log (${job.columns.map(([c, t]) => `${c} ${t}`).join(', ')})`;
	if (job.db === 'postgres') {
		const sql = postgres(job.url, { max: 1, onnotice: () => {} });
		try {
			await sql.unsafe(typed);
			const [{ version }] = await sql`select current_setting('server_version') as version`;
			const setupSeconds = now() - t0;
			const start = now();
			const writable =
				await sql`copy bench_log from stdin with (format csv, header true)`.writable();
			await pipeline(createReadStream(job.file), writable);
			const seconds = now() - start;
			const peak = peakMiB();
			const [{ n }] = await sql`select count(*)::int as n from bench_log`;
			return { copy: { seconds, rows: n }, peakMiB: peak, serverVersion: version, setupSeconds };
		} finally {
			await sql.end({ timeout: 5 });
		}
	}
	const { PGlite } = await import('@electric-sql/pglite');
	const pg = await PGlite.create(job.dataDir);
	try {
		await pg.exec(typed);
		const {
			rows: [{ version }]
		} = await pg.query<{ version: string }>(`select current_setting('server_version') as version`);
		const setupSeconds = now() - t0;
		const start = now();
		const blob = await openAsBlob(job.file);
		await pg.query(`copy bench_log from '/dev/blob' with (format csv, header true)`, [], {
			blob
		});
		const seconds = now() - start;
		const peak = peakMiB();
		const {
			rows: [{ n }]
		} = await pg.query<{ n: number }>('select count(*)::int as n from bench_log');
		return { copy: { seconds, rows: n }, peakMiB: peak, serverVersion: version, setupSeconds };
	} finally {
		await pg.close();
	}
}

const job = JSON.parse(process.argv[2]) as Job;
const result = job.kind === 'import' ? await runImport(job) : await runCopy(job);
process.stdout.write(`@@bench ${JSON.stringify(result)}\n`);
