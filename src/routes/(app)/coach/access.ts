import { error, type RequestEvent } from '@sveltejs/kit';
import type { Claims } from '$lib/server/db';
import { decideRequest, mayCoach } from '$lib/server/coach';
import { decisionSchema } from '$lib/schemas/evaluations';
import { formError, formOk, parseForm } from '$lib/server/forms';

/** The coach view is for coaches and admins; staff get a friendly 403 page. */
export function coachClaims(locals: App.Locals): Claims {
	if (!locals.claims || !mayCoach(locals.user?.role)) error(403, 'coach_only');
	return locals.claims;
}

const STATUS = {
	not_found: 404,
	forbidden: 403,
	coach_already_decided: 409,
	coach_reason_required: 400
} as const;

/** The `decide` form action of the overview and the team page: approve or decline a request. */
export async function decide({ request, locals }: Pick<RequestEvent, 'request' | 'locals'>) {
	if (!locals.claims || !mayCoach(locals.user?.role))
		return formError(undefined, 'forbidden', undefined, 403);
	const parsed = await parseForm(request, decisionSchema);
	if (!parsed.ok) return parsed.failure;
	const { request_id: id, decision, reason } = parsed.data;
	const result = await decideRequest(locals.claims, id, decision === 'approve', reason);
	if (!result.ok)
		return formError(
			parsed.form,
			result.error,
			result.error === 'coach_reason_required' ? 'reason' : undefined,
			STATUS[result.error]
		);
	return formOk({ decided: decision === 'approve' ? 'approved' : 'declined' });
}
