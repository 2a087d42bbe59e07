import { z } from 'zod';
import { NORM_UNITS } from './case-data';
import { commaDecimal, optionalId, plainText, requiredText } from './fields';

/**
 * Journeys as service blueprints: the journey, its stages (columns) and touchpoints (cards).
 * Shared by the forms, the server module and the map. Error messages are message keys: the
 * generic ones of $lib/i18n/errors.ts, or `journey_err_*` (see journeyErrors in
 * components/journey/labels.ts).
 */

export const CHANNELS = ['phone', 'counter', 'web', 'email', 'post', 'app', 'in_person'] as const;
export type Channel = (typeof CHANNELS)[number];
export const OFFICES = ['front_office', 'back_office'] as const;
export type Office = (typeof OFFICES)[number];
export const LINES = [1, 2, 3] as const;
export const EMOTIONS = [-2, -1, 0, 1, 2] as const;
export type NormUnit = (typeof NORM_UNITS)[number];
export { NORM_UNITS };

/** Weeks of case data a map can show; 26 by default. */
export const PERIOD_WEEKS = [13, 26, 52] as const;
export const DEFAULT_WEEKS = 26;

/** At most this many categories on one touchpoint (an organisation has a few dozen). */
export const MAX_CATEGORIES = 100;

const empty = (v: unknown) => v === '' || v === null || v === undefined;
const optionalText = (max: number) =>
	z.preprocess((v) => (empty(v) ? '' : v), plainText().trim().max(max, { error: 'too_long' }));

export const journeySchema = z.object({
	name: requiredText(200),
	customerGroup: optionalText(200),
	ownerId: optionalId
});
export type JourneyInput = z.infer<typeof journeySchema>;

export const stageSchema = z.object({
	name: requiredText(120),
	customerAction: optionalText(500),
	support: optionalText(500)
});
export type StageInput = z.infer<typeof stageSchema>;

/** "2", "2.5" and the Dutch "2,5". */
const decimal = z.preprocess(
	(v) => (empty(v) ? null : commaDecimal(v)),
	z.coerce
		.number({ error: 'number' })
		.refine((n) => Number.isFinite(n), { error: 'number' })
		.refine((n) => n > 0, { error: 'number_positive' })
		.refine((n) => n <= 3650, { error: 'number_too_big' })
		.nullable()
);

/** One of a few whole numbers from a select or radio group ('' is none). */
const choiceOf = <T extends readonly number[]>(values: T) =>
	z.preprocess(
		(v) => (empty(v) ? null : typeof v === 'string' ? Number(v) : v),
		z
			.number({ error: 'invalid_choice' })
			.refine((n) => (values as readonly number[]).includes(n), { error: 'invalid_choice' })
			.nullable()
	);

const checkbox = z.preprocess(
	(v) => v === true || v === 'on' || v === 'true' || v === '1',
	z.boolean()
);

export const touchpointSchema = z.object({
	name: requiredText(200),
	stageId: z.uuid({ error: 'journey_err_stage_unknown' }),
	channel: z.preprocess(
		(v) => (empty(v) ? null : v),
		z.enum(CHANNELS, { error: 'invalid_choice' }).nullable()
	),
	departmentId: z.preprocess(
		(v) => (empty(v) ? null : v),
		z.uuid({ error: 'department_unknown' }).nullable()
	),
	office: z.enum(OFFICES, { error: 'invalid_choice' }),
	line: choiceOf(LINES),
	synchronous: checkbox,
	normDays: decimal,
	normUnit: z.enum(NORM_UNITS, { error: 'invalid_choice' }),
	emotion: choiceOf(EMOTIONS),
	painPoints: optionalText(2000),
	categories: z
		.array(z.uuid({ error: 'invalid_choice' }), { error: 'invalid_choice' })
		.max(MAX_CATEGORIES, { error: 'too_long' })
		.default([])
		.transform((ids) => [...new Set(ids)])
});
export type TouchpointInput = z.infer<typeof touchpointSchema>;

export const DIRECTIONS = ['left', 'right', 'up', 'down'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** A move: one step in a direction (buttons, arrow keys) or to a place (drag and drop). */
export const touchpointMoveSchema = z.union([
	z.object({ id: z.uuid({ error: 'not_found' }), direction: z.enum(DIRECTIONS) }),
	z.object({
		id: z.uuid({ error: 'not_found' }),
		stageId: z.uuid({ error: 'journey_err_stage_unknown' }),
		index: z.coerce.number().int().min(0).max(10_000),
		office: z.preprocess((v) => (empty(v) ? null : v), z.enum(OFFICES).nullable()).default(null)
	})
]);

export const stageMoveSchema = z.union([
	z.object({ id: z.uuid({ error: 'not_found' }), direction: z.enum(['left', 'right']) }),
	z.object({
		id: z.uuid({ error: 'not_found' }),
		index: z.coerce.number().int().min(0).max(10_000)
	})
]);

export const idSchema = z.object({ id: z.uuid({ error: 'not_found' }) });

/** What the last change of a map was, to label its Undo button. */
export const UNDO_CHANGES = [
	'journey_update',
	'stage_add',
	'stage_update',
	'stage_remove',
	'stage_move',
	'touchpoint_add',
	'touchpoint_update',
	'touchpoint_remove',
	'touchpoint_move'
] as const;
export type UndoChange = (typeof UNDO_CHANGES)[number];
