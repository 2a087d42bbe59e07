import { error } from '@sveltejs/kit';
import * as journeys from '$lib/server/journeys';
import { weeksOf } from '../../../forms';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const trend = await journeys.trend(
		locals.claims!,
		params.team,
		params.journey,
		params.touchpoint,
		{ weeks: weeksOf(url) }
	);
	if (!trend) error(404, 'not_found');
	return { trend };
};
