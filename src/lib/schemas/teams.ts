import { z } from 'zod';
import { commaDecimal, optionalId, plainText, requiredText, saneDate } from './fields';

export const TEAM_ROLES = ['member', 'lead', 'expert'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

export const PROFILE_TRAITS = [
	'outside_in',
	'proactive',
	'critical',
	'analytical',
	'responsible',
	'contrarian'
] as const;
export type ProfileTrait = (typeof PROFILE_TRAITS)[number];

const optionalText = (max: number) =>
	plainText().trim().max(max, { error: 'too_long' }).optional().default('');

const wholeNumber = (min: number, max: number) =>
	z.coerce
		.number({ error: 'number' })
		.int({ error: 'number' })
		.min(min, { error: 'out_of_range' })
		.max(max, { error: 'out_of_range' });

const optionalDate = z.preprocess((v) => (v === '' ? undefined : v), saneDate().optional());

export const teamSchema = z.object({
	name: requiredText(120),
	customerGroup: optionalText(200),
	purpose: optionalText(2000),
	coachId: optionalId,
	cadenceDays: wholeNumber(1, 365),
	compactSize: wholeNumber(2, 50)
});
export type TeamInput = z.infer<typeof teamSchema>;

export const memberSchema = z.object({
	personId: z.uuid({ error: 'invalid_choice' }),
	teamRole: z.enum(TEAM_ROLES, { error: 'invalid_choice' }),
	departmentId: optionalId
});
export type MemberInput = z.infer<typeof memberSchema>;

const score = z.preprocess(
	(v) => (v === '' || v === undefined ? null : v),
	z.coerce
		.number()
		.int({ error: 'out_of_range' })
		.min(1, { error: 'out_of_range' })
		.max(5, { error: 'out_of_range' })
		.nullable()
);
export const profileSchema = z.object(
	Object.fromEntries(PROFILE_TRAITS.map((t) => [t, score])) as Record<ProfileTrait, typeof score>
);
export type ProfileInput = z.infer<typeof profileSchema>;

/** One item per line; blank lines dropped. */
const lines = (maxItems: number, maxLength: number) =>
	z
		.string()
		.optional()
		.default('')
		.transform((s) =>
			s
				.split(/\r?\n/)
				.map((l) => l.trim())
				.filter(Boolean)
		)
		.pipe(
			z
				.array(plainText().max(maxLength, { error: 'too_long' }))
				.max(maxItems, { error: 'too_many' })
		);

/** The largest budget mandate.budget_limit (numeric(12, 2)) holds. */
export const BUDGET_MAX = 9_999_999_999.99;

export const mandateSchema = z.object({
	decisionRights: lines(50, 500).refine((l) => l.length > 0, { error: 'required' }),
	boundaries: lines(50, 500),
	budgetLimit: z.preprocess(
		(v) => (v === '' || v === undefined ? null : commaDecimal(v)),
		z.coerce
			.number({ error: 'number' })
			.min(0, { error: 'out_of_range' })
			// whole cents, as the column keeps them; so 9,999,999,999.999 is refused, not rounded over
			.transform((v) => Math.round(v * 100) / 100)
			.pipe(z.number().max(BUDGET_MAX, { error: 'out_of_range' }))
			.nullable()
	),
	escalationContact: optionalText(200),
	reviewDate: optionalDate,
	note: optionalText(2000)
});
export type MandateInput = z.infer<typeof mandateSchema>;

export const approveSchema = z.object({
	id: z.uuid({ error: 'not_found' }),
	approvedOn: saneDate()
});
