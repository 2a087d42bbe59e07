import { PGlite } from '@electric-sql/pglite';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Backup and restore of the embedded database (`koers backup`, `koers restore`): the PGlite data
 * folder as one gzipped tar file (PGlite's dumpDataDir / loadDataDir). Run them while Koers is
 * stopped: PGlite is one process's database. PostgreSQL and Supabase use pg_dump (README).
 */

export class BackupError extends Error {}

const isDatabase = (dir: string) => existsSync(join(dir, 'PG_VERSION'));

/** Writes the database in `pgdata` to `file` (first to file.partial, then renamed); its size. */
export async function backup(pgdata: string, file: string): Promise<number> {
	if (!isDatabase(pgdata)) throw new BackupError(`No embedded database in ${pgdata} to back up.`);
	const pg = await PGlite.create(pgdata);
	let bytes: Buffer;
	try {
		bytes = Buffer.from(await (await pg.dumpDataDir('gzip')).arrayBuffer());
	} finally {
		await pg.close();
	}
	await writeFile(`${file}.partial`, bytes, { mode: 0o600 });
	await rename(`${file}.partial`, file);
	return bytes.length;
}

/**
 * Restores `file` into `pgdata`. A folder that holds anything is replaced only with `force`, and
 * only after the backup has opened as a Koers database in a folder beside it.
 */
export async function restore(file: string, pgdata: string, force = false) {
	const occupied = existsSync(pgdata) && readdirSync(pgdata).length > 0;
	if (occupied && !force)
		throw new BackupError(
			`${pgdata} is not empty: restoring would replace that database. Stop Koers and add --force to replace it.`
		);
	const data = await readFile(file);
	if (!(data[0] === 0x1f && data[1] === 0x8b) && data.subarray(257, 262).toString() !== 'ustar')
		throw new BackupError(`${file} is not a Koers backup (expected a .tar.gz from koers backup).`);
	const staging = `${pgdata}.restoring`;
	await rm(staging, { recursive: true, force: true });
	await mkdir(dirname(pgdata), { recursive: true });
	try {
		const pg = await PGlite.create(staging, { loadDataDir: new Blob([data]) });
		try {
			await pg.query('select count(*) from supabase_migrations.schema_migrations');
		} finally {
			await pg.close();
		}
	} catch (e) {
		await rm(staging, { recursive: true, force: true });
		throw new BackupError(`${file} is not a Koers backup: ${(e as Error).message}`);
	}
	if (occupied) {
		await rm(`${pgdata}.replaced`, { recursive: true, force: true });
		await rename(pgdata, `${pgdata}.replaced`);
	} else await rm(pgdata, { recursive: true, force: true });
	await rename(staging, pgdata);
	await rm(`${pgdata}.replaced`, { recursive: true, force: true });
}
