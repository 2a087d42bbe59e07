import { DEFAULT_WEEKS, PERIOD_WEEKS } from '$lib/schemas/journeys';

/** The period the page shows: ?weeks= one of 13, 26, 52 (default 26). */
export function weeksOf(url: URL): number {
	const w = Number(url.searchParams.get('weeks'));
	return (PERIOD_WEEKS as readonly number[]).includes(w) ? w : DEFAULT_WEEKS;
}

/** The map's address with its period kept (other parameters, such as an open panel, dropped). */
export function mapHref(url: URL, teamId: string, journeyId: string, hash = ''): string {
	const weeks = url.searchParams.get('weeks');
	const query = weeks && weeksOf(url) !== DEFAULT_WEEKS ? `?weeks=${weeksOf(url)}` : '';
	return `/teams/${teamId}/journeys/${journeyId}${query}${hash}`;
}
