import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MigrationError } from './migrate';
import {
	claimsFor,
	createOrg,
	forEachDriver,
	openTestDb,
	SUPABASE_DIR,
	type DriverKind,
	type Org,
	type TestDb
} from './test-helpers';
import type { Claims } from './types';

/** What supabase/migrations holds, as `supabase db push` records it: version and name. */
async function migrationFiles() {
	const files = (await readdir(join(SUPABASE_DIR, 'migrations')))
		.filter((f) => /^\d+_.+\.sql$/.test(f))
		.sort();
	return files.map((f) => {
		const [, version, name] = /^(\d+)_(.+)\.sql$/.exec(f)!;
		return { version, name };
	});
}

forEachDriver('Db port', (t, kind) => {
	let org: Org;
	beforeAll(async () => {
		org = await createOrg(t().db, `types-${kind}`);
	});

	describe('JavaScript types (the same on both drivers)', () => {
		it('maps result columns to the same JavaScript types', async () => {
			const [row] = await t().db.asService((tx) =>
				tx.query<Record<string, unknown>>(`
					select
						(select count(*) from person) as count,
						9007199254740993::int8 as big,
						12::int4 as int4,
						1.5::numeric as numeric,
						0.1::numeric(10, 2) as money,
						2.25::float8 as float8,
						'2026-11-23 10:11:12.345+00'::timestamptz as timestamptz,
						'2026-11-23'::date as date,
						'{"a": 1, "b": [true, null]}'::jsonb as jsonb,
						array['x', 'y']::text[] as text_array,
						array[1, 2]::int8[] as int8_array,
						array['2026-01-02']::date[] as date_array,
						null::text as nothing,
						true as yes,
						false as no,
						'staff'::public.org_role as enum_value,
						'00000000-0000-0000-0000-000000000001'::uuid as uuid`)
			);
			expect(row.count).toBe(3);
			expect(typeof row.big).toBe('number');
			expect(row.int4).toBe(12);
			expect(row.numeric).toBe(1.5);
			expect(row.money).toBe(0.1);
			expect(row.float8).toBe(2.25);
			expect(row.timestamptz).toBeInstanceOf(Date);
			expect((row.timestamptz as Date).toISOString()).toBe('2026-11-23T10:11:12.345Z');
			expect(row.date).toBe('2026-11-23');
			expect(row.jsonb).toEqual({ a: 1, b: [true, null] });
			expect(row.text_array).toEqual(['x', 'y']);
			expect(row.int8_array).toEqual([1, 2]);
			expect(row.date_array).toEqual(['2026-01-02']);
			expect(row.nothing).toBeNull();
			expect(row.yes).toBe(true);
			expect(row.no).toBe(false);
			expect(row.enum_value).toBe('staff');
			expect(row.uuid).toBe('00000000-0000-0000-0000-000000000001');
		});

		it('returns table rows with the same types', async () => {
			const rows = await t().db.asService((tx) =>
				tx.query<Record<string, unknown>>(
					`select p.*, count(*) over () as total from person p where org_id = $1 order by email`,
					[org.id]
				)
			);
			expect(rows.map((r) => r.email)).toEqual([
				`admin@${org.slug}.test`,
				`coach@${org.slug}.test`,
				`staff@${org.slug}.test`
			]);
			expect(rows[0].created_at).toBeInstanceOf(Date);
			expect(rows[0].total).toBe(3);
			expect(rows[0].role).toBe('admin');
		});

		it('accepts the same parameter values', async () => {
			const when = new Date('2026-01-02T03:04:05.678Z');
			const [row] = await t().db.asService((tx) =>
				tx.query<Record<string, unknown>>(
					`select $1::jsonb as from_object, $2::jsonb as from_text, $3::text[] as list,
						$4::timestamptz as at, $5::date as day, $6::int8 as big, $7::numeric as num,
						$8::boolean as flag, $9::text as nothing`,
					[{ a: 1 }, '{"a":1}', ['p', 'q'], when, '2026-01-02', 5, 2.5, true, null]
				)
			);
			expect(row).toEqual({
				from_object: { a: 1 },
				from_text: { a: 1 },
				list: ['p', 'q'],
				at: when,
				day: '2026-01-02',
				big: 5,
				num: 2.5,
				flag: true,
				nothing: null
			});
		});
	});

	describe('roles', () => {
		const whoAmI = `
			select current_user::text as role,
				r.rolsuper as superuser,
				r.rolbypassrls as bypass_rls,
				current_setting('row_security') as row_security,
				auth.uid() as uid,
				auth.role() as jwt_role,
				(select count(*) from pg_tables t
					where t.schemaname = 'public' and pg_has_role(current_user, t.tableowner, 'MEMBER')
				) as owned_tables
			from pg_roles r where r.rolname = current_user`;

		it('asUser runs as authenticated, with the claims, RLS on, owning no table', async () => {
			const [me] = await t().db.asUser(org.staff.claims, (tx) => tx.query(whoAmI));
			expect(me).toEqual({
				role: 'authenticated',
				superuser: false,
				bypass_rls: false,
				row_security: 'on',
				uid: org.staff.userId,
				jwt_role: 'authenticated',
				owned_tables: 0
			});
		});

		it('asService runs as service_role, not a superuser', async () => {
			const [me] = await t().db.asService((tx) => tx.query(whoAmI));
			expect(me).toMatchObject({
				role: 'service_role',
				superuser: false,
				uid: null,
				jwt_role: 'service_role',
				owned_tables: 0
			});
		});

		it('asAnon runs as anon, with RLS on', async () => {
			const [me] = await t().db.asAnon((tx) => tx.query(whoAmI));
			expect(me).toEqual({
				role: 'anon',
				superuser: false,
				bypass_rls: false,
				row_security: 'on',
				uid: null,
				jwt_role: 'anon',
				owned_tables: 0
			});
		});

		it('asUser refuses claims that are not of a signed-in user', async () => {
			let ran = false;
			const fn = async () => {
				ran = true;
				return [];
			};
			const bad: unknown[] = [
				{ ...org.staff.claims, role: 'service_role' },
				{ ...org.staff.claims, role: 'anon' },
				{ ...org.staff.claims, sub: '' }
			];
			for (const claims of bad) {
				await expect(async () => t().db.asUser(claims as Claims, fn)).rejects.toThrow();
			}
			expect(ran).toBe(false);
		});

		it('does not let one role leak into the next transaction', async () => {
			await t().db.asUser(org.admin.claims, (tx) => tx.query('select 1'));
			const [anon] = await t().db.asAnon((tx) =>
				tx.query<{ role: string; claims: string }>(
					`select current_user::text as role, current_setting('request.jwt.claims', true) as claims`
				)
			);
			expect(anon).toEqual({ role: 'anon', claims: JSON.stringify({ role: 'anon' }) });
		});

		it('rolls the whole transaction back when fn throws', async () => {
			const slug = `rollback-${kind}`;
			await expect(
				t().db.asService(async (tx) => {
					await tx.query(`insert into organisation (name, slug) values ('Gone', $1)`, [slug]);
					throw new Error('changed my mind');
				})
			).rejects.toThrow('changed my mind');
			const rows = await t().db.asService((tx) =>
				tx.query('select 1 from organisation where slug = $1', [slug])
			);
			expect(rows).toEqual([]);
		});

		it('a signed-in user without a profile sees nothing', async () => {
			const stranger = claimsFor('00000000-0000-4000-8000-00000000abcd');
			const counts = await t().db.asUser(stranger, (tx) =>
				tx.query(
					`select (select count(*) from organisation) as o, (select count(*) from department) as d,
						(select count(*) from person) as p, (select count(*) from invitation) as i`
				)
			);
			expect(counts).toEqual([{ o: 0, d: 0, p: 0, i: 0 }]);
		});
	});

	describe('schema guards', () => {
		it('every table in schema public has row level security enabled', async () => {
			const tables = await t().db.asService((tx) =>
				tx.query<{ name: string; rls: boolean }>(
					`select c.relname as name, c.relrowsecurity as rls
					 from pg_class c join pg_namespace n on n.oid = c.relnamespace
					 where n.nspname = 'public' and c.relkind in ('r', 'p')
					 order by 1`
				)
			);
			expect(tables.map((r) => r.name)).toEqual(
				expect.arrayContaining(['department', 'invitation', 'organisation', 'person'])
			);
			expect(tables.filter((r) => !r.rls).map((r) => r.name)).toEqual([]);
		});

		it('every view in schema public runs with the caller’s rights (security_invoker)', async () => {
			// A view runs as its owner and so skips the RLS of the tables it reads, unless it is
			// security_invoker. Vacuous until the first view arrives; then it guards it.
			const views = await t().db.asService((tx) =>
				tx.query<{ name: string }>(
					`select c.relname as name
					 from pg_class c join pg_namespace n on n.oid = c.relnamespace
					 where n.nspname = 'public' and c.relkind in ('v', 'm')
						and not coalesce('security_invoker=true' = any (c.reloptions), false)`
				)
			);
			expect(views).toEqual([]);
		});
	});

	describe('migrations', () => {
		it('records every migration file as supabase db push does', async () => {
			const rows = await t().owner.transaction((tx) =>
				tx.query(`select version, name from supabase_migrations.schema_migrations order by version`)
			);
			const files = await migrationFiles();
			expect(files.length).toBeGreaterThan(0);
			expect(rows).toEqual(files);
		});

		it('a second migrate applies nothing', async () => {
			const result = await t().db.migrate(SUPABASE_DIR);
			expect(result).toEqual({ compat: 'installed', applied: [] });
			const [{ n }] = await t().owner.transaction((tx) =>
				tx.query<{ n: number }>(`select count(*) as n from supabase_migrations.schema_migrations`)
			);
			expect(n).toBe((await migrationFiles()).length);
		});
	});
});

describe.each(['pglite', 'postgres'] satisfies DriverKind[])('a failing migration [%s]', (kind) => {
	let dir: string;
	let fresh: TestDb;
	beforeAll(async () => {
		dir = await mkdtemp(join(tmpdir(), 'koers-broken-'));
		await cp(SUPABASE_DIR, dir, { recursive: true });
		await writeFile(
			join(dir, 'migrations', '99999999999999_broken.sql'),
			`create table public.half_applied (id int primary key);
				 alter table public.half_applied enable row level security;
				 insert into public.half_applied values (1);
				 select no_such_column from public.half_applied;`
		);
		fresh = await openTestDb(kind, { migrate: false });
	});
	afterAll(async () => {
		await fresh?.close();
		if (dir) await rm(dir, { recursive: true, force: true });
	});

	it('throws naming the file and the database error', async () => {
		const failure = fresh.db.migrate(dir);
		await expect(failure).rejects.toBeInstanceOf(MigrationError);
		await expect(failure).rejects.toThrow(/99999999999999_broken\.sql/);
		await expect(failure).rejects.toThrow(/no_such_column/);
	});

	it('leaves nothing of the broken file, and keeps the earlier migrations', async () => {
		const [state] = await fresh.owner.transaction((tx) =>
			tx.query<{ table: string | null; versions: string[] }>(
				`select to_regclass('public.half_applied')::text as table,
						(select coalesce(array_agg(version order by version), '{}')
						 from supabase_migrations.schema_migrations) as versions`
			)
		);
		expect(state.table).toBeNull();
		expect(state.versions).toEqual((await migrationFiles()).map((f) => f.version));
		// the earlier migrations really are in place, not only recorded
		const [tables] = await fresh.db.asService((tx) =>
			tx.query<{ person: string | null }>(`select to_regclass('public.person')::text as person`)
		);
		expect(tables.person).toBe('person');
	});

	it('applies the fixed file on the next run', async () => {
		await writeFile(
			join(dir, 'migrations', '99999999999999_broken.sql'),
			`create table public.half_applied (id int primary key);
				 alter table public.half_applied enable row level security;`
		);
		const result = await fresh.db.migrate(dir);
		expect(result.applied).toEqual(['99999999999999_broken.sql']);
	});
});
