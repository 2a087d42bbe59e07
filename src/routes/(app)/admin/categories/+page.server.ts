import { z } from 'zod';
import * as caseData from '$lib/server/case-data';
import { formOk, parseForm, refusal, requireAdmin } from '$lib/server/forms';
import { categorySchema } from '$lib/schemas/case-data';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({
	categories: await caseData.listCategories(requireAdmin(locals).claims)
});

export const actions: Actions = {
	update: async ({ request, locals }) => {
		const { claims } = requireAdmin(locals);
		const parsed = await parseForm(
			request,
			categorySchema.extend({ id: z.uuid({ error: 'not_found' }) })
		);
		if (!parsed.ok) return parsed.failure;
		const { id, ...input } = parsed.data;
		const result = await caseData.updateCategory(claims, id, input);
		if (!result.ok)
			return refusal(parsed.form, result.error, {
				field: result.error === 'name_taken' ? 'name' : undefined
			});
		return formOk({ saved: id });
	}
};
