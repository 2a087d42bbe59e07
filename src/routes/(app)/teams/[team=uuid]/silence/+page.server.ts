import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { signedIn } from '$lib/server/forms';
import { teamSilence } from '$lib/server/figures/silence-page';
import type { PageServerLoad } from './$types';

const querySchema = z.object({ touchpoint: z.uuid().optional().catch(undefined) });

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const { touchpoint } = querySchema.parse(Object.fromEntries(url.searchParams));
	const silence = await teamSilence(signedIn(locals).claims, params.team, touchpoint ?? null);
	if (!silence) error(404, 'not_found');
	return { silence };
};
