import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { signedIn } from '$lib/server/forms';
import { figures } from '$lib/server/figures/page';
import { saneDate } from '$lib/schemas/fields';
import type { PageServerLoad } from './$types';

/**
 * A period's day: a date the forms take (saneDate). One outside the window (year 0000, 2999)
 * would fail the database or run the weekly series over centuries: it is left out, and the
 * page says so.
 */
const day = z.preprocess((v) => v || undefined, saneDate().optional());
const periodSchema = z.object({ from: day, to: day });
const text = z.string().trim().min(1).max(200).optional().catch(undefined);
const filterSchema = z.object({
	from: day.catch(undefined),
	to: day.catch(undefined),
	category: z.uuid().optional().catch(undefined),
	channel: text,
	department: text
});

export const load: PageServerLoad = async ({ locals, url }) => {
	const { claims, user } = signedIn(locals);
	if (user.role === 'staff') error(403, 'forbidden');
	const query = Object.fromEntries(url.searchParams);
	const f = filterSchema.parse(query);
	return {
		...(await figures(claims, f)),
		filter: f,
		periodInvalid: !periodSchema.safeParse(query).success
	};
};
