import { z } from 'zod';
import { requiredText } from './fields';

/** A chain (customer group) as a coach or an admin names it. */
export const chainSchema = z.object({ name: requiredText(120) });
export type ChainInput = z.infer<typeof chainSchema>;

/** Placing a team in a chain ('' takes it out of any chain). */
export const chainTeamSchema = z.object({
	team: z.uuid({ error: 'not_found' }),
	chain: z.preprocess((v) => (v === '' ? null : v), z.uuid({ error: 'not_found' }).nullable())
});
