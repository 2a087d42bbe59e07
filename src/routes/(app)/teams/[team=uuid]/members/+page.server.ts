import { z } from 'zod';
import * as departments from '$lib/server/departments';
import { formOk, parseForm, refusal, signedIn } from '$lib/server/forms';
import * as people from '$lib/server/people';
import * as teams from '$lib/server/teams';
import { memberSchema, profileSchema, teamSchema } from '$lib/schemas/teams';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, parent }) => {
	const { claims } = signedIn(locals);
	const { team } = await parent();
	const [data, everyone, depts] = await Promise.all([
		teams.membersPage(claims, team),
		people.list(claims),
		departments.list(claims)
	]);
	const onTeam = new Set(data.members.map((p) => p.personId));
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
		const { claims } = signedIn(locals);
		const parsed = await parseForm(request, memberSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await teams.addMember(claims, params.team, parsed.data);
		if (!result.ok)
			return refusal(parsed.form, result.error, {
				field: result.error === 'already_member' ? 'personId' : undefined
			});
		return formOk({ added: true });
	},
	update: async ({ request, locals, params }) => {
		const { claims } = signedIn(locals);
		const parsed = await parseForm(request, memberSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await teams.updateMember(claims, params.team, parsed.data);
		if (!result.ok) return refusal(parsed.form, result.error);
		return formOk({ saved: parsed.data.personId });
	},
	remove: async ({ request, locals, params }) => {
		const { claims } = signedIn(locals);
		const parsed = await parseForm(request, personSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await teams.removeMember(claims, params.team, parsed.data.personId);
		if (!result.ok) return refusal(parsed.form, result.error);
		return formOk({ removed: true });
	},
	profile: async ({ request, locals, params }) => {
		const { claims } = signedIn(locals);
		const parsed = await parseForm(request, profileSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await teams.saveProfile(claims, params.team, parsed.data);
		if (!result.ok) return refusal(parsed.form, result.error);
		return formOk({ profileSaved: true });
	},
	settings: async ({ request, locals, params }) => {
		const { claims } = signedIn(locals);
		const parsed = await parseForm(request, teamSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await teams.update(claims, params.team, parsed.data);
		if (!result.ok)
			return refusal(parsed.form, result.error, {
				field: result.error === 'name_taken' ? 'name' : undefined
			});
		return formOk({ settingsSaved: true });
	}
};
