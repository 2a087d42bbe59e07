/**
 * Test-only helpers (never imported by app code): a migrated database on each driver, and two
 * organisations with people in them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { pgliteDriver } from './pglite';
import { postgresDriver } from './postgres';
import { createDb, type Db } from './port';
import type { Claims, Driver } from './types';

export const SUPABASE_DIR = fileURLToPath(new URL('../../../../supabase', import.meta.url));

export const DRIVER_KINDS = ['pglite', 'postgres'] as const satisfies Driver['kind'][];
export type DriverKind = (typeof DRIVER_KINDS)[number];

/** postgres.js on the test server's maintenance database, for creating and dropping databases. */
export function adminSql(url = inject('pgUrl')) {
	return postgres(url, { max: 1, onnotice: () => {} });
}

/** The URL of another database on the same server. */
export function databaseUrl(serverUrl: string, database: string): string {
	const url = new URL(serverUrl);
	url.pathname = `/${database}`;
	return url.toString();
}

/**
 * Runs fn while holding a lock that spans the whole test server. Roles are shared by all
 * databases of a server, so two test files installing the compatibility layer (which creates
 * roles) at the same moment would collide; advisory locks of the migrator are per database.
 */
export async function withServerLock<T>(fn: () => Promise<T>): Promise<T> {
	const sql = adminSql(); // one connection: the session lock lives until it closes
	try {
		await sql`select pg_advisory_lock(${4242_0001})`;
		return await fn();
	} finally {
		await sql.end({ timeout: 5 });
	}
}

export interface FreshDatabase {
	name: string;
	url: string;
	drop(): Promise<void>;
}

/** A new, empty database on the test server (`koers_t_<random>`). */
export async function freshDatabase(): Promise<FreshDatabase> {
	const server = inject('pgUrl');
	const name = `koers_t_${randomBytes(6).toString('hex')}`;
	const sql = adminSql(server);
	try {
		await sql.unsafe(`create database ${name}`);
	} finally {
		await sql.end({ timeout: 5 });
	}
	return {
		name,
		url: databaseUrl(server, name),
		async drop() {
			const admin = adminSql(server);
			try {
				await admin.unsafe(`drop database if exists ${name} with (force)`);
			} finally {
				await admin.end({ timeout: 5 });
			}
		}
	};
}

export interface TestDb {
	kind: DriverKind;
	db: Db;
	/** The connecting (owner) role, for inspecting what no API role may read. */
	owner: Driver;
	/** Only for the postgres driver: the URL of its database. */
	url?: string;
	close(): Promise<void>;
}

/**
 * A Db on a new, empty database: PGlite in memory, or a fresh database on the test server.
 * Not migrated unless `migrate` is true.
 */
export async function openTestDb(kind: DriverKind, { migrate = true } = {}): Promise<TestDb> {
	if (kind === 'pglite') {
		const owner = await pgliteDriver();
		const db = createDb(owner);
		if (migrate) await db.migrate(SUPABASE_DIR);
		return { kind, db, owner, close: () => db.close() };
	}
	const fresh = await freshDatabase();
	const owner = postgresDriver(fresh.url, { max: 4 });
	const db = createDb(owner);
	try {
		if (migrate) await withServerLock(() => db.migrate(SUPABASE_DIR));
	} catch (e) {
		await db.close();
		await fresh.drop();
		throw e;
	}
	return {
		kind,
		db,
		owner,
		url: fresh.url,
		async close() {
			await db.close();
			await fresh.drop();
		}
	};
}

/**
 * Declares one suite per driver (`describe.each` over pglite and postgres), each with its own
 * migrated database, opened before and closed after the suite. `body` gets a getter for it.
 */
export function forEachDriver(
	name: string,
	body: (t: () => TestDb, kind: DriverKind) => void,
	options: { migrate?: boolean } = {}
) {
	describe.each(DRIVER_KINDS)(`${name} [%s]`, (kind) => {
		let current: TestDb | undefined;
		beforeAll(async () => {
			current = await openTestDb(kind, options);
		});
		afterAll(async () => {
			await current?.close();
		});
		body(() => {
			if (!current) throw new Error('the test database is not open yet');
			return current;
		}, kind);
	});
}

/** Claims as Supabase Auth would issue them for a signed-in user. */
export function claimsFor(userId: string, email?: string): Claims {
	const now = Math.floor(Date.now() / 1000);
	return {
		sub: userId,
		email,
		role: 'authenticated',
		aud: 'authenticated',
		iat: now,
		exp: now + 3600
	};
}

export interface Member {
	personId: string;
	userId: string;
	email: string;
	role: 'admin' | 'coach' | 'staff';
	claims: Claims;
}

export interface Org {
	id: string;
	slug: string;
	departmentId: string;
	admin: Member;
	coach: Member;
	staff: Member;
}

/**
 * Creates an organisation with one department and an admin, a coach and a staff member (each an
 * auth user with a person profile), through the privileged path.
 */
export async function createOrg(db: Db, slug: string): Promise<Org> {
	return db.asService(async (tx) => {
		const [org] = await tx.query<{ id: string }>(
			'insert into organisation (name, slug) values ($1, $2) returning id',
			[`Organisation ${slug}`, slug]
		);
		const [dept] = await tx.query<{ id: string }>(
			`insert into department (org_id, name, kind) values ($1, 'Front office', 'front_office') returning id`,
			[org.id]
		);
		const member = async (role: Member['role']): Promise<Member> => {
			const userId = randomUUID();
			const email = `${role}@${slug}.test`;
			await tx.query('insert into auth.users (id, email) values ($1, $2)', [userId, email]);
			const [person] = await tx.query<{ id: string }>(
				`insert into person (org_id, user_id, name, email, department_id, role)
				 values ($1, $2, $3, $4, $5, $6) returning id`,
				[org.id, userId, `${role} of ${slug}`, email, dept.id, role]
			);
			return { personId: person.id, userId, email, role, claims: claimsFor(userId, email) };
		};
		return {
			id: org.id,
			slug,
			departmentId: dept.id,
			admin: await member('admin'),
			coach: await member('coach'),
			staff: await member('staff')
		};
	});
}

/** Two organisations, `a` and `b`, each with an admin, a coach and a staff member. */
export async function createTwoOrgs(db: Db, prefix = 'org'): Promise<{ a: Org; b: Org }> {
	const tag = randomBytes(3).toString('hex');
	return {
		a: await createOrg(db, `${prefix}-a-${tag}`),
		b: await createOrg(db, `${prefix}-b-${tag}`)
	};
}
