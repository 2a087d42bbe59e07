import { z } from 'zod';
import { email, newPassword, requiredText } from './fields';

export const signInSchema = z.object({
	email,
	password: z
		.string({ error: 'required' })
		.min(1, { error: 'required' })
		.max(200, { error: 'too_long' })
});

const passwords = { password: newPassword, confirm: z.string({ error: 'required' }) };
const matching = (v: { password: string; confirm: string }) => v.password === v.confirm;
const mismatch = { path: ['confirm'], error: 'password_mismatch' };

export const setupSchema = z
	.object({ orgName: requiredText(120), name: requiredText(120), email, ...passwords })
	.refine(matching, mismatch);

export const acceptInvitationSchema = z.object(passwords).refine(matching, mismatch);

export const changePasswordSchema = z
	.object({ current: z.string({ error: 'required' }).min(1, { error: 'required' }), ...passwords })
	.refine(matching, mismatch);
