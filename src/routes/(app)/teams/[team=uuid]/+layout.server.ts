import { error } from '@sveltejs/kit';
import { signedIn } from '$lib/server/forms';
import * as teams from '$lib/server/teams';
import type { LayoutServerLoad } from './$types';

/** The team, once for every tab: 404 when the signed-in person's organisation has no such team. */
export const load: LayoutServerLoad = async ({ locals, params }) => {
	const team = await teams.info(signedIn(locals).claims, params.team);
	if (!team) error(404, 'not_found');
	return { team };
};
