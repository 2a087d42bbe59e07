import * as caseData from '$lib/server/case-data';
import { formError, formOk } from '$lib/server/forms';
import { preview } from '$lib/server/import';
import { runUpload } from '$lib/server/import/run-upload';
import { InputError } from '$lib/server/import/types';
import { uploads } from '$lib/server/import/uploads';
import { runtime } from '$lib/server/runtime';
import { importRequestFromForm, importRequestSchema } from '$lib/schemas/case-data';
import type { Actions, PageServerLoad } from './$types';

const MAX_UPLOAD = 200 * 1024 * 1024;

export const load: PageServerLoad = async ({ locals }) => {
	const claims = locals.claims!;
	const [batches, presets, timezone] = await Promise.all([
		caseData.listBatches(claims),
		caseData.listPresets(claims),
		caseData.orgTimezone(claims)
	]);
	return { batches, presets, timezone };
};

export const actions: Actions = {
	/** Step 1: keep the file, show its first rows and the suggested mapping. */
	preview: async ({ request, locals }) => {
		const form = await request.formData().catch(() => null);
		const file = form?.get('file');
		if (!(file instanceof File) || file.size === 0)
			return formError(undefined, 'input_empty', 'file');
		if (file.size > MAX_UPLOAD) return formError(undefined, 'upload_too_large', 'file');
		const store = uploads(runtime().config.dataDir, locals.user!.orgId);
		const id = await store.save(file);
		try {
			const p = await preview(store.open(id));
			return formOk({ preview: { ...p, upload: id, fileName: file.name } });
		} catch (e) {
			await store.remove(id);
			if (e instanceof InputError) return formError(undefined, e.key, 'file');
			throw e;
		}
	},
	/** Step 2 without JavaScript: import and show the summary (the page streams progress with JS). */
	import: async ({ request, locals }) => {
		const form = await request.formData();
		const parsed = importRequestSchema.safeParse(importRequestFromForm(form));
		if (!parsed.success) return formError(undefined, parsed.error.issues[0].message);
		const result = await runUpload(locals.claims!, locals.user!, parsed.data);
		if (!result.ok) return formError(undefined, result.error);
		return formOk({
			result: { ...result.summary, rejectedFile: result.rejectedFile, upload: parsed.data.upload }
		});
	}
};
