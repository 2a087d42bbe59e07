import { getLocale } from '$lib/paraglide/runtime';

/** An ISO weekday (1 = Monday) as a short name in the user's language. */
export const weekdayLabel = (isoDay: number) =>
	new Intl.DateTimeFormat(getLocale(), { weekday: 'short', timeZone: 'UTC' }).format(
		new Date(Date.UTC(2024, 0, isoDay))
	);
