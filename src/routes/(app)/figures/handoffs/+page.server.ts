import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { signedIn } from '$lib/server/forms';
import { handoffCases } from '$lib/server/figures/page';
import { readFilter } from '../filter';
import type { PageServerLoad } from './$types';

const department = z.string().trim().min(1).max(300);
const pairSchema = z.object({ fromDept: department, toDept: department });

/** The example cases behind one cell of a department matrix (?fromDept=A&toDept=B&…filter). */
export const load: PageServerLoad = async ({ locals, url }) => {
	const { claims, user } = signedIn(locals);
	if (!user.canSeeCases) error(403, 'forbidden');
	const pair = pairSchema.safeParse(Object.fromEntries(url.searchParams));
	if (!pair.success) error(404, 'not_found');
	const { filter } = readFilter(url);
	return { pair: pair.data, filter, ...(await handoffCases(claims, pair.data, filter)) };
};
