import { z } from 'zod';
import * as departments from '$lib/server/departments';
import { formOk, parseForm, refusal, requireAdmin } from '$lib/server/forms';
import * as people from '$lib/server/people';
import { personSchema } from '$lib/schemas/people';
import type { Actions, PageServerLoad } from './$types';

const idSchema = z.object({ id: z.uuid({ error: 'not_found' }) });
const updateSchema = personSchema.extend(idSchema.shape);
/** The field a domain error belongs to (others show above the form). */
const fieldOf: Partial<Record<people.PersonError, string>> = {
	email_taken: 'email',
	department_unknown: 'departmentId'
};

export const load: PageServerLoad = async ({ locals }) => {
	const { claims } = requireAdmin(locals);
	const [persons, depts] = await Promise.all([people.list(claims), departments.list(claims)]);
	return { people: persons, departments: depts };
};

export const actions: Actions = {
	create: async ({ request, locals, url }) => {
		const { claims } = requireAdmin(locals);
		const parsed = await parseForm(request, personSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await people.create(claims, parsed.data);
		if (!result.ok) return refusal(parsed.form, result.error, { field: fieldOf[result.error] });
		return formOk({
			invite: { name: parsed.data.name, link: `${url.origin}/invite/${result.token}` }
		});
	},
	update: async ({ request, locals }) => {
		const { claims } = requireAdmin(locals);
		const parsed = await parseForm(request, updateSchema);
		if (!parsed.ok) return parsed.failure;
		const { id, ...input } = parsed.data;
		const result = await people.update(claims, id, input);
		if (!result.ok) return refusal(parsed.form, result.error, { field: fieldOf[result.error] });
		return formOk({ saved: id });
	},
	reinvite: async ({ request, locals, url }) => {
		const { claims } = requireAdmin(locals);
		const parsed = await parseForm(request, idSchema);
		if (!parsed.ok) return parsed.failure;
		const token = await people.reinvite(claims, parsed.data.id);
		if (!token) return refusal(parsed.form, 'not_found');
		const person = (await people.list(claims)).find((p) => p.id === parsed.data.id);
		return formOk({ invite: { name: person?.name ?? '', link: `${url.origin}/invite/${token}` } });
	},
	remove: async ({ request, locals }) => {
		const { claims } = requireAdmin(locals);
		const parsed = await parseForm(request, idSchema);
		if (!parsed.ok) return parsed.failure;
		const removed = await people.remove(claims, parsed.data.id);
		if (!removed) return refusal(parsed.form, 'not_found');
		return formOk({ removed });
	}
};
