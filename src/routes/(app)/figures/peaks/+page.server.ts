import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { signedIn } from '$lib/server/forms';
import { peakPage } from '$lib/server/figures/load';
import type { PageServerLoad } from './$types';

/** Weeks back, 4 to 52; anything else is the default 13. */
const weeksSchema = z.coerce.number().int().min(4).max(52).catch(13);

export const load: PageServerLoad = async ({ locals, url }) => {
	const { claims, user } = signedIn(locals);
	if (!user.canSeeCases) error(403, 'forbidden');
	const weeks = weeksSchema.parse(url.searchParams.get('weeks') ?? undefined);
	return { peaks: await peakPage(claims, weeks), weeks };
};
