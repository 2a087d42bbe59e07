import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Uploaded files wait in the data folder between preview and import (never in the database):
 * one folder per organisation, named by a random id, removed after the import or after a day.
 */
const DAY = 24 * 3600 * 1000;
const ID = /^[0-9a-f-]{36}$/;

export function uploads(dataDir: string, orgId: string) {
	if (!ID.test(orgId)) throw new Error('bad organisation id');
	const dir = join(dataDir, 'uploads', orgId);
	const path = (id: string) => {
		if (!ID.test(id)) throw new Error('bad upload id');
		return join(dir, id);
	};
	return {
		async save(file: File): Promise<string> {
			await mkdir(dir, { recursive: true });
			await sweep(dir);
			const id = randomUUID();
			await pipeline(Readable.fromWeb(file.stream() as never), createWriteStream(path(id)));
			return id;
		},
		async exists(id: string) {
			return ID.test(id) && (await stat(path(id)).catch(() => null)) !== null;
		},
		async size(id: string) {
			return (await stat(path(id))).size;
		},
		open(id: string) {
			return createReadStream(path(id));
		},
		remove(id: string) {
			return rm(path(id), { force: true });
		},
		/** Where the rows an import skipped are written. */
		rejectedPath(id: string) {
			return `${path(id)}.rejected.csv`;
		}
	};
}

async function sweep(dir: string) {
	for (const name of await readdir(dir).catch(() => [])) {
		const s = await stat(join(dir, name)).catch(() => null);
		if (s && Date.now() - s.mtimeMs > DAY) await rm(join(dir, name), { force: true });
	}
}
