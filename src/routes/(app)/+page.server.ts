import * as departments from '$lib/server/departments';
import { signedIn } from '$lib/server/forms';
import * as people from '$lib/server/people';
import * as teams from '$lib/server/teams';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const { claims } = signedIn(locals);
	const [depts, persons, allTeams] = await Promise.all([
		departments.list(claims),
		people.list(claims),
		teams.list(claims)
	]);
	return {
		myTeams: allTeams.filter((t) => t.mine),
		departments: depts,
		counts: {
			people: persons.length,
			coaches: persons.filter((p) => p.role === 'coach').length,
			pending: persons.filter((p) => !p.hasAccount).length
		}
	};
};
