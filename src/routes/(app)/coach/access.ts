import { error, type RequestEvent } from '@sveltejs/kit';
import type { Claims } from '$lib/server/db';
import { mayCoach } from '$lib/server/coach';
import { decideRequest } from '$lib/server/cycles';
import { decisionSchema } from '$lib/schemas/evaluations';
import { formError, formOk, parseForm } from '$lib/server/forms';

/** The coach view is for coaches and admins; staff get a friendly 403 page. */
export function coachClaims(locals: App.Locals): Claims {
	if (!locals.claims || !mayCoach(locals.user?.role)) error(403, 'coach_only');
	return locals.claims;
}

/** The cycles module's answers, in the coach view's words and with their HTTP status. */
const ANSWERS: Record<string, [string, number]> = {
	not_found: ['not_found', 404],
	forbidden: ['forbidden', 403],
	cycle_request_decided: ['coach_already_decided', 409],
	cycle_reason_required: ['coach_reason_required', 400]
};

/** The `decide` form action of the overview and the team page: approve or decline a request. */
export async function decide({ request, locals }: Pick<RequestEvent, 'request' | 'locals'>) {
	if (!locals.claims || !mayCoach(locals.user?.role))
		return formError(undefined, 'forbidden', undefined, 403);
	const parsed = await parseForm(request, decisionSchema);
	if (!parsed.ok) return parsed.failure;
	const { request_id: id, decision, reason } = parsed.data;
	const result = await decideRequest(locals.claims, id, decision === 'approve', reason);
	if (!result.ok) {
		const [key, status] = ANSWERS[result.error] ?? [result.error, 400];
		return formError(
			parsed.form,
			key,
			key === 'coach_reason_required' || key === 'too_long' ? 'reason' : undefined,
			status
		);
	}
	return formOk({ decided: decision === 'approve' ? 'approved' : 'declined' });
}
