import { formError, formOk, refusal, signedIn } from '$lib/server/forms';
import * as ideas from '$lib/server/ideas';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, depends }) => {
	depends('ideas:mine');
	const { claims, user } = signedIn(locals);
	const [about, mine, triages] = await Promise.all([
		ideas.aboutOptions(claims),
		// Looking at "my ideas" marks them seen; this answer still says which ones changed.
		ideas.mine(claims, { markSeen: true }),
		ideas.triagesAny(claims)
	]);
	return { about, mine, triages, personId: user.id };
};

export const actions: Actions = {
	/** The form without JavaScript (with it, ideas go through the outbox and /api/ideas). */
	submit: async ({ request, locals }) => {
		const { claims } = signedIn(locals);
		let form: FormData;
		try {
			form = await request.formData();
		} catch {
			return formError(undefined, 'bad_request');
		}
		const submission = await ideas.readSubmission(form, { serverId: true });
		if (!submission.ok)
			return refusal(form, submission.error, { field: submission.field || undefined });
		const r = await ideas.submit(claims, submission.input, submission.photo);
		if (!r.ok)
			return refusal(form, r.error, {
				field: r.error.startsWith('idea_photo') ? 'photo' : undefined
			});
		return formOk({ sent: true });
	}
};
