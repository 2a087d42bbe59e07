import { refusal } from '$lib/server/forms';
import type { JourneyError } from '$lib/server/journeys';

/**
 * The message each refusal of the journey module shows, and the field it belongs to (none: on
 * the whole form). The HTTP status comes from $lib/server/forms.
 */
const MESSAGES: Record<JourneyError, { message: string; field?: string }> = {
	not_found: { message: 'not_found' },
	forbidden: { message: 'journey_err_forbidden' },
	department_unknown: { message: 'department_unknown', field: 'departmentId' },
	owner_unknown: { message: 'invalid_choice', field: 'ownerId' },
	category_unknown: { message: 'invalid_choice', field: 'categories' },
	category_taken: { message: 'journey_err_category_taken', field: 'categories' },
	stage_unknown: { message: 'journey_err_stage_unknown' },
	nothing_to_undo: { message: 'journey_err_nothing_to_undo' },
	cannot_move: { message: 'journey_err_cannot_move' },
	invalid: { message: 'journey_err_invalid' }
};

/** A refusal of the journey module as a failure with what the user typed. */
export function journeyRefusal(
	form: FormData | undefined,
	error: JourneyError,
	lists: readonly string[] = []
) {
	return refusal(form, error, { ...MESSAGES[error], lists });
}
