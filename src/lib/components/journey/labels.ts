import { number, percent } from '$lib/format';
import { errorText, type ErrorTexts } from '$lib/i18n/errors';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import type { Channel, NormUnit, Office, UndoChange } from '$lib/schemas/journeys';
import type { NormStatus } from '$lib/journeys/blueprint';

/** Words for the journey map, in the user's language. */

export const channelLabel = (c: Channel) =>
	({
		phone: m.journey_channel_phone,
		counter: m.journey_channel_counter,
		web: m.journey_channel_web,
		email: m.journey_channel_email,
		post: m.journey_channel_post,
		app: m.journey_channel_app,
		in_person: m.journey_channel_in_person
	})[c]();

export const officeLabel = (o: Office) =>
	({ front_office: m.journey_front_office, back_office: m.journey_back_office })[o]();

export const lineLabel = (line: number) =>
	[m.journey_line_1, m.journey_line_2, m.journey_line_3][line - 1]?.() ?? '';

export const emotionLabel = (e: number) =>
	[
		m.journey_emotion_m2,
		m.journey_emotion_m1,
		m.journey_emotion_0,
		m.journey_emotion_p1,
		m.journey_emotion_p2
	][e + 2]?.() ?? '';

/** −2, −1, 0, +1, +2 with a real minus sign. */
export const signed = (e: number) => (e > 0 ? `+${e}` : e < 0 ? `−${-e}` : '0');

export const statusLabel = (s: NormStatus) =>
	({
		within: m.journey_status_within,
		over: m.journey_status_over,
		far_over: m.journey_status_far_over
	})[s]();

/** Short unit after a number of days: "d" or "wd", and its full name. */
export const unitShort = (u: NormUnit) =>
	u === 'working_days' ? m.journey_unit_wd() : m.journey_unit_d();
export const unitLong = (u: NormUnit) =>
	u === 'working_days' ? m.norm_working_days() : m.norm_calendar_days();

export const days = (v: number | null, digits = 1) => number(v, digits);
export { number, percent };

export const undoLabel = (change: UndoChange, subject: string) =>
	({
		journey_update: m.journey_undo_journey_update,
		stage_add: m.journey_undo_stage_add,
		stage_update: m.journey_undo_stage_update,
		stage_remove: m.journey_undo_stage_remove,
		stage_move: m.journey_undo_stage_move,
		touchpoint_add: m.journey_undo_touchpoint_add,
		touchpoint_update: m.journey_undo_touchpoint_update,
		touchpoint_remove: m.journey_undo_touchpoint_remove,
		touchpoint_move: m.journey_undo_touchpoint_move
	})[change]({ name: subject });

/** The journey pages' own error keys → text (the `texts` of the shared form components). */
export const journeyErrors: ErrorTexts = {
	journey_err_forbidden: m.journey_err_forbidden,
	journey_err_category_taken: m.journey_err_category_taken,
	journey_err_stage_unknown: m.journey_err_stage_unknown,
	journey_err_nothing_to_undo: m.journey_err_nothing_to_undo,
	journey_err_cannot_move: m.journey_err_cannot_move,
	journey_err_invalid: m.journey_err_invalid
};

/** A message key from a journey form or action → text (journey keys, then the shared ones). */
export const journeyError = (key: string | undefined) => errorText(key, journeyErrors);

/** A local date 'YYYY-MM-DD' as the user's language writes it (e.g. 25 mei 2026). */
export function dateOnly(day: string): string {
	const [y, mo, d] = day.split('-').map(Number);
	return new Intl.DateTimeFormat(getLocale(), {
		day: 'numeric',
		month: 'short',
		year: 'numeric',
		timeZone: 'UTC'
	}).format(new Date(Date.UTC(y, mo - 1, d)));
}

/**
 * How a lead time stands against its norm, as a sign beside the words: a comparison, not an SPC
 * signal (those are the variation icon's), so no arrow or triangle that means something else
 * on another page.
 */
export const NORM_SIGN = { within: '≤', over: '>', far_over: '≫' } as const;
