import { DEFAULT_WEEKS, PERIOD_WEEKS } from '$lib/schemas/journeys';

/** The period the page shows: ?weeks= one of 13, 26, 52 (default 26). */
export function weeksOf(url: URL): number {
	const w = Number(url.searchParams.get('weeks'));
	return (PERIOD_WEEKS as readonly number[]).includes(w) ? w : DEFAULT_WEEKS;
}

/** Editing the map is a deliberate step: ?mode=edit shows the editor's controls. */
export const EDIT_MODE = 'edit';

/**
 * The map's address with its period and edit mode kept (other parameters, such as an open
 * panel, dropped).
 */
export function mapHref(url: URL, teamId: string, journeyId: string, hash = ''): string {
	const weeks = url.searchParams.get('weeks');
	const query = new URLSearchParams();
	if (weeks && weeksOf(url) !== DEFAULT_WEEKS) query.set('weeks', String(weeksOf(url)));
	if (url.searchParams.get('mode') === EDIT_MODE) query.set('mode', EDIT_MODE);
	const q = query.toString();
	return `/teams/${teamId}/journeys/${journeyId}${q ? `?${q}` : ''}${hash}`;
}
