import { readCsv } from './csv';
import { detectDayFirst } from './dates';
import { openInput } from './input';
import type { Queryable } from '../db';
import {
	Stager,
	discard,
	importing,
	merge,
	recordLine,
	refreshFacts,
	settleExisting,
	stageCsv
} from './load';
import { Spill } from './spill';
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
export { removeLeftoverSpills } from './spill';
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
	const [org] = await run((tx) =>
		tx.query<{ timezone: string }>('select timezone from organisation where id = $1', [
			options.orgId
		])
	);
	if (!org) throw new InputError('org_unknown', `no organisation ${options.orgId}`);
	const ctx = {
		shape,
		mapping,
		timezone: options.timezone ?? org.timezone,
		dayFirst: options.dayFirst ?? true,
		pseudonym: pseudonymiser(options.pseudonymSecret, options.orgId),
		valueMap: options.valueMap
	};
	// Read and check the whole file first, writing nothing to the database: rows go to a
	// spill on disk, by case. Only a file that is accepted is then loaded, in steps.
	const spill = await Spill.create();
	try {
		for await (const row of source.rows) {
			summary.rowsRead++;
			const result = toRecord(row, ctx);
			if (result.ok) {
				if (options.skipInvalid || summary.errorCount === 0)
					spill.add(result.record.externalId, recordLine(shape, result.record));
			} else {
				summary.rowsSkipped++;
				summary.errorCount += result.problems.length;
				addErrors(summary.errors, result.problems);
				options.onRejected?.(row, result.problems, source.headers);
			}
			if (summary.rowsRead % 10_000 === 0)
				options.onProgress?.({ rows: summary.rowsRead, bytes: bytes / 2 });
		}
		options.onProgress?.({ rows: summary.rowsRead, bytes: bytes / 2 });
		if (summary.rowsRead === 0) throw new InputError('input_no_rows', 'the file has no data rows');
		if (summary.errorCount && !options.skipInvalid) return { ...summary, rejected: true };
		const added = await loadInSteps(run, spill, {
			...options,
			format: source.format,
			shape,
			source: sourceName,
			counts: summary,
			onStep: (done) =>
				options.onProgress?.({
					rows: summary.rowsRead,
					bytes: bytes / 2 + (bytes / 2) * (done / Math.max(1, spill.rows))
				})
		});
		return { ...summary, ...added };
	} finally {
		await spill.remove();
	}
}

/** Rows merged per step of an import in steps: each step is one short transaction. */
export const STEP_ROWS = 10_000;

/**
 * Loads spilled rows as a batch in steps (issue 10 §3): the batch is opened as `loading`
 * (row level security hides its reports and events from every reader), each step merges a few
 * buckets of whole cases in its own short transaction — so other requests are served between
 * the steps, also on the embedded database's single connection — and the last step makes the
 * batch visible at once. An import that fails on the way removes what it loaded; one that is
 * killed leaves a loading batch, which nobody sees and which start-up removes
 * (discardUnfinished).
 */
async function loadInSteps(
	run: Run,
	spill: Spill,
	o: BatchOptions & {
		source: string;
		counts: { rowsRead: number; rowsSkipped: number; errors: RowProblem[] };
		onStep: (rowsDone: number) => void;
	}
) {
	const [batch] = await run((tx) =>
		tx.query<{ id: string }>(
			`insert into import_batch (org_id, created_by, via, file_name, format, shape, state)
			 values ($1, $2, $3, $4, $5, $6, 'loading') returning id`,
			[o.orgId, o.createdBy ?? null, o.via, o.fileName ?? null, o.format, o.shape]
		)
	);
	// Every step names its batch (to see it while it is hidden) and imports under the contract
	// with the fact triggers (load.ts, importing): the step refreshes its cases' facts itself.
	const step = <T>(fn: (tx: Queryable) => Promise<T>) =>
		run(async (tx) => {
			await tx.query(
				`select set_config('koers.batch', $1, true), set_config('koers.importing', 'on', true)`,
				[batch.id]
			);
			return fn(tx);
		});
	let cases = 0;
	let events = 0;
	let done = 0;
	// cases of earlier imports that this one gives events: settled in the last step
	const existing = new Set<string>();
	try {
		for await (const part of spill.steps(STEP_ROWS)) {
			const added = await step(async (tx) => {
				await stageCsv(tx, o.shape, part.csv);
				const added = await merge(tx, o.shape, o.orgId, o.source, batch.id);
				await refreshFacts(tx, o.orgId);
				await tx.query('update import_batch set touched_at = now() where id = $1', [batch.id]);
				return added;
			});
			cases += added.cases;
			events += added.events;
			for (const id of added.existing) existing.add(id);
			done += part.rows;
			o.onStep(done);
			// PGlite answers inside the microtask queue and the spill reads synchronously: without
			// a macrotask turn here the steps follow each other back to back and a page request
			// (timers, sockets) waits for the whole import.
			await new Promise((r) => setImmediate(r));
		}
		return await step(async (tx) => {
			if (cases + events === 0) {
				// Nothing new (the same data again): leave no trace.
				await tx.query('delete from import_batch where id = $1', [batch.id]);
				return { batchId: null, casesAdded: 0, eventsAdded: 0 };
			}
			if (existing.size) {
				await settleExisting(tx, batch.id, [...existing]);
				await refreshFacts(tx, o.orgId);
			}
			await tx.query(
				`update import_batch set state = 'done', rows_read = $2, rows_skipped = $3,
				        cases_added = $4, events_added = $5, errors = $6::jsonb, touched_at = now()
				  where id = $1`,
				[
					batch.id,
					o.counts.rowsRead,
					o.counts.rowsSkipped,
					cases,
					events,
					JSON.stringify(o.counts.errors)
				]
			);
			return { batchId: batch.id, casesAdded: cases, eventsAdded: events };
		});
	} catch (e) {
		await step(async (tx) => {
			await discard(tx, batch.id);
			await tx.query('delete from import_batch where id = $1', [batch.id]);
			await refreshFacts(tx, o.orgId, true);
		}).catch(() => {});
		throw e;
	}
}

/**
 * Removes the batches that imports in steps left loading (killed, or failed without cleaning
 * up) and that nobody touched for `idle` (a PostgreSQL interval), with their reports and
 * events; returns how many. Run at start-up on the service path: on the embedded database
 * every loading batch is dead then ('0 seconds').
 */
export async function discardUnfinished(run: Run, idle: string): Promise<number> {
	const [row] = await run((tx) =>
		tx.query<{ n: number }>('select private.discard_batches($1::interval) as n', [idle])
	);
	return row.n;
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
			await importing(tx);
			const added = await merge(tx, o.shape, o.orgId, source, row.id);
			await settleExisting(tx, row.id, added.existing);
			await refreshFacts(tx, o.orgId);
			await importing(tx, false);
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
