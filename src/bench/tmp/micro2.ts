import { createReadStream } from 'node:fs';
import { readCsv } from '../../lib/server/import/csv';
import { openInput } from '../../lib/server/import/input';
import { suggestMapping } from '../../lib/server/import/mapping';
import { pseudonymiser } from '../../lib/server/import/pseudonym';
import { toRecord } from '../../lib/server/import/records';
import { toRecord2 } from './records2';

const file = process.argv[2];
const which = process.argv[3];
let t = performance.now();
const { text } = await openInput(createReadStream(file));
const src = await readCsv(text);
const { mapping } = suggestMapping(src.headers, 'event');
const ctx = {
	shape: 'event' as const,
	mapping,
	timezone: 'Europe/Amsterdam',
	dayFirst: true,
	pseudonym: pseudonymiser('x'.repeat(32), 'org')
};
let n = 0,
	sink = 0,
	tr = 0;
for await (const r of src.rows) {
	n++;
	if (which === 'none') {
		sink += r.line;
		continue;
	}
	const s = performance.now();
	const x = which === '2' ? toRecord2(r, ctx) : toRecord(r, ctx);
	tr += performance.now() - s;
	if (x.ok) sink += x.record.line;
}
console.log(
	`${which}: total ${(performance.now() - t).toFixed(0)} ms, toRecord ~${tr.toFixed(0)} ms, ${n} rows`
);
