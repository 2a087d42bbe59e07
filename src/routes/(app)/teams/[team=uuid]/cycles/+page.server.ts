import { redirect } from '@sveltejs/kit';
import * as cycles from '$lib/server/cycles';
import { teamSignals } from '$lib/server/figures/cycle-effect';
import { parseForm, refusal, signedIn } from '$lib/server/forms';
import { createCycleSchema } from '$lib/schemas/cycles';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const { claims } = signedIn(locals);
	const [list, signals] = await Promise.all([
		cycles.list(claims, params.team),
		teamSignals(claims, params.team)
	]);
	return { cycles: list, signals };
};

export const actions: Actions = {
	create: async ({ request, locals, params }) => {
		const { claims } = signedIn(locals);
		const parsed = await parseForm(request, createCycleSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await cycles.create(claims, params.team, parsed.data);
		if (!result.ok) return refusal(parsed.form, result.error);
		redirect(303, `/teams/${params.team}/cycles/${result.id}`);
	}
};
