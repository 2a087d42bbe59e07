import { authMode, changePassword } from '$lib/server/auth';
import { formError, formOk, parseForm, refusal, signedIn } from '$lib/server/forms';
import { changePasswordSchema } from '$lib/schemas/auth';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => ({ mode: authMode() });

export const actions: Actions = {
	password: async (event) => {
		const { request, locals } = event;
		const { claims } = signedIn(locals);
		if (authMode() !== 'local') return refusal(undefined, 'forbidden', { message: 'not_found' });
		const parsed = await parseForm(request, changePasswordSchema);
		if (!parsed.ok) return parsed.failure;
		const ok = await changePassword(event, claims, parsed.data.current, parsed.data.password);
		if (!ok) return formError(parsed.form, 'wrong_password', 'current');
		return formOk({ changed: true });
	}
};
