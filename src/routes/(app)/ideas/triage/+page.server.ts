import { signedIn } from '$lib/server/forms';
import * as ideas from '$lib/server/ideas';
import { triageFilter } from '$lib/schemas/ideas';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, locals }) => {
	const { claims } = signedIn(locals);
	const filter = triageFilter.parse({
		status: url.searchParams.get('status') ?? undefined,
		team: url.searchParams.get('team') || undefined
	});
	const [allowed, teams, list] = await Promise.all([
		ideas.triagesAny(claims),
		ideas.triageTeams(claims),
		ideas.triageList(claims, filter)
	]);
	return { allowed, teams, list, filter };
};
