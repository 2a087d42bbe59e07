import { redirect } from '@sveltejs/kit';
import * as cycles from '$lib/server/cycles';
import { parseForm, refusal, signedIn } from '$lib/server/forms';
import { createCycleSchema, cycleStartSchema } from '$lib/schemas/cycles';
import type { Actions, PageServerLoad } from './$types';

/**
 * "Start een verbetercyclus hier": a new cycle whose plan starts from the figure it was started
 * from (`?touchpoint=…&category=…&channel=…&metric=…`, each checked; what does not fit is left out).
 */
export const load: PageServerLoad = async ({ locals, params, url }) => {
	const { claims } = signedIn(locals);
	const start = cycleStartSchema.parse(Object.fromEntries(url.searchParams));
	return { draft: await cycles.draftFrom(claims, params.team, start) };
};

export const actions: Actions = {
	default: async ({ request, locals, params }) => {
		const { claims } = signedIn(locals);
		const parsed = await parseForm(request, createCycleSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await cycles.create(claims, params.team, parsed.data);
		if (!result.ok)
			return refusal(parsed.form, result.error, {
				field: result.error === 'cycle_scope_unknown' ? 'scopeTouchpointId' : undefined
			});
		redirect(303, `/teams/${params.team}/cycles/${result.id}`);
	}
};
