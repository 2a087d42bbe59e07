import { z } from 'zod';
import { plainText } from './fields';

/** The JSON API's batches (POST /api/v1/reports and /api/v1/events). */

export const MAX_ITEMS = 10_000;
const text = (max = 300) => plainText().trim().min(1).max(max);
const optionalText = (max = 300) => plainText().trim().max(max).optional().nullable();
const instant = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 time with offset' });

export const reportItem = z
	.object({
		id: text(200),
		category: optionalText(200),
		channel: optionalText(),
		customer: optionalText(),
		location: optionalText(),
		received: instant,
		resolved: instant.optional().nullable(),
		status: optionalText(),
		department: optionalText(),
		duplicate: z.boolean().optional(),
		reopened: z.boolean().optional()
	})
	.strict()
	.refine((r) => !r.resolved || new Date(r.resolved) >= new Date(r.received), {
		path: ['resolved'],
		error: 'resolved is before received'
	});

export const eventItem = z
	.object({
		caseId: text(200),
		activity: text(),
		timestamp: instant,
		department: optionalText(),
		resource: optionalText(),
		lifecycle: optionalText(),
		category: optionalText(200),
		channel: optionalText(),
		customer: optionalText(),
		location: optionalText()
	})
	.strict();

const batch = <T extends z.ZodType>(item: T) =>
	z
		.object({
			source: plainText().trim().min(1).max(200).default('api'),
			items: z.array(item).min(1).max(MAX_ITEMS, `at most ${MAX_ITEMS} items per request`)
		})
		.strict();

export const reportBatch = batch(reportItem);
export const eventBatch = batch(eventItem);

/** A report category's norm and repeat rule, as admins set them. */
export const NORM_UNITS = ['calendar_days', 'working_days'] as const;
export const REPEAT_KEYS = ['location_category', 'customer_category', 'customer_journey'] as const;
export const categorySchema = z.object({
	name: z
		.string({ error: 'required' })
		.trim()
		.min(1, { error: 'required' })
		.max(200, { error: 'too_long' }),
	normDays: z.preprocess(
		(v) => (v === '' || v === null || v === undefined ? null : v),
		z.coerce
			.number({ error: 'number' })
			.positive({ error: 'number_positive' })
			.max(3650, { error: 'number_too_big' })
			.nullable()
	),
	normUnit: z.enum(NORM_UNITS, { error: 'invalid_choice' }),
	repeatKey: z.enum(REPEAT_KEYS, { error: 'invalid_choice' }),
	repeatWindowDays: z.coerce
		.number({ error: 'number' })
		.int({ error: 'number_whole' })
		.min(1, { error: 'number_positive' })
		.max(365, { error: 'number_too_big' }),
	/** "Keep the customer informed" (silence) norm in working days; left out: unchanged. */
	silenceNormDays: z.preprocess(
		(v) => (v === '' || v === null ? undefined : v),
		z.coerce
			.number({ error: 'number' })
			.positive({ error: 'number_positive' })
			.max(365, { error: 'number_too_big' })
			.optional()
	)
});
export type CategoryInput = z.infer<typeof categorySchema>;

/** What the import page sends to run an uploaded file. */
export const IMPORT_FIELDS = [
	'caseId',
	'activity',
	'timestamp',
	'department',
	'resource',
	'lifecycle',
	'received',
	'resolved',
	'category',
	'channel',
	'customer',
	'location',
	'status',
	'duplicate',
	'reopened'
] as const;
export const importRequestSchema = z.object({
	upload: z.uuid({ error: 'upload_missing' }),
	fileName: plainText().max(300).default('upload'),
	shape: z.enum(['case', 'event'], { error: 'invalid_choice' }),
	mapping: z.partialRecord(z.enum(IMPORT_FIELDS), plainText().max(300)),
	timezone: z.string().refine(
		(tz) => {
			try {
				new Intl.DateTimeFormat('en', { timeZone: tz });
				return true;
			} catch {
				return false;
			}
		},
		{ error: 'timezone_unknown' }
	),
	dayFirst: z.boolean().default(true),
	skipInvalid: z.boolean().default(false),
	preset: plainText().trim().max(100, { error: 'too_long' }).optional(),
	/** Per field: a source value → the organisation's word for it ('' keeps the value). */
	values: z
		.object({
			channel: z.record(plainText().max(300), plainText().max(300)),
			department: z.record(plainText().max(300), plainText().max(300))
		})
		.partial()
		.optional()
});
export type ImportRequest = z.infer<typeof importRequestSchema>;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** Fields each shape can use, in the order the mapping page shows them, and the required ones. */
export const SHAPE_FIELDS: Record<'case' | 'event', ImportField[]> = {
	event: [
		'caseId',
		'activity',
		'timestamp',
		'department',
		'resource',
		'lifecycle',
		'category',
		'channel',
		'customer',
		'location',
		'status',
		'duplicate',
		'reopened'
	],
	case: [
		'caseId',
		'received',
		'resolved',
		'category',
		'channel',
		'customer',
		'location',
		'status',
		'department',
		'duplicate',
		'reopened'
	]
};
export const REQUIRED_FIELDS: Record<'case' | 'event', ImportField[]> = {
	event: ['caseId', 'activity', 'timestamp'],
	case: ['caseId', 'received']
};

/** The import form's fields (`map.<field>` selects) → an ImportRequest to validate. */
export function importRequestFromForm(form: FormData) {
	const mapping: Record<string, string> = {};
	for (const f of IMPORT_FIELDS) {
		const column = form.get(`map.${f}`);
		if (typeof column === 'string' && column) mapping[f] = column;
	}
	return {
		upload: form.get('upload'),
		fileName: form.get('fileName') ?? undefined,
		shape: form.get('shape'),
		mapping,
		timezone: form.get('timezone'),
		dayFirst: form.get('dateOrder') !== 'month',
		skipInvalid: form.get('skipInvalid') === 'on',
		preset: (form.get('preset') as string | null) || undefined,
		values: valuesFromForm(form)
	};
}

/** The value map of the form: parallel fields `valueFrom.<field>` and `valueTo.<field>`. */
function valuesFromForm(form: FormData) {
	const values: Record<string, Record<string, string>> = {};
	for (const field of ['channel', 'department']) {
		const from = form.getAll(`valueFrom.${field}`);
		const to = form.getAll(`valueTo.${field}`);
		if (from.length)
			values[field] = Object.fromEntries(from.map((f, i) => [String(f), String(to[i] ?? '')]));
	}
	return Object.keys(values).length ? values : undefined;
}
