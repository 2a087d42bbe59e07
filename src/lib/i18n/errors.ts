import { m } from '$lib/paraglide/messages';

/** Error message keys (from zod schemas and server results) → text in the current language. */
const texts: Record<string, () => string> = {
	required: m.err_required,
	too_long: m.err_too_long,
	email: m.err_email,
	password_short: m.err_password_short,
	password_mismatch: m.err_password_mismatch,
	invalid_choice: m.err_invalid_choice,
	bad_request: m.err_bad_request,
	email_taken: m.err_email_taken,
	name_taken: m.err_name_taken,
	department_unknown: m.err_department_unknown,
	not_found: m.err_not_found,
	forbidden: m.err_forbidden,
	own_role: m.err_own_role,
	wrong_password: m.err_wrong_password,
	sign_in_invalid: m.err_sign_in_invalid,
	invitation_invalid: m.err_invitation_invalid,
	already_set_up: m.err_already_set_up,
	no_profile: m.err_no_profile
};

export function errorText(key: string | undefined): string {
	if (!key) return '';
	return (texts[key] ?? m.err_unknown)();
}
