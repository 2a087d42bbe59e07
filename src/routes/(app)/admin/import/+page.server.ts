import * as caseData from '$lib/server/case-data';
import { formError, formOk, refusal, requireAdmin } from '$lib/server/forms';
import { importRequestFromForm, importRequestSchema } from '$lib/schemas/case-data';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) =>
	caseData.importPage(requireAdmin(locals).claims);

export const actions: Actions = {
	/** Step 1: keep the file, show its first rows and the suggested mapping. */
	preview: async ({ request, locals }) => {
		const { claims, user } = requireAdmin(locals);
		const form = await request.formData().catch(() => null);
		const result = await caseData.preview(claims, user.orgId, form?.get('file'));
		if (!result.ok) return refusal(undefined, result.error, { field: 'file' });
		return formOk({ preview: result.preview });
	},
	/** Step 2 without JavaScript: import and show the summary (the page streams progress with JS). */
	import: async ({ request, locals }) => {
		const { claims, user } = requireAdmin(locals);
		const form = await request.formData();
		const parsed = importRequestSchema.safeParse(importRequestFromForm(form));
		if (!parsed.success) return formError(undefined, parsed.error.issues[0].message);
		const result = await caseData.runUpload(claims, user, parsed.data);
		if (!result.ok) return refusal(undefined, result.error);
		return formOk({ result: result.outcome });
	}
};
