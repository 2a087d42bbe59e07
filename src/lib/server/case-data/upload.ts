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

/** A file's start as the import page shows it: format, headers, suggested mapping, rows. */
export type Preview = Awaited<ReturnType<typeof readPreview>> & {
	upload: string;
	fileName: string;
};

/** Step 1: keeps the file and reads its first rows and the suggested mapping. */
export async function preview(orgId: string, file: unknown): Promise<Result<{ preview: Preview }>> {
	if (!(file instanceof File) || file.size === 0) return refused('input_empty');
	if (file.size > MAX_UPLOAD) return refused('upload_too_large');
	const store = uploads(runtime().config.dataDir, orgId);
	const id = await store.save(file);
	try {
		const p = await readPreview(store.open(id));
		return { ok: true, preview: { ...p, upload: id, fileName: file.name } };
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
