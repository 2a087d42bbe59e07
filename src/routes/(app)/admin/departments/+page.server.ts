import { z } from 'zod';
import * as departments from '$lib/server/departments';
import { formOk, parseForm, refusal, requireAdmin } from '$lib/server/forms';
import { departmentSchema } from '$lib/schemas/departments';
import type { Actions, PageServerLoad } from './$types';

const idSchema = z.object({ id: z.uuid({ error: 'not_found' }) });

export const load: PageServerLoad = async ({ locals }) => ({
	departments: await departments.list(requireAdmin(locals).claims)
});

export const actions: Actions = {
	create: async ({ request, locals }) => {
		const { claims } = requireAdmin(locals);
		const parsed = await parseForm(request, departmentSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await departments.create(claims, parsed.data);
		if (!result.ok)
			return refusal(parsed.form, result.error, {
				field: result.error === 'name_taken' ? 'name' : undefined
			});
		return formOk({ created: parsed.data.name });
	},
	update: async ({ request, locals }) => {
		const { claims } = requireAdmin(locals);
		const parsed = await parseForm(request, departmentSchema.extend(idSchema.shape));
		if (!parsed.ok) return parsed.failure;
		const { id, ...input } = parsed.data;
		const result = await departments.update(claims, id, input);
		if (!result.ok)
			return refusal(parsed.form, result.error, {
				field: result.error === 'name_taken' ? 'name' : undefined
			});
		return formOk({ saved: id });
	},
	remove: async ({ request, locals }) => {
		const { claims } = requireAdmin(locals);
		const parsed = await parseForm(request, idSchema);
		if (!parsed.ok) return parsed.failure;
		if (!(await departments.remove(claims, parsed.data.id)))
			return refusal(parsed.form, 'not_found');
		return formOk();
	}
};
