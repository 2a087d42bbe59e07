import { error } from '@sveltejs/kit';
import { z } from 'zod';
import * as departments from '$lib/server/departments';
import { formError, formOk, parseForm } from '$lib/server/forms';
import * as people from '$lib/server/people';
import * as teams from '$lib/server/teams';
import { memberSchema, profileSchema, teamSchema } from '$lib/schemas/teams';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const claims = locals.claims!;
	const data = await teams.membersPage(claims, params.team);
	if (!data) error(404, 'not_found');
	const [everyone, depts] = await Promise.all([people.list(claims), departments.list(claims)]);
	const onTeam = new Set(data.members.map((p) => p.person_id));
	return {
		...data,
		candidates: everyone
			.filter((p) => !onTeam.has(p.id))
			.map((p) => ({ id: p.id, name: p.name, department: p.departmentName })),
		coaches: everyone.filter((p) => p.role !== 'staff').map((p) => ({ id: p.id, name: p.name })),
		departments: depts.map((d) => ({ id: d.id, name: d.name }))
	};
};

const personSchema = z.object({ personId: z.uuid({ error: 'not_found' }) });

export const actions: Actions = {
	add: async ({ request, locals, params }) => {
		const parsed = await parseForm(request, memberSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await teams.addMember(locals.claims!, params.team, parsed.data);
		if (!result.ok)
			return formError(
				parsed.form,
				result.error,
				result.error === 'already_member' ? 'personId' : undefined,
				result.error === 'forbidden' ? 403 : 400
			);
		return formOk({ added: true });
	},
	update: async ({ request, locals, params }) => {
		const parsed = await parseForm(request, memberSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await teams.updateMember(locals.claims!, params.team, parsed.data);
		if (!result.ok)
			return formError(
				parsed.form,
				result.error,
				undefined,
				result.error === 'forbidden' ? 403 : 400
			);
		return formOk({ saved: parsed.data.personId });
	},
	remove: async ({ request, locals, params }) => {
		const parsed = await parseForm(request, personSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await teams.removeMember(locals.claims!, params.team, parsed.data.personId);
		if (!result.ok) return formError(parsed.form, result.error, undefined, 403);
		return formOk({ removed: true });
	},
	profile: async ({ request, locals, params }) => {
		const parsed = await parseForm(request, profileSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await teams.saveProfile(locals.claims!, params.team, parsed.data);
		if (!result.ok) return formError(parsed.form, result.error, undefined, 403);
		return formOk({ profileSaved: true });
	},
	settings: async ({ request, locals, params }) => {
		const parsed = await parseForm(request, teamSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await teams.update(locals.claims!, params.team, parsed.data);
		if (!result.ok)
			return formError(
				parsed.form,
				result.error,
				result.error === 'name_taken' ? 'name' : undefined,
				result.error === 'forbidden' ? 403 : 400
			);
		return formOk({ settingsSaved: true });
	}
};
