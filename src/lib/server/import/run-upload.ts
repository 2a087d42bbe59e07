import { createWriteStream } from 'node:fs';
import type { ImportRequest } from '../../schemas/case-data';
import { savePreset } from '../case-data';
import { db, type Claims } from '../db';
import { runtime } from '../runtime';
import { importStream } from './index';
import { InputError, type ImportSummary } from './types';
import { uploads } from './uploads';

export type UploadResult =
	| { ok: true; summary: ImportSummary; rejectedFile: boolean }
	| { ok: false; error: string; detail?: string };

/** Runs an uploaded file's import as the signed-in admin (row level security applies). */
export async function runUpload(
	claims: Claims,
	person: { id: string; orgId: string },
	req: ImportRequest,
	onProgress?: (p: { rows: number; bytes: number; total: number }) => void
): Promise<UploadResult> {
	const { config, pseudonymSecret } = runtime();
	const store = uploads(config.dataDir, person.orgId);
	if (!(await store.exists(req.upload))) return { ok: false, error: 'upload_missing' };
	const total = await store.size(req.upload);
	const rejectedPath = store.rejectedPath(req.upload);
	let rejected: ReturnType<typeof createWriteStream> | undefined;
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
				? (row, problems) => {
						if (!rejected) {
							rejected = createWriteStream(rejectedPath);
							rejected.write(`line,problems,${Object.keys(row.values).map(csvCell).join(',')}\n`);
						}
						const why = problems.map((p) => `${p.field ?? ''} ${p.key}`.trim()).join('; ');
						rejected.write(
							`${row.line},${csvCell(why)},${Object.values(row.values).map(csvCell).join(',')}\n`
						);
					}
				: undefined
		});
		if (req.preset && !summary.rejected)
			await savePreset(claims, {
				name: req.preset,
				shape: req.shape,
				mapping: req.mapping,
				timezone: req.timezone
			});
		if (!summary.rejected) await store.remove(req.upload);
		return { ok: true, summary, rejectedFile: !!rejected };
	} catch (e) {
		if (e instanceof InputError) return { ok: false, error: e.key, detail: e.message };
		throw e;
	} finally {
		rejected?.end();
	}
}

function csvCell(v: string) {
	return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
