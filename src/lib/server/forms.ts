import { fail, type ActionFailure } from '@sveltejs/kit';
import type { z } from 'zod';

export type FieldErrors = Record<string, string>;
export interface FormFailure {
	values: Record<string, string>;
	errors: FieldErrors;
	/** A message key for the whole form. */
	message?: string;
}

/** Form values to show again after a failure (never passwords). */
function keepValues(form: FormData): Record<string, string> {
	const values: Record<string, string> = {};
	for (const [k, v] of form) {
		if (typeof v === 'string' && !/password|confirm|current/i.test(k)) values[k] = v;
	}
	return values;
}

/**
 * Validates a form post with a zod schema. On bad input returns a ready `fail(400)` whose
 * errors are message keys per field, so the page shows them in the user's language.
 */
export async function parseForm<S extends z.ZodType>(
	request: Request,
	schema: S
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
	const parsed = schema.safeParse(Object.fromEntries(form));
	if (parsed.success) return { ok: true, data: parsed.data, form };
	const errors: FieldErrors = {};
	for (const issue of parsed.error.issues) {
		const field = String(issue.path[0] ?? '_');
		errors[field] ??= issue.message;
	}
	return { ok: false, failure: fail(400, { values: keepValues(form), errors }) };
}

/** A failure for a whole form or one field, keeping what the user typed. */
export function formError(
	form: FormData | undefined,
	message: string,
	field?: string,
	status = 400
): ActionFailure<FormFailure> {
	return fail(status, {
		values: form ? keepValues(form) : {},
		errors: field ? { [field]: message } : {},
		message: field ? undefined : message
	});
}

/** A successful action answer in the same shape as a failure, plus what the page shows. */
export function formOk<T extends object>(extra?: T): FormFailure & T {
	return { values: {}, errors: {}, ...(extra as T) };
}
