/** ISO week numbers for the Mondays of a weekly series. Pure. */

/** The ISO week and its year of a date 'YYYY-MM-DD'. */
export function isoWeek(date: string): { week: number; year: number } {
	const d = new Date(`${date.slice(0, 10)}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7) + 3); // the Thursday of its week
	const year = d.getUTCFullYear();
	const firstThursday = new Date(Date.UTC(year, 0, 4));
	firstThursday.setUTCDate(firstThursday.getUTCDate() - ((firstThursday.getUTCDay() + 6) % 7) + 3);
	return { week: 1 + Math.round((d.getTime() - firstThursday.getTime()) / (7 * 86400000)), year };
}

/**
 * A stretch of weeks as a team says it: "wk 45", "wk 45–51", or with years when it crosses one
 * ("wk 50 2025 – wk 3 2026") or when `years` asks for them (a chart that spans several years:
 * "wk 45 2025", "wk 8–47 2026"). `prefix` is the word for week in the user's language.
 */
export function weekSpan(from: string, to: string, prefix: string, years = false): string {
	const a = isoWeek(from);
	const b = isoWeek(to);
	const year = years ? ` ${b.year}` : '';
	if (a.week === b.week && a.year === b.year) return `${prefix} ${a.week}${year}`;
	if (a.year === b.year) return `${prefix} ${a.week}–${b.week}${year}`;
	return `${prefix} ${a.week} ${a.year} – ${prefix} ${b.week} ${b.year}`;
}

/** Whether the weeks of a series lie in more than one ISO year. */
export const spansYears = (weeks: readonly string[]) =>
	weeks.length > 0 && isoWeek(weeks[0]).year !== isoWeek(weeks[weeks.length - 1]).year;
