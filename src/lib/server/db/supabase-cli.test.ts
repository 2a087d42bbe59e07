/**
 * Supabase compatibility, proved with the real Supabase CLI: `supabase db push` on a plain
 * PostgreSQL with Koers's compatibility layer must give the same schema, policies and migration
 * records as Koers's own runner, and the two runners must agree on what is applied. The CLI
 * reads the project's own files (config.toml, seed.sql) as `supabase db reset` would, and the
 * enums of `supabase gen types` must equal the zod schemas' choices.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDEA_STATUSES } from '$lib/ideas/rules';
import { METRICS } from '$lib/metrics/series';
import { AGREEMENT_UNITS } from '$lib/schemas/agreements';
import { BETTER_DIRECTIONS, CYCLE_STATUSES, REQUEST_STATUSES } from '$lib/schemas/cycles';
import { NORM_UNITS, REPEAT_KEYS } from '$lib/schemas/case-data';
import { DEPARTMENT_KINDS } from '$lib/schemas/departments';
import { CHANNELS, OFFICES } from '$lib/schemas/journeys';
import { ORG_ROLES } from '$lib/schemas/people';
import { TEAM_ROLES } from '$lib/schemas/teams';
import { postgresDriver } from './postgres';
import { createDb } from './port';
import { freshDatabase, SUPABASE_DIR, withServerLock, type FreshDatabase } from './test-helpers';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const CLI = join(REPO, 'node_modules', '.bin', 'supabase');

/**
 * The real Supabase CLI in `workdir` (a folder holding a copy of supabase/) with its own HOME:
 * no Docker, no login, no telemetry.
 */
function supabase(workdir: string, args: string[]) {
	return run(CLI, [...args, '--workdir', workdir], {
		cwd: workdir,
		timeout: 60_000,
		maxBuffer: 16 * 1024 * 1024,
		env: {
			PATH: process.env.PATH,
			HOME: workdir,
			DO_NOT_TRACK: '1',
			SUPABASE_TELEMETRY_DISABLED: '1',
			SUPABASE_NO_UPDATE_NOTIFIER: '1',
			PGSSLMODE: 'disable'
		}
	});
}

/** `supabase db push` against a database URL. */
function dbPush(url: string, workdir: string, ...flags: string[]) {
	return supabase(workdir, ['db', 'push', `--remote=${url}`, '--yes', ...flags]);
}

/**
 * Each enum of the database and the choices Koers's zod schemas are made of. A new enum in a
 * migration needs its line here (the test fails until it has one).
 */
const ZOD_ENUMS: Record<string, readonly (string | number)[]> = {
	agreement_unit: AGREEMENT_UNITS,
	better_direction: BETTER_DIRECTIONS,
	channel: CHANNELS,
	cycle_metric: METRICS,
	cycle_status: CYCLE_STATUSES,
	department_kind: DEPARTMENT_KINDS,
	idea_status: IDEA_STATUSES,
	norm_unit: NORM_UNITS,
	office: OFFICES,
	org_role: ORG_ROLES,
	repeat_key: REPEAT_KEYS,
	request_status: REQUEST_STATUSES,
	team_role: TEAM_ROLES
};

/** The `Constants.public.Enums` object of the TypeScript that `supabase gen types` prints. */
function generatedEnums(types: string): Record<string, string[]> {
	const m = /export const Constants = \{\s*"?public"?:\s*\{\s*Enums:\s*(\{[^}]*\})/.exec(types);
	if (!m)
		throw new Error(`no Constants.public.Enums in the generated types:\n${types.slice(-2000)}`);
	return JSON.parse(m[1]) as Record<string, string[]>;
}

const sorted = (values: readonly (string | number)[]) => [...values].map(String).sort();

/** What a deploy is made of, as one database reports it. */
async function describeSchema(url: string) {
	const sql = postgres(url, { max: 1, onnotice: () => {} });
	try {
		const migrations = await sql`
			select version, name from supabase_migrations.schema_migrations order by version`;
		const tables = await sql`
			select c.relname as table, c.relrowsecurity as rls, c.relforcerowsecurity as force_rls
			from pg_class c join pg_namespace n on n.oid = c.relnamespace
			where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm')
			order by 1`;
		const columns = await sql`
			select table_name, column_name, ordinal_position, data_type, udt_name, is_nullable,
				column_default
			from information_schema.columns where table_schema = 'public'
			order by table_name, ordinal_position`;
		const constraints = await sql`
			select c.conrelid::regclass::text as table, c.conname as name, pg_get_constraintdef(c.oid) as def
			from pg_constraint c join pg_namespace n on n.oid = c.connamespace
			where n.nspname = 'public'
			order by 1, 2`;
		const policies = await sql`
			select tablename, policyname, permissive, cmd, roles::text[] as roles, qual, with_check
			from pg_policies where schemaname = 'public'
			order by tablename, policyname`;
		const grants = await sql`
			select table_name, grantee, privilege_type from information_schema.role_table_grants
			where table_schema = 'public' and grantee in ('anon', 'authenticated', 'service_role')
			order by 1, 2, 3`;
		const columnGrants = await sql`
			select table_name, column_name, grantee, privilege_type
			from information_schema.column_privileges
			where table_schema = 'public' and grantee in ('anon', 'authenticated', 'service_role')
			order by 1, 2, 3, 4`;
		const functions = await sql`
			select n.nspname as schema, p.proname as name, pg_get_function_identity_arguments(p.oid) as args,
				p.prosecdef as security_definer, p.proconfig as config, p.prosrc as body
			from pg_proc p join pg_namespace n on n.oid = p.pronamespace
			where n.nspname in ('public', 'private')
			order by 1, 2, 3`;
		return { migrations, tables, columns, constraints, policies, grants, columnGrants, functions };
	} finally {
		await sql.end({ timeout: 5 });
	}
}

describe('Supabase CLI compatibility', () => {
	let koers: FreshDatabase;
	let cli: FreshDatabase;
	let workdir: string;
	let repoSupabaseBefore: string[];
	let push: { stdout: string; stderr: string };

	beforeAll(async () => {
		if (!existsSync(CLI)) {
			throw new Error(`The Supabase CLI is not installed at ${CLI} (npm install).`);
		}
		repoSupabaseBefore = (await readdir(SUPABASE_DIR)).sort();
		[koers, cli] = await Promise.all([freshDatabase(), freshDatabase()]);

		// Database 1: Koers's own runner (compatibility layer + migrations).
		const db = createDb(postgresDriver(koers.url, { max: 1 }));
		try {
			await withServerLock(() => db.migrate(SUPABASE_DIR));
		} finally {
			await db.close();
		}

		// Database 2: only the compatibility layer, run as the owner, as a Supabase project
		// would provide it; then the real CLI pushes the migrations.
		const compat = await readFile(join(SUPABASE_DIR, 'compat', 'supabase-auth.sql'), 'utf8');
		const owner = postgres(cli.url, { max: 1, onnotice: () => {} });
		try {
			await withServerLock(() => owner.unsafe(compat));
		} finally {
			await owner.end({ timeout: 5 });
		}

		// The CLI runs in a copy of supabase/migrations with its own HOME, so whatever it
		// writes (supabase/.temp, ~/.supabase) stays out of the repository.
		workdir = await mkdtemp(join(tmpdir(), 'koers-supabase-cli-'));
		await mkdir(join(workdir, 'supabase'));
		await cp(join(SUPABASE_DIR, 'migrations'), join(workdir, 'supabase', 'migrations'), {
			recursive: true
		});
		for (const file of ['config.toml', 'seed.sql'])
			await cp(join(SUPABASE_DIR, file), join(workdir, 'supabase', file));
		try {
			// With the seed, as `supabase db reset` applies it (reset itself needs Docker here).
			push = await dbPush(cli.url, workdir, '--include-seed');
		} catch (e) {
			const err = e as Error & { stdout?: string; stderr?: string };
			throw new Error(`supabase db push failed: ${err.message}\n${err.stdout}\n${err.stderr}`, {
				cause: e
			});
		}
	}, 120_000);

	afterAll(async () => {
		await Promise.all([koers?.drop(), cli?.drop()]);
		if (workdir) await rm(workdir, { recursive: true, force: true });
	});

	it('supabase db push applies every migration file', async () => {
		const files = (await readdir(join(SUPABASE_DIR, 'migrations'))).filter((f) =>
			/^\d+_.+\.sql$/.test(f)
		);
		expect(files.length).toBeGreaterThan(0);
		const out = push.stdout + push.stderr;
		for (const file of files) expect(out).toContain(file);
		expect(out).toMatch(/Finished supabase db push/);
	});

	it('reads supabase/config.toml and applies supabase/seed.sql from it', async () => {
		// The CLI refuses an invalid config.toml before it connects, so the push passing is the
		// config's validation; the seed is the one config.toml names.
		expect(push.stdout + push.stderr).toMatch(/Seeding data from supabase\/seed\.sql/);
		const sql = postgres(cli.url, { max: 1, onnotice: () => {} });
		try {
			const seeds = await sql`select path from supabase_migrations.seed_files`;
			expect(seeds.map((r) => r.path)).toEqual(['supabase/seed.sql']);
		} finally {
			await sql.end({ timeout: 5 });
		}
	});

	it('the zod schemas offer exactly the choices of the database’s enums (supabase gen types)', async () => {
		const { stdout } = await supabase(workdir, [
			'gen',
			'types',
			`--remote=${cli.url}`,
			'--schema',
			'public'
		]);
		const db = generatedEnums(stdout);
		expect(Object.keys(db).sort()).toEqual(Object.keys(ZOD_ENUMS).sort());
		for (const [name, values] of Object.entries(db))
			expect(sorted(ZOD_ENUMS[name]), `enum ${name}`).toEqual(sorted(values));
	});

	it('gives the same migration records, tables, columns, constraints, policies and grants', async () => {
		const [ours, theirs] = await Promise.all([describeSchema(koers.url), describeSchema(cli.url)]);
		expect(ours.migrations.length).toBeGreaterThan(0);
		expect(ours.policies.length).toBeGreaterThan(0);
		expect(ours.tables.length).toBeGreaterThan(0);
		expect(theirs.migrations).toEqual(ours.migrations);
		expect(theirs.tables).toEqual(ours.tables);
		expect(theirs.columns).toEqual(ours.columns);
		expect(theirs.constraints).toEqual(ours.constraints);
		expect(theirs.policies).toEqual(ours.policies);
		expect(theirs.grants).toEqual(ours.grants);
		expect(theirs.columnGrants).toEqual(ours.columnGrants);
		expect(theirs.functions).toEqual(ours.functions);
	});

	it('Koers’s runner agrees with the CLI about what is applied', async () => {
		const db = createDb(postgresDriver(cli.url, { max: 1 }));
		try {
			const result = await withServerLock(() => db.migrate(SUPABASE_DIR));
			expect(result).toEqual({ compat: 'installed', applied: [] });
		} finally {
			await db.close();
		}
		const [ours, theirs] = await Promise.all([describeSchema(koers.url), describeSchema(cli.url)]);
		expect(theirs.migrations).toEqual(ours.migrations);
	});

	it('the CLI agrees with Koers’s runner about what is applied', async () => {
		const again = await dbPush(koers.url, workdir);
		const out = again.stdout + again.stderr;
		expect(out).not.toMatch(/Applying migration/);
		expect(out).toMatch(/up to date/i);
	});

	it('leaves no files in the repository', async () => {
		expect((await readdir(SUPABASE_DIR)).sort()).toEqual(repoSupabaseBefore);
		expect(existsSync(join(REPO, '.supabase'))).toBe(false);
	});
});
