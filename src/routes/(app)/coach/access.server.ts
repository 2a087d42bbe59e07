import { error, type RequestEvent } from '@sveltejs/kit';
import type { Claims } from '$lib/server/db';
import { mayCoach } from '$lib/server/coach';
import { decideRequest } from '$lib/server/cycles';
import { decisionSchema } from '$lib/schemas/evaluations';
import { formOk, parseForm, refusal, signedIn } from '$lib/server/forms';

/** The coach view is for coaches and admins; staff get a friendly 403 page. */
export function coachClaims(locals: App.Locals): Claims {
	const { claims, user } = signedIn(locals);
	if (!mayCoach(user.role)) error(403, 'coach_only');
	return claims;
}

/** The cycles module's refusals the coach view words in its own way (the status stays theirs). */
const WORDS: Record<string, string> = {
	cycle_request_decided: 'coach_already_decided',
	cycle_reason_required: 'coach_reason_required'
};

/** The `decide` form action of the overview and the team page: approve or decline a request. */
export async function decide({ request, locals }: Pick<RequestEvent, 'request' | 'locals'>) {
	const { claims, user } = signedIn(locals);
	if (!mayCoach(user.role)) return refusal(undefined, 'forbidden');
	const parsed = await parseForm(request, decisionSchema);
	if (!parsed.ok) return parsed.failure;
	const { request_id: id, decision, reason } = parsed.data;
	const result = await decideRequest(claims, id, decision === 'approve', reason);
	if (!result.ok) {
		const error = result.error;
		const field = error === 'cycle_reason_required' || error === 'too_long' ? 'reason' : undefined;
		return refusal(parsed.form, error, { field, message: WORDS[error] });
	}
	return formOk({ decided: decision === 'approve' ? 'approved' : 'declined' });
}
