import { z } from 'zod';
import { requiredText } from './fields';

/** An activity the organisation counts as contact with the customer. */
export const contactActivityInput = z.object({
	activity: requiredText(300),
	direction: z.enum(['inbound', 'outbound'], { error: 'required' })
});
export type ContactActivityInput = z.infer<typeof contactActivityInput>;
