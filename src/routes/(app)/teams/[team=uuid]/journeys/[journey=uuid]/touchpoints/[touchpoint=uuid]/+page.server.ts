import { error } from '@sveltejs/kit';
import { signedIn } from '$lib/server/forms';
import * as journeys from '$lib/server/journeys';
import { weeksOf } from '../../../links';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const trend = await journeys.trend(
		signedIn(locals).claims,
		params.team,
		params.journey,
		params.touchpoint,
		{ weeks: weeksOf(url) }
	);
	if (!trend) error(404, 'not_found');
	return { trend };
};
