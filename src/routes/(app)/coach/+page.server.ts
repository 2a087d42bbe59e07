import { overview } from '$lib/server/coach';
import { get as dataUpTo } from '$lib/server/figures/data-up-to';
import { coachClaims, decide } from './access.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const claims = coachClaims(locals);
	const [o, upTo] = await Promise.all([overview(claims), dataUpTo(claims)]);
	return { overview: o, dataUpTo: upTo };
};

export const actions: Actions = { decide };
