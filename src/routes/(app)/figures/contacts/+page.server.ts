import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { confirm, overview, remove } from '$lib/server/figures/contact-activities';
import { formOk, parseForm, refusal, signedIn } from '$lib/server/forms';
import { contactActivityInput } from '$lib/schemas/silence';
import type { Actions, PageServerLoad } from './$types';

const idSchema = z.object({ id: z.uuid({ error: 'not_found' }) });

export const load: PageServerLoad = async ({ locals }) => {
	const { claims, user } = signedIn(locals);
	if (!user.canSeeCases) error(403, 'forbidden');
	return overview(claims);
};

export const actions: Actions = {
	confirm: async ({ request, locals }) => {
		const { claims } = signedIn(locals);
		const parsed = await parseForm(request, contactActivityInput);
		if (!parsed.ok) return parsed.failure;
		const result = await confirm(claims, parsed.data);
		if (!result.ok)
			return refusal(parsed.form, result.error, {
				field: result.error === 'contact_activity_taken' ? 'activity' : undefined
			});
		return formOk({ confirmed: parsed.data.activity, unseen: result.unseen });
	},
	remove: async ({ request, locals }) => {
		const { claims } = signedIn(locals);
		const parsed = await parseForm(request, idSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await remove(claims, parsed.data.id);
		if (!result.ok) return refusal(parsed.form, result.error);
		return formOk({ removed: true });
	}
};
