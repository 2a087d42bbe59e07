/**
 * The `koers` command line, run for real as a child process on an embedded database in a fresh
 * data folder, with the real files in ../shared/data. The runs share one folder and build on
 * each other, in order. `npm run koers` is `tsx src/scripts/koers.ts`; here it is node with tsx's
 * loader (`node --import tsx`): the same, without the tsx command's second process.
 */
import { verify } from '@node-rs/argon2';
import { spawn } from 'node:child_process';
import { copyFileSync, createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Db } from '../lib/server/db';
import { pgliteDriver } from '../lib/server/db/pglite';
import { createDb } from '../lib/server/db/port';
import { discardUnfinished } from '../lib/server/import';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const metricsSchema = z.fromJSONSchema(
	JSON.parse(readFileSync(new URL('./metrics.schema.json', import.meta.url), 'utf8'))
);
const SCRIPT = path.join(ROOT, 'src', 'scripts', 'koers.ts');
const INTERRUPTED = fileURLToPath(
	new URL('../lib/server/import/testdata/interrupted-import.ts', import.meta.url)
);
const data = (name: string) => path.resolve('..', 'shared', 'data', name);

let dir: string;
let env: NodeJS.ProcessEnv;
let orgId: string;

interface Run {
	code: number | null;
	signal: string | null;
	stdout: string;
	stderr: string;
}

/** Runs `koers <args>` to the end. */
const koers = (...args: string[]) => koersWith({}, ...args);

/** The same with more environment variables. */
function koersWith(extra: NodeJS.ProcessEnv, ...args: string[]): Promise<Run> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], {
			cwd: ROOT,
			env: { ...env, ...extra }
		});
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
		child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
		child.on('error', reject);
		child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
	});
}

beforeAll(async () => {
	dir = await mkdtemp(path.join(tmpdir(), 'koers-cli-'));
	env = { ...process.env, KOERS_DATA_DIR: dir, KOERS_DEMO: '0' };
	for (const name of Object.keys(env))
		if (
			/^(DATABASE_URL|KOERS_(SESSION|PSEUDONYM)_SECRET|KOERS_ADMIN_PASSWORD|PUBLIC_SUPABASE_|SUPABASE_)/.test(
				name
			)
		)
			delete env[name];
});
afterAll(async () => {
	if (dir) await rm(dir, { recursive: true, force: true });
});

// line 3: bad time; line 4: no case id; line 5: resolved before received
// `opmerking` is filled in valid rows only: no rejected row has that cell.
const BAD = [
	'id,received,resolved,category,opmerking',
	'A1,2024-01-02 09:00,2024-01-03 10:00,Afval,eerste',
	'A2,not a date,2024-01-03 10:00,=HYPERLINK(1)',
	',2024-01-02 09:00,,Afval',
	'A4,2024-01-05 09:00,2024-01-04 09:00,Afval',
	'A5,2024-01-06 09:00,,Verlichting,laatste'
].join('\n');

/** Opens the data folder (once no CLI runs) and runs fn on it. */
async function inFolder<T>(fn: (db: Db) => Promise<T>): Promise<T> {
	const db = createDb(await pgliteDriver(path.join(dir, 'pgdata')));
	try {
		return await fn(db);
	} finally {
		await db.close();
	}
}

describe('koers setup', () => {
	const SETUP = ['setup', '--org-name', 'Gemeente Proef', '--email', 'Admin@Proef.nl'];

	it('without a password on a terminal or in KOERS_ADMIN_PASSWORD refuses, and sets up nothing', async () => {
		const run = await koers(...SETUP); // stdin is a pipe here, not a terminal
		expect(run.code).toBe(1);
		expect(run.stderr).toContain('No terminal to ask the password on: set KOERS_ADMIN_PASSWORD.');
		expect(
			await inFolder((db) => db.asService((tx) => tx.query('select 1 from organisation')))
		).toEqual([]);
	});

	it('refuses a short password', async () => {
		const run = await koersWith({ KOERS_ADMIN_PASSWORD: 'kort' }, ...SETUP);
		expect(run.code).toBe(1);
		expect(run.stderr).toContain('password password_short');
	});

	it('creates the organisation and its first admin, who can sign in', async () => {
		const run = await koersWith({ KOERS_ADMIN_PASSWORD: 'een-goed-wachtwoord' }, ...SETUP);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stdout).toContain('Set up "Gemeente Proef" with admin admin@proef.nl.');
		const [org] = await inFolder((db) =>
			db.asService((tx) =>
				tx.query<{ id: string; slug: string; role: string; email: string; hash: string }>(
					`select o.id, o.slug, p.role, p.email, u.encrypted_password as hash
					   from organisation o join person p on p.org_id = o.id
					   join auth.users u on u.id = p.user_id`
				)
			)
		);
		expect(org).toMatchObject({ slug: 'gemeente-proef', role: 'admin', email: 'admin@proef.nl' });
		expect(await verify(org.hash, 'een-goed-wachtwoord')).toBe(true);
		orgId = org.id;
	});

	it('a second setup is refused', async () => {
		const run = await koersWith({ KOERS_ADMIN_PASSWORD: 'een-goed-wachtwoord' }, ...SETUP);
		expect(run.code).toBe(1);
		expect(run.stderr).toContain('this database has an organisation already');
	});
});

describe('koers import', () => {
	it('imports running-example.csv: the suggested mapping, progress on stderr, the counts', async () => {
		const run = await koers('import', data('running-example.csv'));
		expect(run.code, run.stderr).toBe(0);
		expect(run.stdout).toMatch(
			/^Imported 6 new case\(s\) and 42 new event\(s\) from 42 row\(s\) in \d+\.\d s\n$/
		);
		expect(run.stderr).toContain(
			'Mapping (event shape): caseId=case:concept:name,activity=concept:name,' +
				'timestamp=time:timestamp,resource=org:resource'
		);
		expect(run.stderr).toContain('100%  42 rows');
	});

	it('imports nothing new when run again', async () => {
		const run = await koers('import', data('running-example.csv'));
		expect(run.code, run.stderr).toBe(0);
		expect(run.stdout).toMatch(/^Imported 0 new case\(s\) and 0 new event\(s\) from 42 row\(s\)/);
	});

	it('completes a partial --map from the suggested mapping and prints the mapping used', async () => {
		// the organisation's value map applies on the command line as on the import page
		await inFolder((db) =>
			db.asService((tx) =>
				tx.query(
					`insert into import_value_map (org_id, field, source_value, value)
					 values ($1, 'department', 'Pete', 'Front office')`,
					[orgId]
				)
			)
		);
		// An XES file's case, activity and time attributes are standard: only the department is named.
		const run = await koers(
			'import',
			data('running-example.xes'),
			'--map',
			'department=org:resource',
			'--source',
			'mapped'
		);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stderr).toContain(
			'Mapping (event shape): caseId=case:concept:name,activity=concept:name,' +
				'timestamp=time:timestamp,department=org:resource\n'
		);
		expect(run.stdout).toMatch(/^Imported 6 new case\(s\) and 42 new event\(s\)/);
		const departments = await inFolder((db) =>
			db.asService((tx) =>
				tx.query<{ department: string }>(
					`select distinct e.department from report_event e
					   join report r on r.id = e.report_id
					  where r.source = 'mapped' order by 1`
				)
			)
		);
		const names = departments.map((d) => d.department);
		expect(names).toContain('Front office');
		expect(names).not.toContain('Pete');
		expect(names).toContain('Mike'); // not in the map: as the file writes it
	});

	it('refuses an unknown field in --map with a message that lists the fields', async () => {
		const run = await koers('import', data('running-example.csv'), '--map', 'nonsense=x');
		expect(run.code).not.toBe(0);
		expect(run.stderr).toContain('Unknown field in --map: "nonsense=x"');
		expect(run.stderr).toContain('caseId, activity, timestamp');
		expect(run.stderr).not.toMatch(/^\s+at /m); // a message, not a stack trace
		expect(run.stdout).toBe('');
	});

	it('says "No such file" for a missing file', async () => {
		const missing = path.join(dir, 'nergens.csv');
		const run = await koers('import', missing);
		expect(run.code).toBe(1);
		expect(run.stderr).toContain(`No such file: ${missing}`);
	});

	it('imports nothing from a file with bad rows and lists them by line', async () => {
		const file = path.join(dir, 'bad.csv');
		writeFileSync(file, BAD);
		const run = await koers('import', file);
		expect(run.code).toBe(1);
		expect(run.stdout).toBe('');
		expect(run.stderr).toContain('Nothing imported: 3 problem(s) in 3 row(s)');
		expect(run.stderr).toContain('line 3: received row_bad_time (not a date)');
		expect(run.stderr).toContain('line 4: caseId row_missing');
		expect(run.stderr).toContain('line 5: resolved row_resolved_before_received');
		expect(run.stderr).toContain('--skip-invalid');
		expect(existsSync(`${file}.rejected.csv`)).toBe(false);
	});

	it('with --skip-invalid imports the valid rows and writes the others to <file>.rejected.csv', async () => {
		const file = path.join(dir, 'bad-copy.csv');
		copyFileSync(path.join(dir, 'bad.csv'), file);
		const run = await koers('import', file, '--skip-invalid');
		expect(run.code, run.stderr).toBe(0);
		// 2 new: so the run before imported nothing
		expect(run.stdout).toContain(`Imported 2 new case(s) and 0 new event(s) from 5 row(s) in `);
		expect(run.stdout).toContain(`skipped 3 invalid row(s), listed in ${file}.rejected.csv`);
		const text = readFileSync(`${file}.rejected.csv`, 'utf8');
		expect(text.startsWith('\uFEFF')).toBe(true);
		const rejected = text.slice(1).trim().split('\r\n');
		// the source's headers, also one that no rejected row has
		expect(rejected[0]).toBe('line,problems,id,received,resolved,category,opmerking');
		// a formula in a rejected cell is written as text, never as a formula
		expect(rejected[1]).toContain(",'=HYPERLINK(1)");
		expect(rejected.slice(1).map((l) => l.split(',')[0])).toEqual(['3', '4', '5']);
		expect(rejected[1]).toContain('received:row_bad_time');
		expect(rejected[1]).toContain('A2');
		expect(rejected[3]).toBe(
			'5,resolved:row_resolved_before_received,A4,2024-01-05 09:00,2024-01-04 09:00,Afval,'
		);
	});
});

describe('koers metrics', () => {
	it('--json prints one JSON object with the figures', async () => {
		const run = await koers('metrics', '--json');
		expect(run.code, run.stderr).toBe(0);
		const figures = JSON.parse(run.stdout); // throws on anything but one JSON value
		expect(figures).toBeTypeOf('object');
		expect(Object.keys(figures)).toEqual(
			expect.arrayContaining([
				'cases',
				'events',
				'leadTimeHours',
				'withinNorm',
				'repeats',
				'repeatRate',
				'handoffs',
				'casesWithHandoff',
				'variants'
			])
		);
		expect(Object.keys(figures.leadTimeHours)).toEqual(
			expect.arrayContaining(['median', 'mean', 'p85', 'p95'])
		);
		// running-example twice (two sources) and the 2 valid rows of the bad file
		expect(figures).toMatchObject({ cases: 14, events: 84 });
		// the shape documented in metrics.schema.json, and nothing else
		expect(metricsSchema.safeParse(figures).error).toBeUndefined();
		expect(metricsSchema.safeParse({ ...figures, repeats: figures.repeats.total }).success).toBe(
			false
		);
		// handoffs between the resources of running-example.xes (--map department=org:resource)
		expect(figures).toMatchObject({ handoffs: 32, casesWithHandoff: 6 });
	});
});

describe('an import killed part-way', () => {
	it('leaves nothing of it in the data folder', { timeout: 60_000 }, async () => {
		const ROWS = 60_000;
		const big = path.join(dir, 'big.csv');
		const out = createWriteStream(big);
		out.write('case,activity,timestamp,department\n');
		const base = Date.UTC(2024, 0, 1);
		for (let i = 0; i < ROWS; i++)
			out.write(
				`K${i >> 2},step ${i % 4},${new Date(base + i * 60_000).toISOString()},dept ${i % 3}\n`
			);
		await new Promise((resolve) => out.end(resolve));

		// The importer as the CLI runs it, in a child that says which statement it sends: killed
		// (SIGKILL) once it adds the events, when the reports are in, inside its transaction.
		// (`node --import tsx`, one process: the tsx command would run the script in a second one,
		// which a SIGKILL of the first would leave running.)
		const child = spawn(process.execPath, ['--import', 'tsx', INTERRUPTED, dir, orgId, big], {
			cwd: ROOT,
			env
		});
		let output = '';
		let killedAt = '';
		child.stdout.setEncoding('utf8').on('data', (c: string) => {
			output += c;
			if (!killedAt && /^sql .*insert into report_event/m.test(output)) {
				child.kill('SIGKILL');
				killedAt = output.slice(output.lastIndexOf('progress'));
			}
		});
		child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
		const signal = await new Promise((resolve) => child.on('close', (_, s) => resolve(s)));
		expect(signal, output).toBe('SIGKILL');
		expect(killedAt).toMatch(new RegExp(`^progress ${ROWS}\n`));
		expect(output).not.toContain('done');

		// the folder opens, holds what the CLI imported, and nothing of the killed import
		const db = createDb(await pgliteDriver(path.join(dir, 'pgdata')));
		try {
			// What start-up does: the killed import's batch, left loading (hidden), goes.
			expect(await discardUnfinished((fn) => db.asService(fn), '0 seconds')).toBe(1);
			const rows = await db.asService((tx) =>
				tx.query<{ source: string; reports: number; events: number }>(
					`select r.source, count(distinct r.id) as reports, count(e.id) as events
					   from report r left join report_event e on e.report_id = r.id
					  group by r.source order by r.source`
				)
			);
			expect(rows).toEqual([
				{ source: 'bad-copy.csv', reports: 2, events: 0 },
				{ source: 'mapped', reports: 6, events: 42 },
				{ source: 'running-example.csv', reports: 6, events: 42 }
			]);
			const batches = await db.asService((tx) =>
				tx.query<{ file_name: string }>('select file_name from import_batch order by created_at')
			);
			expect(batches.map((b) => b.file_name)).toEqual([
				'running-example.csv',
				'running-example.xes',
				'bad-copy.csv'
			]);
		} finally {
			await db.close();
		}
	});
});

describe('the command line killed during an import of a real file', () => {
	it(
		'leaves no batch behind, and the import run again gives the figures of a clean import',
		{ timeout: 120_000 },
		async () => {
			const [killed, clean] = await Promise.all([
				mkdtemp(path.join(tmpdir(), 'koers-killed-')),
				mkdtemp(path.join(tmpdir(), 'koers-clean-'))
			]);
			const at = (folder: string) => ({
				KOERS_DATA_DIR: folder,
				KOERS_ADMIN_PASSWORD: 'een-lang-wachtwoord-42'
			});
			const file = data('receipt.csv');
			try {
				await Promise.all(
					[killed, clean].map((folder) =>
						koersWith(at(folder), 'setup', '--org-name', 'Gemeente', '--email', 'a@b.nl')
					)
				);
				const cleanFigures = koersWith(at(clean), 'import', file).then(() =>
					koersWith(at(clean), 'metrics', '--json')
				);
				// `koers import`, killed once it has read every row: it is merging them, inside its
				// one transaction, when the signal lands.
				const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, 'import', file], {
					cwd: ROOT,
					env: { ...env, ...at(killed) }
				});
				let output = '';
				const read = (c: string) => {
					output += c;
					if (output.includes('8,577 rows')) child.kill('SIGKILL');
				};
				child.stdout.setEncoding('utf8').on('data', read);
				child.stderr.setEncoding('utf8').on('data', read);
				const signal = await new Promise((resolve) => child.on('close', (_, s) => resolve(s)));
				expect(signal, output).toBe('SIGKILL');
				expect(output).not.toContain('Imported');

				const db = createDb(await pgliteDriver(path.join(killed, 'pgdata')));
				try {
					// What start-up does: a batch the killed import left loading (hidden) goes.
					expect(await discardUnfinished((fn) => db.asService(fn), '0 seconds')).toBeLessThan(2);
					const [left] = await db.asService((tx) =>
						tx.query(
							`select (select count(*) from import_batch) as batches,
							        (select count(*) from report) as reports,
							        (select count(*) from report_event) as events`
						)
					);
					expect(left).toEqual({ batches: 0, reports: 0, events: 0 });
				} finally {
					await db.close();
				}

				const again = await koersWith(at(killed), 'import', file);
				expect(again.code, again.stderr).toBe(0);
				expect(again.stdout + again.stderr).toContain(
					'Imported 1434 new case(s) and 8577 new event(s)'
				);
				const figures = await koersWith(at(killed), 'metrics', '--json');
				const reference = await cleanFigures;
				expect(JSON.parse(reference.stdout)).toMatchObject({ cases: 1434, events: 8577 });
				// equal up to floating-point summation order (rows stored in another order sum a
				// mean's terms in another order: 129.7955320159229 against 129.795532015923)
				const tidy = (text: string) =>
					JSON.parse(text, (_, v) => (typeof v === 'number' ? Number(v.toPrecision(12)) : v));
				expect(tidy(figures.stdout)).toEqual(tidy(reference.stdout));
			} finally {
				await Promise.all(
					[killed, clean].map((folder) => rm(folder, { recursive: true, force: true }))
				);
			}
		}
	);
});

describe('output through a pipe', () => {
	it(
		'metrics --json arrives whole, more than 1 MB of it, at a reader that is slow to start',
		{
			timeout: 120_000
		},
		async () => {
			// 20,000 cases, each handed from its own department to another: 20,000 matrix entries.
			const CASES = 20_000;
			const file = path.join(dir, 'many-departments.csv');
			const out = createWriteStream(file);
			out.write('case,activity,timestamp,department\n');
			for (let i = 0; i < CASES; i++)
				out.write(
					`P${i},intake,2024-02-01T09:00:00Z,from ${i}\nP${i},done,2024-02-02T09:00:00Z,to ${i}\n`
				);
			await new Promise((resolve) => out.end(resolve));
			const imported = await koers('import', file);
			expect(imported.code, imported.stderr).toBe(0);

			// koers … | a reader that waits a moment, then reads everything and checks it parses
			const reader = `setTimeout(() => { let s = ''; process.stdin.setEncoding('utf8')
			.on('data', (c) => (s += c)).on('end', () => { const f = JSON.parse(s);
			console.log(JSON.stringify({ bytes: Buffer.byteLength(s), matrix: f.handoffMatrix.length,
			handoffs: f.handoffs, figures: f })); }); }, 1000)`;
			const run = await new Promise<Run>((resolve, reject) => {
				const child = spawn(
					'sh',
					['-c', '"$NODE" --import tsx "$SCRIPT" metrics --json | "$NODE" -e "$READER"'],
					{ cwd: ROOT, env: { ...env, NODE: process.execPath, SCRIPT, READER: reader } }
				);
				let stdout = '';
				let stderr = '';
				child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
				child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
				child.on('error', reject);
				child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
			});
			expect(run.code, run.stderr).toBe(0);
			const got = JSON.parse(run.stdout);
			got.valid = metricsSchema.safeParse(got.figures).success;
			expect(got.bytes).toBeGreaterThan(1024 * 1024);
			expect(got.matrix).toBeGreaterThanOrEqual(CASES);
			expect(got.handoffs).toBe(32 + CASES);
			expect(got.valid).toBe(true);
		}
	);
});
