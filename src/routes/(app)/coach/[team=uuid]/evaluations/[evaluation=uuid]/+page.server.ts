import { error } from '@sveltejs/kit';
import { minutes } from '$lib/server/coach';
import { refusalStatus } from '$lib/server/forms';
import { coachClaims } from '../../../access.server';
import type { PageServerLoad } from './$types';

/** The minutes of a recorded evaluation: a print of what the coach recorded. */
export const load: PageServerLoad = async ({ locals, params }) => {
	const result = await minutes(coachClaims(locals), params.team, params.evaluation);
	if (!result.ok)
		error(
			refusalStatus(result.error),
			result.error === 'forbidden' ? 'not_your_team' : result.error
		);
	return result.minutes;
};
