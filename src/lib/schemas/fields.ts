import { z } from 'zod';

// In the browser zod first tries whether it may compile validators with `new Function`; Koers's
// content security policy has no 'unsafe-eval', so the try fails (harmlessly, it is caught) and
// Chromium reports a policy violation on every page that validates a form. Don't try there.
if (typeof document !== 'undefined') z.config({ jitless: true });

/**
 * Field rules shared by forms, API and importers. Error messages are message keys
 * (see $lib/i18n/errors.ts), so they show in the user's language.
 */
/**
 * Control characters a person never types (all but tab, line feed and carriage return); NUL
 * above all, which PostgreSQL refuses in text.
 */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Whether s holds a control character that no text field takes. */
export const hasControlCharacter = (s: string) => CONTROL_CHARACTER.test(s);

/**
 * The one text rule of every free-text field: a string without control characters
 * ('control_character'); chain trim, min and max after it.
 */
export const plainText = () =>
	z
		.string({ error: 'required' })
		.refine((s) => !hasControlCharacter(s), { error: 'control_character', abort: true });

export const requiredText = (max: number) =>
	plainText().trim().min(1, { error: 'required' }).max(max, { error: 'too_long' });

export const email = z
	.string({ error: 'required' })
	.trim()
	.toLowerCase()
	.min(1, { error: 'required' })
	.max(254, { error: 'too_long' })
	.pipe(z.email({ error: 'email' }));

/** A number as typed in a Dutch form: "2,5" as well as "2.5", spaces around it ignored. */
export const commaDecimal = (v: unknown) =>
	typeof v === 'string' ? v.trim().replace(',', '.') : v;

export const PASSWORD_MIN = 10;
export const newPassword = z
	.string({ error: 'required' })
	.min(PASSWORD_MIN, { error: 'password_short' })
	.max(200, { error: 'too_long' });

/** A uuid from a select; the empty option means "none". */
export const optionalId = z.preprocess(
	(v) => (v === '' || v === null ? null : v),
	z.uuid({ error: 'invalid_choice' }).nullable()
);

/** Whether s is a calendar date 'YYYY-MM-DD' that exists (not 2026-02-30). */
export function isCalendarDay(s: unknown): s is string {
	if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
	const d = new Date(`${s}T00:00:00Z`);
	return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * A date as an <input type="date"> sends it (YYYY-MM-DD): empty is 'required', a date that is
 * not on the calendar is `error` ('date', or a feature's own key for the same words). Stops at
 * the first problem, so a rule chained after it sees a real date.
 */
export const isoDate = (error = 'date') =>
	z
		.string({ error: 'required' })
		.trim()
		.min(1, { error: 'required', abort: true })
		.refine(isCalendarDay, { error, abort: true });

/**
 * The window of dates Koers takes: from 1 January 1990 to five years from today. Earlier or
 * later is a typing slip (0226, 2206) and would make a chart run over centuries. The database
 * holds every date column to a fixed, wider window (1990 up to 2100, see the sane_values
 * migration), since a check constraint cannot follow the calendar.
 */
export const EARLIEST_DAY = '1990-01-01';
export const YEARS_AHEAD = 5;

/** The last day the window takes: today (UTC) plus YEARS_AHEAD years, 'YYYY-MM-DD'. */
export function latestDay(now = new Date()): string {
	const d = new Date(now);
	d.setUTCFullYear(d.getUTCFullYear() + YEARS_AHEAD);
	return d.toISOString().slice(0, 10);
}

/** Whether s is a calendar date within the window. */
export const isSaneDay = (s: unknown): s is string =>
	isCalendarDay(s) && s >= EARLIEST_DAY && s <= latestDay();

/**
 * The one date rule of every date a person posts: `isoDate(error)` within the window (else
 * 'date_out_of_range').
 */
export const saneDate = (error = 'date') =>
	isoDate(error).refine((s) => s >= EARLIEST_DAY && s <= latestDay(), {
		error: 'date_out_of_range',
		abort: true
	});
