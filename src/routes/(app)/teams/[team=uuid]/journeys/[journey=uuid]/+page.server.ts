import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { formOk } from '$lib/server/forms';
import * as journeys from '$lib/server/journeys';
import {
	idSchema,
	journeySchema,
	stageMoveSchema,
	stageSchema,
	touchpointMoveSchema,
	touchpointSchema
} from '$lib/schemas/journeys';
import { mapHref, parse, refused, weeksOf } from '../forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const map = await journeys.get(locals.claims!, params.team, params.journey, {
		weeks: weeksOf(url)
	});
	if (!map) error(404, 'not_found');
	return { map };
};

const LISTS = ['categories'];
const stageWithId = stageSchema.extend(idSchema.shape);
const touchpointWithId = touchpointSchema.extend(idSchema.shape);

export const actions: Actions = {
	updateJourney: async ({ request, locals, params, url }) => {
		const parsed = await parse(request, journeySchema);
		if (!parsed.ok) return parsed.failure;
		const result = await journeys.update(locals.claims!, params.journey, parsed.data);
		if (!result.ok) return refused(parsed.form, result.error);
		redirect(303, mapHref(url, params.team, params.journey));
	},
	removeJourney: async ({ request, locals, params }) => {
		const parsed = await parse(
			request,
			z.object({ confirm: z.literal('yes', { error: 'journey_err_confirm' }) })
		);
		if (!parsed.ok) return parsed.failure;
		const result = await journeys.remove(locals.claims!, params.journey);
		if (!result.ok) return refused(parsed.form, result.error);
		redirect(303, `/teams/${params.team}/journeys`);
	},
	addStage: async ({ request, locals, params, url }) => {
		const parsed = await parse(request, stageSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await journeys.addStage(locals.claims!, params.journey, parsed.data);
		if (!result.ok) return refused(parsed.form, result.error);
		redirect(303, mapHref(url, params.team, params.journey, `#stage-h-${result.value}`));
	},
	updateStage: async ({ request, locals, params, url }) => {
		const parsed = await parse(request, stageWithId);
		if (!parsed.ok) return parsed.failure;
		const { id, ...input } = parsed.data;
		const result = await journeys.updateStage(locals.claims!, params.journey, id, input);
		if (!result.ok) return refused(parsed.form, result.error);
		redirect(303, mapHref(url, params.team, params.journey, `#stage-h-${id}`));
	},
	removeStage: async ({ request, locals, params, url }) => {
		const parsed = await parse(request, idSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await journeys.removeStage(locals.claims!, params.journey, parsed.data.id);
		if (!result.ok) return refused(parsed.form, result.error);
		redirect(303, mapHref(url, params.team, params.journey));
	},
	moveStage: async ({ request, locals, params }) => {
		const parsed = await parse(request, stageMoveSchema);
		if (!parsed.ok) return parsed.failure;
		const { id, ...spec } = parsed.data;
		const result = await journeys.moveStage(locals.claims!, params.journey, id, spec);
		if (!result.ok) return refused(parsed.form, result.error);
		return formOk({ moved: id });
	},
	addTouchpoint: async ({ request, locals, params, url }) => {
		const parsed = await parse(request, touchpointSchema, LISTS);
		if (!parsed.ok) return parsed.failure;
		const result = await journeys.addTouchpoint(locals.claims!, params.journey, parsed.data);
		if (!result.ok) return refused(parsed.form, result.error, LISTS);
		redirect(303, mapHref(url, params.team, params.journey, `#tp-${result.value}`));
	},
	updateTouchpoint: async ({ request, locals, params, url }) => {
		const parsed = await parse(request, touchpointWithId, LISTS);
		if (!parsed.ok) return parsed.failure;
		const { id, ...input } = parsed.data;
		const result = await journeys.updateTouchpoint(locals.claims!, params.journey, id, input);
		if (!result.ok) return refused(parsed.form, result.error, LISTS);
		redirect(303, mapHref(url, params.team, params.journey, `#tp-${id}`));
	},
	removeTouchpoint: async ({ request, locals, params, url }) => {
		const parsed = await parse(request, idSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await journeys.removeTouchpoint(locals.claims!, params.journey, parsed.data.id);
		if (!result.ok) return refused(parsed.form, result.error);
		redirect(303, mapHref(url, params.team, params.journey));
	},
	moveTouchpoint: async ({ request, locals, params }) => {
		const parsed = await parse(request, touchpointMoveSchema);
		if (!parsed.ok) return parsed.failure;
		const { id, ...spec } = parsed.data;
		const result = await journeys.moveTouchpoint(locals.claims!, params.journey, id, spec);
		if (!result.ok) return refused(parsed.form, result.error);
		return formOk({ moved: id });
	},
	undo: async ({ locals, params }) => {
		const result = await journeys.undo(locals.claims!, params.journey);
		if (!result.ok) return refused(undefined, result.error);
		return formOk({ undone: result.value });
	}
};
