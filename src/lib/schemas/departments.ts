import { z } from 'zod';
import { requiredText } from './fields';

export const DEPARTMENT_KINDS = [
	'contact_centre',
	'front_office',
	'back_office',
	'specialist'
] as const;
export type DepartmentKind = (typeof DEPARTMENT_KINDS)[number];

export const departmentSchema = z.object({
	name: requiredText(80),
	kind: z.enum(DEPARTMENT_KINDS, { error: 'invalid_choice' })
});
export type DepartmentInput = z.infer<typeof departmentSchema>;
