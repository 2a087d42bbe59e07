import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Driver } from './types';

export interface MigrationResult {
	compat: 'installed' | 'supabase';
	applied: string[];
}

export class MigrationError extends Error {}

const FILE = /^(\d+)_(.+)\.sql$/;
const LOCK = 2_026_112_3; // advisory lock key: one migrator at a time across instances

/** The compatibility layer (schema `auth`, roles) for databases that are not Supabase. */
const COMPAT_FILE = 'compat/supabase-auth.sql';

/**
 * Applies supabase/migrations/*.sql in order, each in its own transaction, and records them in
 * supabase_migrations.schema_migrations exactly as `supabase db push` does, so either tool
 * sees what the other applied. On a database that is not Supabase it first installs the
 * compatibility layer. A failing file stops with its name and the database's error.
 */
export async function migrate(driver: Driver, supabaseDir: string): Promise<MigrationResult> {
	const isSupabase = await driver.transaction(async (tx) => {
		const [row] = await tx.query<{ yes: boolean }>(
			`select exists (select 1 from pg_roles where rolname = 'supabase_admin') as yes`
		);
		return row.yes;
	});
	if (!isSupabase) {
		const sql = await readFile(join(supabaseDir, COMPAT_FILE), 'utf8');
		await driver.transaction(async (tx) => {
			await tx.query('select pg_advisory_xact_lock($1)', [LOCK]);
			await tx.exec(sql);
		});
	}

	await driver.transaction(async (tx) => {
		await tx.query('select pg_advisory_xact_lock($1)', [LOCK]);
		await tx.exec(`
			create schema if not exists supabase_migrations;
			create table if not exists supabase_migrations.schema_migrations (version text not null primary key);
			alter table supabase_migrations.schema_migrations add column if not exists statements text[];
			alter table supabase_migrations.schema_migrations add column if not exists name text;`);
	});

	const dir = join(supabaseDir, 'migrations');
	const files = (await readdir(dir)).filter((f) => FILE.test(f)).sort();
	const applied: string[] = [];
	for (const file of files) {
		const [, version, name] = FILE.exec(file)!;
		const sql = await readFile(join(dir, file), 'utf8');
		try {
			const done = await driver.transaction(async (tx) => {
				await tx.query('select pg_advisory_xact_lock($1)', [LOCK]);
				const seen = await tx.query(
					'select 1 from supabase_migrations.schema_migrations where version = $1',
					[version]
				);
				if (seen.length) return false;
				await tx.exec(sql);
				await tx.query(
					'insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, $3)',
					[version, name, [sql]]
				);
				return true;
			});
			if (done) applied.push(file);
		} catch (e) {
			throw new MigrationError(
				`Migration ${file} failed and was rolled back: ${(e as Error).message}`,
				{ cause: e }
			);
		}
	}
	return { compat: isSupabase ? 'supabase' : 'installed', applied };
}
