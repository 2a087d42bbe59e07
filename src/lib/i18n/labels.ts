import { m } from '$lib/paraglide/messages';
import type { DepartmentKind } from '$lib/schemas/departments';
import type { OrgRole } from '$lib/schemas/people';

export const roleLabel = (role: OrgRole) =>
	({ staff: m.role_staff, coach: m.role_coach, admin: m.role_admin })[role]();

export const kindLabel = (kind: DepartmentKind) =>
	({
		contact_centre: m.kind_contact_centre,
		front_office: m.kind_front_office,
		back_office: m.kind_back_office,
		specialist: m.kind_specialist
	})[kind]();
