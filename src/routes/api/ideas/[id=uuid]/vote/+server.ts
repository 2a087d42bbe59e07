import { json } from '@sveltejs/kit';
import { refusalStatus } from '$lib/server/forms';
import * as ideas from '$lib/server/ideas';
import type { RequestHandler } from './$types';

/** POST supports an idea (once per person), DELETE takes the support back: { votes, voted }. */
const handle =
	(action: typeof ideas.vote): RequestHandler =>
	async ({ params, locals }) => {
		if (!locals.claims || !locals.user) return json({ error: 'idea_signed_out' }, { status: 401 });
		const r = await action(locals.claims, params.id);
		if (!r.ok) return json({ error: r.error }, { status: refusalStatus(r.error) });
		return json({ votes: r.votes, voted: r.voted });
	};

export const POST = handle(ideas.vote);
export const DELETE = handle(ideas.unvote);
