import { error } from '@sveltejs/kit';
import * as chains from '$lib/server/chains';
import { signedIn } from '$lib/server/forms';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const { claims } = signedIn(locals);
	const page = await chains.page(claims, params.chain);
	if (!page) error(404, 'not_found');
	return { page };
};
