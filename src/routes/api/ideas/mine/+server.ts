import { json } from '@sveltejs/kit';
import * as ideas from '$lib/server/ideas';
import type { RequestHandler } from './$types';

/**
 * GET /api/ideas/mine — the signed-in person's ideas, for the offline shell of the idea page
 * (which holds no personal data itself). Looking at them marks them seen.
 */
export const GET: RequestHandler = async ({ locals }) => {
	if (!locals.claims || !locals.user) return json({ error: 'idea_signed_out' }, { status: 401 });
	return json(
		{ personId: locals.user.id, ideas: await ideas.mine(locals.claims, { markSeen: true }) },
		{ headers: { 'cache-control': 'private, no-store' } }
	);
};
