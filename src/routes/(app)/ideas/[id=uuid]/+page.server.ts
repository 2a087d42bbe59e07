import { error } from '@sveltejs/kit';
import { formError, formOk, parseForm } from '$lib/server/forms';
import * as ideas from '$lib/server/ideas';
import { triageInput } from '$lib/schemas/ideas';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals, depends }) => {
	depends('idea:detail');
	const claims = locals.claims!;
	const idea = await ideas.get(claims, params.id);
	if (!idea) error(404, 'not_found');
	const [history, teams, cycles] = await Promise.all([
		ideas.history(claims, params.id),
		idea.canTriage ? ideas.triageTeams(claims) : [],
		idea.canTriage && idea.teamId ? ideas.openCycles(claims, idea.teamId) : []
	]);
	return { idea, history, teams, cycles };
};

export const actions: Actions = {
	vote: async ({ params, locals }) => {
		const r = await ideas.vote(locals.claims!, params.id);
		if (!r.ok) return formError(undefined, 'not_found', undefined, 404);
		return formOk({ voted: true });
	},
	unvote: async ({ params, locals }) => {
		const r = await ideas.unvote(locals.claims!, params.id);
		if (!r.ok) return formError(undefined, 'not_found', undefined, 404);
		return formOk({ voted: false });
	},
	triage: async ({ params, request, locals }) => {
		const parsed = await parseForm(request, triageInput);
		if (!parsed.ok) return parsed.failure;
		const r = await ideas.triage(locals.claims!, params.id, parsed.data);
		if (!r.ok) {
			const status = r.error === 'forbidden' ? 403 : r.error === 'not_found' ? 404 : 400;
			const field =
				r.error === 'idea_bad_transition'
					? 'status'
					: r.error.startsWith('idea_cycle')
						? 'cycle'
						: r.error === 'idea_needs_team' || r.error === 'idea_about_unknown'
							? 'teamId'
							: undefined;
			return formError(parsed.form, r.error, field, status);
		}
		return formOk({ triaged: true });
	}
};
