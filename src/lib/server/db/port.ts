import type { Claims, Driver, Queryable } from './types';
import { migrate, type MigrationResult } from './migrate';

/**
 * The Db port. Every query runs in a transaction under one of Supabase's roles:
 * - asUser: role `authenticated` with the user's claims in `request.jwt.claims`, exactly as
 *   Supabase's REST layer does, so row level security decides what the user sees;
 * - asAnon: role `anon` (a request without sign-in);
 * - asService: role `service_role`, which bypasses RLS. This is the one privileged path, for
 *   work that no single user owns (first-run setup, sign-in look-ups, seeding, imports).
 * Only `migrate` runs as the connecting owner role.
 */
export interface Db {
	readonly kind: Driver['kind'];
	asUser<T>(claims: Claims, fn: (tx: Queryable) => Promise<T>): Promise<T>;
	asAnon<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
	asService<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
	/** A trivial query as `anon`: the database is reachable (for /readyz). */
	ping(): Promise<void>;
	migrate(migrationsDir: string): Promise<MigrationResult>;
	close(): Promise<void>;
}

function withRole<T>(
	driver: Driver,
	role: 'authenticated' | 'anon' | 'service_role',
	claims: object,
	fn: (tx: Queryable) => Promise<T>
): Promise<T> {
	return driver.transaction(async (tx) => {
		await tx.query(
			`select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`,
			[role, JSON.stringify(claims)]
		);
		return fn(tx);
	});
}

export function createDb(driver: Driver): Db {
	return {
		kind: driver.kind,
		asUser: (claims, fn) => {
			if (claims.role !== 'authenticated' || !claims.sub) throw new Error('not a signed-in user');
			if (!(claims.exp * 1000 > Date.now())) throw new Error('the sign-in has expired');
			return withRole(driver, 'authenticated', claims, fn);
		},
		asAnon: (fn) => withRole(driver, 'anon', { role: 'anon' }, fn),
		asService: (fn) => withRole(driver, 'service_role', { role: 'service_role' }, fn),
		ping: () =>
			withRole(driver, 'anon', { role: 'anon' }, (tx) => tx.query('select 1')).then(() => {}),
		migrate: (dir) => migrate(driver, dir),
		close: () => driver.close()
	};
}
