import { signedIn } from '$lib/server/forms';
import { get } from '$lib/server/figures/data-up-to';
import type { LayoutServerLoad } from './$types';

/** Up to when the case data runs, for the line on every figures page. */
export const load: LayoutServerLoad = async ({ locals }) => ({
	dataUpTo: await get(signedIn(locals).claims)
});
