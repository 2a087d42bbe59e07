import { z } from 'zod';
import { commaDecimal, saneDate } from './fields';

export const AGREEMENT_UNITS = ['hours', 'working_days'] as const;
export type AgreementUnit = (typeof AGREEMENT_UNITS)[number];

/** A service agreement (DVO) as a coach or an admin records it: A → B within N hours or working days. */
export const agreementSchema = z
	.object({
		from: z.uuid({ error: 'department_unknown' }),
		to: z.uuid({ error: 'department_unknown' }),
		limit: z.preprocess(
			commaDecimal,
			z.coerce
				.number({ error: 'number' })
				.refine((n) => Number.isFinite(n), { error: 'number', abort: true })
				.refine((n) => n > 0, { error: 'number_positive', abort: true })
				.refine((n) => n <= 10_000, { error: 'number_too_big' })
		),
		unit: z.enum(AGREEMENT_UNITS, { error: 'invalid_choice' }),
		validFrom: saneDate()
	})
	.refine((a) => a.from !== a.to, { error: 'agreement_same_department', path: ['to'] });
export type AgreementInput = z.infer<typeof agreementSchema>;

/** An agreement held in less than this share of the handoffs is breached (coach view, map). */
export const BREACH_THRESHOLD = 0.8;
