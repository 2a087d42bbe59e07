import { fail, type ActionFailure } from '@sveltejs/kit';
import type { z } from 'zod';
import { DEFAULT_WEEKS, PERIOD_WEEKS } from '$lib/schemas/journeys';
import type { FieldErrors, FormFailure } from '$lib/server/forms';
import type { JourneyError } from '$lib/server/journeys';

/**
 * Form handling for the journey pages: like $lib/server/forms parseForm, plus fields with
 * several values (the categories of a touchpoint) and the journey module's refusals as
 * messages on the right field.
 */
export async function parse<S extends z.ZodType>(
	request: Request,
	schema: S,
	lists: string[] = []
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
	return { ok: false, failure: fail(400, { values: values(form, lists), errors }) };
}

/** What the user typed, to show again; a list as its values joined by commas. */
function values(form: FormData, lists: string[]): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of form) if (typeof v === 'string' && !lists.includes(k)) out[k] = v;
	for (const k of lists)
		out[k] = form
			.getAll(k)
			.filter((v) => typeof v === 'string')
			.join(',');
	return out;
}

const REFUSALS: Record<JourneyError, { message: string; field?: string; status: number }> = {
	not_found: { message: 'not_found', status: 404 },
	forbidden: { message: 'journey_err_forbidden', status: 403 },
	department_unknown: { message: 'department_unknown', field: 'departmentId', status: 400 },
	owner_unknown: { message: 'invalid_choice', field: 'ownerId', status: 400 },
	category_unknown: { message: 'invalid_choice', field: 'categories', status: 400 },
	category_taken: { message: 'journey_err_category_taken', field: 'categories', status: 409 },
	stage_unknown: { message: 'journey_err_stage_unknown', status: 400 },
	nothing_to_undo: { message: 'journey_err_nothing_to_undo', status: 409 },
	cannot_move: { message: 'journey_err_cannot_move', status: 409 },
	invalid: { message: 'journey_err_invalid', status: 400 }
};

/** A refusal of the journey module as a failure with what the user typed. */
export function refused(
	form: FormData | undefined,
	error: JourneyError,
	lists: string[] = []
): ActionFailure<FormFailure> {
	const r = REFUSALS[error];
	return fail(r.status, {
		values: form ? values(form, lists) : {},
		errors: r.field ? { [r.field]: r.message } : {},
		message: r.field ? undefined : r.message
	});
}

/** The period the page shows: ?weeks= one of 13, 26, 52 (default 26). */
export function weeksOf(url: URL): number {
	const w = Number(url.searchParams.get('weeks'));
	return (PERIOD_WEEKS as readonly number[]).includes(w) ? w : DEFAULT_WEEKS;
}

/** The map's address with its period kept (other parameters, such as an open panel, dropped). */
export function mapHref(url: URL, teamId: string, journeyId: string, hash = ''): string {
	const weeks = url.searchParams.get('weeks');
	const query = weeks && weeksOf(url) !== DEFAULT_WEEKS ? `?weeks=${weeksOf(url)}` : '';
	return `/teams/${teamId}/journeys/${journeyId}${query}${hash}`;
}
