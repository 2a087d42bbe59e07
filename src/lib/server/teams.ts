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
import * as cycles from './cycles';
import { db, type Claims, type Queryable } from './db';
import { teamHeadlines } from './figures/headlines';
import * as ideas from './ideas';
import { attempt, refuse, refused, type DbRefusal, type Result } from './result';

/** What a change of a team, its members or its mandate may be refused with (message keys). */
export type TeamError =
	| 'name_taken'
	| 'not_found'
	| 'forbidden'
	| 'invalid_choice'
	| 'already_member'
	| 'mandate_approved';

/** What the database refused, as a TeamError; `unique` names what a duplicate means here. */
const refusedBy =
	(unique: 'name_taken' | 'already_member' = 'name_taken') =>
	(_e: unknown, kind: DbRefusal | undefined): TeamError | undefined =>
		kind === 'unique'
			? unique
			: kind === 'forbidden'
				? 'forbidden'
				: kind === 'foreign_key'
					? 'invalid_choice'
					: undefined;

/** A change that touched no row: row level security hid it or refused it. */
const touched = (rows: unknown[]) => (rows.length ? {} : refuse('forbidden'));

export interface TeamListItem {
	id: string;
	name: string;
	customerGroup: string;
	coachName: string | null;
	members: number;
	myRole: TeamRole | null;
	/** I am on the team or coach it. */
	mine: boolean;
	nextEvaluation: string | null;
	/** Days the next evaluation is late today, in the organisation's zone (negative: to go). */
	daysLate: number | null;
}

export function list(claims: Claims): Promise<TeamListItem[]> {
	return db().asUser(claims, (tx) =>
		tx.query<TeamListItem>(
			`select t.id, t.name, t.customer_group as "customerGroup", c.name as "coachName",
			        (select count(*) from team_member m where m.team_id = t.id)::integer as members,
			        (select m.team_role from team_member m
			          where m.team_id = t.id and m.person_id = (select private.person_id())) as "myRole",
			        private.is_team_member(t.id) or t.coach_id = (select private.person_id()) as mine,
			        public.team_next_evaluation(t.id)::text as "nextEvaluation",
			        ((now() at time zone o.timezone)::date - public.team_next_evaluation(t.id))::int
			          as "daysLate"
			   from team t left join person c on c.id = t.coach_id and c.role in ('coach', 'admin')
			   join organisation o on o.id = t.org_id
			  order by private.is_team_member(t.id) or t.coach_id = (select private.person_id()) desc,
			           lower(t.name)`
		)
	);
}

export function create(
	claims: Claims,
	input: TeamInput
): Promise<Result<{ id: string }, TeamError>> {
	return attempt(async () => {
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
		return { id: row.id };
	}, refusedBy());
}

/**
 * Changes a team's settings. Only an admin appoints the coach: anyone else who posts another
 * coach than the current one is refused and nothing changes (the database refuses it too).
 */
export function update(
	claims: Claims,
	id: string,
	input: TeamInput
): Promise<Result<object, TeamError>> {
	return attempt(
		() =>
			db().asUser(claims, async (tx) => {
				const [current] = await tx.query<{ coachId: string | null; admin: boolean }>(
					`select coach_id as "coachId", (select private.is_admin()) as admin
					   from team where id = $1`,
					[id]
				);
				if (!current) return refuse('forbidden');
				const coachId = current.admin ? input.coachId : current.coachId;
				if (coachId !== input.coachId) return refuse('forbidden');
				return touched(
					await tx.query(
						`update team set name = $2, customer_group = $3, purpose = $4, coach_id = $5,
						        cadence_days = $6, compact_size = $7
						  where id = $1 returning id`,
						[
							id,
							input.name,
							input.customerGroup,
							input.purpose,
							coachId,
							input.cadenceDays,
							input.compactSize
						]
					)
				);
			}),
		refusedBy()
	);
}

/** A team with what the signed-in person may do with it: the one team shape every page gets. */
export interface Team {
	id: string;
	name: string;
	customerGroup: string;
	purpose: string;
	coachId: string | null;
	coachName: string | null;
	cadenceDays: number;
	compactSize: number;
	nextEvaluation: string | null;
	/** A member, the coach or an admin: may change the team's journeys, cycles and mandate drafts. */
	canEdit: boolean;
	/** The coach, a lead or an admin: may change the team's settings and members. */
	canManage: boolean;
	/** The team's coach or an admin: approves mandates, decides requests, records evaluations. */
	isCoach: boolean;
	isMember: boolean;
}

/** The team with what the signed-in person may do with it; null when not visible. */
export async function get(tx: Queryable, id: string): Promise<Team | null> {
	const [row] = await tx.query<Team>(
		`select t.id, t.name, t.customer_group as "customerGroup", t.purpose, t.coach_id as "coachId",
		        c.name as "coachName", t.cadence_days as "cadenceDays", t.compact_size as "compactSize",
		        public.team_next_evaluation(t.id)::text as "nextEvaluation",
		        private.can_edit_team(t.id) as "canEdit", private.can_manage_team(t.id) as "canManage",
		        private.is_team_coach(t.id) as "isCoach", private.is_team_member(t.id) as "isMember"
		   from team t left join person c on c.id = t.coach_id and c.role in ('coach', 'admin')
		  where t.id = $1`,
		[id]
	);
	return row ?? null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The team as the signed-in person sees it (the team layout's data); null when not visible. */
export function info(claims: Claims, id: string): Promise<Team | null> {
	if (!UUID.test(id)) return Promise.resolve(null);
	return db().asUser(claims, (tx) => get(tx, id));
}

/** A team a coach (or an admin) evaluates: when it is due, counted from the given day. */
export interface CoachedTeam {
	id: string;
	name: string;
	cadenceDays: number;
	/** Next evaluation (YYYY-MM-DD) and how many days late it is on `today` (negative: to go). */
	dueOn: string;
	daysLate: number;
}

/**
 * The teams the signed-in coach coaches (an admin: every team), the one due first on top, or
 * only `teamId` among them; none for anyone else. `today` is the organisation's local date.
 */
export function coached(tx: Queryable, today: string, teamId?: string): Promise<CoachedTeam[]> {
	return tx.query<CoachedTeam>(
		`select t.id, t.name, t.cadence_days as "cadenceDays", d.due::text as "dueOn",
		        ($1::date - d.due)::int as "daysLate"
		   from team t
		  cross join lateral (select public.team_next_evaluation(t.id) as due) d
		  where coalesce((select private.org_role())::text in ('coach', 'admin'), false)
		    and ((select private.is_admin()) or t.coach_id = (select private.person_id()))
		    and ($2::uuid is null or t.id = $2::uuid)
		  order by d.due, lower(t.name), t.id`,
		[today, teamId ?? null]
	);
}

export interface Member {
	personId: string;
	name: string;
	teamRole: TeamRole;
	departmentId: string | null;
	department: string | null;
}

export function members(tx: Queryable, teamId: string): Promise<Member[]> {
	return tx.query<Member>(
		`select m.person_id as "personId", p.name, m.team_role as "teamRole",
		        m.department_id as "departmentId", d.name as department
		   from team_member m join person p on p.id = m.person_id
		   left join department d on d.id = m.department_id
		  where m.team_id = $1
		  order by case m.team_role when 'lead' then 0 when 'member' then 1 else 2 end, lower(p.name)`,
		[teamId]
	);
}

/** The names of the team's members, alphabetically (who an action can be for). */
export async function memberNames(tx: Queryable, teamId: string): Promise<string[]> {
	const rows = await tx.query<{ name: string }>(
		`select p.name from team_member tm join person p on p.id = tm.person_id
		  where tm.team_id = $1 order by lower(p.name)`,
		[teamId]
	);
	return rows.map((p) => p.name);
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
	// touchpoints and journeys belong to the journeys module: read here until it offers a verb
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

export function addMember(
	claims: Claims,
	teamId: string,
	input: MemberInput
): Promise<Result<object, TeamError>> {
	return attempt(async () => {
		await db().asUser(claims, (tx) =>
			tx.query(
				`insert into team_member (team_id, person_id, org_id, team_role, department_id)
				 values ($1, $2, (select private.org_id()), $3,
				         coalesce($4, (select p.department_id from person p where p.id = $2)))`,
				[teamId, input.personId, input.teamRole, input.departmentId]
			)
		);
		return {};
	}, refusedBy('already_member'));
}

export function updateMember(
	claims: Claims,
	teamId: string,
	input: MemberInput
): Promise<Result<object, TeamError>> {
	return attempt(
		() =>
			db().asUser(claims, async (tx) =>
				touched(
					await tx.query(
						`update team_member set team_role = $3, department_id = $4
						  where team_id = $1 and person_id = $2 returning person_id`,
						[teamId, input.personId, input.teamRole, input.departmentId]
					)
				)
			),
		refusedBy()
	);
}

export async function removeMember(
	claims: Claims,
	teamId: string,
	personId: string
): Promise<Result<object, TeamError>> {
	const rows = await db().asUser(claims, (tx) =>
		tx.query('delete from team_member where team_id = $1 and person_id = $2 returning person_id', [
			teamId,
			personId
		])
	);
	return rows.length ? { ok: true } : refused('forbidden');
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

export function saveProfile(
	claims: Claims,
	teamId: string,
	p: ProfileInput
): Promise<Result<object, TeamError>> {
	return attempt(
		() =>
			db().asUser(claims, async (tx) =>
				touched(
					await tx.query(
						`insert into team_member_profile (team_id, person_id, org_id, outside_in, proactive,
						   critical, analytical, responsible, contrarian)
						 select m.team_id, m.person_id, m.org_id, $2, $3, $4, $5, $6, $7
						   from team_member m where m.team_id = $1 and m.person_id = (select private.person_id())
						 on conflict (team_id, person_id) do update set outside_in = excluded.outside_in,
						   proactive = excluded.proactive, critical = excluded.critical,
						   analytical = excluded.analytical, responsible = excluded.responsible,
						   contrarian = excluded.contrarian, updated_at = now()
						 returning person_id`,
						[
							teamId,
							p.outside_in,
							p.proactive,
							p.critical,
							p.analytical,
							p.responsible,
							p.contrarian
						]
					)
				)
			),
		refusedBy()
	);
}

/** One version of a team's mandate: the one mandate shape (the team pages and the cycles). */
export interface Mandate {
	id: string;
	version: number;
	decisionRights: string[];
	boundaries: string[];
	budgetLimit: string | null;
	escalationContact: string;
	reviewDate: string | null;
	note: string;
	createdByName: string | null;
	createdAt: string;
	approvedByName: string | null;
	approvedOn: string | null;
}

/** Every version of the team's mandate, newest first. */
export function mandates(tx: Queryable, teamId: string): Promise<Mandate[]> {
	return tx.query<Mandate>(
		`select m.id, m.version, m.decision_rights as "decisionRights", m.boundaries,
		        m.budget_limit::text as "budgetLimit", m.escalation_contact as "escalationContact",
		        m.review_date::text as "reviewDate", m.note, c.name as "createdByName",
		        m.created_at::text as "createdAt", a.name as "approvedByName",
		        m.approved_on::text as "approvedOn"
		   from mandate m left join person c on c.id = m.created_by
		   left join person a on a.id = m.approved_by
		  where m.team_id = $1 order by m.version desc`,
		[teamId]
	);
}

/** The approved version in force: the highest approved version. */
export function currentMandate(all: Mandate[]): Mandate | null {
	return all.find((m) => m.approvedOn !== null) ?? null;
}

/** The team's mandate in force (its highest approved version), or null. */
export async function mandateInForce(tx: Queryable, teamId: string): Promise<Mandate | null> {
	return currentMandate(await mandates(tx, teamId));
}

export function draftMandate(
	claims: Claims,
	teamId: string,
	input: MandateInput
): Promise<Result<{ version: number }, TeamError>> {
	return attempt(async () => {
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
		return { version: row.version };
	}, refusedBy());
}

export function approveMandate(
	claims: Claims,
	teamId: string,
	id: string,
	approvedOn: string
): Promise<Result<object, TeamError>> {
	return attempt(
		() =>
			db().asUser(claims, async (tx) =>
				touched(
					await tx.query(
						`update mandate set approved_on = $3
						  where id = $1 and team_id = $2 and approved_on is null returning id`,
						[id, teamId, approvedOn]
					)
				)
			),
		// the trigger refuses a second approval
		(e, kind) => (kind === 'raised' ? 'mandate_approved' : refusedBy()(e, kind))
	);
}

export interface AuditRow {
	at: string;
	actor: string | null;
	entity: string;
	action: string;
	changes: Record<string, unknown>;
}

/** Who changed the team's mandate, when: newest first. */
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

/**
 * Everything the team page shows besides the team itself (the layout has it), in one
 * transaction: members, mandate, active cycles, journeys, waiting ideas and the figures.
 */
export async function overview(claims: Claims, teamId: string) {
	return db().asUser(claims, async (tx) => {
		const [people, allMandates, active, journeys, waiting, figures, canSeeCases] =
			await Promise.all([
				members(tx, teamId),
				mandates(tx, teamId),
				cycles.active(tx, teamId),
				// journeys and touchpoints belong to the journeys module: read here until it offers a verb
				tx.query<{ id: string; name: string; touchpoints: number; owner: string | null }>(
					`select j.id, j.name, o.name as owner,
					        (select count(*) from touchpoint tp where tp.journey_id = j.id)::integer as touchpoints
					   from journey j left join person o on o.id = j.owner_id
					  where j.team_id = $1 order by lower(j.name)`,
					[teamId]
				),
				ideas.waiting(tx, teamId),
				teamHeadlines(tx, teamId),
				tx.query<{ yes: boolean }>('select private.can_see_cases() as yes')
			]);
		return {
			members: people,
			mandate: currentMandate(allMandates),
			pendingMandate: allMandates.find((m) => m.approvedOn === null) ?? null,
			cycles: active,
			journeys,
			ideas: waiting,
			figures,
			canSeeCases: canSeeCases[0]?.yes ?? false
		};
	});
}

/** The team page's "Team" tab: members, composition, and my own profile. */
export function membersPage(claims: Claims, team: Pick<Team, 'id' | 'compactSize'>) {
	return db().asUser(claims, async (tx) => {
		const [people, comp, profile] = await Promise.all([
			members(tx, team.id),
			composition(tx, team.id, team.compactSize),
			myProfile(tx, team.id)
		]);
		return { members: people, composition: comp, profile };
	});
}

/** The mandate tab: every version and who drafted and approved what, when. */
export function mandatePage(claims: Claims, teamId: string) {
	return db().asUser(claims, async (tx) => {
		const [versions, audit] = await Promise.all([
			mandates(tx, teamId),
			auditTrail(tx, teamId, 'mandate')
		]);
		return { versions, audit, current: currentMandate(versions) };
	});
}
