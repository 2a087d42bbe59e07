import { mayCoach, recordEvaluation } from '$lib/server/coach';
import { formError, formOk, parseForm } from '$lib/server/forms';
import { evaluationSchema } from '$lib/schemas/evaluations';
import { decide } from '../access';
import { coachTeam } from './load';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => coachTeam(locals, params.team);

const STATUS = { not_found: 404, forbidden: 403, coach_next_after_held: 400 } as const;

export const actions: Actions = {
	record: async ({ request, locals, params }) => {
		if (!locals.claims || !mayCoach(locals.user?.role))
			return formError(undefined, 'forbidden', undefined, 403);
		const parsed = await parseForm(request, evaluationSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await recordEvaluation(locals.claims, params.team, parsed.data);
		if (!result.ok)
			return formError(
				parsed.form,
				result.error,
				result.error === 'coach_next_after_held' ? 'next_on' : undefined,
				STATUS[result.error]
			);
		return formOk({ recorded: parsed.data.next_on });
	},
	decide
};
