import { z } from 'zod';

/**
 * Field rules shared by forms, API and importers. Error messages are message keys
 * (see $lib/i18n/errors.ts), so they show in the user's language.
 */
export const requiredText = (max: number) =>
	z
		.string({ error: 'required' })
		.trim()
		.min(1, { error: 'required' })
		.max(max, { error: 'too_long' });

export const email = z
	.string({ error: 'required' })
	.trim()
	.toLowerCase()
	.min(1, { error: 'required' })
	.max(254, { error: 'too_long' })
	.pipe(z.email({ error: 'email' }));

export const PASSWORD_MIN = 10;
export const newPassword = z
	.string({ error: 'required' })
	.min(PASSWORD_MIN, { error: 'password_short' })
	.max(200, { error: 'too_long' });

/** A uuid from a select; the empty option means "none". */
export const optionalId = z.preprocess(
	(v) => (v === '' || v === null ? null : v),
	z.uuid({ error: 'invalid_choice' }).nullable()
);
