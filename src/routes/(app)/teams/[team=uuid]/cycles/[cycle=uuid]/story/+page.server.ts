import { error } from '@sveltejs/kit';
import * as cycles from '$lib/server/cycles';
import { effectBrief, effectOf } from '$lib/server/figures/cycle-effect';
import { signedIn } from '$lib/server/forms';
import type { PageServerLoad } from './$types';

/** The one-page improvement story of a cycle, for its team to hand to management. */
export const load: PageServerLoad = async ({ locals, params }) => {
	const { claims } = signedIn(locals);
	const cycle = await cycles.get(claims, params.team, params.cycle);
	if (!cycle) error(404, 'not_found');
	const [details, effect] = await Promise.all([
		cycles.details(claims, cycle),
		effectOf(claims, cycle.id)
	]);
	return {
		cycle,
		actions: details.actions,
		requests: details.requests,
		hasChart: effect?.state === 'ok',
		brief: effect ? effectBrief(cycle, effect) : null
	};
};
