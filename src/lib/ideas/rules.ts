/**
 * The rules of an idea that the phone needs as well as the server — without zod, so the idea
 * page stays light (the zod schemas in $lib/schemas/ideas.ts build on these).
 */

export const IDEA_STATUSES = [
	'new',
	'reviewing',
	'in_cycle',
	'parked',
	'declined',
	'done'
] as const;
export type IdeaStatus = (typeof IDEA_STATUSES)[number];

/**
 * Where a triager may take an idea from each status: new → reviewing → in a cycle / parked /
 * declined → done. Skipping "reviewing" is allowed (a quick decision); parked and declined
 * ideas can be looked at again.
 */
export const NEXT_STATUS: Record<IdeaStatus, IdeaStatus[]> = {
	new: ['reviewing', 'in_cycle', 'parked', 'declined'],
	reviewing: ['in_cycle', 'parked', 'declined'],
	in_cycle: ['done', 'parked'],
	parked: ['reviewing', 'in_cycle', 'declined'],
	declined: ['reviewing'],
	done: []
};

export const BODY_MIN = 3;
export const BODY_MAX = 1000;
export const REASON_MAX = 1000;
/** A stored photo is at most 5 MB (the phone resizes it long before that). */
export const PHOTO_MAX_BYTES = 5 * 1024 * 1024;
/** The longest side of a photo after resizing on the phone, and its JPEG quality. */
export const PHOTO_MAX_SIDE = 1600;
export const PHOTO_QUALITY = 0.8;

/** The text of an idea as stored (trimmed), or the message key of what is wrong with it. */
export function checkBody(body: string): { ok: true; body: string } | { ok: false; error: string } {
	const text = body.trim();
	if (!text) return { ok: false, error: 'idea_body_required' };
	if (text.length < BODY_MIN) return { ok: false, error: 'idea_body_short' };
	if (text.length > BODY_MAX) return { ok: false, error: 'idea_body_long' };
	return { ok: true, body: text };
}
