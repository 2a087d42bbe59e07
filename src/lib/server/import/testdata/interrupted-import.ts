/**
 * For the tests that kill an import part-way (import.test.ts on PostgreSQL, koers.test.ts on a
 * PGlite data folder): imports one file into an organisation and says on stdout how far it got —
 * `progress <rows>`, `sql <the start of each statement>` just before the statement is sent, and
 * `done` at the end.
 *
 *   node --import tsx interrupted-import.ts <postgres://… | data folder> <organisation id> <file>
 */
import { createReadStream } from 'node:fs';
import { openDb, type Queryable } from '../../db';
import { importStream } from '../index';

const [target, orgId, file] = process.argv.slice(2);
const say = (line: string) => process.stdout.write(`${line}\n`);
const traced = (tx: Queryable): Queryable => ({
	query: <T>(text: string, params?: unknown[]) => {
		say(`sql ${text.replace(/\s+/g, ' ').trim().slice(0, 80)}`);
		return tx.query<T>(text, params);
	},
	exec: (text) => tx.exec(text),
	copyFrom: (table, columns, csv) => tx.copyFrom(table, columns, csv)
});

const db = await openDb(
	target.startsWith('postgres') ? { databaseUrl: target, dataDir: '' } : { dataDir: target }
);
const summary = await importStream(
	(fn) => db.asService((tx) => fn(traced(tx))),
	createReadStream(file),
	{
		orgId,
		via: 'cli',
		source: 'generated',
		pseudonymSecret: 'interrupted-import-secret-of-32-characters',
		onProgress: ({ rows }) => say(`progress ${rows}`)
	}
);
say(`done ${summary.casesAdded} ${summary.eventsAdded}`);
await db.close();
