/**
 * `koers backup <file>` and `koers restore <file> [--force]` on the embedded database, run for
 * real as child processes: the demo organisation (every table has rows) goes through a round
 * trip that compares every table, row by row; a restore never overwrites a database unasked and
 * never replaces one with something that is not a backup.
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../lib/server/demo';
import { pgliteDriver } from '../lib/server/db/pglite';
import { createDb } from '../lib/server/db/port';
import { SUPABASE_DIR } from '../lib/server/db/test-helpers';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = path.join(ROOT, 'src', 'scripts', 'koers.ts');

let dir: string;
let env: NodeJS.ProcessEnv;

/** Runs `koers <args>` with the data folder `dataDir`. */
function koers(dataDir: string, ...args: string[]) {
	return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
		const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], {
			cwd: ROOT,
			env: { ...env, KOERS_DATA_DIR: dataDir }
		});
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
		child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
		child.on('error', reject);
		child.on('close', (code) => resolve({ code, stdout, stderr }));
	});
}

/** Every table of schemas public and auth and the migrations record: row count and md5 of its rows in order. */
async function fingerprint(dataDir: string) {
	const owner = await pgliteDriver(path.join(dataDir, 'pgdata'));
	try {
		return await owner.transaction(async (tx) => {
			const tables = await tx.query<{ name: string }>(
				`select format('%I.%I', schemaname, tablename) as name from pg_tables
				  where schemaname in ('public', 'auth', 'private', 'supabase_migrations') order by 1`
			);
			const out: Record<string, string> = {};
			for (const { name } of tables) {
				const [row] = await tx.query<{ n: number; md5: string }>(
					`select count(*)::int as n,
					        md5(coalesce(string_agg(x::text, E'\\n' order by x::text), '')) as md5
					   from ${name} x`
				);
				out[name] = `${row.n} ${row.md5}`;
			}
			return out;
		});
	} finally {
		await owner.close();
	}
}

beforeAll(async () => {
	dir = await mkdtemp(path.join(tmpdir(), 'koers-backup-'));
	env = { ...process.env, KOERS_DEMO: '0' };
	for (const name of Object.keys(env))
		if (/^(DATABASE_URL|KOERS_(SESSION|PSEUDONYM)_SECRET|PUBLIC_SUPABASE_|SUPABASE_)/.test(name))
			delete env[name];
	await mkdir(path.join(dir, 'live', 'pgdata'), { recursive: true });
	const db = createDb(await pgliteDriver(path.join(dir, 'live', 'pgdata')));
	try {
		await db.migrate(SUPABASE_DIR);
		await seedDemo(db, 'a-pseudonym-secret-for-the-backup-test');
		// the few tables the demo leaves empty get a row, so that every table is compared
		await db.asService((tx) =>
			tx.exec(`
				insert into api_token (org_id, name, token_hash, prefix)
				  select id, 'Zaaksysteem', md5('t'), 'kt_ab' from organisation;
				insert into mapping_preset (org_id, name, shape, mapping)
				  select id, 'Zaken', 'case', '{"caseId": "id"}' from organisation;
				insert into invitation (org_id, person_id, token_hash)
				  select org_id, id, md5('i') from person limit 1;
				insert into idea_photo (idea_id, org_id, mime, bytes)
				  select id, org_id, 'image/png', '\\x89504e470d0a1a0a00ff'::bytea from idea limit 1;
				insert into journey_undo (journey_id, org_id, change, subject, snapshot)
				  select id, org_id, 'stage_add', 'Melden', '{"stages": []}' from journey limit 1;
				insert into import_value_map (org_id, field, source_value, value)
				  select id, 'channel', 'Constituent Call', 'telefoon' from organisation;`)
		);
	} finally {
		await db.close();
	}
}, 300_000);
afterAll(async () => {
	if (dir) await rm(dir, { recursive: true, force: true });
});

describe('koers backup and restore', () => {
	const live = () => path.join(dir, 'live');
	const file = () => path.join(dir, 'koers.tar.gz');

	it('round-trips every table, row for row', { timeout: 300_000 }, async () => {
		const before = await fingerprint(live());
		const empty = Object.entries(before).filter(
			([name, v]) => name.startsWith('public.') && v.startsWith('0 ')
		);
		// every table holds rows, so the comparison compares rows
		expect(empty.map(([name]) => name)).toEqual([]);

		const saved = await koers(live(), 'backup', file());
		expect(saved.code, saved.stderr).toBe(0);
		expect(saved.stdout).toContain(`to ${file()}`);
		expect(saved.stderr).toContain('pseudonym-secret');

		const elsewhere = path.join(dir, 'elsewhere');
		const restored = await koers(elsewhere, 'restore', file());
		expect(restored.code, restored.stderr).toBe(0);
		expect(await fingerprint(elsewhere)).toEqual(before);
		expect(await fingerprint(live())).toEqual(before); // the backup changed nothing
	});

	it('refuses to overwrite a database without --force, and replaces it with', async () => {
		const other = path.join(dir, 'other');
		await mkdir(path.join(other, 'pgdata'), { recursive: true });
		const db = createDb(await pgliteDriver(path.join(other, 'pgdata')));
		await db.migrate(SUPABASE_DIR);
		await db.close();
		const before = await fingerprint(other);

		const refused = await koers(other, 'restore', file());
		expect(refused.code).toBe(1);
		expect(refused.stderr).toContain('is not empty: restoring would replace that database');
		expect(refused.stderr).toContain('--force');
		expect(await fingerprint(other)).toEqual(before);

		const forced = await koers(other, 'restore', file(), '--force');
		expect(forced.code, forced.stderr).toBe(0);
		expect(await fingerprint(other)).toEqual(await fingerprint(live()));
		expect(existsSync(path.join(other, 'pgdata.replaced'))).toBe(false);
	});

	it('refuses a file that is not a backup, and leaves the database as it was', async () => {
		const junk = path.join(dir, 'junk.tar.gz');
		writeFileSync(junk, 'id,received\nA1,2024-01-01\n');
		const before = await fingerprint(live());
		const run = await koers(live(), 'restore', junk, '--force');
		expect(run.code).toBe(1);
		expect(run.stderr).toContain(`${junk} is not a Koers backup`);
		expect(await fingerprint(live())).toEqual(before);
	});

	it('explains what is missing: a file, a database, or the embedded database itself', async () => {
		const noFile = await koers(live(), 'backup');
		expect(noFile.stderr).toContain('Which file? koers backup <file>');
		const nothing = await koers(path.join(dir, 'nothing'), 'backup', path.join(dir, 'x.tar.gz'));
		expect(nothing.code).toBe(1);
		expect(nothing.stderr).toContain('No embedded database in');
		const missing = await koers(path.join(dir, 'fresh'), 'restore', path.join(dir, 'nope.tar.gz'));
		expect(missing.stderr).toContain('No such file');
		const remote = await new Promise<string>((resolve) => {
			const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, 'backup', 'x.tar.gz'], {
				cwd: ROOT,
				env: { ...env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }
			});
			let stderr = '';
			child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
			child.on('close', () => resolve(stderr));
		});
		expect(remote).toContain('use pg_dump and pg_restore');
	});
});
