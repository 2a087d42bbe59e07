import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BOM, CsvFile, csvCell, headerOf, toCsv } from './csv-writer';

describe('csvCell', () => {
	it.each([
		['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
		['@SUM(A1:A2)', "'@SUM(A1:A2)"],
		['+1+1', "'+1+1"],
		['-1+1', "'-1+1"],
		['\t=1', "'\t=1"],
		['\r=1', `"'\r=1"`]
	])('neutralises the formula %j', (value, cell) => {
		expect(csvCell(value)).toBe(cell);
	});

	it('quotes quotes, separators and line breaks', () => {
		expect(csvCell('a "b"')).toBe('"a ""b"""');
		expect(csvCell('a,b')).toBe('"a,b"');
		expect(csvCell('a;b')).toBe('a;b');
		expect(csvCell('a;b', ';')).toBe('"a;b"');
		expect(csvCell('a\nb')).toBe('"a\nb"');
		expect(csvCell('plain')).toBe('plain');
		expect(csvCell(null)).toBe('');
		expect(csvCell(3)).toBe('3');
	});
});

describe('toCsv', () => {
	it('writes a BOM, the header and each row in its order', () => {
		const rows = [{ a: '1' }, { a: '2', b: '=x' }];
		const header = headerOf(rows, ['line']);
		expect(header).toEqual(['line', 'a', 'b']);
		expect(toCsv(header, rows)).toBe(`${BOM}line,a,b\r\n,1,\r\n,2,'=x\r\n`);
		expect(toCsv(['a', 'b'], [{ a: 'x;y', b: '1' }], ';')).toBe(`${BOM}a;b\r\n"x;y";1\r\n`);
	});
});

describe('CsvFile', () => {
	it('widens the header for a longer later row, so no row runs past it', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'koers-csv-'));
		const file = new CsvFile(join(dir, 'out.csv'), ['line', 'problems']);
		expect(await new CsvFile(join(dir, 'none.csv')).finish()).toBe(false);
		file.add({ line: 2, problems: 'bad', id: 'A1' });
		file.add({ line: 3, problems: 'bad', id: '@SUM(1)', extra: 'x\ny' });
		expect(await file.finish()).toBe(true);
		expect(readFileSync(join(dir, 'out.csv'), 'utf8')).toBe(
			`${BOM}line,problems,id,extra\r\n2,bad,A1,\r\n3,bad,'@SUM(1),"x\ny"\r\n`
		);
		expect(existsSync(join(dir, 'out.csv.part'))).toBe(false);
	});

	it('writes `;`-separated for Dutch Excel, quoting only cells that hold a `;`', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'koers-csv-'));
		const file = new CsvFile(join(dir, 'nl.csv'), ['line'], ';');
		file.add({ line: 2, bedrag: '1,50', note: 'a;b' });
		await file.finish();
		expect(readFileSync(join(dir, 'nl.csv'), 'utf8')).toBe(
			`${BOM}line;bedrag;note\r\n2;1,50;"a;b"\r\n`
		);
	});
});
