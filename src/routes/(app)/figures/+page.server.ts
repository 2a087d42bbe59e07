import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { signedIn } from '$lib/server/forms';
import { figures } from '$lib/server/figures/page';
import type { PageServerLoad } from './$types';

const day = z.iso.date().optional().catch(undefined);
const text = z.string().trim().min(1).max(200).optional().catch(undefined);
const filterSchema = z.object({
	from: day,
	to: day,
	category: z.uuid().optional().catch(undefined),
	channel: text,
	department: text
});

export const load: PageServerLoad = async ({ locals, url }) => {
	const { claims, user } = signedIn(locals);
	if (user.role === 'staff') error(403, 'forbidden');
	const f = filterSchema.parse(Object.fromEntries(url.searchParams));
	return { ...(await figures(claims, f)), filter: f };
};
