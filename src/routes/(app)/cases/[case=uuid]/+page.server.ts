import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { signedIn } from '$lib/server/forms';
import { story } from '$lib/server/figures/case-story';
import type { PageServerLoad } from './$types';

/** Where the story was opened from: a path inside Koers only (never another site). */
const querySchema = z.object({
	from: z
		.string()
		.max(500)
		.regex(/^\/(?![/\\])[\w\-/?=&%.]*$/)
		.optional()
		.catch(undefined)
});

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const found = await story(signedIn(locals).claims, params.case);
	if (!found) error(404, 'not_found');
	return {
		story: found,
		back: querySchema.parse(Object.fromEntries(url.searchParams)).from ?? null
	};
};
