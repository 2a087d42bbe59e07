import { error } from '@sveltejs/kit';
import { z } from 'zod';
import * as cycles from '$lib/server/cycles';
import { effectOf } from '$lib/server/figures/cycle-effect';
import { formOk, parseForm, refusal, signedIn } from '$lib/server/forms';
import type { Result } from '$lib/server/result';
import {
	actionSchema,
	correctionSchema,
	cycleSchema,
	decideSchema,
	idSchema,
	requestSchema,
	statusSchema
} from '$lib/schemas/cycles';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const { claims } = signedIn(locals);
	const cycle = await cycles.get(claims, params.team, params.cycle);
	if (!cycle) error(404, 'not_found');
	const [details, effect] = await Promise.all([
		cycles.details(claims, cycle),
		effectOf(claims, cycle.id)
	]);
	return { cycle, ...details, effect };
};

/** Which form answered: the page shows a message next to that one only. */
type Which = 'plan' | 'correct' | 'status' | 'request' | 'decide' | 'action' | 'rebase';

function answer(
	which: Which,
	form: FormData | undefined,
	result: Result<object, cycles.CycleError>,
	field?: (error: string) => string | undefined
) {
	if (result.ok) return formOk({ done: which });
	return withForm(refusal(form, result.error, { field: field?.(result.error) }), which);
}

/** A database refusal of a date order belongs to the field that the form's own check names. */
const DATE_FIELDS: Record<string, string> = {
	cycle_baseline_order: 'baselineTo',
	cycle_change_after_baseline: 'changeDate',
	cycle_test_after_change: 'testFrom',
	cycle_test_after_baseline: 'testFrom',
	cycle_test_order: 'testTo'
};

function withForm<T extends { data: { values: Record<string, string> } }>(
	failure: T,
	which: Which
) {
	failure.data.values._form = which;
	return failure;
}

export const actions: Actions = {
	save: async ({ request, locals, params }) => {
		const parsed = await parseForm(request, cycleSchema);
		if (!parsed.ok) return withForm(parsed.failure, 'plan');
		const result = await cycles.update(signedIn(locals).claims, params.cycle, parsed.data);
		return answer('plan', parsed.form, result, (e) =>
			e === 'cycle_scope_unknown'
				? 'scopeCategoryId'
				: e === 'cycle_boundary_named'
					? 'boundary'
					: DATE_FIELDS[e]
		);
	},
	correct: async ({ request, locals, params }) => {
		const parsed = await parseForm(request, correctionSchema);
		if (!parsed.ok) return withForm(parsed.failure, 'correct');
		const { correction, ...plan } = parsed.data;
		const result = await cycles.update(signedIn(locals).claims, params.cycle, plan, correction);
		return answer('correct', parsed.form, result, (e) =>
			e === 'cycle_correction_repeated'
				? 'correction'
				: e === 'cycle_scope_unknown'
					? 'scopeCategoryId'
					: DATE_FIELDS[e]
		);
	},
	status: async ({ request, locals, params }) => {
		const parsed = await parseForm(request, statusSchema);
		if (!parsed.ok) return withForm(parsed.failure, 'status');
		const { to, right } = parsed.data;
		return answer(
			'status',
			parsed.form,
			await cycles.setStatus(signedIn(locals).claims, params.cycle, to, right)
		);
	},
	request: async ({ request, locals, params }) => {
		const parsed = await parseForm(request, requestSchema);
		if (!parsed.ok) return withForm(parsed.failure, 'request');
		return answer(
			'request',
			parsed.form,
			await cycles.raiseRequest(signedIn(locals).claims, params.cycle, parsed.data.question)
		);
	},
	decide: async ({ request, locals }) => {
		const parsed = await parseForm(request, decideSchema);
		if (!parsed.ok) return withForm(parsed.failure, 'decide');
		const { request: id, decision, reason } = parsed.data;
		return answer(
			'decide',
			parsed.form,
			await cycles.decideRequest(signedIn(locals).claims, id, decision === 'approve', reason),
			(e) => (e === 'cycle_reason_required' ? 'reason' : undefined)
		);
	},
	addAction: async ({ request, locals, params }) => {
		const parsed = await parseForm(request, actionSchema);
		if (!parsed.ok) return withForm(parsed.failure, 'action');
		return answer(
			'action',
			parsed.form,
			await cycles.addAction(signedIn(locals).claims, params.cycle, parsed.data)
		);
	},
	actionDone: async ({ request, locals, params }) => {
		const parsed = await parseForm(
			request,
			idSchema.extend({ done: z.enum(['true', 'false'], { error: 'invalid_choice' }) })
		);
		if (!parsed.ok) return withForm(parsed.failure, 'action');
		const { id, done } = parsed.data;
		return answer(
			'action',
			parsed.form,
			await cycles.setActionDone(signedIn(locals).claims, params.cycle, id, done === 'true')
		);
	},
	removeAction: async ({ request, locals, params }) => {
		const parsed = await parseForm(request, idSchema);
		if (!parsed.ok) return withForm(parsed.failure, 'action');
		return answer(
			'action',
			parsed.form,
			await cycles.removeAction(signedIn(locals).claims, params.cycle, parsed.data.id)
		);
	},
	rebase: async ({ request, locals, params }) => {
		const parsed = await parseForm(
			request,
			z.object({ undo: z.enum(['0', '1'], { error: 'invalid_choice' }).default('0') })
		);
		if (!parsed.ok) return withForm(parsed.failure, 'rebase');
		return answer(
			'rebase',
			parsed.form,
			await cycles.rebase(signedIn(locals).claims, params.cycle, parsed.data.undo === '1')
		);
	}
};
