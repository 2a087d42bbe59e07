import { z } from 'zod';
import { email, optionalId, requiredText } from './fields';

export const ORG_ROLES = ['staff', 'coach', 'admin'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

export const personSchema = z.object({
	name: requiredText(120),
	email,
	departmentId: optionalId,
	role: z.enum(ORG_ROLES, { error: 'invalid_choice' })
});
export type PersonInput = z.infer<typeof personSchema>;
