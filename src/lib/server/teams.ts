/**
 * Customer teams: the team, its members and their composition, self-assessed profiles, and the
 * versioned mandate. Every query runs as the signed-in person; row level security decides (see
 * supabase/migrations/20261123060000_teams.sql).
 */
import type {
	MandateInput,
	MemberInput,
	ProfileInput,
	TeamInput,
	TeamRole
} from '$lib/schemas/teams';
import { db, type Claims, type Queryable } from './db';
import { FOREIGN_KEY_VIOLATION, RLS_VIOLATION, sqlState, UNIQUE_VIOLATION } from './db/errors';
import { teamHeadlines } from './figures/headlines';

export type Result<T = object> =
	| ({ ok: true } & T)
	| {
			ok: false;
			error:
				| 'name_taken'
				| 'not_found'
				| 'forbidden'
				| 'invalid_choice'
				| 'already_member'
				| 'mandate_approved';
	  };

function failure(e: unknown, unique: 'name_taken' | 'already_member' = 'name_taken'): Result {
	const state = sqlState(e);
	if (state === UNIQUE_VIOLATION) return { ok: false, error: unique };
	if (state === RLS_VIOLATION) return { ok: false, error: 'forbidden' };
	if (state === FOREIGN_KEY_VIOLATION) return { ok: false, error: 'invalid_choice' };
	throw e;
}

export interface TeamListItem {
	id: string;
	name: string;
	customer_group: string;
	coach_name: string | null;
	members: number;
	my_role: TeamRole | null;
	/** I am on the team or coach it. */
	mine: boolean;
	next_evaluation: string | null;
}

export function list(claims: Claims): Promise<TeamListItem[]> {
	return db().asUser(claims, (tx) =>
		tx.query<TeamListItem>(
			`select t.id, t.name, t.customer_group, c.name as coach_name,
			        (select count(*) from team_member m where m.team_id = t.id)::integer as members,
			        (select m.team_role from team_member m
			          where m.team_id = t.id and m.person_id = (select private.person_id())) as my_role,
			        private.is_team_member(t.id) or t.coach_id = (select private.person_id()) as mine,
			        public.team_next_evaluation(t.id)::text as next_evaluation
			   from team t left join person c on c.id = t.coach_id
			  order by private.is_team_member(t.id) or t.coach_id = (select private.person_id()) desc,
			           lower(t.name)`
		)
	);
}

export async function create(claims: Claims, input: TeamInput): Promise<Result<{ id: string }>> {
	try {
		const [row] = await db().asUser(claims, (tx) =>
			tx.query<{ id: string }>(
				`insert into team (org_id, name, customer_group, purpose, coach_id, cadence_days, compact_size)
				 values ((select private.org_id()), $1, $2, $3,
				         coalesce($4, case when (select private.org_role()) = 'coach' then (select private.person_id()) end),
				         $5, $6)
				 returning id`,
				[
					input.name,
					input.customerGroup,
					input.purpose,
					input.coachId,
					input.cadenceDays,
					input.compactSize
				]
			)
		);
		return { ok: true, id: row.id };
	} catch (e) {
		return failure(e) as Result<{ id: string }>;
	}
}

export async function update(claims: Claims, id: string, input: TeamInput): Promise<Result> {
	try {
		const rows = await db().asUser(claims, (tx) =>
			tx.query(
				`update team set name = $2, customer_group = $3, purpose = $4, coach_id = $5,
				        cadence_days = $6, compact_size = $7
				  where id = $1 returning id`,
				[
					id,
					input.name,
					input.customerGroup,
					input.purpose,
					input.coachId,
					input.cadenceDays,
					input.compactSize
				]
			)
		);
		return rows.length ? { ok: true } : { ok: false, error: 'forbidden' };
	} catch (e) {
		return failure(e);
	}
}

export interface TeamRow {
	id: string;
	name: string;
	customer_group: string;
	purpose: string;
	coach_id: string | null;
	coach_name: string | null;
	cadence_days: number;
	compact_size: number;
	next_evaluation: string | null;
	can_edit: boolean;
	can_manage: boolean;
	is_coach: boolean;
	is_member: boolean;
}

/** The team with what the signed-in person may do with it; null when not visible. */
export async function get(tx: Queryable, id: string): Promise<TeamRow | null> {
	const [row] = await tx.query<TeamRow>(
		`select t.id, t.name, t.customer_group, t.purpose, t.coach_id, c.name as coach_name,
		        t.cadence_days, t.compact_size, public.team_next_evaluation(t.id)::text as next_evaluation,
		        private.can_edit_team(t.id) as can_edit, private.can_manage_team(t.id) as can_manage,
		        private.is_team_coach(t.id) as is_coach, private.is_team_member(t.id) as is_member
		   from team t left join person c on c.id = t.coach_id
		  where t.id = $1`,
		[id]
	);
	return row ?? null;
}

export interface MemberRow {
	person_id: string;
	name: string;
	team_role: TeamRole;
	department_id: string | null;
	department: string | null;
}

export function members(tx: Queryable, teamId: string): Promise<MemberRow[]> {
	return tx.query<MemberRow>(
		`select m.person_id, p.name, m.team_role, m.department_id, d.name as department
		   from team_member m join person p on p.id = m.person_id
		   left join department d on d.id = m.department_id
		  where m.team_id = $1
		  order by case m.team_role when 'lead' then 0 when 'member' then 1 else 2 end, lower(p.name)`,
		[teamId]
	);
}

export interface Composition {
	size: number;
	compactSize: number;
	/** Departments that own touchpoints of the team's journeys but nobody on the team represents. */
	gaps: { id: string; name: string; touchpoints: number }[];
	/** The spread of self-assessed profiles, per trait (null figures below three answers). */
	spread: {
		trait: string;
		answers: number;
		lowest: number | null;
		highest: number | null;
		mean: number | null;
	}[];
}

export async function composition(
	tx: Queryable,
	teamId: string,
	compactSize: number
): Promise<Composition> {
	const [size] = await tx.query<{ n: number }>(
		'select count(*)::integer as n from team_member where team_id = $1',
		[teamId]
	);
	const gaps = await tx.query<{ id: string; name: string; touchpoints: number }>(
		`select d.id, d.name, count(*)::integer as touchpoints
		   from touchpoint tp join journey j on j.id = tp.journey_id
		   join department d on d.id = tp.department_id
		  where j.team_id = $1
		    and not exists (select 1 from team_member m where m.team_id = $1 and m.department_id = d.id)
		  group by d.id, d.name order by count(*) desc, lower(d.name)`,
		[teamId]
	);
	const spread = await tx.query<Composition['spread'][number]>(
		'select trait, answers, lowest, highest, mean from public.team_profile_spread($1)',
		[teamId]
	);
	return { size: size.n, compactSize, gaps, spread };
}

export async function addMember(
	claims: Claims,
	teamId: string,
	input: MemberInput
): Promise<Result> {
	try {
		await db().asUser(claims, (tx) =>
			tx.query(
				`insert into team_member (team_id, person_id, org_id, team_role, department_id)
				 values ($1, $2, (select private.org_id()), $3,
				         coalesce($4, (select p.department_id from person p where p.id = $2)))`,
				[teamId, input.personId, input.teamRole, input.departmentId]
			)
		);
		return { ok: true };
	} catch (e) {
		return failure(e, 'already_member');
	}
}

export async function updateMember(
	claims: Claims,
	teamId: string,
	input: MemberInput
): Promise<Result> {
	try {
		const rows = await db().asUser(claims, (tx) =>
			tx.query(
				`update team_member set team_role = $3, department_id = $4
				  where team_id = $1 and person_id = $2 returning person_id`,
				[teamId, input.personId, input.teamRole, input.departmentId]
			)
		);
		return rows.length ? { ok: true } : { ok: false, error: 'forbidden' };
	} catch (e) {
		return failure(e);
	}
}

export async function removeMember(
	claims: Claims,
	teamId: string,
	personId: string
): Promise<Result> {
	const rows = await db().asUser(claims, (tx) =>
		tx.query('delete from team_member where team_id = $1 and person_id = $2 returning person_id', [
			teamId,
			personId
		])
	);
	return rows.length ? { ok: true } : { ok: false, error: 'forbidden' };
}

/** The signed-in person's own profile in a team (null: none yet, or not a member). */
export async function myProfile(tx: Queryable, teamId: string): Promise<ProfileInput | null> {
	const [row] = await tx.query<ProfileInput>(
		`select outside_in, proactive, critical, analytical, responsible, contrarian
		   from team_member_profile where team_id = $1 and person_id = (select private.person_id())`,
		[teamId]
	);
	return row ?? null;
}

export async function saveProfile(
	claims: Claims,
	teamId: string,
	p: ProfileInput
): Promise<Result> {
	try {
		const rows = await db().asUser(claims, (tx) =>
			tx.query(
				`insert into team_member_profile (team_id, person_id, org_id, outside_in, proactive,
				   critical, analytical, responsible, contrarian)
				 select m.team_id, m.person_id, m.org_id, $2, $3, $4, $5, $6, $7
				   from team_member m where m.team_id = $1 and m.person_id = (select private.person_id())
				 on conflict (team_id, person_id) do update set outside_in = excluded.outside_in,
				   proactive = excluded.proactive, critical = excluded.critical,
				   analytical = excluded.analytical, responsible = excluded.responsible,
				   contrarian = excluded.contrarian, updated_at = now()
				 returning person_id`,
				[teamId, p.outside_in, p.proactive, p.critical, p.analytical, p.responsible, p.contrarian]
			)
		);
		return rows.length ? { ok: true } : { ok: false, error: 'forbidden' };
	} catch (e) {
		return failure(e);
	}
}

export interface MandateRow {
	id: string;
	version: number;
	decision_rights: string[];
	boundaries: string[];
	budget_limit: string | null;
	escalation_contact: string;
	review_date: string | null;
	note: string;
	created_by_name: string | null;
	created_at: string;
	approved_by_name: string | null;
	approved_on: string | null;
}

/** Every version of the team's mandate, newest first. */
export function mandates(tx: Queryable, teamId: string): Promise<MandateRow[]> {
	return tx.query<MandateRow>(
		`select m.id, m.version, m.decision_rights, m.boundaries, m.budget_limit::text,
		        m.escalation_contact, m.review_date::text, m.note, c.name as created_by_name,
		        m.created_at::text, a.name as approved_by_name, m.approved_on::text
		   from mandate m left join person c on c.id = m.created_by
		   left join person a on a.id = m.approved_by
		  where m.team_id = $1 order by m.version desc`,
		[teamId]
	);
}

/** The approved version in force: the highest approved version. */
export function currentMandate(all: MandateRow[]): MandateRow | null {
	return all.find((m) => m.approved_on !== null) ?? null;
}

export async function draftMandate(
	claims: Claims,
	teamId: string,
	input: MandateInput
): Promise<Result<{ version: number }>> {
	try {
		const [row] = await db().asUser(claims, (tx) =>
			tx.query<{ version: number }>(
				`insert into mandate (org_id, team_id, decision_rights, boundaries, budget_limit,
				   escalation_contact, review_date, note)
				 values ((select private.org_id()), $1, $2, $3, $4, $5, $6, $7) returning version`,
				[
					teamId,
					input.decisionRights,
					input.boundaries,
					input.budgetLimit,
					input.escalationContact,
					input.reviewDate ?? null,
					input.note
				]
			)
		);
		return { ok: true, version: row.version };
	} catch (e) {
		return failure(e) as Result<{ version: number }>;
	}
}

export async function approveMandate(
	claims: Claims,
	teamId: string,
	id: string,
	approvedOn: string
): Promise<Result> {
	try {
		const rows = await db().asUser(claims, (tx) =>
			tx.query(
				`update mandate set approved_on = $3
				  where id = $1 and team_id = $2 and approved_on is null returning id`,
				[id, teamId, approvedOn]
			)
		);
		return rows.length ? { ok: true } : { ok: false, error: 'forbidden' };
	} catch (e) {
		if (sqlState(e) === 'P0001') return { ok: false, error: 'mandate_approved' };
		return failure(e);
	}
}

export interface AuditRow {
	at: string;
	actor: string | null;
	entity: string;
	action: string;
	changes: Record<string, unknown>;
}

/** Who changed the team's mandate, cycles and decisions, when: newest first. */
export function auditTrail(
	tx: Queryable,
	teamId: string,
	entity: string,
	limit = 50
): Promise<AuditRow[]> {
	return tx.query<AuditRow>(
		`select a.at::text, p.name as actor, a.entity, a.action, a.changes
		   from audit a left join person p on p.id = a.actor_id
		  where a.team_id = $1 and a.entity = $2 order by a.at desc, a.id desc limit $3`,
		[teamId, entity, limit]
	);
}

/** Everything the team page shows, in one transaction; null when the team is not visible. */
export async function page(claims: Claims, teamId: string) {
	return db().asUser(claims, async (tx) => {
		const team = await get(tx, teamId);
		if (!team) return null;
		const [people, allMandates, cycles, journeys, ideas, figures, canSeeCases] = await Promise.all([
			members(tx, teamId),
			mandates(tx, teamId),
			tx.query<{ id: string; title: string; status: string; next_step: string; metric: string }>(
				`select id, title, status, next_step, metric from improvement_cycle
				  where team_id = $1 and status in ('idea', 'plan', 'test', 'evaluate')
				  order by array_position(array['idea', 'plan', 'test', 'evaluate']::cycle_status[], status) desc,
				        updated_at desc`,
				[teamId]
			),
			tx.query<{ id: string; name: string; touchpoints: number; owner: string | null }>(
				`select j.id, j.name, o.name as owner,
				        (select count(*) from touchpoint tp where tp.journey_id = j.id)::integer as touchpoints
				   from journey j left join person o on o.id = j.owner_id
				  where j.team_id = $1 order by lower(j.name)`,
				[teamId]
			),
			tx.query<{ id: string; body: string; status: string; votes: number; created_at: string }>(
				`select i.id, i.body, i.status, i.created_at::text,
				        (select count(*) from idea_vote v where v.idea_id = i.id)::integer as votes
				   from idea i where i.team_id = $1 and i.status in ('new', 'reviewing')
				  order by i.created_at desc limit 10`,
				[teamId]
			),
			teamHeadlines(tx, teamId),
			tx.query<{ yes: boolean }>('select private.can_see_cases() as yes')
		]);
		return {
			team,
			members: people,
			mandate: currentMandate(allMandates),
			pendingMandate: allMandates.find((m) => m.approved_on === null) ?? null,
			cycles,
			journeys,
			ideas,
			figures,
			canSeeCases: canSeeCases[0]?.yes ?? false
		};
	});
}

/** The team page's "Team" tab: members, composition, and my own profile. */
export function membersPage(claims: Claims, teamId: string) {
	return db().asUser(claims, async (tx) => {
		const team = await get(tx, teamId);
		if (!team) return null;
		const [people, comp, profile] = await Promise.all([
			members(tx, team.id),
			composition(tx, team.id, team.compact_size),
			myProfile(tx, team.id)
		]);
		return { team, members: people, composition: comp, profile };
	});
}

/** The mandate tab: every version and who drafted and approved what, when. */
export function mandatePage(claims: Claims, teamId: string) {
	return db().asUser(claims, async (tx) => {
		const team = await get(tx, teamId);
		if (!team) return null;
		const [versions, audit] = await Promise.all([
			mandates(tx, team.id),
			auditTrail(tx, team.id, 'mandate')
		]);
		return { team, versions, audit, current: currentMandate(versions) };
	});
}

export interface TeamInfo {
	id: string;
	name: string;
	/** Whether the signed-in person may change the team's journeys and cycles. */
	canEdit: boolean;
}

/** The team's name and whether the signed-in person may change it, in the caller's transaction; null when not visible. */
export async function info(tx: Queryable, teamId: string): Promise<TeamInfo | null> {
	const [row] = await tx.query<TeamInfo>(
		`select t.id, t.name, (select private.can_edit_team(t.id)) as "canEdit"
		   from team t where t.id = $1`,
		[teamId]
	);
	return row ?? null;
}
