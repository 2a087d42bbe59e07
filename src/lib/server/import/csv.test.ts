import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readCsv, type CsvOptions } from './csv';
import { parseTimestamp } from './dates';
import { openInput } from './input';
import { InputError, type RawRow } from './types';

const data = (name: string) => path.resolve('..', 'shared', 'data', name);

async function* pieces(text: string, size = 64 * 1024) {
	for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function parse(text: string, size?: number, options?: CsvOptions) {
	const source = await readCsv(pieces(text, size), options);
	const rows: RawRow[] = [];
	for await (const row of source.rows) rows.push(row);
	return { headers: source.headers, rows };
}

async function parseFile(name: string) {
	const input = await openInput(createReadStream(data(name)));
	expect(input.kind).toBe('csv');
	const source = await readCsv(input.text);
	const rows: RawRow[] = [];
	for await (const row of source.rows) rows.push(row);
	return { headers: source.headers, rows };
}

async function inputError(run: () => Promise<unknown>): Promise<InputError> {
	try {
		await run();
	} catch (error) {
		expect(error).toBeInstanceOf(InputError);
		return error as InputError;
	}
	throw new Error('expected an InputError');
}

describe('readCsv on real files', () => {
	it('reads receipt.csv: every event, every case', async () => {
		const { headers, rows } = await parseFile('receipt.csv');
		// Facts from Python's csv module (the reference for RFC 4180 parsing):
		//   rows = list(csv.reader(open('receipt.csv', newline='', encoding='utf-8')))
		//   len(rows) - 1 == 8577; len({r[1] for r in rows[1:]}) == 1434; {len(r) for r in rows} == {15}
		expect(rows).toHaveLength(8577);
		expect(new Set(rows.map((r) => r.values['case:concept:name'])).size).toBe(1434);
		expect(headers).toHaveLength(15);
		expect(headers).toContain('time:timestamp');
		expect(rows.every((r) => Object.keys(r.values).length === 15)).toBe(true);
		expect(rows[0]).toEqual({
			line: 2,
			values: expect.objectContaining({
				'case:concept:name': 'case-10011',
				'concept:name': 'Confirmation of receipt',
				'time:timestamp': '2011-10-11 13:45:40.276000+02:00',
				'case:enddate': ''
			})
		});
		expect(rows.at(-1)!.line).toBe(8578);
	});

	it('reads running-example.csv: 42 events of 6 cases, the unnamed index column as "#"', async () => {
		const { headers, rows } = await parseFile('running-example.csv');
		expect(headers).toEqual([
			'#',
			'concept:name',
			'org:resource',
			'time:timestamp',
			'Activity',
			'Resource',
			'Costs',
			'case:concept:name',
			'case:creator'
		]);
		expect(rows).toHaveLength(42);
		expect(new Set(rows.map((r) => r.values['case:concept:name'])).size).toBe(6);
		expect(rows[0].values).toMatchObject({ '#': '0', 'concept:name': 'register request' });
	});

	it('reads the Boston 311 file: 2,607 requests, US dates, quoted commas', async () => {
		const { headers, rows } = await parseFile('boston311_2015_Abandoned_Vehicles.csv');
		// Python csv.DictReader: 2607 rows; first CASE_ENQUIRY_ID 101001241058, OPEN_DT
		// '01/02/2015 09:27:07 AM', Geocoded_Location '(42.2704, -71.129)'; 2584 with CLOSED_DT.
		expect(rows).toHaveLength(2607);
		expect(headers).toHaveLength(34);
		expect(headers[0]).toBe('#');
		expect(headers.at(-1)).toBe('Geocoded_Location');
		expect(new Set(rows.map((r) => r.values.CASE_ENQUIRY_ID)).size).toBe(2607);
		expect(rows[0].values.Geocoded_Location).toBe('(42.2704, -71.129)');
		expect(rows.every((r) => Object.keys(r.values).length === 34)).toBe(true);
		expect(rows.filter((r) => r.values.CLOSED_DT !== '')).toHaveLength(2584);

		const zone = { timezone: 'America/New_York' };
		expect(parseTimestamp(rows[0].values.OPEN_DT, zone)?.toISOString()).toBe(
			'2015-01-02T14:27:07.000Z'
		);
		for (const row of rows) {
			expect(parseTimestamp(row.values.OPEN_DT, zone), row.values.OPEN_DT).not.toBeNull();
			if (row.values.CLOSED_DT)
				expect(parseTimestamp(row.values.CLOSED_DT, zone), row.values.CLOSED_DT).not.toBeNull();
		}
	});

	it('gives the same rows from a gzipped copy', async () => {
		const plain = await parseFile('receipt.csv');
		const gz = gzipSync(readFileSync(data('receipt.csv')));
		const input = await openInput(pieces2(gz, 4096));
		expect(input.gzip).toBe(true);
		const source = await readCsv(input.text);
		const rows: RawRow[] = [];
		for await (const row of source.rows) rows.push(row);
		expect(source.headers).toEqual(plain.headers);
		expect(rows).toEqual(plain.rows);
	});

	it('gives the same rows whatever the chunk size', async () => {
		const text = readFileSync(data('boston311_2015_Abandoned_Vehicles.csv'), 'utf8');
		const whole = await parse(text, text.length);
		for (const size of [997, 4096]) expect(await parse(text, size)).toEqual(whole);
	});
});

async function* pieces2(bytes: Uint8Array, size: number) {
	for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('readCsv', () => {
	it('detects ";" and tab separators', async () => {
		const semi = await parse('naam;bedrag;plaats\nJansen;1,50;Utrecht\nDe Vries;2,75;Zwolle\n');
		expect(semi.headers).toEqual(['naam', 'bedrag', 'plaats']);
		expect(semi.rows[0].values).toEqual({ naam: 'Jansen', bedrag: '1,50', plaats: 'Utrecht' });
		const tab = await parse('a\tb\tc\n1\t"x, y"\t3\n');
		expect(tab.headers).toEqual(['a', 'b', 'c']);
		expect(tab.rows[0].values).toEqual({ a: '1', b: 'x, y', c: '3' });
		const forced = await parse('a;b,c\n1;2,3\n', undefined, { separator: ',' });
		expect(forced.headers).toEqual(['a;b', 'c']);
	});

	it("follows Excel's sep= line", async () => {
		const { headers, rows } = await parse('sep=;\r\na,b;c\r\n1,5;2\r\n');
		expect(headers).toEqual(['a,b', 'c']);
		expect(rows).toEqual([{ line: 3, values: { 'a,b': '1,5', c: '2' } }]);
	});

	it('prefers the separator that gives a consistent column count', async () => {
		// the header alone would suggest ',' (2 columns) as much as ';' (2 columns)
		const text = 'id;omschrijving, kort\n1;lamp kapot, bij school\n2;afval\n3;gat in weg\n';
		const { headers, rows } = await parse(text);
		expect(headers).toEqual(['id', 'omschrijving, kort']);
		expect(rows).toHaveLength(3);
	});

	it('handles quoted separators, doubled quotes and line breaks, with the right line numbers', async () => {
		const text = [
			'id,note,n', // 1
			'1,"a', // 2
			'b",x', // 3
			'2,"""q"", ok",y', // 4
			'', // 5
			'3,"c\r\nd\r\ne",z\r', // 6-8
			'4,plain,w', // 9
			'5,"x"y,"" ' // 10
		].join('\n');
		for (const size of [1, 2, 3, 5, 7, 64, 1 << 16]) {
			const { rows } = await parse(text, size);
			expect(rows, `chunks of ${size}`).toEqual([
				{ line: 2, values: { id: '1', note: 'a\nb', n: 'x' } },
				{ line: 4, values: { id: '2', note: '"q", ok', n: 'y' } },
				{ line: 6, values: { id: '3', note: 'c\r\nd\r\ne', n: 'z' } },
				{ line: 9, values: { id: '4', note: 'plain', n: 'w' } },
				{ line: 10, values: { id: '5', note: 'xy', n: ' ' } }
			]);
		}
	});

	it('reads CRLF and old-Mac CR line breaks', async () => {
		const crlf = await parse('a,b\r\n1,2\r\n3,"4"\r\n');
		expect(crlf.rows.map((r) => r.values)).toEqual([
			{ a: '1', b: '2' },
			{ a: '3', b: '4' }
		]);
		const cr = await parse('a;b\r1;2\r3;4\r');
		expect(cr.rows).toEqual([
			{ line: 2, values: { a: '1', b: '2' } },
			{ line: 3, values: { a: '3', b: '4' } }
		]);
	});

	it('trims header names, names empty ones and makes duplicates unique', async () => {
		const { headers, rows } = await parse(',  Naam ,Naam,,naam\n0,a,b,c,d\n');
		expect(headers).toEqual(['#', 'Naam', 'Naam (2)', 'column 4', 'naam']);
		expect(rows[0].values).toEqual({
			'#': '0',
			Naam: 'a',
			'Naam (2)': 'b',
			'column 4': 'c',
			naam: 'd'
		});
	});

	it('lets rows with too few or too many cells through', async () => {
		const { rows } = await parse('a,b,c\n1\n1,2,3,4,5\n');
		expect(rows).toEqual([
			{ line: 2, values: { a: '1' } },
			{ line: 3, values: { a: '1', b: '2', c: '3', 'column 4': '4', 'column 5': '5' } }
		]);
	});

	it('skips empty lines and lines with only separators', async () => {
		const { rows } = await parse('\n\na;b\n\n1;2\n;;\n  \n ; \n3;4\n\n');
		expect(rows).toEqual([
			{ line: 5, values: { a: '1', b: '2' } },
			{ line: 9, values: { a: '3', b: '4' } }
		]);
	});

	it('keeps the last row without a final line break, and empty trailing cells', async () => {
		const { rows } = await parse('a,b,c\n1,2,\n3,,');
		expect(rows.map((r) => r.values)).toEqual([
			{ a: '1', b: '2', c: '' },
			{ a: '3', b: '', c: '' }
		]);
	});

	it('strips a byte order mark left in the text', async () => {
		expect((await parse('\ufeffa,b\n1,2\n')).headers).toEqual(['a', 'b']);
	});

	it('reports an unclosed quote as input_csv, with the line', async () => {
		const error = await inputError(() => parse('a,b\n1,2\n3,"open\n4,5\n'));
		expect(error.key).toBe('input_csv');
		expect(error.message).toMatch(/line 3/);
	});

	it('stops at a record longer than the limit (memory stays flat)', async () => {
		const text = 'a,b\n1,"' + 'x'.repeat(10_000) + '\n';
		const error = await inputError(() => parse(text, 100, { maxRecordLength: 1000 }));
		expect(error.key).toBe('input_csv');
	});

	it('rejects text without a header as input_empty', async () => {
		expect((await inputError(() => parse(''))).key).toBe('input_empty');
		expect((await inputError(() => parse('\n\r\n'))).key).toBe('input_empty');
	});

	it('has a header and no rows for a header-only file', async () => {
		expect(await parse('a,b')).toEqual({ headers: ['a', 'b'], rows: [] });
	});
});

describe('readCsv fuzzed', () => {
	it('gives the same outcome for random text whatever the chunk size', async () => {
		let seed = 7;
		const random = (n: number) => {
			seed = (seed * 1103515245 + 12345) & 0x7fffffff;
			return seed % n;
		};
		const tokens = ['a', 'bc', ',', ';', '\t', '"', '""', '\n', '\r\n', '\r', ' ', 'é'];
		const outcome = async (text: string, size: number) => {
			try {
				return await parse(text, size);
			} catch (error) {
				expect(error).toBeInstanceOf(InputError);
				return (error as InputError).key + ': ' + (error as InputError).message;
			}
		};
		for (let n = 0; n < 300; n++) {
			const text = Array.from({ length: 5 + random(80) }, () => tokens[random(tokens.length)]).join(
				''
			);
			const whole = await outcome(text, 1 << 16);
			for (const size of [1, 2, 3, 5])
				expect(await outcome(text, size), JSON.stringify(text)).toEqual(whole);
		}
	});
});
