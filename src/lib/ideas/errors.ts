import { m } from '$lib/paraglide/messages';

/** Idea error keys (zod messages, server results, outbox answers) → text in the user's language. */
const texts: Record<string, () => string> = {
	idea_body_required: m.idea_err_body_required,
	idea_body_short: m.idea_err_body_short,
	idea_body_long: m.idea_err_body_long,
	idea_id_invalid: m.idea_err_id_invalid,
	idea_id_taken: m.idea_err_id_taken,
	idea_wrong_person: m.idea_err_wrong_person,
	idea_about_unknown: m.idea_err_about_unknown,
	idea_about_mismatch: m.idea_err_about_mismatch,
	idea_photo_not_image: m.idea_err_photo_not_image,
	idea_photo_too_large: m.idea_err_photo_too_large,
	idea_photo_empty: m.idea_err_photo_empty,
	idea_reason_required: m.idea_err_reason_required,
	idea_bad_transition: m.idea_err_bad_transition,
	idea_needs_team: m.idea_err_needs_team,
	idea_cycle_forbidden: m.idea_err_cycle_forbidden,
	idea_cycle_other_team: m.idea_err_cycle_other_team,
	idea_too_large: m.idea_err_too_large,
	idea_signed_out: m.idea_err_signed_out,
	// the shared keys these pages meet (the full shared table would weigh on the idea page)
	required: m.err_required,
	too_long: m.err_too_long,
	invalid_choice: m.err_invalid_choice,
	bad_request: m.err_bad_request,
	not_found: m.err_not_found,
	forbidden: m.err_forbidden,
	network: m.err_network
};

export function ideaErrorText(key: string | undefined | null): string {
	if (!key) return '';
	return (texts[key] ?? m.err_unknown)();
}
