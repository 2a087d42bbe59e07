import { z } from 'zod';
import { saneDate } from '$lib/schemas/fields';

/**
 * A period's day: a date the forms take (saneDate). One outside the window (year 0000, 2999)
 * would fail the database or run the weekly series over centuries: it is left out, and the
 * page says so.
 */
const day = z.preprocess((v) => v || undefined, saneDate().optional());
const periodSchema = z.object({ from: day, to: day });
const text = z.string().trim().min(1).max(200).optional().catch(undefined);

/** The Cijfers page's filter from its query string; anything unreadable is left out. */
export const filterSchema = z.object({
	from: day.catch(undefined),
	to: day.catch(undefined),
	category: z.uuid().optional().catch(undefined),
	channel: text,
	department: text,
	source: text,
	batch: z.uuid().optional().catch(undefined)
});

export function readFilter(url: URL) {
	const query = Object.fromEntries(url.searchParams);
	return {
		filter: filterSchema.parse(query),
		periodInvalid: !periodSchema.safeParse(query).success
	};
}
