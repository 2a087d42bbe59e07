import { error } from '@sveltejs/kit';
import { team } from '$lib/server/coach';
import { coachClaims } from '../access';

/** One team for its coach (or an admin): 404 for an unknown or foreign team, 403 if not theirs. */
export async function coachTeam(locals: App.Locals, teamId: string) {
	const result = await team(coachClaims(locals), teamId);
	if (!result.ok)
		error(
			result.error === 'not_found' ? 404 : 403,
			result.error === 'not_found' ? 'not_found' : 'not_your_team'
		);
	return result.page;
}
