import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { ConfigError, type Config } from '../config';
import { pgliteDriver } from './pglite';
import { createDb, type Db } from './port';
import { postgresDriver } from './postgres';

export type { Db } from './port';
export type { Claims, Queryable } from './types';

let current: Db | undefined;

/** Opens the configured database: PostgreSQL when DATABASE_URL is set, else PGlite in a folder. */
export async function openDb(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<Db> {
	if (config.databaseUrl) return createDb(postgresDriver(config.databaseUrl));
	const dir = `${config.dataDir}/pgdata`;
	await mkdir(dir, { recursive: true });
	// PGlite writes to its folder from the start, and on a read-only one fails with no reason
	// given: say it here, before it touches anything.
	await access(dir, constants.W_OK).catch((e: NodeJS.ErrnoException) => {
		throw new ConfigError(
			`KOERS_DATA_DIR: the embedded database in ${dir} cannot be written (${e.code}: ` +
				`${e.code === 'EROFS' ? 'a read-only file system' : 'no permission'}). ` +
				'Nothing in it was changed; make it writable for this user and start again.'
		);
	});
	return createDb(await pgliteDriver(dir));
}

/** The database of this server process, set once at start-up. */
export function db(): Db {
	if (!current) throw new Error('The database is not open yet (start-up has not run).');
	return current;
}

export function useDb(value: Db | undefined) {
	current = value;
}
