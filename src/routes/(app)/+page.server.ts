import * as departments from '$lib/server/departments';
import * as people from '$lib/server/people';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const claims = locals.claims!;
	const [depts, persons] = await Promise.all([departments.list(claims), people.list(claims)]);
	return {
		departments: depts,
		counts: {
			people: persons.length,
			coaches: persons.filter((p) => p.role === 'coach').length,
			pending: persons.filter((p) => !p.hasAccount).length
		}
	};
};
