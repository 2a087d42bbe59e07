import * as chains from '$lib/server/chains';
import { formOk, parseForm, refusal, signedIn } from '$lib/server/forms';
import { chainSchema, chainTeamSchema } from '$lib/schemas/chains';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const { claims, user } = signedIn(locals);
	return {
		...(await chains.list(claims)),
		canKeep: user.role === 'coach' || user.role === 'admin'
	};
};

export const actions: Actions = {
	create: async ({ request, locals }) => {
		const { claims } = signedIn(locals);
		const parsed = await parseForm(request, chainSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await chains.create(claims, parsed.data);
		if (!result.ok)
			return refusal(parsed.form, result.error, {
				field: result.error === 'name_taken' ? 'name' : undefined
			});
		return formOk({ created: parsed.data.name });
	},
	place: async ({ request, locals }) => {
		const { claims } = signedIn(locals);
		const parsed = await parseForm(request, chainTeamSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await chains.placeTeam(claims, parsed.data.team, parsed.data.chain);
		if (!result.ok) return refusal(parsed.form, result.error);
		return formOk({ placed: parsed.data.team });
	}
};
