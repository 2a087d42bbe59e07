import type { ErrorTexts } from '$lib/i18n/errors';
import { m } from '$lib/paraglide/messages';

/** The cycle pages' own error keys → text (the `texts` of the shared form components). */
export const cycleErrors: ErrorTexts = {
	cycle_windows_missing: m.cycle_err_windows_missing,
	cycle_outside_mandate: m.cycle_err_outside_mandate,
	cycle_right_unknown: m.cycle_err_right_unknown,
	cycle_status_stale: m.cycle_err_status_stale,
	cycle_baseline_order: m.cycle_err_baseline_order,
	cycle_change_after_baseline: m.cycle_err_change_after_baseline,
	cycle_test_after_change: m.cycle_err_test_after_change,
	cycle_test_after_baseline: m.cycle_err_test_after_baseline,
	cycle_test_order: m.cycle_err_test_order,
	cycle_scope_unknown: m.cycle_err_scope_unknown,
	cycle_reason_required: m.cycle_err_reason_required,
	cycle_request_decided: m.cycle_err_request_decided,
	cycle_request_open: m.cycle_err_request_open,
	cycle_rebase_needs_adoption: m.cycle_err_rebase_needs_adoption,
	cycle_date_invalid: m.cycle_err_date_invalid,
	cycle_request_pending: m.cycle_err_request_pending,
	cycle_request_declined: m.cycle_err_request_declined,
	cycle_over_budget: m.cycle_err_over_budget,
	cycle_touches_boundary: m.cycle_err_touches_boundary,
	cycle_boundary_named: m.cycle_err_boundary_named,
	cycle_frozen: m.cycle_err_frozen,
	cycle_correction_repeated: m.cycle_err_correction_repeated
};
