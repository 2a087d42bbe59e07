/**
 * The one way Koers writes CSV: every cell quoted when it needs to be, cells that a spreadsheet
 * would read as a formula (starting with = + - @, a tab or a carriage return) neutralised with a
 * leading `'`, a byte order mark so that spreadsheets read UTF-8, and an explicit header that
 * every row follows (a field a row lacks is empty; a later row's new field widens the header).
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';

export type Separator = ',' | ';';

export const BOM = '\uFEFF';

/** Leading characters that make a spreadsheet evaluate a cell (OWASP: CSV injection). */
const FORMULA = /^[=+\-@\t\r]/;

/** One cell: formula-leading text prefixed with `'`, quoted when it holds a quote, separator or line break. */
export function csvCell(value: unknown, sep: Separator = ','): string {
	let s = value === null || value === undefined ? '' : String(value);
	if (FORMULA.test(s)) s = `'${s}`;
	return s.includes('"') || s.includes(sep) || /[\r\n]/.test(s) || /^\s|\s$/.test(s)
		? `"${s.replace(/"/g, '""')}"`
		: s;
}

/** One line of cells, ended by CRLF (RFC 4180). */
export function csvLine(cells: readonly unknown[], sep: Separator = ','): string {
	return cells.map((c) => csvCell(c, sep)).join(sep) + '\r\n';
}

/** A whole CSV text: BOM, the header, then each row's fields in the header's order. */
export function toCsv(
	header: readonly string[],
	rows: Iterable<Record<string, unknown>>,
	sep: Separator = ','
): string {
	let out = BOM + csvLine(header, sep);
	for (const row of rows)
		out += csvLine(
			header.map((h) => row[h]),
			sep
		);
	return out;
}

/** The union of the rows' fields, in the order they first appear, after the `first` fields. */
export function headerOf(
	rows: Iterable<Record<string, unknown>>,
	first: readonly string[] = []
): string[] {
	const keys = new Set(first);
	for (const row of rows) for (const k of Object.keys(row)) keys.add(k);
	return [...keys];
}

/**
 * A CSV file written row by row, for more rows than fit in memory: rows wait in a side file
 * (one JSON object a line) while the header grows to the union of their fields; `finish()`
 * writes the CSV (BOM, header, rows) and removes the side file.
 */
export class CsvFile {
	private readonly part: string;
	private readonly keys: Set<string>;
	private out: WriteStream | undefined;
	count = 0;

	constructor(
		readonly path: string,
		first: readonly string[] = [],
		private readonly sep: Separator = ','
	) {
		this.part = `${path}.part`;
		this.keys = new Set(first);
	}

	add(row: Record<string, unknown>) {
		for (const k of Object.keys(row)) this.keys.add(k);
		this.out ??= createWriteStream(this.part);
		this.out.write(JSON.stringify(row) + '\n');
		this.count++;
	}

	private done: Promise<boolean> | undefined;

	/** Writes the CSV if any row was added; answers whether it did (once; later calls wait for it). */
	finish(): Promise<boolean> {
		return (this.done ??= this.write());
	}

	private async write(): Promise<boolean> {
		if (!this.out) return false;
		this.out.end();
		await finished(this.out);
		const header = [...this.keys];
		const tmp = `${this.path}.tmp`;
		const csv = createWriteStream(tmp);
		csv.write(BOM + csvLine(header, this.sep));
		for await (const line of createInterface({ input: createReadStream(this.part) })) {
			if (!line) continue;
			const row = JSON.parse(line) as Record<string, unknown>;
			if (
				!csv.write(
					csvLine(
						header.map((h) => row[h]),
						this.sep
					)
				)
			)
				await new Promise<void>((go) => csv.once('drain', () => go()));
		}
		csv.end();
		await finished(csv);
		await rename(tmp, this.path);
		await rm(this.part, { force: true });
		return true;
	}
}
