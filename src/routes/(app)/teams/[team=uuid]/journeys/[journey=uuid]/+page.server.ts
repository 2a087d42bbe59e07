import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { formOk, parseForm, signedIn } from '$lib/server/forms';
import * as cycles from '$lib/server/cycles';
import * as journeys from '$lib/server/journeys';
import { RANKINGS } from '$lib/journeys/blueprint';
import {
	idSchema,
	journeySchema,
	stageMoveSchema,
	stageSchema,
	touchpointMoveSchema,
	touchpointSchema
} from '$lib/schemas/journeys';
import { mapHref, weeksOf } from '../links';
import { journeyRefusal } from '../refusals.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const { claims } = signedIn(locals);
	const [map, running] = await Promise.all([
		journeys.get(claims, params.team, params.journey, { weeks: weeksOf(url) }),
		cycles.onTouchpoints(claims, params.team)
	]);
	if (!map) error(404, 'not_found');
	const rank = RANKINGS.find((r) => r === url.searchParams.get('rank')) ?? null;
	return { map, cycles: running, rank };
};

const LISTS = ['categories'] as const;
const stageWithId = stageSchema.extend(idSchema.shape);
const touchpointWithId = touchpointSchema.extend(idSchema.shape);

export const actions: Actions = {
	updateJourney: async ({ request, locals, params, url }) => {
		const { claims } = signedIn(locals);
		const parsed = await parseForm(request, journeySchema);
		if (!parsed.ok) return parsed.failure;
		const result = await journeys.update(claims, params.journey, parsed.data);
		if (!result.ok) return journeyRefusal(parsed.form, result.error);
		redirect(303, mapHref(url, params.team, params.journey));
	},
	removeJourney: async ({ request, locals, params }) => {
		const { claims } = signedIn(locals);
		const parsed = await parseForm(
			request,
			z.object({ confirm: z.literal('yes', { error: 'journey_err_confirm' }) })
		);
		if (!parsed.ok) return parsed.failure;
		const result = await journeys.remove(claims, params.journey);
		if (!result.ok) return journeyRefusal(parsed.form, result.error);
		redirect(303, `/teams/${params.team}/journeys`);
	},
	addStage: async ({ request, locals, params, url }) => {
		const { claims } = signedIn(locals);
		const parsed = await parseForm(request, stageSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await journeys.addStage(claims, params.journey, parsed.data);
		if (!result.ok) return journeyRefusal(parsed.form, result.error);
		redirect(303, mapHref(url, params.team, params.journey, `#stage-h-${result.id}`));
	},
	updateStage: async ({ request, locals, params, url }) => {
		const { claims } = signedIn(locals);
		const parsed = await parseForm(request, stageWithId);
		if (!parsed.ok) return parsed.failure;
		const { id, ...input } = parsed.data;
		const result = await journeys.updateStage(claims, params.journey, id, input);
		if (!result.ok) return journeyRefusal(parsed.form, result.error);
		redirect(303, mapHref(url, params.team, params.journey, `#stage-h-${id}`));
	},
	removeStage: async ({ request, locals, params, url }) => {
		const { claims } = signedIn(locals);
		const parsed = await parseForm(request, idSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await journeys.removeStage(claims, params.journey, parsed.data.id);
		if (!result.ok) return journeyRefusal(parsed.form, result.error);
		redirect(303, mapHref(url, params.team, params.journey));
	},
	moveStage: async ({ request, locals, params }) => {
		const { claims } = signedIn(locals);
		const parsed = await parseForm(request, stageMoveSchema);
		if (!parsed.ok) return parsed.failure;
		const { id, ...spec } = parsed.data;
		const result = await journeys.moveStage(claims, params.journey, id, spec);
		if (!result.ok) return journeyRefusal(parsed.form, result.error);
		return formOk({ moved: id });
	},
	addTouchpoint: async ({ request, locals, params, url }) => {
		const { claims } = signedIn(locals);
		const parsed = await parseForm(request, touchpointSchema, LISTS);
		if (!parsed.ok) return parsed.failure;
		const result = await journeys.addTouchpoint(claims, params.journey, parsed.data);
		if (!result.ok) return journeyRefusal(parsed.form, result.error, LISTS);
		redirect(303, mapHref(url, params.team, params.journey, `#tp-${result.id}`));
	},
	updateTouchpoint: async ({ request, locals, params, url }) => {
		const { claims } = signedIn(locals);
		const parsed = await parseForm(request, touchpointWithId, LISTS);
		if (!parsed.ok) return parsed.failure;
		const { id, ...input } = parsed.data;
		const result = await journeys.updateTouchpoint(claims, params.journey, id, input);
		if (!result.ok) return journeyRefusal(parsed.form, result.error, LISTS);
		redirect(303, mapHref(url, params.team, params.journey, `#tp-${id}`));
	},
	removeTouchpoint: async ({ request, locals, params, url }) => {
		const { claims } = signedIn(locals);
		const parsed = await parseForm(request, idSchema);
		if (!parsed.ok) return parsed.failure;
		const result = await journeys.removeTouchpoint(claims, params.journey, parsed.data.id);
		if (!result.ok) return journeyRefusal(parsed.form, result.error);
		redirect(303, mapHref(url, params.team, params.journey));
	},
	moveTouchpoint: async ({ request, locals, params }) => {
		const { claims } = signedIn(locals);
		const parsed = await parseForm(request, touchpointMoveSchema);
		if (!parsed.ok) return parsed.failure;
		const { id, ...spec } = parsed.data;
		const result = await journeys.moveTouchpoint(claims, params.journey, id, spec);
		if (!result.ok) return journeyRefusal(parsed.form, result.error);
		return formOk({ moved: id });
	},
	undo: async ({ locals, params }) => {
		const { claims } = signedIn(locals);
		const result = await journeys.undo(claims, params.journey);
		if (!result.ok) return journeyRefusal(undefined, result.error);
		return formOk({ undone: result.undone });
	}
};
