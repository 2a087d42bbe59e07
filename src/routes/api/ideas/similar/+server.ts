import { json } from '@sveltejs/kit';
import { similarQuery } from '$lib/schemas/ideas';
import * as ideas from '$lib/server/ideas';
import type { RequestHandler } from './$types';

/** GET /api/ideas/similar?q=… — up to five ideas like the text being typed (signed in). */
export const GET: RequestHandler = async ({ url, locals }) => {
	if (!locals.claims || !locals.user) return json({ error: 'idea_signed_out' }, { status: 401 });
	const parsed = similarQuery.safeParse({ q: url.searchParams.get('q') ?? '' });
	if (!parsed.success) return json({ error: 'too_long' }, { status: 400 });
	return json(
		{ ideas: await ideas.similar(locals.claims, parsed.data.q) },
		{ headers: { 'cache-control': 'private, no-store' } }
	);
};
