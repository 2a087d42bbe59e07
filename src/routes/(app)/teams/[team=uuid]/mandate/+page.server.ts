import { error } from '@sveltejs/kit';
import { formError, formOk, parseForm } from '$lib/server/forms';
import * as teams from '$lib/server/teams';
import { approveSchema, mandateSchema } from '$lib/schemas/teams';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const data = await teams.mandatePage(locals.claims!, params.team);
	if (!data) error(404, 'not_found');
	return data;
};

export const actions: Actions = {
	draft: async ({ request, locals, params }) => {
		const parsed = await parseForm(request, mandateSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await teams.draftMandate(locals.claims!, params.team, parsed.data);
		if (!result.ok)
			return formError(
				parsed.form,
				result.error,
				undefined,
				result.error === 'forbidden' ? 403 : 400
			);
		return formOk({ drafted: result.version });
	},
	approve: async ({ request, locals, params }) => {
		const parsed = await parseForm(request, approveSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await teams.approveMandate(
			locals.claims!,
			params.team,
			parsed.data.id,
			parsed.data.approvedOn
		);
		if (!result.ok)
			return formError(
				parsed.form,
				result.error,
				undefined,
				result.error === 'forbidden' ? 403 : 400
			);
		return formOk({ approved: true });
	}
};
