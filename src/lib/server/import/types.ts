import { IMPORT_FIELDS } from '../../schemas/case-data';
import type { Queryable } from '../db';

/** One row of a source file: its line number (1-based, for error messages) and its cells. */
export interface RawRow {
	line: number;
	values: Record<string, string>;
}

/**
 * A parsed source. `headers` are the column names (for XES: the attribute keys, with trace
 * attributes prefixed `case:` as process-mining tools export them to CSV). `rows` is read once,
 * as a stream: memory stays flat whatever the file size.
 */
export interface RowSource {
	format: 'csv' | 'xes';
	headers: string[];
	rows: AsyncIterable<RawRow>;
}

/** A problem with the input as a whole (empty, binary, broken XML, truncated gzip …). */
export class InputError extends Error {
	constructor(
		/** A message key (see $lib/i18n/errors.ts) … */
		public key: string,
		/** … and the technical detail, in English, for logs and the CLI. */
		detail: string
	) {
		super(detail);
	}
}

export const FIELDS = IMPORT_FIELDS;
export type Field = (typeof FIELDS)[number];
/** Which source column feeds each Koers field. */
export type Mapping = Partial<Record<Field, string>>;

/**
 * The organisation's words for values of a source: per field, the source value (trimmed, lower
 * case) → the value Koers stores ("constituent call" → "telefoon"). Values not in it stay as
 * they are.
 */
export interface ValueMap {
	channel?: ReadonlyMap<string, string>;
	department?: ReadonlyMap<string, string>;
}

export interface ImportOptions {
	orgId: string;
	/** Stored on each report with its external id; default: the file name. */
	source?: string;
	fileName?: string;
	/** 'event': one row per event; 'case': one row per report. XES is always 'event'. */
	shape?: 'case' | 'event';
	/** Default: the suggested mapping from the headers. */
	mapping?: Mapping;
	/** The mapping names some fields only; the others come from the suggested mapping. */
	partialMapping?: boolean;
	/** IANA zone for naive times; default: the organisation's. */
	timezone?: string;
	/** For ambiguous dd/mm vs mm/dd dates without AM/PM; default true (Dutch). */
	dayFirst?: boolean;
	/** Import the valid rows and report the rest; default: any invalid row imports nothing. */
	skipInvalid?: boolean;
	via: 'upload' | 'cli' | 'api' | 'demo';
	createdBy?: string;
	onProgress?: (p: { rows: number; bytes: number }) => void;
	/**
	 * Called with each row that is not imported, why, and the source's headers (for a file of
	 * rejected rows: see rejectedRow).
	 */
	onRejected?: (row: RawRow, problems: RowProblem[], headers: readonly string[]) => void;
	/** The secret behind the pseudonyms of customers and locations (see pseudonym.ts). */
	pseudonymSecret: string;
	/** Channel and department values in the organisation's words, applied to every row. */
	valueMap?: ValueMap;
}

export interface ImportSummary {
	batchId: string | null;
	format: 'csv' | 'xes';
	shape: 'case' | 'event';
	mapping: Mapping;
	rowsRead: number;
	rowsSkipped: number;
	casesAdded: number;
	eventsAdded: number;
	/** The first 100 problems: line number and a message key with detail. */
	errors: RowProblem[];
	errorCount: number;
	/** True when nothing was written (invalid rows without skipInvalid). */
	rejected: boolean;
}

/** Runs fn in one transaction as the right role: (fn) => db.asService(fn) or db.asUser(claims, fn). */
export type Run = <T>(fn: (tx: Queryable) => Promise<T>) => Promise<T>;

/** Why a row (line) cannot be imported: a message key, the field, and the offending text. */
export interface RowProblem {
	line: number;
	field?: string;
	key: string;
	detail?: string;
}
