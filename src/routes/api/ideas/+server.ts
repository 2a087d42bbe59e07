import { json } from '@sveltejs/kit';
import { ideaErrorText } from '$lib/ideas/errors';
import { refusalStatus } from '$lib/server/forms';
import * as ideas from '$lib/server/ideas';
import type { RequestHandler } from './$types';

/**
 * POST /api/ideas — the outbox's way in (signed in with the session cookie; the service worker
 * sends the same request). multipart/form-data (id, body, teamId, journeyId, touchpointId,
 * personId, photo) or JSON (the same, photo as base64). The id is made on the phone: 201 when
 * stored now, 200 when it was stored before (a retry), 409 when the id is somebody else's.
 * Bad input: 400 (413 when too large) with `error` (a key) and `message` (the user's language).
 */
const refuse = (error: string, status: number, field?: string) =>
	json({ error, field, message: ideaErrorText(error) }, { status });

export const POST: RequestHandler = async ({ request, locals }) => {
	if (!locals.claims || !locals.user) return refuse('idea_signed_out', 401);
	if (Number(request.headers.get('content-length') ?? 0) > ideas.MAX_REQUEST_BYTES)
		return refuse('idea_too_large', 413);
	const type = request.headers.get('content-type') ?? '';
	let submission: ideas.Submission;
	try {
		if (type.startsWith('application/json'))
			submission = await ideas.readJsonSubmission(await request.json());
		else if (type.startsWith('multipart/form-data'))
			submission = await ideas.readSubmission(await request.formData());
		else return refuse('bad_request', 415);
	} catch {
		return refuse('bad_request', 400);
	}
	if (!submission.ok) return refuse(submission.error, submission.status, submission.field);
	const r = await ideas.submit(locals.claims, submission.input, submission.photo);
	if (!r.ok) return refuse(r.error, refusalStatus(r.error));
	return json({ id: submission.input.id, created: r.created }, { status: r.created ? 201 : 200 });
};
