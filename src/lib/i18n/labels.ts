import { m } from '$lib/paraglide/messages';
import type { CycleStatus } from '$lib/schemas/cycles';
import type { DepartmentKind } from '$lib/schemas/departments';
import type { OrgRole } from '$lib/schemas/people';
import type { TeamRole } from '$lib/schemas/teams';
import type { Metric } from '$lib/metrics/series';
import type { SignalKind } from '$lib/metrics/spc';

export const roleLabel = (role: OrgRole) =>
	({ staff: m.role_staff, coach: m.role_coach, admin: m.role_admin })[role]();

export const kindLabel = (kind: DepartmentKind) =>
	({
		contact_centre: m.kind_contact_centre,
		front_office: m.kind_front_office,
		back_office: m.kind_back_office,
		specialist: m.kind_specialist
	})[kind]();

const fields: Record<string, () => string> = {
	caseId: m.field_caseId,
	activity: m.field_activity,
	timestamp: m.field_timestamp,
	department: m.field_department,
	resource: m.field_resource,
	lifecycle: m.field_lifecycle,
	received: m.field_received,
	resolved: m.field_resolved,
	category: m.field_category,
	channel: m.field_channel,
	customer: m.field_customer,
	location: m.field_location,
	status: m.field_status,
	duplicate: m.field_duplicate,
	reopened: m.field_reopened
};
export const fieldLabel = (field: string) => (fields[field] ?? (() => field))();

export const normUnitLabel = (unit: 'calendar_days' | 'working_days') =>
	({ calendar_days: m.norm_calendar_days, working_days: m.norm_working_days })[unit]();

export const repeatKeyLabel = (
	key: 'location_category' | 'customer_category' | 'customer_journey'
) =>
	({
		location_category: m.repeat_location_category,
		customer_category: m.repeat_customer_category,
		customer_journey: m.repeat_customer_journey
	})[key]();

export const metricLabel = (metric: Metric) =>
	({
		repeat_rate: m.metric_repeat_rate,
		lead_p85: m.metric_lead_p85,
		lead_median: m.metric_lead_median,
		within_norm: m.metric_within_norm,
		cases: m.metric_cases,
		handoffs: m.metric_handoffs,
		silence_p85: m.metric_silence_p85
	})[metric]();

export const cycleStatusLabel = (status: CycleStatus) =>
	({
		idea: m.cycle_status_idea,
		plan: m.cycle_status_plan,
		test: m.cycle_status_test,
		evaluate: m.cycle_status_evaluate,
		adopted: m.cycle_status_adopted,
		adapted: m.cycle_status_adapted,
		abandoned: m.cycle_status_abandoned
	})[status]();

export const signalLabel = (kind: SignalKind | null | undefined) =>
	kind === 'improvement'
		? m.signal_improvement()
		: kind === 'concern'
			? m.signal_concern()
			: m.signal_none();

export const teamRoleLabel = (role: TeamRole) =>
	({ member: m.team_role_member, lead: m.team_role_lead, expert: m.team_role_expert })[role]();
