import { mayCoach, recordEvaluation } from '$lib/server/coach';
import { formOk, parseForm, refusal, signedIn } from '$lib/server/forms';
import { evaluationSchema } from '$lib/schemas/evaluations';
import { decide } from '../access.server';
import { coachTeam } from './load.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => coachTeam(locals, params.team);

export const actions: Actions = {
	record: async ({ request, locals, params }) => {
		const { claims, user } = signedIn(locals);
		if (!mayCoach(user.role)) return refusal(undefined, 'forbidden');
		const parsed = await parseForm(request, evaluationSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await recordEvaluation(claims, params.team, parsed.data);
		if (!result.ok)
			return refusal(parsed.form, result.error, {
				field: result.error === 'coach_next_after_held' ? 'next_on' : undefined
			});
		return formOk({ recorded: parsed.data.next_on });
	},
	decide
};
