import { error, redirect } from '@sveltejs/kit';
import * as journeys from '$lib/server/journeys';
import { journeySchema } from '$lib/schemas/journeys';
import { parse, refused } from './forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const team = await journeys.team(locals.claims!, params.team);
	if (!team) error(404, 'not_found');
	const [summaries, people] = await Promise.all([
		journeys.journeySummaries(locals.claims!, params.team),
		team.canEdit ? journeys.people(locals.claims!) : Promise.resolve([])
	]);
	return { team, ...summaries, people };
};

export const actions: Actions = {
	create: async ({ request, locals, params }) => {
		const parsed = await parse(request, journeySchema);
		if (!parsed.ok) return parsed.failure;
		const result = await journeys.create(locals.claims!, params.team, parsed.data);
		if (!result.ok) return refused(parsed.form, result.error);
		redirect(303, `/teams/${params.team}/journeys/${result.value}`);
	}
};
