import { redirect } from '@sveltejs/kit';
import { startSession } from '$lib/server/auth';
import { formError, parseForm } from '$lib/server/forms';
import { setup } from '$lib/server/organisations';
import { setupSchema } from '$lib/schemas/auth';
import type { Actions } from './$types';

export const actions: Actions = {
	default: async ({ request, cookies }) => {
		const parsed = await parseForm(request, setupSchema);
		if (!parsed.ok) return parsed.failure;
		const user = await setup(parsed.data);
		if (!user) return formError(parsed.form, 'already_set_up', undefined, 409);
		await startSession(cookies, user);
		redirect(303, '/admin/people?welcome=1');
	}
};
