import { error } from '@sveltejs/kit';
import { signedIn } from '$lib/server/forms';
import { figures } from '$lib/server/figures/page';
import { readFilter } from './filter';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const { claims, user } = signedIn(locals);
	if (!user.canSeeCases) error(403, 'forbidden');
	const { filter, periodInvalid } = readFilter(url);
	return { ...(await figures(claims, filter)), filter, periodInvalid };
};
