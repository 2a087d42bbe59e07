import { z } from 'zod';
import * as caseData from '$lib/server/case-data';
import { formOk, parseForm, refusal, requireAdmin } from '$lib/server/forms';
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
	tokens: await caseData.listTokens(requireAdmin(locals).claims),
	origin: url.origin
});

export const actions: Actions = {
	create: async ({ request, locals }) => {
		const { claims } = requireAdmin(locals);
		const parsed = await parseForm(request, nameSchema);
		if (!parsed.ok) return parsed.failure;
		const token = await caseData.createToken(claims, parsed.data.name);
		return formOk({ token, name: parsed.data.name });
	},
	revoke: async ({ request, locals }) => {
		const { claims } = requireAdmin(locals);
		const parsed = await parseForm(request, idSchema);
		if (!parsed.ok) return parsed.failure;
		if (!(await caseData.revokeToken(claims, parsed.data.id)))
			return refusal(parsed.form, 'not_found');
		return formOk({ revoked: true });
	}
};
