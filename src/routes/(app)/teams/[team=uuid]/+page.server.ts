import { signedIn } from '$lib/server/forms';
import * as teams from '$lib/server/teams';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) =>
	teams.overview(signedIn(locals).claims, params.team);
