import { error } from '@sveltejs/kit';
import { unseenCount } from '$lib/server/ideas';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals }) => {
	// hooks.server.ts redirects anonymous requests; a signed-in account without a person
	// (e.g. a Supabase user nobody invited) has no organisation to work in.
	if (!locals.user || !locals.claims) error(403, 'no_profile');
	return { user: locals.user, unseenIdeas: await unseenCount(locals.claims) };
};
