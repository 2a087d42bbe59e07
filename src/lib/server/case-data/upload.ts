import { readFile } from 'node:fs/promises';
import type { ImportRequest } from '../../schemas/case-data';
import { CsvFile } from '../csv-writer';
import { db, type Claims } from '../db';
import {
	importStream,
	InputError,
	preview as readPreview,
	rejectedRow,
	type ImportSummary
} from '../import';
import * as organisations from '../organisations';
import { refused, type Result } from '../result';
import { runtime } from '../runtime';
import * as batches from './batches';
import * as presets from './presets';
import { uploads } from './uploads';
import * as valueMaps from './value-maps';

/**
 * The admin's file import, in two steps: keep the file and show its start with a suggested
 * mapping (preview), then import it as the signed-in admin (runUpload; row level security
 * applies). The file waits in the data folder in between.
 */

export const MAX_UPLOAD = 200 * 1024 * 1024;

/** What the import page shows before a file is chosen. */
export async function importPage(claims: Claims) {
	const [batchList, presetList, timezone] = await Promise.all([
		batches.list(claims),
		presets.list(claims),
		organisations.timezone(claims)
	]);
	return { batches: batchList, presets: presetList, timezone };
}

/**
 * A file's start as the import page shows it: format, headers, suggested mapping, rows; and the
 * values of its columns that hold few (at most VALUES_MAX in the first VALUES_ROWS rows), with
 * what each becomes as a channel or a department in the organisation's words.
 */
export type Preview = Awaited<ReturnType<typeof readPreview>> & {
	upload: string;
	fileName: string;
	/** Per column with few values: its values, most frequent first. */
	distinct: Record<string, string[]>;
	values: valueMaps.ValueChoices;
};

const SAMPLE_ROWS = 10;
const VALUES_ROWS = 5000;
const VALUES_MAX = 40;

/** Per column, its distinct non-empty values (most frequent first) when there are few. */
function fewValues(headers: string[], rows: Record<string, string>[]): Record<string, string[]> {
	const out: Record<string, string[]> = {};
	for (const h of headers) {
		const counts = new Map<string, number>();
		for (const r of rows) {
			const v = (r[h] ?? '').trim();
			if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
			if (counts.size > VALUES_MAX) break;
		}
		if (counts.size > 0 && counts.size <= VALUES_MAX)
			out[h] = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([v]) => v);
	}
	return out;
}

/** Step 1: keeps the file and reads its first rows and the suggested mapping. */
export async function preview(
	claims: Claims,
	orgId: string,
	file: unknown
): Promise<Result<{ preview: Preview }>> {
	if (!(file instanceof File) || file.size === 0) return refused('input_empty');
	if (file.size > MAX_UPLOAD) return refused('upload_too_large');
	const store = uploads(runtime().config.dataDir, orgId);
	const id = await store.save(file);
	try {
		const p = await readPreview(store.open(id), VALUES_ROWS);
		const distinct = fewValues(p.headers, p.sample);
		const values = await valueMaps.choices(claims, [...new Set(Object.values(distinct).flat())]);
		return {
			ok: true,
			preview: {
				...p,
				sample: p.sample.slice(0, SAMPLE_ROWS),
				upload: id,
				fileName: file.name,
				distinct,
				values
			}
		};
	} catch (e) {
		await store.remove(id);
		if (e instanceof InputError) return refused(e.key);
		throw e;
	}
}

/** What the import page shows after an import: the summary, and where its skipped rows are. */
export type ImportOutcome = ImportSummary & { rejectedFile: boolean; upload: string };

/** Step 2: runs an uploaded file's import as the signed-in admin (row level security applies). */
export async function runUpload(
	claims: Claims,
	person: { id: string; orgId: string },
	req: ImportRequest,
	onProgress?: (p: { rows: number; bytes: number; total: number }) => void
): Promise<Result<{ outcome: ImportOutcome }>> {
	const { config, pseudonymSecret } = runtime();
	const store = uploads(config.dataDir, person.orgId);
	if (!(await store.exists(req.upload))) return refused('upload_missing');
	const total = await store.size(req.upload);
	const rejectedPath = store.rejectedPath(req.upload);
	const rejected = new CsvFile(rejectedPath, ['line', 'problems']);
	try {
		if (req.values) await valueMaps.save(claims, req.values);
		const valueMap = await valueMaps.load(claims);
		const summary = await importStream((fn) => db().asUser(claims, fn), store.open(req.upload), {
			orgId: person.orgId,
			fileName: req.fileName,
			shape: req.shape,
			mapping: req.mapping,
			timezone: req.timezone,
			dayFirst: req.dayFirst,
			skipInvalid: req.skipInvalid,
			via: 'upload',
			createdBy: person.id,
			pseudonymSecret,
			valueMap,
			onProgress: (p) => onProgress?.({ ...p, total }),
			onRejected: req.skipInvalid
				? (row, problems, headers) => rejected.add(rejectedRow(row, problems, headers))
				: undefined
		});
		if (req.preset && !summary.rejected)
			await presets.save(claims, {
				name: req.preset,
				shape: req.shape,
				mapping: req.mapping,
				timezone: req.timezone
			});
		const rejectedFile = await rejected.finish();
		if (!summary.rejected) await store.remove(req.upload);
		return { ok: true, outcome: { ...summary, rejectedFile, upload: req.upload } };
	} catch (e) {
		if (e instanceof InputError) return refused(e.key);
		throw e;
	} finally {
		await rejected.finish().catch(() => false);
	}
}

/** The rows an upload's import skipped, as CSV (with line numbers and reasons), or null. */
export function rejectedRows(orgId: string, upload: string) {
	const file = uploads(runtime().config.dataDir, orgId).rejectedPath(upload);
	return readFile(file).catch(() => null);
}
