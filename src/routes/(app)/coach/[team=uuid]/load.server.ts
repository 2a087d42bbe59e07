import { error } from '@sveltejs/kit';
import { teamPage } from '$lib/server/coach';
import { refusalStatus } from '$lib/server/forms';
import { coachClaims } from '../access.server';

/** One team for its coach (or an admin): 404 for an unknown or foreign team, 403 if not theirs. */
export async function coachTeam(locals: App.Locals, teamId: string) {
	const result = await teamPage(coachClaims(locals), teamId);
	if (!result.ok)
		error(
			refusalStatus(result.error),
			result.error === 'forbidden' ? 'not_your_team' : result.error
		);
	return result.page;
}
