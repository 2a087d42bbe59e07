import { z } from 'zod';
import { formError, formOk, parseForm } from '$lib/server/forms';
import * as tokens from '$lib/server/tokens';
import type { Actions, PageServerLoad } from './$types';

const nameSchema = z.object({
	name: z
		.string({ error: 'required' })
		.trim()
		.min(1, { error: 'required' })
		.max(100, { error: 'too_long' })
});
const idSchema = z.object({ id: z.uuid({ error: 'not_found' }) });

export const load: PageServerLoad = async ({ locals, url }) => ({
	tokens: await tokens.list(locals.claims!),
	origin: url.origin
});

export const actions: Actions = {
	create: async ({ request, locals }) => {
		const parsed = await parseForm(request, nameSchema);
		if (!parsed.ok) return parsed.failure;
		const token = await tokens.create(locals.claims!, parsed.data.name);
		return formOk({ token, name: parsed.data.name });
	},
	revoke: async ({ request, locals }) => {
		const parsed = await parseForm(request, idSchema);
		if (!parsed.ok) return parsed.failure;
		if (!(await tokens.revoke(locals.claims!, parsed.data.id)))
			return formError(parsed.form, 'not_found');
		return formOk({ revoked: true });
	}
};
