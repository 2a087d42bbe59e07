import { UNIT, type Metric } from '$lib/metrics/series';
import { getLocale } from '$lib/paraglide/runtime';

/** Numbers and durations in the user's language (nl: 1.234,5; en: 1,234.5). */
export const number = (v: number | null | undefined, digits = 0) =>
	v === null || v === undefined
		? '–'
		: new Intl.NumberFormat(getLocale(), {
				maximumFractionDigits: digits,
				minimumFractionDigits: digits
			}).format(v);

export const percent = (v: number | null | undefined, digits = 1) =>
	v === null || v === undefined
		? '–'
		: new Intl.NumberFormat(getLocale(), {
				style: 'percent',
				maximumFractionDigits: digits,
				minimumFractionDigits: digits
			}).format(v);

/**
 * A stored amount ("5000.00") as a form field shows it to this user: whole euros without
 * cents, and the decimal comma in Dutch ("1250,50"), which the schemas read back.
 */
export function amountInput(value: string | number | null | undefined): string {
	if (value === null || value === undefined || value === '') return '';
	const n = Number(value);
	if (!Number.isFinite(n)) return String(value);
	const text = Number.isInteger(n) ? String(n) : n.toFixed(2);
	return getLocale() === 'nl' ? text.replace('.', ',') : text;
}

/** Hours as days once they pass two days: what a team says about lead times. */
export const duration = (
	hours: number | null | undefined,
	texts: { hours: string; days: string }
) =>
	hours === null || hours === undefined
		? '–'
		: hours < 48
			? `${number(hours, 1)} ${texts.hours}`
			: `${number(hours / 24, 1)} ${texts.days}`;

export const dateTime = (d: Date | null | undefined) =>
	d
		? new Intl.DateTimeFormat(getLocale(), { dateStyle: 'medium', timeStyle: 'short' }).format(d)
		: '–';

/** A calendar date 'YYYY-MM-DD' (or a Date) as the user reads it, e.g. "23 nov 2026". */
export const date = (d: string | Date | null | undefined) => {
	if (!d) return '–';
	const value = typeof d === 'string' ? new Date(`${d.slice(0, 10)}T12:00:00Z`) : d;
	return new Intl.DateTimeFormat(getLocale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(
		value
	);
};

/** A metric's value in its unit: shares as percent, lead times in days, counts whole. */
export const metricValue = (v: number | null | undefined, metric: Metric, daysText: string) => {
	if (v === null || v === undefined) return '–';
	const unit = UNIT[metric];
	if (unit === 'share') return percent(v);
	if (unit === 'days') return `${number(v, 1)} ${daysText}`;
	return number(v);
};
