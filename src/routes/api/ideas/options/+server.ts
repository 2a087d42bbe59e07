import { json } from '@sveltejs/kit';
import * as ideas from '$lib/server/ideas';
import type { RequestHandler } from './$types';

/** GET /api/ideas/options — teams, journeys and touchpoints for the "about" picker of the shell. */
export const GET: RequestHandler = async ({ locals }) => {
	if (!locals.claims || !locals.user) return json({ error: 'idea_signed_out' }, { status: 401 });
	return json(await ideas.aboutOptions(locals.claims), {
		headers: { 'cache-control': 'private, no-store' }
	});
};
