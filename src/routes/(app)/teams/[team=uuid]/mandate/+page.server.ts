import { formOk, parseForm, refusal, signedIn } from '$lib/server/forms';
import * as teams from '$lib/server/teams';
import { approveSchema, mandateSchema } from '$lib/schemas/teams';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) =>
	teams.mandatePage(signedIn(locals).claims, params.team);

export const actions: Actions = {
	draft: async ({ request, locals, params }) => {
		const { claims } = signedIn(locals);
		const parsed = await parseForm(request, mandateSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await teams.draftMandate(claims, params.team, parsed.data);
		if (!result.ok) return refusal(parsed.form, result.error);
		return formOk({ drafted: result.version });
	},
	approve: async ({ request, locals, params }) => {
		const { claims } = signedIn(locals);
		const parsed = await parseForm(request, approveSchema);
		if (!parsed.ok) return parsed.failure;
		const { id, approvedOn } = parsed.data;
		const result = await teams.approveMandate(claims, params.team, id, approvedOn);
		if (!result.ok) return refusal(parsed.form, result.error);
		return formOk({ approved: true });
	}
};
