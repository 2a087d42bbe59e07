import { error, redirect } from '@sveltejs/kit';
import { parseForm, signedIn } from '$lib/server/forms';
import * as journeys from '$lib/server/journeys';
import { journeySchema } from '$lib/schemas/journeys';
import { EDIT_MODE } from './links';
import { journeyRefusal } from './refusals.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const page = await journeys.listPage(signedIn(locals).claims, params.team);
	if (!page) error(404, 'not_found');
	return page;
};

export const actions: Actions = {
	create: async ({ request, locals, params }) => {
		const { claims } = signedIn(locals);
		const parsed = await parseForm(request, journeySchema);
		if (!parsed.ok) return parsed.failure;
		const result = await journeys.create(claims, params.team, parsed.data);
		if (!result.ok) return journeyRefusal(parsed.form, result.error);
		// a new journey opens in edit mode: its first stages are next
		redirect(303, `/teams/${params.team}/journeys/${result.id}?mode=${EDIT_MODE}`);
	}
};
