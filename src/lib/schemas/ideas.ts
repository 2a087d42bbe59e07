import { z } from 'zod';
import { BODY_MAX, BODY_MIN, IDEA_STATUSES, REASON_MAX, type IdeaStatus } from '$lib/ideas/rules';
import { hasControlCharacter, optionalId, plainText } from './fields';

/**
 * Ideas: what a phone sends (form post, or the offline outbox through /api/ideas), what a
 * triager decides, and the statuses in between. Error messages are message keys: `idea_…` keys
 * are in the idea message catalogue, the others in the shared one (see $lib/ideas/errors.ts).
 */

export { NEXT_STATUS, PHOTO_MAX_BYTES, type IdeaStatus } from '$lib/ideas/rules';

const uuid = z.uuid({ error: 'idea_id_invalid' });

export const ideaBody = z
	.string({ error: 'idea_body_required' })
	.refine((s) => !hasControlCharacter(s), { error: 'control_character', abort: true })
	.trim()
	.min(1, { error: 'idea_body_required' })
	.min(BODY_MIN, { error: 'idea_body_short' })
	.max(BODY_MAX, { error: 'idea_body_long' });

/** A new idea, from the form or the outbox. The id is made on the phone. */
export const ideaInput = z.object({
	id: uuid,
	body: ideaBody,
	teamId: optionalId.optional().default(null),
	journeyId: optionalId.optional().default(null),
	touchpointId: optionalId.optional().default(null),
	/** The person the phone thinks is signed in (the outbox checks it is still the same one). */
	personId: optionalId.optional().default(null)
});
export type IdeaInput = z.output<typeof ideaInput>;

/** The form post without JavaScript: the server makes the id when the page could not. */
export const ideaFormInput = ideaInput.extend({
	id: z.preprocess((v) => (v === '' || v === null ? undefined : v), uuid.optional())
});

export const triageInput = z.object({
	status: z.enum(IDEA_STATUSES.filter((s) => s !== 'new') as [IdeaStatus, ...IdeaStatus[]], {
		error: 'invalid_choice'
	}),
	reason: z
		.string({ error: 'idea_reason_required' })
		.refine((s) => !hasControlCharacter(s), { error: 'control_character', abort: true })
		.trim()
		.min(1, { error: 'idea_reason_required' })
		.max(REASON_MAX, { error: 'too_long' }),
	/** For "in a cycle": 'new' makes a cycle of the idea; a cycle id joins that cycle. */
	cycle: z
		.union([z.literal('new'), z.uuid()], { error: 'invalid_choice' })
		.optional()
		.or(z.literal('').transform(() => undefined)),
	/** Optionally move the idea to (another) team while triaging it. */
	teamId: optionalId.optional()
});
export type TriageInput = z.output<typeof triageInput>;

export const similarQuery = z.object({
	q: plainText().trim().max(BODY_MAX, { error: 'too_long' })
});

export const triageFilter = z.object({
	status: z
		.enum(['open', ...IDEA_STATUSES, 'all'] as const)
		.catch('open')
		.default('open'),
	team: z.uuid().optional().catch(undefined)
});
export type TriageFilter = z.output<typeof triageFilter>;
