import { error } from '@sveltejs/kit';
import { signedIn } from '$lib/server/forms';
import * as teams from '$lib/server/teams';
import * as upTo from '$lib/server/figures/data-up-to';
import type { LayoutServerLoad } from './$types';

/**
 * The team, once for every tab: 404 when the signed-in person's organisation has no such team;
 * and up to when the case data runs, for the pages with figures.
 */
export const load: LayoutServerLoad = async ({ locals, params }) => {
	const claims = signedIn(locals).claims;
	const [team, dataUpTo] = await Promise.all([teams.info(claims, params.team), upTo.get(claims)]);
	if (!team) error(404, 'not_found');
	return { team, dataUpTo };
};
