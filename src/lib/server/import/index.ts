import { readCsv } from './csv';
import { detectDayFirst } from './dates';
import { openInput } from './input';
import type { Queryable } from '../db';
import { Stager, merge } from './load';
import { checkMapping, completeMapping, suggestMapping } from './mapping';
import { pseudonymiser } from './pseudonym';
import { toRecord, type CaseRecord, type EventRecord } from './records';
import {
	InputError,
	type ImportOptions,
	type ImportSummary,
	type RawRow,
	type RowProblem,
	type RowSource,
	type Run
} from './types';
import { readXes } from './xes';

export * from './types';
export { parseMapArg } from './mapping';
export { pseudonymiser } from './pseudonym';
export type { CaseRecord, EventRecord } from './records';

const MAX_ERRORS = 100;

/** Reads the start of a file: its format, headers, the suggested shape and mapping, and rows. */
export async function preview(input: AsyncIterable<Uint8Array>, rows = 10) {
	const source = await parse(input);
	const suggested = suggestMapping(source.headers, source.format === 'xes' ? 'event' : undefined);
	const sample: Record<string, string>[] = [];
	for await (const row of source.rows) {
		sample.push(row.values);
		if (sample.length >= rows) break;
	}
	// The order of 01/02/2015 is decided for the column, from the values that tell.
	const dates = [
		suggested.mapping.timestamp,
		suggested.mapping.received,
		suggested.mapping.resolved
	];
	const dayFirst = detectDayFirst(
		sample.flatMap((v) => dates.map((c) => (c ? v[c] : undefined)).filter((x) => x !== undefined))
	);
	return { format: source.format, headers: source.headers, ...suggested, sample, dayFirst };
}

async function parse(input: AsyncIterable<Uint8Array>): Promise<RowSource> {
	const { kind, text } = await openInput(input);
	return kind === 'xes' ? readXes(text) : readCsv(text);
}

class Rejected extends Error {
	constructor(public summary: ImportSummary) {
		super('rejected');
	}
}

/**
 * Imports a CSV or XES file (plain or gzipped) as one transaction: all of it, or — with
 * invalid rows and no `skipInvalid` — nothing. `run` decides the role (a signed-in admin, or
 * the service path for the CLI and API tokens).
 */
/**
 * A rejected row as the rejected-rows file shows it, from the web page and the CLI alike: its
 * cells under every one of the source's headers (empty where a short row has none; a long row's
 * extra cells as `column N`), its line and its problems (`field:key`, separated by `; `).
 * Write it with a CsvFile whose first columns are `line` and `problems`.
 */
export function rejectedRow(
	row: RawRow,
	problems: readonly RowProblem[],
	headers: readonly string[]
): Record<string, string | number> {
	return {
		...Object.fromEntries(headers.map((h) => [h, ''])),
		...row.values,
		line: row.line,
		problems: problems.map((p) => (p.field ? `${p.field}:${p.key}` : p.key)).join('; ')
	};
}

export async function importStream(
	run: Run,
	input: AsyncIterable<Uint8Array>,
	options: ImportOptions
): Promise<ImportSummary> {
	let bytes = 0;
	const counted = (async function* () {
		for await (const chunk of input) {
			bytes += chunk.length;
			yield chunk;
		}
	})();
	const source = await parse(counted);
	const shape =
		source.format === 'xes' ? 'event' : (options.shape ?? suggestMapping(source.headers).shape);
	const suggested = () => suggestMapping(source.headers, shape).mapping;
	const mapping = !options.mapping
		? suggested()
		: options.partialMapping
			? completeMapping(options.mapping, suggested())
			: options.mapping;
	const mappingProblems = checkMapping(mapping, source.headers, shape);
	if (mappingProblems.length)
		throw new InputError(
			'mapping_invalid',
			mappingProblems.map((p) => `${p.field}: ${p.key}`).join('; ')
		);

	const summary: ImportSummary = {
		batchId: null,
		format: source.format,
		shape,
		mapping,
		rowsRead: 0,
		rowsSkipped: 0,
		casesAdded: 0,
		eventsAdded: 0,
		errors: [],
		errorCount: 0,
		rejected: false
	};
	const sourceName = options.source ?? options.fileName ?? 'import';
	try {
		return await run(async (tx) => {
			const [org] = await tx.query<{ timezone: string }>(
				'select timezone from organisation where id = $1',
				[options.orgId]
			);
			if (!org) throw new InputError('org_unknown', `no organisation ${options.orgId}`);
			const batch = await openBatch(tx, { ...options, format: source.format, shape });
			const ctx = {
				shape,
				mapping,
				timezone: options.timezone ?? org.timezone,
				dayFirst: options.dayFirst ?? true,
				pseudonym: pseudonymiser(options.pseudonymSecret, options.orgId),
				valueMap: options.valueMap
			};
			const stager = batch.stager;
			for await (const row of source.rows) {
				summary.rowsRead++;
				const result = toRecord(row, ctx);
				if (result.ok) {
					if (options.skipInvalid || summary.errorCount === 0) await stager.add(result.record);
				} else {
					summary.rowsSkipped++;
					summary.errorCount += result.problems.length;
					addErrors(summary.errors, result.problems);
					options.onRejected?.(row, result.problems, source.headers);
				}
				if (summary.rowsRead % 10_000 === 0)
					options.onProgress?.({ rows: summary.rowsRead, bytes });
			}
			options.onProgress?.({ rows: summary.rowsRead, bytes });
			if (summary.rowsRead === 0)
				throw new InputError('input_no_rows', 'the file has no data rows');
			if (summary.errorCount && !options.skipInvalid)
				throw new Rejected({ ...summary, rejected: true });
			const added = await batch.close(sourceName, summary);
			return { ...summary, ...added };
		});
	} catch (e) {
		if (e instanceof Rejected) return e.summary;
		throw e;
	}
}

/**
 * Records already validated (the JSON API): staged, merged and logged as one batch in the
 * caller's transaction.
 */
export async function importRecords(
	tx: Queryable,
	options: BatchOptions & { source: string },
	records: Iterable<CaseRecord | EventRecord>
) {
	const batch = await openBatch(tx, options);
	let rowsRead = 0;
	for (const r of records) {
		rowsRead++;
		await batch.stager.add(r);
	}
	return batch.close(options.source, { rowsRead, rowsSkipped: 0, errors: [] });
}

interface BatchOptions {
	orgId: string;
	via: ImportOptions['via'];
	createdBy?: string;
	fileName?: string;
	format: 'csv' | 'xes' | 'json';
	shape: 'case' | 'event';
}

/** An import batch: its log row, its staging tables, and closing it (merge, counts). */
async function openBatch(tx: Queryable, o: BatchOptions) {
	const [row] = await tx.query<{ id: string }>(
		`insert into import_batch (org_id, created_by, via, file_name, format, shape)
		 values ($1, $2, $3, $4, $5, $6) returning id`,
		[o.orgId, o.createdBy ?? null, o.via, o.fileName ?? null, o.format, o.shape]
	);
	const stager = await Stager.create(tx, o.shape);
	return {
		stager,
		async close(
			source: string,
			counts: { rowsRead: number; rowsSkipped: number; errors: RowProblem[] }
		) {
			await stager.flush();
			const added = await merge(tx, o.shape, o.orgId, source, row.id);
			if (added.cases + added.events === 0) {
				// Nothing new (the same data again): leave no trace.
				await tx.query('delete from import_batch where id = $1', [row.id]);
				return { batchId: null, casesAdded: 0, eventsAdded: 0 };
			}
			await tx.query(
				`update import_batch set rows_read = $2, rows_skipped = $3, cases_added = $4,
				        events_added = $5, errors = $6::jsonb where id = $1`,
				[
					row.id,
					counts.rowsRead,
					counts.rowsSkipped,
					added.cases,
					added.events,
					JSON.stringify(counts.errors)
				]
			);
			return { batchId: row.id, casesAdded: added.cases, eventsAdded: added.events };
		}
	};
}

function addErrors(errors: RowProblem[], problems: RowProblem[]) {
	for (const p of problems) if (errors.length < MAX_ERRORS) errors.push(p);
}
