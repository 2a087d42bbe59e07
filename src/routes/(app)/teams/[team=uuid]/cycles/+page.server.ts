import { error, redirect } from '@sveltejs/kit';
import * as cycles from '$lib/server/cycles';
import { teamSignals } from '$lib/server/figures/cycle-effect';
import { formError, parseForm } from '$lib/server/forms';
import { createCycleSchema } from '$lib/schemas/cycles';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const claims = locals.claims!;
	const team = await cycles.team(claims, params.team);
	if (!team) error(404, 'not_found');
	const [list, signals] = await Promise.all([
		cycles.list(claims, team.id),
		teamSignals(claims, team.id)
	]);
	return { team, cycles: list, signals };
};

export const actions: Actions = {
	create: async ({ request, locals, params }) => {
		const parsed = await parseForm(request, createCycleSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await cycles.create(locals.claims!, params.team, parsed.data);
		if (!result.ok)
			return formError(
				parsed.form,
				result.error,
				undefined,
				result.error === 'forbidden' ? 403 : 400
			);
		redirect(303, `/teams/${params.team}/cycles/${result.id}`);
	}
};
