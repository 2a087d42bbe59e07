import { error } from '@sveltejs/kit';
import * as agreements from '$lib/server/agreements';
import { formOk, parseForm, refusal, signedIn } from '$lib/server/forms';
import { agreementSchema, BREACH_THRESHOLD } from '$lib/schemas/agreements';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const { claims, user } = signedIn(locals);
	if (!user.canSeeCases) error(403, 'forbidden');
	return { page: await agreements.page(claims), threshold: BREACH_THRESHOLD };
};

export const actions: Actions = {
	record: async ({ request, locals }) => {
		const { claims } = signedIn(locals);
		const parsed = await parseForm(request, agreementSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await agreements.record(claims, parsed.data);
		if (!result.ok)
			return refusal(parsed.form, result.error, {
				field:
					result.error === 'agreement_overlap'
						? 'validFrom'
						: result.error === 'forbidden'
							? undefined
							: 'to'
			});
		return formOk({ recorded: result.version });
	}
};
