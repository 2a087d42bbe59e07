/**
 * For import.test.ts, which kills this process part-way through: imports one file into an
 * organisation and says how far it got on stdout (`progress <rows>`, then `done`).
 *
 *   tsx interrupted-import.ts <postgres://… | PGlite data folder> <organisation id> <file>
 */
import { createReadStream } from 'node:fs';
import { openDb } from '../../db';
import { importStream } from '../index';

const [target, orgId, file] = process.argv.slice(2);
const db = await openDb(
	target.startsWith('postgres') ? { databaseUrl: target, dataDir: '' } : { dataDir: target }
);
const summary = await importStream((fn) => db.asService(fn), createReadStream(file), {
	orgId,
	via: 'cli',
	source: 'generated',
	pseudonymSecret: 'interrupted-import-secret-of-32-characters',
	onProgress: ({ rows }) => process.stdout.write(`progress ${rows}\n`)
});
process.stdout.write(`done ${summary.casesAdded} ${summary.eventsAdded}\n`);
await db.close();
