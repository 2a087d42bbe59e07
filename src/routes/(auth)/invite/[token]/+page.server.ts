import { redirect } from '@sveltejs/kit';
import { startSession } from '$lib/server/auth';
import { acceptInvitation, findInvitation } from '$lib/server/auth/accounts';
import { formError, parseForm } from '$lib/server/forms';
import { acceptInvitationSchema } from '$lib/schemas/auth';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => {
	return { invitation: await findInvitation(params.token) };
};

export const actions: Actions = {
	default: async ({ request, params, cookies }) => {
		const parsed = await parseForm(request, acceptInvitationSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await acceptInvitation(params.token, parsed.data.password);
		if (!result.ok)
			return formError(
				parsed.form,
				result.reason === 'email_taken' ? 'email_taken' : 'invitation_invalid'
			);
		await startSession(cookies, result.user);
		redirect(303, '/');
	}
};
