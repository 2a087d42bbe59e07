/**
 * The one way routes read a form and answer it: parse with a zod schema (fields with several
 * values included), a failure that keeps what the user typed, a domain refusal mapped to its
 * HTTP status in one table, and the signed-in person for actions.
 */
import { error, fail, type ActionFailure } from '@sveltejs/kit';
import type { z } from 'zod';
import type { Claims } from './db';
import type { Profile } from './people';

export type FieldErrors = Record<string, string>;
export interface FormFailure {
	values: Record<string, string>;
	errors: FieldErrors;
	/** A message key for the whole form. */
	message?: string;
}

/** Form values to show again after a failure (never passwords); a list as its values joined by commas. */
function keepValues(form: FormData, lists: readonly string[] = []): Record<string, string> {
	const values: Record<string, string> = {};
	for (const [k, v] of form) {
		if (typeof v === 'string' && !lists.includes(k) && !/password|confirm|current/i.test(k))
			values[k] = v;
	}
	for (const k of lists)
		values[k] = form
			.getAll(k)
			.filter((v) => typeof v === 'string')
			.join(',');
	return values;
}

/**
 * Validates a form post with a zod schema. Fields named in `lists` are read with all their
 * values (checkboxes, multiple selects). On bad input returns a ready `fail(400)` whose errors
 * are message keys per field, so the page shows them in the user's language.
 */
export async function parseForm<S extends z.ZodType>(
	request: Request,
	schema: S,
	lists: readonly string[] = []
): Promise<
	| { ok: true; data: z.output<S>; form: FormData }
	| { ok: false; failure: ActionFailure<FormFailure> }
> {
	let form: FormData;
	try {
		form = await request.formData();
	} catch {
		return { ok: false, failure: fail(400, { values: {}, errors: {}, message: 'bad_request' }) };
	}
	const raw: Record<string, unknown> = {};
	for (const [k, v] of form) if (typeof v === 'string' && !lists.includes(k)) raw[k] = v;
	for (const k of lists) raw[k] = form.getAll(k).filter((v) => typeof v === 'string');
	const parsed = schema.safeParse(raw);
	if (parsed.success) return { ok: true, data: parsed.data, form };
	const errors: FieldErrors = {};
	for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? '_')] ??= issue.message;
	return { ok: false, failure: fail(400, { values: keepValues(form, lists), errors }) };
}

/** A failure for a whole form or one field, keeping what the user typed. */
export function formError(
	form: FormData | undefined,
	message: string,
	field?: string,
	status = 400,
	lists: readonly string[] = []
): ActionFailure<FormFailure> {
	return fail(status, {
		values: form ? keepValues(form, lists) : {},
		errors: field ? { [field]: message } : {},
		message: field ? undefined : message
	});
}

/** A successful action answer in the same shape as a failure, plus what the page shows. */
export function formOk<T extends object>(extra?: T): FormFailure & T {
	return { values: {}, errors: {}, ...(extra as T) };
}

/**
 * Refusals that are not the user's input being wrong: the one table from a domain module's
 * refusal key to an HTTP status. Every other refusal is 400 (the input can be corrected).
 */
const STATUS: Record<string, number> = {
	forbidden: 403,
	not_found: 404,
	// the request conflicts with the current state of the journey, not with its own content
	category_taken: 409,
	nothing_to_undo: 409,
	cannot_move: 409,
	// someone decided the request meanwhile
	cycle_request_decided: 409,
	// a finished cycle's plan is fixed; a request is still with the coach
	cycle_frozen: 409,
	cycle_request_pending: 409,
	// an idea's id made on the phone that is somebody else's, or sent for somebody else
	idea_id_taken: 409,
	idea_wrong_person: 409,
	idea_photo_too_large: 413
};

/** The HTTP status of a domain refusal. */
export function refusalStatus(error: string): number {
	return STATUS[error] ?? 400;
}

/**
 * A domain refusal as a form failure: its key as the message (on `field` when given), the
 * status from `refusalStatus`, and what the user typed.
 */
export function refusal(
	form: FormData | undefined,
	error: string,
	options: { field?: string; message?: string; lists?: readonly string[] } = {}
): ActionFailure<FormFailure> {
	return formError(
		form,
		options.message ?? error,
		options.field,
		refusalStatus(error),
		options.lists
	);
}

/**
 * The signed-in person of a request, for loads and actions that go past the hook's guard:
 * answers 401 when there is none (the hook lets signed-out requests through only to public
 * pages, so this is a second line, never `locals.claims!`).
 */
export function signedIn(locals: App.Locals): { claims: Claims; user: Profile } {
	if (!locals.claims || !locals.user) error(401, 'signed_out');
	return { claims: locals.claims, user: locals.user };
}

/**
 * The signed-in admin of a request: every admin load, action and endpoint calls it itself, so
 * that no admin work depends on the hook recognising the path (answers 401 signed out, 403 for
 * any other role).
 */
export function requireAdmin(locals: App.Locals): { claims: Claims; user: Profile } {
	const me = signedIn(locals);
	if (me.user.role !== 'admin') error(403, 'forbidden');
	return me;
}

/** Whether a matched route (`event.route.id`) is an admin page or endpoint. */
export const isAdminRoute = (id: string | null) => !!id && /^\/\(app\)\/admin(\/|$)/.test(id);
