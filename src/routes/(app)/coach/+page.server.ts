import { overview } from '$lib/server/coach';
import { coachClaims, decide } from './access.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({
	overview: await overview(coachClaims(locals))
});

export const actions: Actions = { decide };
