import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pgliteDriver } from '../../lib/server/db/pglite';
import { createDb } from '../../lib/server/db/port';
import { postgresDriver } from '../../lib/server/db/postgres';
import type { Queryable } from '../../lib/server/db/types';
import { importStream } from '../../lib/server/import';
const SUPABASE_DIR = fileURLToPath(new URL('../../../supabase', import.meta.url));
const [kind, where, file] = process.argv.slice(2);
const db = createDb(kind === 'pg' ? postgresDriver(where) : await pgliteDriver(where));
await db.migrate(SUPABASE_DIR);
const orgId = await db.asService(
	async (tx) =>
		(
			await tx.query<{ id: string }>(
				`insert into organisation (name, slug) values ('B','b') returning id`
			)
		)[0].id
);
let copyMs = 0,
	copies = 0;
const t0 = performance.now();
const explain = process.env.EXPLAIN === '1';
await importStream(
	(fn) =>
		db.asService((tx) =>
			fn({
				query: async <T>(text: string, params?: unknown[]) => {
					if (process.env.SAVE_STAGE && text.includes('insert into category')) {
						await tx.query('reset role');
						await tx.query("copy koers_stage_event to '/tmp/bt/srv/stage.csv' with (format csv)");
						throw new Error('saved');
					}
					const s = performance.now();
					const isInsert = /^\s*with added/.test(text);
					if (explain && isInsert) {
						const rows = await tx.query<Record<string, string>>(
							'explain (analyze, buffers, verbose off) ' + text,
							params
						);
						console.log(rows.map((r) => Object.values(r)[0]).join('\n'));
						console.log(`-- ${(performance.now() - s).toFixed(0)} ms`);
						return [{ n: 1 }] as T[];
					}
					const r = await tx.query<T>(text, params);
					const ms = performance.now() - s;
					if (ms > 50)
						console.log(`${ms.toFixed(0)} ms: ${text.replace(/\s+/g, ' ').slice(0, 90)}`);
					return r;
				},
				exec: (t: string) => tx.exec(t),
				copyFrom: async (t: string, c: string[], csv: string) => {
					const s = performance.now();
					await tx.copyFrom(t, c, csv);
					copyMs += performance.now() - s;
					copies++;
				}
			} satisfies Queryable)
		),
	createReadStream(file),
	{ orgId, via: 'cli', pseudonymSecret: 'x'.repeat(32) }
);
console.log(
	`total ${(performance.now() - t0).toFixed(0)} ms, copyFrom ${copyMs.toFixed(0)} ms in ${copies}`
);
await db.close();
