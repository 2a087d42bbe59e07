import { error } from '@sveltejs/kit';
import * as cycles from '$lib/server/cycles';
import { formOk, parseForm, refusal, signedIn } from '$lib/server/forms';
import * as ideas from '$lib/server/ideas';
import { triageInput } from '$lib/schemas/ideas';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals, depends }) => {
	depends('idea:detail');
	const { claims } = signedIn(locals);
	const idea = await ideas.get(claims, params.id);
	if (!idea) error(404, 'not_found');
	const [history, teams, openCycles] = await Promise.all([
		ideas.history(claims, params.id),
		idea.canTriage ? ideas.triageTeams(claims) : [],
		idea.canTriage && idea.teamId ? cycles.unfinished(claims, idea.teamId) : []
	]);
	return { idea, history, teams, cycles: openCycles };
};

export const actions: Actions = {
	vote: async ({ params, locals }) => {
		const r = await ideas.vote(signedIn(locals).claims, params.id);
		if (!r.ok) return refusal(undefined, r.error);
		return formOk({ voted: true });
	},
	unvote: async ({ params, locals }) => {
		const r = await ideas.unvote(signedIn(locals).claims, params.id);
		if (!r.ok) return refusal(undefined, r.error);
		return formOk({ voted: false });
	},
	triage: async ({ params, request, locals }) => {
		const { claims } = signedIn(locals);
		const parsed = await parseForm(request, triageInput);
		if (!parsed.ok) return parsed.failure;
		const r = await ideas.triage(claims, params.id, parsed.data);
		if (!r.ok) {
			const field =
				r.error === 'idea_bad_transition'
					? 'status'
					: r.error.startsWith('idea_cycle')
						? 'cycle'
						: r.error === 'idea_needs_team' || r.error === 'idea_about_unknown'
							? 'teamId'
							: undefined;
			return refusal(parsed.form, r.error, { field });
		}
		return formOk({ triaged: true });
	}
};
