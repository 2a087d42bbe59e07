import { error } from '@sveltejs/kit';
import * as teams from '$lib/server/teams';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const page = await teams.page(locals.claims!, params.team);
	if (!page) error(404, 'not_found');
	return page;
};
