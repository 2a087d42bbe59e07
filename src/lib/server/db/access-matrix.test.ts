/**
 * The access-control matrix (issue 13): one declared table of who may read, add, change and
 * remove which rows of every table and view in schema public, run against the database on
 * PGlite and on PostgreSQL. Any difference fails, and so does a table without an entry: nobody
 * adds a table and forgets its policies.
 *
 * The rows are labelled by where they belong: `A` and `B` are two customer teams of
 * organisation a, `X` a team of organisation b; `a` and `b` are the organisations themselves
 * (for tables that belong to an organisation, not a team). A cell lists the labels whose rows
 * an actor reaches: sees (select), adds into (insert, one attempt per label), changes (update)
 * or removes (delete). An actor not named in a cell reaches nothing. Every attempt runs in a
 * transaction that is rolled back, so each cell is independent of the others.
 *
 * The actors: a request without sign-in (anon); a staff member in no team (staff); a member of
 * team A and one of team B; the coach of team A (organisation role coach; team B has no coach);
 * an admin; and the admin of organisation b (outsider), the strongest person of another
 * organisation. API tokens are no database role: they act through the service path, for their
 * own organisation, on the import endpoints only (case-data/api.test.ts).
 *
 * The rules a row label cannot express — which columns a lead may change, that a membership
 * never moves, four eyes on decisions and mandates — are the companion table RULES below.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { claimsFor, createTwoOrgs, forEachDriver, type Org } from './test-helpers';
import type { Claims, Queryable } from './types';

type Actor = 'anon' | 'staff' | 'memberA' | 'memberB' | 'coachA' | 'admin' | 'outsider';
type Op = 'select' | 'insert' | 'update' | 'delete';
/** Labels reached, per actor (absent: none). */
type Cell = Partial<Record<Actor, string[]>>;

const ACTORS: Actor[] = ['anon', 'staff', 'memberA', 'memberB', 'coachA', 'admin', 'outsider'];
const A = ['A'];
const B = ['B'];
const AB = ['A', 'B'];
const X = ['X'];

/** Everyone signed in: their own organisation's labels, the outsider b's. */
const everyone = (own: string[], other: string[]): Cell => ({
	staff: own,
	memberA: own,
	memberB: own,
	coachA: own,
	admin: own,
	outsider: other
});
const orgWide = everyone(['a'], ['b']);
const teamsWide = everyone(AB, X);
const admins: Cell = { admin: ['a'], outsider: ['b'] };
/** Case data: coaches, admins and the members of any team; not staff outside the teams. */
const caseReaders: Cell = {
	memberA: ['a'],
	memberB: ['a'],
	coachA: ['a'],
	admin: ['a'],
	outsider: ['b']
};
/** A team's editors: its members, its coach, admins. */
const editors: Cell = { memberA: A, memberB: B, coachA: A, admin: AB, outsider: X };
/** The team's coach and admins. */
const coaches: Cell = { coachA: A, admin: AB, outsider: X };
const nobody: Cell = {};

const all = (cell: Cell) => ({ select: cell, insert: cell, update: cell, delete: cell });

/** THE MATRIX: every table and view of schema public. */
const MATRIX: Record<string, Record<Op, Cell>> = {
	organisation: { select: orgWide, insert: nobody, update: admins, delete: nobody },
	department: { ...all(admins), select: orgWide },
	person: { ...all(admins), select: orgWide },
	invitation: all(admins),
	category: { ...all(admins), select: orgWide },
	import_batch: { ...all(admins), select: caseReaders },
	report: { ...all(admins), select: caseReaders },
	report_event: { ...all(admins), select: caseReaders, update: nobody },
	report_flow: { select: caseReaders, insert: nobody, update: nobody, delete: nobody },
	case_fact: { select: caseReaders, insert: nobody, update: nobody, delete: nobody },
	handoff_fact: { select: caseReaders, insert: nobody, update: nobody, delete: nobody },
	case_lead_time: { select: caseReaders, insert: nobody, update: nobody, delete: nobody },
	mapping_preset: all(admins),
	api_token: all(admins),
	// the trail of what a reader may read (20261204030000_audit_reads.sql); written by triggers only
	audit: {
		select: {
			staff: AB,
			memberA: [...AB, 'A evaluation'],
			memberB: [...AB, 'B evaluation'],
			coachA: [...AB, 'A evaluation'],
			admin: [...AB, 'A evaluation', 'B evaluation'],
			outsider: [...X, 'X evaluation']
		},
		insert: nobody,
		update: nobody,
		delete: nobody
	},
	team: {
		select: teamsWide,
		insert: { coachA: ['a'], admin: ['a'], outsider: ['b'] },
		// the coach, a lead (see RULES) or an admin
		update: coaches,
		delete: { admin: AB, outsider: X }
	},
	team_member: {
		select: teamsWide,
		insert: coaches,
		update: coaches,
		// managers, and members leave
		delete: { ...coaches, memberA: A, memberB: B }
	},
	// read and kept by its owner only: the members of A and B own the profiles of A and B
	team_member_profile: all({ memberA: A, memberB: B }),
	mandate: { select: teamsWide, insert: editors, update: coaches, delete: nobody },
	evaluation: { select: editors, insert: coaches, update: coaches, delete: nobody },
	journey: { ...all(editors), select: teamsWide },
	stage: { ...all(editors), select: teamsWide },
	touchpoint: { ...all(editors), select: teamsWide },
	touchpoint_category: { ...all(editors), select: teamsWide },
	journey_undo: all(editors),
	improvement_cycle: { ...all(editors), select: teamsWide },
	cycle_action: { ...all(editors), select: teamsWide },
	decision_request: { select: teamsWide, insert: editors, update: coaches, delete: nobody },
	idea: {
		select: teamsWide,
		insert: teamsWide,
		// triage: coaches and admins of the organisation, and the team the idea is about
		update: { memberA: A, memberB: B, coachA: AB, admin: AB, outsider: X },
		// the submitter, while the idea is new
		delete: { memberA: A, memberB: B }
	},
	// the submitter adds a photo; nobody changes or removes one (it goes with its idea)
	idea_photo: {
		select: teamsWide,
		insert: { memberA: A, memberB: B },
		update: nobody,
		delete: nobody
	},
	// everyone votes once; only the voter takes it back
	idea_vote: {
		select: teamsWide,
		insert: teamsWide,
		update: nobody,
		delete: { memberA: A, memberB: B }
	},
	// everyone reads the agreements between departments; coaches and admins record versions,
	// which nobody changes or removes
	service_agreement: {
		select: orgWide,
		insert: { coachA: ['a'], admin: ['a'], outsider: ['b'] },
		update: nobody,
		delete: nobody
	},
	// customer groups: everyone reads them, coaches and admins keep them and place teams in them
	chain: { ...all({ coachA: ['a'], admin: ['a'], outsider: ['b'] }), select: orgWide },
	chain_team: { ...all({ coachA: ['a'], admin: ['a'], outsider: ['b'] }), select: orgWide },
	// the activities that count as contact: read with case data, confirmed and removed by
	// coaches and admins, never changed (20261204080000_silence.sql)
	contact_activity: {
		select: caseReaders,
		insert: { coachA: ['a'], admin: ['a'], outsider: ['b'] },
		update: nobody,
		delete: { coachA: ['a'], admin: ['a'], outsider: ['b'] }
	},
	// what a source's channel and department values become at import: the importing admins'
	// (20261204150000_cijfers.sql)
	import_value_map: all(admins)
};

type Stmt = [sql: string, params: unknown[]];

/** What the matrix needs of one table. */
interface Spec {
	/** A row's key as text. */
	key: string;
	/** The SET of a change that is allowed wherever the policy allows a change. */
	set: string;
	/** The statements that add a row under each label. */
	insert: (f: Fixture) => Record<string, Stmt[]>;
	/** The keys of the fixture rows under each label. */
	rows: (f: Fixture) => Record<string, string[]>;
}

interface OrgRows {
	org: string;
	department: string;
	bystander: string;
	invitation: string;
	categories: string[];
	spareCategory: string;
	batch: string;
	report: string;
	event: string;
	preset: string;
	token: string;
	agreement: string;
	chain: string;
	contact: string;
	valueMap: string;
	/** A second department, the agreement's B. */
	otherDepartment: string;
}
interface TeamRows {
	org: OrgRows;
	team: string;
	member: string;
	memberships: string[];
	mandate: string;
	evaluation: string;
	journey: string;
	stage: string;
	touchpoint: string;
	category: string;
	cycle: string;
	action: string;
	request: string;
	idea: string;
	newIdea: string;
}
interface Fixture {
	orgs: Record<'a' | 'b', OrgRows>;
	teams: Record<'A' | 'B' | 'X', TeamRows>;
}

const perOrg = (f: Fixture, fn: (o: OrgRows) => string[]) => ({ a: fn(f.orgs.a), b: fn(f.orgs.b) });
const perTeam = (f: Fixture, fn: (t: TeamRows) => string[]) => ({
	A: fn(f.teams.A),
	B: fn(f.teams.B),
	X: fn(f.teams.X)
});
const insertPerOrg = (f: Fixture, fn: (o: OrgRows) => Stmt[]) => ({
	a: fn(f.orgs.a),
	b: fn(f.orgs.b)
});
const insertPerTeam = (f: Fixture, fn: (t: TeamRows) => Stmt[]) => ({
	A: fn(f.teams.A),
	B: fn(f.teams.B),
	X: fn(f.teams.X)
});
const rnd = () => randomBytes(4).toString('hex');

const SPECS: Record<string, Spec> = {
	organisation: {
		key: 'id::text',
		set: 'name = name',
		insert: () => ({
			a: [[`insert into organisation (name, slug) values ('Nieuw', $1)`, [`nieuw-${rnd()}`]]]
		}),
		rows: (f) => perOrg(f, (o) => [o.org])
	},
	department: {
		key: 'id::text',
		set: 'name = name',
		insert: (f) =>
			insertPerOrg(f, (o) => [
				[`insert into department (org_id, name, kind) values ($1, 'Nieuw', 'back_office')`, [o.org]]
			]),
		rows: (f) => perOrg(f, (o) => [o.department])
	},
	person: {
		key: 'id::text',
		set: 'name = name',
		insert: (f) =>
			insertPerOrg(f, (o) => [
				[
					`insert into person (org_id, name, email) values ($1, 'Nieuw', 'nieuw@nieuw.test')`,
					[o.org]
				]
			]),
		rows: (f) => perOrg(f, (o) => [o.bystander])
	},
	invitation: {
		key: 'id::text',
		set: 'expires_at = expires_at',
		insert: (f) =>
			insertPerOrg(f, (o) => [
				[
					`insert into invitation (org_id, person_id, token_hash) values ($1, $2, $3)`,
					[o.org, o.bystander, rnd()]
				]
			]),
		rows: (f) => perOrg(f, (o) => [o.invitation])
	},
	category: {
		key: 'id::text',
		set: 'name = name',
		insert: (f) =>
			insertPerOrg(f, (o) => [
				[`insert into category (org_id, name) values ($1, 'Nieuw')`, [o.org]]
			]),
		rows: (f) => perOrg(f, (o) => o.categories)
	},
	import_batch: {
		key: 'id::text',
		set: 'rows_read = rows_read',
		insert: (f) =>
			insertPerOrg(f, (o) => [
				[
					`insert into import_batch (org_id, via, format, shape) values ($1, 'upload', 'csv', 'case')`,
					[o.org]
				]
			]),
		rows: (f) => perOrg(f, (o) => [o.batch])
	},
	report: {
		key: 'id::text',
		set: 'status = status',
		insert: (f) =>
			insertPerOrg(f, (o) => [
				[`insert into report (org_id, source, external_id) values ($1, 'matrix', 'nieuw')`, [o.org]]
			]),
		rows: (f) => perOrg(f, (o) => [o.report])
	},
	report_event: {
		key: 'id::text',
		set: 'activity = activity',
		insert: (f) =>
			insertPerOrg(f, (o) => [
				[
					`insert into report_event (org_id, report_id, occurred_at, activity, seq) values ($1, $2, now(), 'Nieuw', 9)`,
					[o.org, o.report]
				]
			]),
		rows: (f) => perOrg(f, (o) => [o.event])
	},
	report_flow: {
		key: 'report_id::text',
		set: 'events = events',
		insert: (f) =>
			insertPerOrg(f, (o) => [
				[
					`insert into report_flow (report_id, org_id, events, activities, variant, handoffs, handoff_from, handoff_to)
					 values ($1, $2, 1, '{}', gen_random_uuid(), 0, '{}', '{}')`,
					[o.report, o.org]
				]
			]),
		rows: (f) => perOrg(f, (o) => [o.report])
	},
	case_fact: {
		key: 'report_id::text',
		set: 'events = events',
		insert: (f) =>
			insertPerOrg(f, (o) => [
				[
					`insert into case_fact (report_id, org_id, source, source_repeat) values ($1, $2, 'matrix', false)`,
					[o.report, o.org]
				]
			]),
		rows: (f) => perOrg(f, (o) => [o.report])
	},
	handoff_fact: {
		key: 'report_id::text',
		set: 'wait_hours = wait_hours',
		insert: (f) =>
			insertPerOrg(f, (o) => [
				[
					`insert into handoff_fact (report_id, ordinal, org_id, from_department, to_department, left_at, arrived_at, left_local_date, arrived_week, wait_hours, wait_working_days)
					 values ($1, 1, $2, 'A', 'B', now(), now(), current_date, current_date, 0, 0)`,
					[o.report, o.org]
				]
			]),
		rows: (f) => perOrg(f, (o) => [o.report])
	},
	case_lead_time: {
		key: 'report_id::text',
		set: 'channel = channel',
		insert: (f) =>
			insertPerOrg(f, (o) => [
				[`insert into case_lead_time (report_id, org_id) values ($1, $2)`, [randomUUID(), o.org]]
			]),
		rows: (f) => perOrg(f, (o) => [o.report])
	},
	mapping_preset: {
		key: 'id::text',
		set: 'name = name',
		insert: (f) =>
			insertPerOrg(f, (o) => [
				[
					`insert into mapping_preset (org_id, name, shape, mapping) values ($1, 'Nieuw', 'case', '{}')`,
					[o.org]
				]
			]),
		rows: (f) => perOrg(f, (o) => [o.preset])
	},
	api_token: {
		key: 'id::text',
		set: 'name = name',
		insert: (f) =>
			insertPerOrg(f, (o) => [
				[
					`insert into api_token (org_id, name, token_hash, prefix) values ($1, 'Nieuw', $2, 'koers_x')`,
					[o.org, rnd()]
				]
			]),
		rows: (f) => perOrg(f, (o) => [o.token])
	},
	audit: {
		key: 'entity_id::text',
		set: 'action = action',
		insert: (f) =>
			insertPerTeam(f, (t) => [
				[
					`insert into audit (org_id, team_id, entity, entity_id, action) values ($1, $2, 'mandate', $3, 'insert')`,
					[t.org.org, t.team, t.mandate]
				]
			]),
		rows: (f) => ({
			...perTeam(f, (t) => [t.mandate, t.cycle, t.request, t.idea]),
			'A evaluation': [f.teams.A.evaluation],
			'B evaluation': [f.teams.B.evaluation],
			'X evaluation': [f.teams.X.evaluation]
		})
	},
	team: {
		key: 'id::text',
		set: 'name = name',
		insert: (f) =>
			insertPerOrg(f, (o) => [
				[`insert into team (org_id, name) values ($1, 'Nieuw team')`, [o.org]]
			]),
		rows: (f) => perTeam(f, (t) => [t.team])
	},
	team_member: {
		key: `team_id || ':' || person_id`,
		set: 'team_role = team_role',
		insert: (f) =>
			insertPerTeam(f, (t) => [
				[
					`insert into team_member (team_id, person_id, org_id) values ($1, $2, $3)`,
					[t.team, t.org.bystander, t.org.org]
				]
			]),
		rows: (f) => perTeam(f, (t) => t.memberships)
	},
	team_member_profile: {
		key: `team_id || ':' || person_id`,
		set: 'proactive = proactive',
		// one's own profile in the team (replacing it, if one has one)
		insert: (f) =>
			insertPerTeam(f, (t) => [
				[
					'delete from team_member_profile where team_id = $1 and person_id = private.person_id()',
					[t.team]
				],
				[
					`insert into team_member_profile (team_id, person_id, org_id, proactive) values ($1, private.person_id(), $2, 3)`,
					[t.team, t.org.org]
				]
			]),
		rows: (f) => perTeam(f, (t) => [`${t.team}:${t.member}`])
	},
	mandate: {
		key: 'id::text',
		set: 'approved_on = current_date', // approving is the one change a mandate version allows
		insert: (f) =>
			insertPerTeam(f, (t) => [
				[`insert into mandate (org_id, team_id) values ($1, $2)`, [t.org.org, t.team]]
			]),
		rows: (f) => perTeam(f, (t) => [t.mandate])
	},
	evaluation: {
		key: 'id::text',
		set: 'results = results',
		insert: (f) =>
			insertPerTeam(f, (t) => [
				[
					`insert into evaluation (org_id, team_id, next_on) values ($1, $2, current_date + 14)`,
					[t.org.org, t.team]
				]
			]),
		rows: (f) => perTeam(f, (t) => [t.evaluation])
	},
	journey: {
		key: 'id::text',
		set: 'name = name',
		insert: (f) =>
			insertPerTeam(f, (t) => [
				[
					`insert into journey (org_id, team_id, name) values ($1, $2, 'Nieuw')`,
					[t.org.org, t.team]
				]
			]),
		rows: (f) => perTeam(f, (t) => [t.journey])
	},
	stage: {
		key: 'id::text',
		set: 'name = name',
		insert: (f) =>
			insertPerTeam(f, (t) => [
				[
					`insert into stage (org_id, journey_id, position, name) values ($1, $2, 9, 'Nieuw')`,
					[t.org.org, t.journey]
				]
			]),
		rows: (f) => perTeam(f, (t) => [t.stage])
	},
	touchpoint: {
		key: 'id::text',
		set: 'name = name',
		insert: (f) =>
			insertPerTeam(f, (t) => [
				[
					`insert into touchpoint (org_id, journey_id, stage_id, position, name) values ($1, $2, $3, 9, 'Nieuw')`,
					[t.org.org, t.journey, t.stage]
				]
			]),
		rows: (f) => perTeam(f, (t) => [t.touchpoint])
	},
	touchpoint_category: {
		key: 'category_id::text',
		set: 'touchpoint_id = touchpoint_id',
		insert: (f) =>
			insertPerTeam(f, (t) => [
				[
					`insert into touchpoint_category (category_id, touchpoint_id, org_id) values ($1, $2, $3)`,
					[t.org.spareCategory, t.touchpoint, t.org.org]
				]
			]),
		rows: (f) => perTeam(f, (t) => [t.category])
	},
	journey_undo: {
		key: 'journey_id::text',
		set: 'subject = subject',
		// the one undo step of the journey, replaced
		insert: (f) =>
			insertPerTeam(f, (t) => [
				['delete from journey_undo where journey_id = $1', [t.journey]],
				[
					`insert into journey_undo (journey_id, org_id, change, snapshot) values ($1, $2, 'touchpoint_move', '{}')`,
					[t.journey, t.org.org]
				]
			]),
		rows: (f) => perTeam(f, (t) => [t.journey])
	},
	improvement_cycle: {
		key: 'id::text',
		set: 'title = title',
		insert: (f) =>
			insertPerTeam(f, (t) => [
				[
					`insert into improvement_cycle (org_id, team_id, title) values ($1, $2, 'Nieuw')`,
					[t.org.org, t.team]
				]
			]),
		rows: (f) => perTeam(f, (t) => [t.cycle])
	},
	cycle_action: {
		key: 'id::text',
		set: 'done = done',
		insert: (f) =>
			insertPerTeam(f, (t) => [
				[
					`insert into cycle_action (org_id, cycle_id, who, what) values ($1, $2, 'Kim', 'Bellen')`,
					[t.org.org, t.cycle]
				]
			]),
		rows: (f) => perTeam(f, (t) => [t.action])
	},
	decision_request: {
		key: 'id::text',
		set: `status = 'approved', reason = 'Akkoord'`, // deciding is the one change it allows
		insert: (f) =>
			insertPerTeam(f, (t) => [
				[
					`insert into decision_request (org_id, cycle_id, question) values ($1, $2, 'Mag het?')`,
					[t.org.org, t.cycle]
				]
			]),
		rows: (f) => perTeam(f, (t) => [t.request])
	},
	idea: {
		key: 'id::text',
		set: 'status_reason = status_reason',
		insert: (f) =>
			insertPerTeam(f, (t) => [
				[
					`insert into idea (id, org_id, body, team_id) values ($1, $2, 'Nieuw idee', $3)`,
					[randomUUID(), t.org.org, t.team]
				]
			]),
		rows: (f) => perTeam(f, (t) => [t.idea, t.newIdea])
	},
	idea_photo: {
		key: 'idea_id::text',
		set: 'mime = mime',
		insert: (f) =>
			insertPerTeam(f, (t) => [
				[
					`insert into idea_photo (idea_id, org_id, mime, bytes) values ($1, $2, 'image/png', '\\x89'::bytea)`,
					[t.newIdea, t.org.org]
				]
			]),
		rows: (f) => perTeam(f, (t) => [t.idea])
	},
	idea_vote: {
		key: `idea_id || ':' || person_id`,
		set: 'created_at = created_at',
		// one's own vote (cast again, if one had voted)
		insert: (f) =>
			insertPerTeam(f, (t) => [
				['delete from idea_vote where idea_id = $1 and person_id = private.person_id()', [t.idea]],
				[`insert into idea_vote (idea_id, org_id) values ($1, $2)`, [t.idea, t.org.org]]
			]),
		rows: (f) => perTeam(f, (t) => [`${t.idea}:${t.member}`])
	},
	contact_activity: {
		key: 'id::text',
		set: 'direction = direction',
		insert: (f) =>
			insertPerOrg(f, (o) => [
				[
					`insert into contact_activity (org_id, activity, direction, confirmed_by)
					 values ($1, 'Klant teruggebeld', 'outbound', private.person_id())`,
					[o.org]
				]
			]),
		rows: (f) => perOrg(f, (o) => [o.contact])
	},
	service_agreement: {
		key: 'id::text',
		set: 'limit_value = limit_value',
		// a version starting later than every existing one
		insert: (f) =>
			insertPerOrg(f, (o) => [
				[
					`insert into service_agreement (org_id, from_department_id, to_department_id, limit_value, unit, valid_from)
					 values ($1, $2, $3, 2, 'working_days', '2026-06-01')`,
					[o.org, o.department, o.otherDepartment]
				]
			]),
		rows: (f) => perOrg(f, (o) => [o.agreement])
	},
	import_value_map: {
		key: 'id::text',
		set: 'value = value',
		insert: (f) =>
			insertPerOrg(f, (o) => [
				[
					`insert into import_value_map (org_id, field, source_value, value) values ($1, 'department', 'BTDT', 'Wijkbeheer')`,
					[o.org]
				]
			]),
		rows: (f) => perOrg(f, (o) => [o.valueMap])
	},
	chain: {
		key: 'id::text',
		set: 'name = name',
		insert: (f) =>
			insertPerOrg(f, (o) => [
				[`insert into chain (org_id, name) values ($1, 'Werkgevers')`, [o.org]]
			]),
		rows: (f) => perOrg(f, (o) => [o.chain])
	},
	chain_team: {
		key: 'team_id::text',
		set: 'chain_id = chain_id',
		// a team of the organisation into its chain (out of any chain first)
		insert: (f) => ({
			a: [
				['delete from chain_team where team_id = $1', [f.teams.B.team]],
				[
					`insert into chain_team (team_id, chain_id, org_id) values ($1, $2, $3)`,
					[f.teams.B.team, f.orgs.a.chain, f.orgs.a.org]
				]
			],
			b: [
				['delete from chain_team where team_id = $1', [f.teams.X.team]],
				[
					`insert into chain_team (team_id, chain_id, org_id) values ($1, $2, $3)`,
					[f.teams.X.team, f.orgs.b.chain, f.orgs.b.org]
				]
			]
		}),
		rows: (f) => ({ a: [f.teams.A.team], b: [f.teams.X.team] })
	}
};

/**
 * The companion table: rules about columns and about who did what before. Each runs as one
 * actor in one transaction (rolled back); `refused` means the database refused the last
 * statement (an error for a privilege or policy reason, or no row reached).
 */
type Who = Exclude<Actor, 'anon'> | 'leadA';
interface Rule {
	rule: string;
	who: Who;
	do: (f: Fixture, people: Record<Who, string>) => Stmt[];
	expect: 'allowed' | 'refused';
}
const RULES: Rule[] = [
	{
		rule: "a lead changes her team's name, cadence and size",
		who: 'leadA',
		do: (f) => [
			[
				`update team set name = 'Afval en buitenruimte', cadence_days = 7, compact_size = 10 where id = $1 returning id`,
				[f.teams.A.team]
			]
		],
		expect: 'allowed'
	},
	{
		rule: 'a lead does not appoint herself coach',
		who: 'leadA',
		do: (f, p) => [
			[`update team set coach_id = $2 where id = $1 returning id`, [f.teams.A.team, p.leadA]]
		],
		expect: 'refused'
	},
	{
		rule: "a lead does not remove her team's coach",
		who: 'leadA',
		do: (f) => [[`update team set coach_id = null where id = $1 returning id`, [f.teams.A.team]]],
		expect: 'refused'
	},
	{
		rule: 'a coach does not hand the team to someone else',
		who: 'coachA',
		do: (f, p) => [
			[`update team set coach_id = $2 where id = $1 returning id`, [f.teams.A.team, p.admin]]
		],
		expect: 'refused'
	},
	{
		rule: 'an admin appoints a coach',
		who: 'admin',
		do: (f, p) => [
			[`update team set coach_id = $2 where id = $1 returning id`, [f.teams.B.team, p.coachA]]
		],
		expect: 'allowed'
	},
	{
		rule: 'an admin does not appoint a staff member as coach',
		who: 'admin',
		do: (f, p) => [
			[`update team set coach_id = $2 where id = $1 returning id`, [f.teams.B.team, p.staff]]
		],
		expect: 'refused'
	},
	{
		rule: "a lead changes a member's team role",
		who: 'leadA',
		do: (f, p) => [
			[
				`update team_member set team_role = 'expert' where team_id = $1 and person_id = $2 returning team_id`,
				[f.teams.A.team, p.memberA]
			]
		],
		expect: 'allowed'
	},
	{
		rule: 'a lead does not move her membership into another team',
		who: 'leadA',
		do: (f, p) => [
			[
				`update team_member set team_id = $2 where team_id = $1 and person_id = $3 returning team_id`,
				[f.teams.A.team, f.teams.B.team, p.leadA]
			]
		],
		expect: 'refused'
	},
	{
		rule: "an admin does not change a membership's person",
		who: 'admin',
		do: (f, p) => [
			[
				`update team_member set person_id = $3 where team_id = $1 and person_id = $2 returning team_id`,
				[f.teams.A.team, p.memberA, p.staff]
			]
		],
		expect: 'refused'
	},
	{
		rule: "the coach decides a member's request",
		who: 'coachA',
		do: (f) => [
			[
				`update decision_request set status = 'approved', reason = 'Akkoord' where id = $1 returning id`,
				[f.teams.A.request]
			]
		],
		expect: 'allowed'
	},
	{
		rule: 'the coach does not decide a request they raised (four eyes)',
		who: 'coachA',
		do: (f) => [
			[
				`insert into decision_request (org_id, cycle_id, question) values ($1, $2, 'Mag ik?')`,
				[f.orgs.a.org, f.teams.A.cycle]
			],
			[
				`update decision_request set status = 'approved', reason = 'Akkoord'
				  where question = 'Mag ik?' returning id`,
				[]
			]
		],
		expect: 'refused'
	},
	{
		rule: "the coach approves a member's mandate draft",
		who: 'coachA',
		do: (f) => [
			[
				`update mandate set approved_on = current_date where id = $1 returning id`,
				[f.teams.A.mandate]
			]
		],
		expect: 'allowed'
	},
	{
		rule: 'the coach does not approve a mandate version they drafted (four eyes)',
		who: 'coachA',
		do: (f) => [
			[
				`insert into mandate (org_id, team_id, note) values ($1, $2, 'Eigen')`,
				[f.orgs.a.org, f.teams.A.team]
			],
			[`update mandate set approved_on = current_date where note = 'Eigen' returning id`, []]
		],
		expect: 'refused'
	},
	{
		rule: 'an admin does not approve a mandate version they drafted (four eyes)',
		who: 'admin',
		do: (f) => [
			[
				`insert into mandate (org_id, team_id, note) values ($1, $2, 'Eigen')`,
				[f.orgs.a.org, f.teams.B.team]
			],
			[`update mandate set approved_on = current_date where note = 'Eigen' returning id`, []]
		],
		expect: 'refused'
	},
	{
		rule: "an admin does not link a person to someone's sign-in",
		who: 'admin',
		do: (f) => [
			[
				`update person set user_id = $2 where id = $1 returning id`,
				[f.orgs.a.bystander, randomUUID()]
			]
		],
		expect: 'refused'
	},
	{
		rule: 'a triaging coach does not rewrite who submitted an idea',
		who: 'coachA',
		do: (f, p) => [
			[`update idea set submitter_id = $2 where id = $1 returning id`, [f.teams.A.idea, p.coachA]]
		],
		expect: 'refused'
	}
];

/** A refusal for a privilege or policy reason; any other error is a broken test. */
const REFUSAL =
	/row-level security|permission denied|violates foreign key|cannot (insert into|update|delete from) view/;

class Rollback extends Error {
	constructor(readonly rows: { k: string }[]) {
		super('rollback');
	}
}

forEachDriver('the access-control matrix', (t) => {
	let f: Fixture;
	let claims: Record<Exclude<Who, 'anon'>, Claims>;
	let people: Record<Who, string>;

	beforeAll(async () => {
		const { a, b } = await createTwoOrgs(t().db, 'matrix');
		const extra: Record<string, { id: string; claims: Claims }> = {};
		f = await t().db.asService(async (tx) => {
			const one = async (sql: string, params: unknown[]) =>
				String((await tx.query<{ id: string }>(sql, params))[0].id);
			const signedUp = async (org: Org, name: string) => {
				const userId = randomUUID();
				const email = `${name}@${org.slug}.test`;
				await tx.query('insert into auth.users (id, email) values ($1, $2)', [userId, email]);
				extra[name] = {
					claims: claimsFor(userId, email),
					id: await one(
						`insert into person (org_id, user_id, name, email) values ($1, $2, $3, $4) returning id`,
						[org.id, userId, name, email]
					)
				};
				return extra[name].id;
			};
			const orgRows = async (org: Org): Promise<OrgRows> => {
				const bystander = await one(
					`insert into person (org_id, name, email) values ($1, 'Voorbijganger', $2) returning id`,
					[org.id, `voorbij@${org.slug}.test`]
				);
				const batch = await one(
					`insert into import_batch (org_id, via, format, shape) values ($1, 'cli', 'csv', 'event') returning id`,
					[org.id]
				);
				const report = await one(
					`insert into report (org_id, source, external_id, received_at, batch_id) values ($1, 'zaken', 'Z-1', now(), $2) returning id`,
					[org.id, batch]
				);
				const otherDepartment = await one(
					`insert into department (org_id, name, kind) values ($1, 'Achterkant', 'back_office') returning id`,
					[org.id]
				);
				return {
					org: org.id,
					department: org.departmentId,
					otherDepartment,
					chain: await one(
						`insert into chain (org_id, name) values ($1, 'Inwoners') returning id`,
						[org.id]
					),
					contact: await one(
						`insert into contact_activity (org_id, activity, direction) values ($1, 'Bevestiging verstuurd', 'outbound') returning id`,
						[org.id]
					),
					valueMap: await one(
						`insert into import_value_map (org_id, field, source_value, value) values ($1, 'channel', 'Constituent Call', 'telefoon') returning id`,
						[org.id]
					),
					agreement: await one(
						`insert into service_agreement (org_id, from_department_id, to_department_id, limit_value, unit, valid_from)
						 values ($1, $2, $3, 1, 'working_days', '2026-01-01') returning id`,
						[org.id, org.departmentId, otherDepartment]
					),
					bystander,
					invitation: await one(
						`insert into invitation (org_id, person_id, token_hash) values ($1, $2, $3) returning id`,
						[org.id, bystander, rnd()]
					),
					categories: [],
					spareCategory: await one(
						`insert into category (org_id, name) values ($1, 'Reserve') returning id`,
						[org.id]
					),
					batch,
					report,
					event: await one(
						`insert into report_event (org_id, report_id, occurred_at, activity, seq) values ($1, $2, now(), 'Ontvangen', 1) returning id`,
						[org.id, report]
					),
					preset: await one(
						`insert into mapping_preset (org_id, name, shape, mapping) values ($1, 'Zaken', 'case', '{}') returning id`,
						[org.id]
					),
					token: await one(
						`insert into api_token (org_id, name, token_hash, prefix) values ($1, 'Zaaksysteem', $2, 'koers_y') returning id`,
						[org.id, rnd()]
					)
				};
			};
			const orgs = { a: await orgRows(a), b: await orgRows(b) };
			// a handoff in each organisation's case, so that handoff_fact has a row of it
			for (const o of [orgs.a, orgs.b])
				await tx.query(
					`insert into report_event (org_id, report_id, occurred_at, activity, department, seq)
					 values ($1, $2, now(), 'Doorzetten', 'KCC', 2),
					        ($1, $2, now() + interval '1 hour', 'Oppakken', 'Afval', 3)`,
					[o.org, o.report]
				);
			orgs.a.categories.push(orgs.a.spareCategory);
			orgs.b.categories.push(orgs.b.spareCategory);

			const teamRows = async (
				o: OrgRows,
				name: string,
				coach: string | null,
				members: [string, 'member' | 'lead'][]
			): Promise<TeamRows> => {
				const team = await one(
					`insert into team (org_id, name, coach_id) values ($1, $2, $3) returning id`,
					[o.org, name, coach]
				);
				for (const [person, role] of members)
					await tx.query(
						`insert into team_member (team_id, person_id, org_id, team_role) values ($1, $2, $3, $4)`,
						[team, person, o.org, role]
					);
				const member = members[0][0];
				await tx.query(
					`insert into team_member_profile (team_id, person_id, org_id, proactive) values ($1, $2, $3, 4)`,
					[team, member, o.org]
				);
				const journey = await one(
					`insert into journey (org_id, team_id, name) values ($1, $2, 'Melding') returning id`,
					[o.org, team]
				);
				const stage = await one(
					`insert into stage (org_id, journey_id, position, name) values ($1, $2, 1, 'Melden') returning id`,
					[o.org, journey]
				);
				const touchpoint = await one(
					`insert into touchpoint (org_id, journey_id, stage_id, position, name) values ($1, $2, $3, 1, 'Bellen') returning id`,
					[o.org, journey, stage]
				);
				const category = await one(
					`insert into category (org_id, name) values ($1, $2) returning id`,
					[o.org, `Categorie ${name}`]
				);
				o.categories.push(category);
				await tx.query(
					`insert into touchpoint_category (category_id, touchpoint_id, org_id) values ($1, $2, $3)`,
					[category, touchpoint, o.org]
				);
				await tx.query(
					`insert into journey_undo (journey_id, org_id, change, snapshot) values ($1, $2, 'stage_add', '{}')`,
					[journey, o.org]
				);
				const cycle = await one(
					`insert into improvement_cycle (org_id, team_id, title) values ($1, $2, 'Sneller') returning id`,
					[o.org, team]
				);
				const idea = randomUUID();
				const newIdea = randomUUID();
				await tx.query(
					`insert into idea (id, org_id, submitter_id, body, team_id) values ($1, $3, $4, 'Meer bakken', $5), ($2, $3, $4, 'Minder bakken', $5)`,
					[idea, newIdea, o.org, member, team]
				);
				await tx.query(
					`update idea set status = 'reviewing', status_reason = 'Bekijken' where id = $1`,
					[idea]
				);
				await tx.query(
					`insert into idea_photo (idea_id, org_id, mime, bytes) values ($1, $2, 'image/png', '\\x89'::bytea)`,
					[idea, o.org]
				);
				await tx.query(`insert into idea_vote (idea_id, person_id, org_id) values ($1, $2, $3)`, [
					idea,
					member,
					o.org
				]);
				return {
					org: o,
					team,
					member,
					memberships: members.map(([person]) => `${team}:${person}`),
					mandate: await one(
						`insert into mandate (org_id, team_id, decision_rights, created_by) values ($1, $2, '{"Openingstijden"}', $3) returning id`,
						[o.org, team, member]
					),
					evaluation: await one(
						`insert into evaluation (org_id, team_id, next_on, results) values ($1, $2, current_date + 14, 'Goed') returning id`,
						[o.org, team]
					),
					journey,
					stage,
					touchpoint,
					category,
					cycle,
					action: await one(
						`insert into cycle_action (org_id, cycle_id, who, what) values ($1, $2, 'Kim', 'Bellen') returning id`,
						[o.org, cycle]
					),
					request: await one(
						`insert into decision_request (org_id, cycle_id, question, requested_by) values ($1, $2, 'Mag het?', $3) returning id`,
						[o.org, cycle, member]
					),
					idea,
					newIdea
				};
			};
			const placeInChain = (o: OrgRows, team: string) =>
				tx.query(`insert into chain_team (team_id, chain_id, org_id) values ($1, $2, $3)`, [
					team,
					o.chain,
					o.org
				]);
			const memberA = await signedUp(a, 'member-a');
			const leadA = await signedUp(a, 'lead-a');
			const memberB = await signedUp(a, 'member-b');
			const teams = {
				A: await teamRows(orgs.a, 'A', a.coach.personId, [
					[memberA, 'member'],
					[leadA, 'lead']
				]),
				B: await teamRows(orgs.a, 'B', null, [[memberB, 'member']]),
				X: await teamRows(orgs.b, 'X', b.coach.personId, [[b.staff.personId, 'member']])
			};
			await placeInChain(orgs.a, teams.A.team);
			await placeInChain(orgs.b, teams.X.team);
			return { orgs, teams };
		});
		claims = {
			staff: a.staff.claims,
			memberA: extra['member-a'].claims,
			memberB: extra['member-b'].claims,
			leadA: extra['lead-a'].claims,
			coachA: a.coach.claims,
			admin: a.admin.claims,
			outsider: b.admin.claims
		};
		people = {
			staff: a.staff.personId,
			memberA: extra['member-a'].id,
			memberB: extra['member-b'].id,
			leadA: extra['lead-a'].id,
			coachA: a.coach.personId,
			admin: a.admin.personId,
			outsider: b.admin.personId
		};
	});

	/**
	 * Runs statements as the actor and rolls back: the rows the last one returned, or null when
	 * the database refused (any other error fails the test).
	 */
	async function attempt(who: Actor | 'leadA', stmts: Stmt[]): Promise<{ k: string }[] | null> {
		const work = async (tx: Queryable) => {
			let rows: { k: string }[] = [];
			for (const [sql, params] of stmts) rows = await tx.query<{ k: string }>(sql, params);
			throw new Rollback(rows);
		};
		try {
			await (who === 'anon' ? t().db.asAnon(work) : t().db.asUser(claims[who], work));
		} catch (e) {
			if (e instanceof Rollback) return e.rows;
			const message = (e as Error).message;
			if (REFUSAL.test(message)) return null;
			throw new Error(`${who}: ${stmts.map(([sql]) => sql).join('; ')}: ${message}`);
		}
		throw new Error('unreachable: the attempt was not rolled back');
	}

	/** What one actor reaches in one table, per operation, as labels. */
	async function reach(table: string, who: Actor): Promise<Record<Op, string[]>> {
		const spec = SPECS[table];
		const rows = spec.rows(f);
		const labelOf = new Map(
			Object.entries(rows).flatMap(([label, keys]) => keys.map((k) => [k, label] as const))
		);
		const allKeys = [...labelOf.keys()];
		const seen = await attempt(who, [
			[
				`select ${spec.key} as k from public."${table}" where ${spec.key} = any($1::text[])`,
				[allKeys]
			]
		]);
		const labels = (keys: { k: string }[] | null) =>
			[...new Set((keys ?? []).map(({ k }) => labelOf.get(String(k)) ?? `? ${k}`))].sort();
		const out: Record<Op, string[]> = { select: labels(seen), insert: [], update: [], delete: [] };
		for (const [label, stmts] of Object.entries(spec.insert(f)))
			if ((await attempt(who, stmts)) !== null) out.insert.push(label);
		for (const [label, keys] of Object.entries(rows)) {
			const changed = await attempt(who, [
				[
					`update public."${table}" set ${spec.set} where ${spec.key} = any($1::text[]) returning ${spec.key} as k`,
					[keys]
				]
			]);
			if (changed?.length) out.update.push(label);
			const removed = await attempt(who, [
				[
					`delete from public."${table}" where ${spec.key} = any($1::text[]) returning ${spec.key} as k`,
					[keys]
				]
			]);
			if (removed?.length) out.delete.push(label);
		}
		out.insert.sort();
		out.update.sort();
		out.delete.sort();
		return out;
	}

	it('has an entry for every table and view of schema public, and no other', async () => {
		const relations = await t().db.asService((tx) =>
			tx.query<{ name: string }>(
				`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
				  where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f') order by 1`
			)
		);
		expect(relations.map((r) => r.name)).toEqual(Object.keys(MATRIX).sort());
		expect(Object.keys(SPECS).sort()).toEqual(Object.keys(MATRIX).sort());
	});

	for (const table of Object.keys(MATRIX)) {
		it(`${table}: who reaches which rows`, async () => {
			const actual: Record<Op, Cell> = { select: {}, insert: {}, update: {}, delete: {} };
			for (const who of ACTORS) {
				const r = await reach(table, who);
				for (const op of ['select', 'insert', 'update', 'delete'] as const)
					if (r[op].length) actual[op][who] = r[op];
			}
			const expected = MATRIX[table];
			const sorted = (cell: Cell) =>
				Object.fromEntries(Object.entries(cell).map(([w, l]) => [w, [...l].sort()]));
			expect(actual).toEqual({
				select: sorted(expected.select),
				insert: sorted(expected.insert),
				update: sorted(expected.update),
				delete: sorted(expected.delete)
			});
		});
	}

	it('holds the column and four-eyes rules', async () => {
		const outcomes = [];
		for (const r of RULES) {
			const rows = await attempt(r.who, r.do(f, people));
			outcomes.push({ rule: r.rule, outcome: rows?.length ? 'allowed' : 'refused' });
		}
		expect(outcomes).toEqual(RULES.map((r) => ({ rule: r.rule, outcome: r.expect })));
	});
});
