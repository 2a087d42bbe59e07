import { fail, redirect } from '@sveltejs/kit';
import { signIn } from '$lib/server/auth';
import { parseForm, type FormFailure } from '$lib/server/forms';
import { safePath } from '$lib/server/safe-path';
import { signInSchema } from '$lib/schemas/auth';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.user) redirect(303, safePath(url.searchParams.get('next')));
};

export const actions: Actions = {
	default: async (event) => {
		const parsed = await parseForm(event.request, signInSchema);
		if (!parsed.ok) return parsed.failure;
		const { email, password } = parsed.data;
		const result = await signIn(event, email, password);
		if (!result.ok) {
			const answer: FormFailure & { wait?: number } = { values: { email }, errors: {} };
			return result.reason === 'throttled'
				? fail(429, { ...answer, message: 'throttled', wait: result.wait })
				: fail(400, { ...answer, message: 'sign_in_invalid' });
		}
		redirect(303, safePath(event.url.searchParams.get('next')));
	}
};
