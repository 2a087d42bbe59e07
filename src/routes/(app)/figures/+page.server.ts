import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { figures } from '$lib/server/figures';
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
	if (locals.user?.role === 'staff') error(403, 'forbidden');
	const f = filterSchema.parse(Object.fromEntries(url.searchParams));
	return { ...(await figures(locals.claims!, f)), filter: f };
};
