/**
 * A streaming CSV reader (RFC 4180 and what spreadsheets and pandas actually write).
 *
 * - Separator `,`, `;` or tab: given, or named by Excel's `sep=;` first line (which is then
 *   skipped), or detected from the first records — the one that gives the header more than one
 *   column and the most records with the header's column count (ties: more columns, then `,`
 *   before `;` before tab).
 * - Quoted fields may hold separators, doubled quotes (`""`) and line breaks. A quote inside an
 *   unquoted field is an ordinary character; text after a closing quote is kept (`"a"b` → `ab`),
 *   as Python's csv module does. A quoted field still open at the end of the file is an
 *   InputError('input_csv'), as is a record longer than `maxRecordLength` (default 16 Mi
 *   characters: in practice an unclosed quote; this keeps memory flat).
 * - Line breaks LF or CRLF (and old-Mac CR when the sample has no LF at all).
 * - Header names are trimmed. An empty first header cell (pandas' unnamed index column) is named
 *   `#`; other empty header cells `column N` (N = 1-based position); a repeated name gets
 *   ` (2)`, ` (3)` … so every header is unique (and `__proto__` is renamed, as a plain object
 *   cannot hold it).
 * - Blank lines — empty, or with only separators and whitespace — are skipped.
 * - A row with fewer cells than the header has only those keys in `values`; extra cells are
 *   kept as `column N`. Cell values are not trimmed.
 * - `line` is the 1-based physical line where the record starts, counting line breaks inside
 *   quoted fields and skipped blank lines.
 */
import { InputError, type RawRow, type RowSource } from './types';

export type CsvSeparator = ',' | ';' | '\t';

export interface CsvOptions {
	/** Skip detection and use this separator. */
	separator?: CsvSeparator;
	/** The longest record accepted, in characters (default 16 Mi). */
	maxRecordLength?: number;
}

const SEPARATORS: CsvSeparator[] = [',', ';', '\t'];
/** Text read before the header is parsed: enough for this many line breaks … */
const SAMPLE_LINES = 50;
/** … or this many characters. */
const SAMPLE_CHARS = 64 * 1024;
/** Records compared when detecting the separator. */
const DETECT_RECORDS = 20;

/**
 * Reads CSV text. Resolves after the header (and a sample for separator detection) has been
 * read; `rows` then streams the rest. An input without a header is InputError('input_empty').
 */
export async function readCsv(
	text: AsyncIterable<string>,
	options: CsvOptions = {}
): Promise<RowSource> {
	const chunks = text[Symbol.asyncIterator]();
	try {
		let sample = '';
		let eof = false;
		let lines = 0;
		while (lines < SAMPLE_LINES && sample.length < SAMPLE_CHARS) {
			const next = await chunks.next();
			if (next.done) {
				eof = true;
				break;
			}
			sample += next.value;
			lines += countOf(next.value, '\n');
		}
		if (sample.charCodeAt(0) === 0xfeff) sample = sample.slice(1);
		const newline = sample.indexOf('\n') === -1 && sample.indexOf('\r') !== -1 ? '\r' : '\n';
		// Excel's `sep=;` first line names the separator
		const excel = /^sep=([,;\t])[ \t]*(\r\n|\n|\r)/i.exec(sample);
		if (excel) sample = sample.slice(excel[0].length);
		const separator =
			options.separator ??
			(excel?.[1] as CsvSeparator | undefined) ??
			detectSeparator(sample, newline, eof);
		const scanner = new Scanner(separator, newline, options.maxRecordLength ?? 16 * 1024 * 1024);
		scanner.append(sample, excel ? 2 : 1);

		let header = scanner.next(eof);
		while (header === null && !eof) {
			const next = await chunks.next();
			if (next.done) eof = true;
			else scanner.append(next.value);
			header = scanner.next(eof);
		}
		if (header === null) throw new InputError('input_empty', 'the file has no header line');
		const headers = headerNames(header);
		return {
			format: 'csv',
			headers,
			rows: rows(scanner, chunks, headers, eof)
		};
	} catch (error) {
		await chunks.return?.();
		throw error;
	}
}

async function* rows(
	scanner: Scanner,
	chunks: AsyncIterator<string>,
	headers: string[],
	eof: boolean
): AsyncGenerator<RawRow> {
	const n = headers.length;
	try {
		for (;;) {
			let cells: string[] | null;
			while ((cells = scanner.next(eof)) !== null) {
				const values: Record<string, string> = {};
				const count = cells.length;
				if (count <= n) {
					for (let i = 0; i < count; i++) values[headers[i]] = cells[i];
				} else {
					for (let i = 0; i < n; i++) values[headers[i]] = cells[i];
					for (let i = n; i < count; i++) {
						const key = `column ${i + 1}`;
						if (!(key in values)) values[key] = cells[i];
					}
				}
				yield { line: scanner.recordLine, values };
			}
			if (eof) return;
			const next = await chunks.next();
			if (next.done) eof = true;
			else scanner.append(next.value);
		}
	} finally {
		await chunks.return?.();
	}
}

function headerNames(cells: string[]): string[] {
	const names: string[] = [];
	const seen = new Set<string>();
	cells.forEach((cell, i) => {
		let name = cell.trim();
		if (name === '') name = i === 0 ? '#' : `column ${i + 1}`;
		// a plain object cannot hold this key
		else if (name === '__proto__') name = `__proto__ (column ${i + 1})`;
		if (seen.has(name)) {
			let k = 2;
			while (seen.has(`${name} (${k})`)) k++;
			name = `${name} (${k})`;
		}
		seen.add(name);
		names.push(name);
	});
	return names;
}

function detectSeparator(sample: string, newline: string, eof: boolean): CsvSeparator {
	let best: CsvSeparator = ',';
	let bestScore = -1;
	let bestColumns = 0;
	for (const separator of SEPARATORS) {
		const scanner = new Scanner(separator, newline, Infinity);
		scanner.append(sample);
		const counts: number[] = [];
		try {
			let cells: string[] | null;
			while (counts.length < DETECT_RECORDS && (cells = scanner.next(eof)) !== null)
				counts.push(cells.length);
		} catch {
			// an unclosed quote with this separator: judge by what came before
		}
		const columns = counts[0] ?? 0;
		if (columns < 2) continue;
		const rest = counts.slice(1);
		const score = rest.length ? rest.filter((c) => c === columns).length / rest.length : 1;
		if (score > bestScore || (score === bestScore && columns > bestColumns)) {
			best = separator;
			bestScore = score;
			bestColumns = columns;
		}
	}
	return best;
}

function countOf(text: string, char: string): number {
	let count = 0;
	let i = text.indexOf(char);
	while (i !== -1) {
		count++;
		i = text.indexOf(char, i + 1);
	}
	return count;
}

const QUOTE = 34;
const CR = 13;
const INCOMPLETE = null;

/**
 * Splits buffered text into records. `next(final)` returns the next record's cells, or null
 * when the buffer holds no complete record (`final`: no more text will come). Records without
 * a quote take a fast path: find the line break, `split` the line.
 */
class Scanner {
	private buf = '';
	private pos = 0;
	/** Index of the next quote at or after `pos`, -1 for none in `buf`, -2 for not looked yet. */
	private quote = -2;
	/** Likewise for the next separator and line break (used for records with quotes). */
	private sepAt = -2;
	private nlAt = -2;
	/** The physical line at `pos`. */
	private line = 1;
	/** The physical line where the record last returned starts. */
	recordLine = 0;
	private sepCode: number;
	private nlCode: number;

	constructor(
		private sep: string,
		private nl: string,
		private maxRecordLength: number
	) {
		this.sepCode = sep.charCodeAt(0);
		this.nlCode = nl.charCodeAt(0);
	}

	append(text: string, line?: number) {
		if (line !== undefined) this.line = line;
		this.buf = this.pos >= this.buf.length ? text : this.buf.slice(this.pos) + text;
		this.pos = 0;
		this.quote = this.sepAt = this.nlAt = -2;
	}

	next(final: boolean): string[] | null {
		const buf = this.buf;
		const len = buf.length;
		for (;;) {
			const pos = this.pos;
			if (pos >= len) return null;
			let q = this.quote;
			if (q !== -1 && q < pos) q = this.quote = buf.indexOf('"', pos);
			let end = buf.indexOf(this.nl, pos);
			if (end === -1) {
				if (!final) return this.incomplete();
				end = len;
			}
			if (q === -1 || q > end) {
				let stop = end;
				if (stop > pos && this.nlCode === 10 && buf.charCodeAt(stop - 1) === CR) stop--;
				this.pos = end + 1;
				this.recordLine = this.line++;
				if (stop === pos) continue;
				const cells = buf.slice(pos, stop).split(this.sep);
				if (cells[0].trim() === '' && isBlank(cells)) continue;
				return cells;
			}
			const cells = this.quoted(final);
			if (cells === INCOMPLETE) return this.incomplete();
			if (cells[0].trim() === '' && isBlank(cells)) continue;
			return cells;
		}
	}

	private incomplete(): null {
		if (this.buf.length - this.pos > this.maxRecordLength)
			throw new InputError(
				'input_csv',
				`line ${this.line}: a record longer than ${this.maxRecordLength} characters (an unclosed quote?)`
			);
		return null;
	}

	/** A record with a quote somewhere on its first line. */
	private quoted(final: boolean): string[] | null {
		const buf = this.buf;
		const len = buf.length;
		const sep = this.sepCode;
		const nl = this.nlCode;
		const start = this.pos;
		const cells: string[] = [];
		let i = start;
		let nlAt = this.nlAt;
		let sepAt = this.sepAt;
		for (;;) {
			let value = '';
			if (buf.charCodeAt(i) === QUOTE) {
				let from = i + 1;
				for (;;) {
					const k = buf.indexOf('"', from);
					if (k === -1) {
						if (!final) return INCOMPLETE;
						throw new InputError(
							'input_csv',
							`line ${this.line}: a quoted field is not closed before the end of the file`
						);
					}
					if (k + 1 >= len && !final) return INCOMPLETE;
					if (buf.charCodeAt(k + 1) === QUOTE) {
						value += buf.slice(from, k + 1);
						from = k + 2;
						continue;
					}
					value += buf.slice(from, k);
					i = k + 1;
					break;
				}
				if (i >= len && !final) return INCOMPLETE;
			}
			// an unquoted field, or what follows a closing quote: up to a separator or line break
			const c = buf.charCodeAt(i);
			if (i < len && c !== sep && c !== nl) {
				if (nlAt !== -1 && nlAt < i) nlAt = this.nlAt = buf.indexOf(this.nl, i);
				if (sepAt !== -1 && sepAt < i) sepAt = this.sepAt = buf.indexOf(this.sep, i);
				let stop = sepAt;
				if (stop === -1 || (nlAt !== -1 && nlAt < stop)) stop = nlAt;
				if (stop === -1) {
					if (!final) return INCOMPLETE;
					stop = len;
				}
				let tail = stop;
				if (stop === nlAt && nl === 10 && buf.charCodeAt(stop - 1) === CR) tail--;
				value += buf.slice(i, tail);
				i = stop;
			}
			cells.push(value);
			if (i >= len) {
				if (!final) return INCOMPLETE;
				break;
			}
			if (buf.charCodeAt(i) === sep) {
				i++;
				if (i >= len && !final) return INCOMPLETE;
				continue;
			}
			i++; // the line break
			break;
		}
		this.pos = i;
		this.recordLine = this.line;
		let breaks = 0;
		for (let k = buf.indexOf(this.nl, start); k !== -1 && k < i; k = buf.indexOf(this.nl, k + 1))
			breaks++;
		this.line += breaks;
		return cells;
	}
}

function isBlank(cells: string[]): boolean {
	for (let i = 0; i < cells.length; i++) if (cells[i].trim() !== '') return false;
	return true;
}
