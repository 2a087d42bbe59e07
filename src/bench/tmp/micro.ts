import { createReadStream } from 'node:fs';
import { readCsv } from '../../lib/server/import/csv';
import { openInput } from '../../lib/server/import/input';
import { suggestMapping } from '../../lib/server/import/mapping';
import { pseudonymiser } from '../../lib/server/import/pseudonym';
import { toRecord, type RawRow } from '../../lib/server/import/records';
import { Stager } from '../../lib/server/import/load';
import type { Queryable } from '../../lib/server/db/types';

const file = process.argv[2];
let t = performance.now();
const { text } = await openInput(createReadStream(file));
const src = await readCsv(text);
const rows: RawRow[] = [];
for await (const r of src.rows) rows.push(r);
console.log(`read+parse ${(performance.now() - t).toFixed(0)} ms, ${rows.length} rows`);
const { mapping } = suggestMapping(src.headers, 'event');
const ctx = {
	shape: 'event' as const,
	mapping,
	timezone: 'Europe/Amsterdam',
	dayFirst: true,
	pseudonym: pseudonymiser('x'.repeat(32), 'org')
};
const recs = [];
for (let k = 0; k < 3; k++) {
	t = performance.now();
	recs.length = 0;
	for (const r of rows) {
		const x = toRecord(r, ctx);
		if (x.ok) recs.push(x.record);
	}
	console.log(`toRecord ${(performance.now() - t).toFixed(0)} ms`);
}
let bytes = 0;
const fake = {
	query: async () => [],
	exec: async () => {},
	copyFrom: async (_t: string, _c: string[], csv: string) => {
		bytes += csv.length;
	}
} as unknown as Queryable;
for (let k = 0; k < 3; k++) {
	const stager = await Stager.create(fake, 'event');
	t = performance.now();
	for (const r of recs) await stager.add(r);
	await stager.flush();
	console.log(`stage ${(performance.now() - t).toFixed(0)} ms, ${bytes} chars`);
	bytes = 0;
}
