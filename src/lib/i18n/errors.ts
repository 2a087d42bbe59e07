import { m } from '$lib/paraglide/messages';

/** Error message keys (from zod schemas and server results) → text in the current language. */
const texts: Record<string, () => string> = {
	required: m.err_required,
	too_long: m.err_too_long,
	control_character: m.err_control_character,
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
	no_profile: m.err_no_profile,
	input_empty: m.err_input_empty,
	input_binary: m.err_input_binary,
	input_gzip: m.err_input_gzip,
	input_gzip_bomb: m.err_input_gzip_bomb,
	input_xml: m.err_input_xml,
	input_csv: m.err_input_csv,
	input_no_rows: m.err_input_no_rows,
	mapping_invalid: m.err_mapping_invalid,
	upload_missing: m.err_upload_missing,
	upload_too_large: m.err_upload_too_large,
	timezone_unknown: m.err_timezone_unknown,
	row_missing: m.err_row_missing,
	row_too_long: m.err_row_too_long,
	row_bad_time: m.err_row_bad_time,
	row_resolved_before_received: m.err_row_resolved_before_received,
	number: m.err_number,
	number_positive: m.err_number_positive,
	number_whole: m.err_number_whole,
	number_too_big: m.err_number_too_big,
	network: m.err_network,
	org_unknown: m.err_org_unknown,
	out_of_range: m.err_out_of_range,
	date: m.err_date,
	date_out_of_range: m.err_date_out_of_range,
	too_many: m.err_too_many,
	already_member: m.err_already_member,
	mandate_approved: m.err_mandate_approved
};

/**
 * A feature's own error keys → text, passed to the shared form components (`texts` prop) and to
 * `errorText`. Written out per key (`key: m.feature_err_key`) so the bundler keeps only the
 * messages a page can show; never look messages up by a computed name.
 */
export type ErrorTexts = Record<string, () => string>;

/** The text for an error key: the feature's own texts first (if given), then the shared ones. */
export function errorText(key: string | undefined | null, own?: ErrorTexts): string {
	if (!key) return '';
	if (own && Object.hasOwn(own, key)) return own[key]();
	if (key.startsWith('err_')) key = key.slice(4);
	return (Object.hasOwn(texts, key) ? texts[key] : m.err_unknown)();
}

/**
 * How long to wait after too many failed sign-ins: in seconds up to a minute, then in whole
 * minutes rounded up ("Probeer het over 3 minuten opnieuw"), never shorter than the real wait.
 */
export function waitText(seconds: number): string {
	return seconds <= 60
		? m.err_throttled_seconds({ seconds: Math.max(1, Math.ceil(seconds)) })
		: m.err_throttled_minutes({ minutes: Math.ceil(seconds / 60) });
}
