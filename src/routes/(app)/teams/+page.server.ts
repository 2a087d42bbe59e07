import { error, redirect } from '@sveltejs/kit';
import { parseForm, refusal, signedIn } from '$lib/server/forms';
import * as people from '$lib/server/people';
import * as teams from '$lib/server/teams';
import { teamSchema } from '$lib/schemas/teams';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const { claims, user } = signedIn(locals);
	const canCreate = user.role !== 'staff';
	return {
		teams: await teams.list(claims),
		canCreate,
		// A coach who creates a team may name only themselves (the database holds the same rule).
		coaches: canCreate
			? (await people.list(claims))
					.filter((p) => (user.role === 'admin' ? p.role !== 'staff' : p.id === user.id))
					.map((p) => ({ id: p.id, name: p.name }))
			: []
	};
};

export const actions: Actions = {
	create: async ({ request, locals }) => {
		const { claims, user } = signedIn(locals);
		if (user.role === 'staff') error(403, 'forbidden');
		const parsed = await parseForm(request, teamSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await teams.create(claims, parsed.data);
		if (!result.ok)
			return refusal(parsed.form, result.error, {
				field: result.error === 'name_taken' ? 'name' : undefined
			});
		redirect(303, `/teams/${result.id}/members`);
	}
};
