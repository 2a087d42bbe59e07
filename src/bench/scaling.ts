/**
 * `npm run bench:scaling -- [--sizes 100000,1000000,5000000] [--db postgres|pglite|both] [--readme]`
 *
 * How the cost of an import and of the figures grows with the data (issue 10): for each size a
 * generated event log (`src/bench/generate.ts`, deterministic) is imported from CSV into a fresh
 * database, on a throwaway PostgreSQL and on PGlite in a folder, each import in a child process
 * of its own (./child.ts, as `npm run bench` does), then the figures over it are computed twice
 * (first call cold, then the best); and the database's own COPY of the same CSV for the ratio.
 * Prints a table per database and, with --readme, puts it into README.md between
 * `<!-- bench-scaling -->` markers. Page times per size: `npm run bench:pages`.
 */
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startThrowawayPostgres } from '../../tests/setup/throwaway-postgres';
import type { Job, JobResult } from './child';
import { writeLog } from './generate';
import { child, COPY_COLUMNS, postgresServer } from './jobs';
import { log, machine, markdownTable, textTable, updateReadme } from './report';

type Db = 'postgres' | 'pglite';
const { values: args } = parseArgs({
	options: {
		sizes: { type: 'string', default: '100000,1000000,5000000' },
		db: { type: 'string', default: 'both' },
		readme: { type: 'boolean' }
	}
});
const SIZES = args.sizes.split(',').map(Number);
if (SIZES.some((n) => !Number.isInteger(n) || n < 1000))
	throw new Error('--sizes: whole numbers ≥ 1000, separated by commas');
const DBS: Db[] = args.db === 'both' ? ['postgres', 'pglite'] : [args.db as Db];
if (!DBS.every((d) => d === 'postgres' || d === 'pglite'))
	throw new Error('--db: postgres, pglite or both');

/** An hour per job at most: a 5M-event import into PGlite takes minutes, not an hour. */
const TIMEOUT_SECONDS = 3600;

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
const secs = (s: number) => `${s < 10 ? s.toFixed(2) : s.toFixed(1)} s`;
const firstBest = (xs: number[] | null | undefined) =>
	xs?.length ? `${secs(xs[0])} / ${secs(Math.min(...xs))}` : 'n/a';

interface Row {
	db: Db;
	events: number;
	cases: number;
	csvMB: number;
	result: JobResult;
	copy: JobResult;
}

function cells(r: Row): string[] {
	const imp = r.result.imports![0];
	const f = r.result.figures!;
	const copy = r.copy.copy!;
	const weekly = f.weeklySeconds ?? [];
	return [
		fmt(r.events),
		`${secs(imp.seconds)} · ${fmt(imp.eventsAdded / imp.seconds)} ev/s`,
		`${((100 * copy.seconds) / imp.seconds).toFixed(1)} % (COPY ${fmt(copy.rows / copy.seconds)} rows/s)`,
		`${fmt(r.result.peakMiB)} MB`,
		firstBest(f.summarySeconds.map((s, i) => s + (weekly[i] ?? 0))),
		firstBest(f.handoffSeconds),
		firstBest(f.arrivalsSeconds),
		firstBest(f.silenceSeconds)
	];
}

const HEAD = [
	'events',
	'import from CSV',
	'import ÷ COPY (speed)',
	'importer peak RSS',
	'summary + weekly: first / best',
	'handoff matrix + agreements: first / best',
	'arrivals: first / best',
	'silence (all time): first / best'
];

async function main() {
	const began = performance.now();
	const dir = await mkdtemp(join(tmpdir(), 'koers-scaling-'));
	const pg = DBS.includes('postgres') ? await startThrowawayPostgres() : undefined;
	const server = pg ? postgresServer(pg.url) : undefined;
	const rows: Row[] = [];
	try {
		for (const events of SIZES) {
			const csv = join(dir, `log-${events}.csv`);
			const generated = await writeLog(events, csv);
			const csvMB = statSync(csv).size / 1e6;
			log(`${fmt(events)} events in ${fmt(generated.cases)} cases (${fmt(csvMB)} MB CSV)`);
			for (const db of DBS) {
				const run = async (make: (target: Job) => Job) => {
					if (db === 'postgres')
						return server!.fresh(async (url) => {
							const target = { kind: 'import', db, url, files: [] } as Job;
							// migrated and an organisation made in a process of its own, so the
							// measured child's memory is the import's
							if (make(target).kind === 'import') await child(target);
							return child(make(target), { timeoutSeconds: TIMEOUT_SECONDS });
						});
					const dataDir = await mkdtemp(join(dir, 'pglite-'));
					try {
						const target = { kind: 'import', db, dataDir, files: [] } as Job;
						if (make(target).kind === 'import') await child(target);
						return await child(make(target), { timeoutSeconds: TIMEOUT_SECONDS });
					} finally {
						await rm(dataDir, { recursive: true, force: true });
					}
				};
				log(`  ${db}: import …`);
				const result = await run((t) => ({
					...t,
					kind: 'import',
					files: [{ file: csv, label: 'CSV' }],
					figures: { repeat: 2 }
				}));
				log(`  ${db}: COPY …`);
				const copy = await run(
					(t) => ({ ...t, kind: 'copy', file: csv, columns: COPY_COLUMNS }) as Job
				);
				const row = { db, events, cases: generated.cases, csvMB, result, copy };
				rows.push(row);
				log(`  ${db}: ${cells(row).join(' | ')}`);
			}
			await rm(csv, { force: true });
		}
	} finally {
		await server?.end();
		await pg?.stop();
		await rm(dir, { recursive: true, force: true });
	}

	const total = (performance.now() - began) / 1000;
	const tables = DBS.map((db) => ({
		db,
		rows: rows.filter((r) => r.db === db).map(cells)
	}));
	for (const t of tables) {
		console.log(`\n${t.db === 'postgres' ? 'PostgreSQL' : 'PGlite'}`);
		console.log(textTable(HEAD, t.rows));
	}
	if (!args.readme) return;
	const pgVersion = rows.find((r) => r.db === 'postgres')?.result.serverVersion.split(' ')[0];
	const body = [
		`Measured on ${new Date().toISOString().slice(0, 10)} with \`npm run bench:scaling -- --sizes ${SIZES.join(',')}\`
		(\`src/bench/scaling.ts\`, ${secs(total)} in all). Machine: ${machine()}${pgVersion ? `, PostgreSQL ${pgVersion} (throwaway cluster, fsync off)` : ''}.
		Each size is a generated log of about 10 events per case (\`src/bench/generate.ts\`), imported
		from CSV into a fresh database by \`importStream\` in a child process of its own (peak RSS of that
		process; PGlite runs the database in it), then the figures over everything imported: first call
		(cold) and best of two. COPY: the database's own COPY of the same CSV into a plain table.`,
		...tables.flatMap((t) => [
			`**${t.db === 'postgres' ? 'PostgreSQL' : 'PGlite'}**`,
			markdownTable(HEAD, t.rows)
		])
	].join('\n\n');
	await updateReadme('bench-scaling', 'How import and figures grow with the data', body);
}

await main();
