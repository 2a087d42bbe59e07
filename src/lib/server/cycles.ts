/**
 * Improvement cycles of a customer team: the board, one cycle with its actions, the mandate
 * check before a test, decision requests to the coach, and the audit trail.
 *
 * Everything runs as the signed-in user, so row level security decides: the organisation reads
 * every team's cycles; the team's members, its coach and admins change them; only the coach or
 * an admin decides a request. The database holds the mandate gate (private.improvement_cycle_check,
 * 20261204060000_mandate_gate.sql): no test without windows; none on a self-declared right while
 * the latest decision request is open or declined; a cost over the budget limit or a change that
 * touches a boundary only with an approved request. It also freezes adopted, adapted and
 * abandoned cycles: their plan changes only as a correction with a reason. This module names the
 * refusal the database gives, so the user hears which rule stopped them.
 */
import { db, type Claims, type Queryable } from './db';
import { sqlState } from './db/errors';
import { attempt, refuse, refused, type DbRefusal, type Result } from './result';
import { lastWeeks } from './figures/period';
import { mandateInForce, memberNames, type Mandate } from './teams';
import type { Better } from '$lib/metrics/spc';
import { BETTER, type Metric } from '$lib/metrics/series';
import {
	NEXT_STATUS,
	type ActionInput,
	type CreateCycleInput,
	type CycleInput,
	type CycleStart,
	type CycleStatus,
	type RequestStatus
} from '$lib/schemas/cycles';

export type CycleError =
	| 'not_found'
	| 'forbidden'
	| 'cycle_windows_missing'
	| 'cycle_outside_mandate'
	| 'cycle_right_unknown'
	| 'cycle_status_stale'
	| 'cycle_baseline_order'
	| 'cycle_change_after_baseline'
	| 'cycle_test_after_change'
	| 'cycle_test_order'
	| 'cycle_scope_unknown'
	| 'cycle_reason_required'
	| 'cycle_request_decided'
	| 'cycle_request_open'
	| 'cycle_rebase_needs_adoption'
	| 'cycle_request_pending'
	| 'cycle_request_declined'
	| 'cycle_over_budget'
	| 'cycle_touches_boundary'
	| 'cycle_boundary_named'
	| 'cycle_frozen'
	| 'cycle_correction_repeated'
	| 'too_long'
	| 'date_out_of_range';

/** Inside a change: undo it and answer with a CycleError. */
const stop = refuse<CycleError>;

/** What the database refused, as one of our error keys; unknown errors are thrown on. */
function cycleRefusal(e: unknown, kind: DbRefusal | undefined): CycleError | undefined {
	const state = sqlState(e);
	const message = e instanceof Error ? e.message : String(e);
	if (kind === 'forbidden') return 'forbidden';
	if (kind === 'foreign_key') return 'cycle_scope_unknown';
	if (state === '22P02' || state === '22007' || state === '22008') return 'not_found';
	const known: CycleError[] = [
		'cycle_windows_missing',
		'cycle_outside_mandate',
		'cycle_rebase_needs_adoption',
		'cycle_baseline_order',
		'cycle_change_after_baseline',
		'cycle_test_after_change',
		'cycle_test_order',
		'cycle_request_pending',
		'cycle_request_declined',
		'cycle_over_budget',
		'cycle_touches_boundary',
		'cycle_boundary_named',
		'cycle_frozen'
	];
	// P0001 from the trigger carries the key as its message; a check violation (23514) names
	// its constraint in the message on both drivers.
	if (state === 'P0001' || state === '23514') {
		const key = known.find((k) => message.includes(k));
		if (key) return key;
		if (message.includes('has been decided')) return 'cycle_request_decided';
		if (message.includes('cycle_rebase_after_change')) return 'cycle_rebase_needs_adoption';
		// a date outside the window (*_in_range, the sane_values migration): an old row's slip
		// that a change to the cycle, or to its actions, meets until the team corrects it
		if (message.includes('_in_range')) return 'date_out_of_range';
	}
	return undefined;
}

export interface CycleCard {
	id: string;
	title: string;
	status: CycleStatus;
	metric: Metric;
	nextStep: string;
	updatedAt: Date;
	openRequests: number;
}

export interface Cycle {
	id: string;
	teamId: string;
	title: string;
	status: CycleStatus;
	problem: string;
	hypothesis: string;
	metric: Metric;
	better: Better;
	scopeCategoryId: string | null;
	scopeCategoryName: string | null;
	scopeTouchpointId: string | null;
	scopeTouchpointName: string | null;
	scopeChannel: string | null;
	baselineFrom: string | null;
	baselineTo: string | null;
	changeDate: string | null;
	testFrom: string | null;
	testTo: string | null;
	mandateId: string | null;
	mandateVersion: number | null;
	mandateRight: string | null;
	/** Expected cost in euros (null: not given) and the mandate boundary the change touches. */
	expectedCost: number | null;
	touchesBoundary: boolean;
	boundary: string | null;
	/** The reason of the latest correction (finished cycles only). */
	correction: string | null;
	/** The journey of the scope's touchpoint (the cycle links back to it). */
	scopeJourneyId: string | null;
	rebasedOn: string | null;
	rebasedByName: string | null;
	nextStep: string;
	learnings: string;
	createdByName: string | null;
	createdAt: Date;
	updatedAt: Date;
}

export interface CycleAction {
	id: string;
	who: string;
	what: string;
	dueOn: string | null;
	done: boolean;
}

export interface DecisionRequest {
	id: string;
	question: string;
	status: RequestStatus;
	requestedByName: string | null;
	requestedAt: Date;
	decidedByName: string | null;
	decidedAt: Date | null;
	reason: string | null;
}

export interface AuditEntry {
	id: number;
	at: Date;
	actorName: string | null;
	entity: 'improvement_cycle' | 'decision_request';
	action: 'insert' | 'update' | 'delete';
	changes: Record<string, unknown>;
}

export interface OpenRequest {
	id: string;
	cycleId: string;
	cycleTitle: string;
	teamId: string;
	teamName: string;
	question: string;
	requestedByName: string | null;
	requestedAt: Date;
	/** Whether the signed-in user (the team's coach or an admin) may decide it. */
	canDecide: boolean;
	/** The cycle as it stands now, for the decision. */
	cycleStatus: CycleStatus;
	expectedCost: number | null;
	boundary: string | null;
	budgetLimit: number | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (s: string) => UUID.test(s);

/** The team's cycles for the board, most recently changed first. */
export function list(claims: Claims, teamId: string): Promise<CycleCard[]> {
	if (!isUuid(teamId)) return Promise.resolve([]);
	return db().asUser(claims, (tx) =>
		tx.query<CycleCard>(
			`select c.id, c.title, c.status, c.metric, c.next_step as "nextStep",
			        c.updated_at as "updatedAt",
			        (select count(*) from decision_request d
			          where d.cycle_id = c.id and d.status = 'open')::int as "openRequests"
			   from improvement_cycle c
			  where c.team_id = $1
			  order by c.updated_at desc`,
			[teamId]
		)
	);
}

const CYCLE_COLUMNS = `c.id, c.team_id as "teamId", c.title, c.status, c.problem, c.hypothesis,
	c.metric, c.better, c.scope_category_id as "scopeCategoryId", cat.name as "scopeCategoryName",
	c.scope_touchpoint_id as "scopeTouchpointId", tp.name as "scopeTouchpointName",
	c.scope_channel as "scopeChannel", c.baseline_from as "baselineFrom",
	c.baseline_to as "baselineTo", c.change_date as "changeDate", c.test_from as "testFrom",
	c.test_to as "testTo", c.mandate_id as "mandateId", m.version as "mandateVersion",
	c.mandate_right as "mandateRight", c.expected_cost::float8 as "expectedCost",
	c.touches_boundary as "touchesBoundary", c.boundary, c.correction,
	tp.journey_id as "scopeJourneyId", c.rebased_on as "rebasedOn", rb.name as "rebasedByName",
	c.next_step as "nextStep", c.learnings, cb.name as "createdByName",
	c.created_at as "createdAt", c.updated_at as "updatedAt"`;

/** Whether the signed-in user may change the cycle (a member of its team, the coach, an admin). */
async function canEdit(tx: Queryable, cycleId: string): Promise<boolean> {
	const [row] = await tx.query<{ ok: boolean }>('select private.can_edit_cycle($1) as ok', [
		cycleId
	]);
	return row?.ok === true;
}

async function loadCycle(tx: Queryable, cycleId: string): Promise<Cycle | null> {
	const [row] = await tx.query<Cycle>(
		`select ${CYCLE_COLUMNS}
		   from improvement_cycle c
		   left join category cat on cat.id = c.scope_category_id
		   left join touchpoint tp on tp.id = c.scope_touchpoint_id
		   left join mandate m on m.id = c.mandate_id
		   left join person rb on rb.id = c.rebased_by
		   left join person cb on cb.id = c.created_by
		  where c.id = $1`,
		[cycleId]
	);
	return row ?? null;
}

/** One cycle of the team (null when it does not exist, is another team's or not visible). */
export async function get(claims: Claims, teamId: string, cycleId: string): Promise<Cycle | null> {
	if (!isUuid(teamId) || !isUuid(cycleId)) return null;
	const cycle = await db().asUser(claims, (tx) => loadCycle(tx, cycleId));
	return cycle && cycle.teamId === teamId ? cycle : null;
}

/** Everything the cycle page shows next to the cycle itself. */
export async function details(claims: Claims, cycle: Cycle) {
	return db().asUser(claims, async (tx) => {
		const [actions, requests, mandate, trail, scopes, members]: [
			CycleAction[],
			DecisionRequest[],
			Mandate | null,
			AuditEntry[],
			ScopeChoices,
			string[]
		] = await Promise.all([
			tx.query<CycleAction>(
				`select id, who, what, due_on as "dueOn", done from cycle_action
				  where cycle_id = $1 order by done, due_on nulls last, created_at`,
				[cycle.id]
			),
			requestsOf(tx, cycle.id),
			mandateInForce(tx, cycle.teamId),
			trailOf(tx, cycle.id),
			scopeChoices(tx, cycle.teamId),
			memberNames(tx, cycle.teamId)
		]);
		return { actions, requests, mandate, trail, scopes, members };
	});
}

function requestsOf(tx: Queryable, cycleId: string) {
	return tx.query<DecisionRequest>(
		`select d.id, d.question, d.status, rq.name as "requestedByName",
		        d.requested_at as "requestedAt", dc.name as "decidedByName",
		        d.decided_at as "decidedAt", d.reason
		   from decision_request d
		   left join person rq on rq.id = d.requested_by
		   left join person dc on dc.id = d.decided_by
		  where d.cycle_id = $1 order by d.requested_at desc`,
		[cycleId]
	);
}

export interface ScopeChoices {
	categories: { id: string; name: string }[];
	touchpoints: { id: string; name: string; journey: string; journeyId: string }[];
	/** Report channels as the sources write them. */
	channels: string[];
}

/**
 * Categories and report channels (all the user may see) and the team's touchpoints that have
 * categories mapped. (Categories and reports belong to the case data, touchpoints to the
 * journeys: read here until those modules offer verbs for it.)
 */
async function scopeChoices(tx: Queryable, teamId: string): Promise<ScopeChoices> {
	const [categories, touchpoints, channels] = await Promise.all([
		tx.query<{ id: string; name: string }>('select id, name from category order by lower(name)'),
		tx.query<{ id: string; name: string; journey: string; journeyId: string }>(
			`select t.id, t.name, j.name as journey, j.id as "journeyId"
			   from touchpoint t join journey j on j.id = t.journey_id
			  where j.team_id = $1
			    and exists (select 1 from touchpoint_category tc where tc.touchpoint_id = t.id)
			  order by lower(j.name), t.position, lower(t.name)`,
			[teamId]
		),
		tx.query<{ channel: string }>(
			`select distinct channel from report where channel is not null order by 1 limit 50`
		)
	]);
	return { categories, touchpoints, channels: channels.map((c) => c.channel) };
}

/** The cycle's trail: changes to the cycle and to its decision requests, oldest first. */
function trailOf(tx: Queryable, cycleId: string) {
	return tx.query<AuditEntry>(
		`select a.id, a.at, coalesce(p.name, q.name) as "actorName", a.entity, a.action, a.changes
		   from audit a left join person p on p.id = a.actor_id
		   -- written outside a sign-in (an import, the demo): the person the row itself names
		   left join person q on a.actor_id is null and q.id = coalesce(
		     case when a.action = 'insert' then a.changes ->> 'created_by' end,
		     case when a.action = 'insert' then a.changes ->> 'requested_by' end,
		     a.changes ->> 'decided_by')::uuid
		  where (a.entity = 'improvement_cycle' and a.entity_id = $1)
		     or (a.entity = 'decision_request'
		         and a.entity_id in (select d.id from decision_request d where d.cycle_id = $1))
		  order by a.at, a.id`,
		[cycleId]
	);
}

/**
 * Runs a change as the user: a `stop(…)` inside undoes it and answers with that reason, and
 * what the database refuses comes back as a CycleError (cycleRefusal).
 */
function change<T extends object = object>(
	claims: Claims,
	work: (tx: Queryable) => Promise<T>
): Promise<Result<T, CycleError>> {
	return attempt(() => db().asUser(claims, work), cycleRefusal);
}

/** A new cycle of the team, status idea, with what its plan starts from. */
export async function create(
	claims: Claims,
	teamId: string,
	given: Pick<CreateCycleInput, 'title' | 'problem'> & Partial<CreateCycleInput>
): Promise<Result<{ id: string }, CycleError>> {
	if (!isUuid(teamId)) return refused('not_found');
	const input: CreateCycleInput = {
		metric: 'repeat_rate',
		better: 'lower',
		scopeCategoryId: null,
		scopeTouchpointId: null,
		scopeChannel: null,
		baselineFrom: null,
		baselineTo: null,
		...given
	};
	return change(claims, async (tx) => {
		if (input.scopeTouchpointId && !(await teamTouchpoint(tx, teamId, input.scopeTouchpointId)))
			return stop('cycle_scope_unknown');
		const rows = await tx.query<{ id: string }>(
			`insert into improvement_cycle (org_id, team_id, title, problem, metric, better,
			   scope_category_id, scope_touchpoint_id, scope_channel, baseline_from, baseline_to)
			 select t.org_id, t.id, $2, $3, $4, $5, $6, $7, $8, $9, $10 from team t where t.id = $1
			 returning id`,
			[
				teamId,
				input.title,
				input.problem,
				input.metric,
				input.better,
				input.scopeCategoryId,
				input.scopeTouchpointId,
				input.scopeChannel,
				input.baselineFrom,
				input.baselineTo
			]
		);
		return rows.length ? { id: rows[0].id } : stop('not_found');
	});
}

/** Whether a touchpoint lies on one of the team's journeys. */
async function teamTouchpoint(tx: Queryable, teamId: string, touchpointId: string) {
	const [own] = await tx.query(
		`select 1 from touchpoint t join journey j on j.id = t.journey_id
		  where t.id = $1 and j.team_id = $2`,
		[touchpointId, teamId]
	);
	return !!own;
}

/** Weeks of the default baseline of a cycle started from a figure. */
export const START_BASELINE_WEEKS = 13;

export interface CycleDraft {
	title: string;
	metric: Metric;
	better: Better;
	scopeCategoryId: string | null;
	scopeTouchpointId: string | null;
	scopeChannel: string | null;
	baselineFrom: string | null;
	baselineTo: string | null;
	/** The touchpoint and the journey it lies on, when the cycle starts from one. */
	touchpoint: { id: string; name: string; journeyId: string; categories: string[] } | null;
	scopes: ScopeChoices;
}

/**
 * "Start een verbetercyclus hier": the plan a cycle starts from when it is started from a figure
 * — the scope (a touchpoint of the team, a category, a channel), the metric with its better
 * direction, and the last 13 complete weeks as baseline. What does not belong to the team is
 * left out.
 */
export function draftFrom(claims: Claims, teamId: string, start: CycleStart): Promise<CycleDraft> {
	return db().asUser(claims, async (tx) => {
		const [scopes, period] = await Promise.all([
			scopeChoices(tx, teamId),
			lastWeeks(tx, START_BASELINE_WEEKS)
		]);
		const tp = scopes.touchpoints.find((t) => t.id === start.touchpoint) ?? null;
		const categories = tp
			? await tx.query<{ name: string }>(
					`select c.name from touchpoint_category tc join category c on c.id = tc.category_id
					  where tc.touchpoint_id = $1 order by lower(c.name)`,
					[tp.id]
				)
			: [];
		const category = scopes.categories.find((c) => c.id === start.category) ?? null;
		const channel = scopes.channels.find((c) => c === start.channel) ?? null;
		const metric = start.metric ?? 'repeat_rate';
		return {
			title: tp?.name ?? category?.name ?? '',
			metric,
			better: BETTER[metric],
			scopeCategoryId: category?.id ?? null,
			scopeTouchpointId: tp?.id ?? null,
			scopeChannel: channel,
			baselineFrom: period?.firstDay ?? null,
			baselineTo: period?.lastDay ?? null,
			touchpoint: tp
				? {
						id: tp.id,
						name: tp.name,
						journeyId: tp.journeyId,
						categories: categories.map((c) => c.name)
					}
				: null,
			scopes
		};
	});
}

export interface TouchpointCycle {
	id: string;
	title: string;
	status: CycleStatus;
	nextStep: string;
	touchpointId: string;
}

/** The team's unfinished cycles on its touchpoints, for the journey map's cards. */
export function onTouchpoints(claims: Claims, teamId: string): Promise<TouchpointCycle[]> {
	if (!isUuid(teamId)) return Promise.resolve([]);
	return db().asUser(claims, (tx) =>
		tx.query<TouchpointCycle>(
			`select id, title, status, next_step as "nextStep", scope_touchpoint_id as "touchpointId"
			   from improvement_cycle
			  where team_id = $1 and scope_touchpoint_id is not null
			    and status in ('idea', 'plan', 'test', 'evaluate')
			  order by array_position(array['evaluate', 'test', 'plan', 'idea']::cycle_status[], status),
			           updated_at desc`,
			[teamId]
		)
	);
}

/**
 * A new cycle (status idea) made of an idea, inside the idea's triage: its id. Row level
 * security refuses it to those who may not change the team's cycles (the caller's transaction
 * then fails with that refusal).
 */
export async function createFromIdea(
	tx: Queryable,
	teamId: string,
	title: string,
	problem: string
): Promise<string> {
	const [cycle] = await tx.query<{ id: string }>(
		`insert into public.improvement_cycle (org_id, team_id, title, problem, status)
		 values ((select private.org_id()), $1, $2, $3, 'idea') returning id`,
		[teamId, title, problem]
	);
	return cycle.id;
}

/** Whether a cycle is one of the team's (an idea may join it). */
export async function isTeams(tx: Queryable, cycleId: string, teamId: string): Promise<boolean> {
	const [cycle] = await tx.query(
		'select 1 from public.improvement_cycle where id = $1 and team_id = $2',
		[cycleId, teamId]
	);
	return !!cycle;
}

/** Cycles of a team that are not finished (an idea can join one), newest first. */
export function unfinished(
	claims: Claims,
	teamId: string
): Promise<{ id: string; title: string; status: CycleStatus }[]> {
	return db().asUser(claims, (tx) =>
		tx.query<{ id: string; title: string; status: CycleStatus }>(
			`select id, title, status from public.improvement_cycle
			  where team_id = $1 and status not in ('adopted', 'adapted', 'abandoned')
			  order by created_at desc`,
			[teamId]
		)
	);
}

export interface ActiveCycle {
	id: string;
	title: string;
	status: CycleStatus;
	nextStep: string;
	metric: Metric;
}

/** The team's cycles in an active status, furthest along first, then most recently changed. */
export function active(tx: Queryable, teamId: string): Promise<ActiveCycle[]> {
	return tx.query<ActiveCycle>(
		`select id, title, status, next_step as "nextStep", metric from improvement_cycle
		  where team_id = $1 and status in ('idea', 'plan', 'test', 'evaluate')
		  order by array_position(array['evaluate', 'test', 'plan', 'idea']::cycle_status[], status),
		           updated_at desc`,
		[teamId]
	);
}

/** How many cycles each of these teams has per status. */
export function statusCounts(
	tx: Queryable,
	teamIds: string[]
): Promise<{ teamId: string; status: CycleStatus; n: number }[]> {
	return tx.query<{ teamId: string; status: CycleStatus; n: number }>(
		`select team_id as "teamId", status, count(*)::int as n
		   from improvement_cycle where team_id = any($1::uuid[])
		  group by team_id, status`,
		[teamIds]
	);
}

export interface StagnantCycle {
	id: string;
	title: string;
	status: CycleStatus;
	/** Days since the cycle last changed. */
	days: number;
}

/** Cycles of these teams in an active status that have not changed for `days` days, oldest first. */
export function stagnant(
	tx: Queryable,
	teamIds: string[],
	days: number
): Promise<(StagnantCycle & { teamId: string })[]> {
	return tx.query<StagnantCycle & { teamId: string }>(
		`select c.team_id as "teamId", c.id, c.title, c.status,
		        floor(extract(epoch from now() - c.updated_at) / 86400)::int as days
		   from improvement_cycle c
		  where c.team_id = any($1::uuid[])
		    and c.status in ('idea', 'plan', 'test', 'evaluate')
		    and c.updated_at < now() - make_interval(days => $2)
		  order by c.updated_at, c.title`,
		[teamIds, days]
	);
}

export interface DecidedRequest {
	id: string;
	cycleTitle: string;
	question: string;
	status: 'approved' | 'declined';
	reason: string;
	decidedBy: string | null;
	decidedOn: string;
}

/** The team's requests decided in the last `days` days, newest first. */
export function decided(tx: Queryable, teamId: string, days: number): Promise<DecidedRequest[]> {
	return tx.query<DecidedRequest>(
		`select d.id, c.title as "cycleTitle", d.question, d.status, d.reason,
		        p.name as "decidedBy", d.decided_at::date::text as "decidedOn"
		   from decision_request d
		   join improvement_cycle c on c.id = d.cycle_id
		   left join person p on p.id = d.decided_by
		  where c.team_id = $1 and d.status <> 'open'
		    and d.decided_at > now() - make_interval(days => $2)
		  order by d.decided_at desc`,
		[teamId, days]
	);
}

/**
 * Changes the plan: texts, metric and scope, windows, cost and boundary, next step and
 * learnings. A finished cycle's plan changes only as a correction: `correction` is its reason
 * (a new one each time), recorded in the audit trail with the change.
 */
export async function update(
	claims: Claims,
	cycleId: string,
	input: CycleInput,
	correction: string | null = null
): Promise<Result<object, CycleError>> {
	if (!isUuid(cycleId)) return refused('not_found');
	return change(claims, async (tx) => {
		if (input.scopeTouchpointId) {
			// a touchpoint scope is one of the cycle's own team's journeys
			const [own] = await tx.query(
				`select 1 from touchpoint t join journey j on j.id = t.journey_id
				   join improvement_cycle c on c.team_id = j.team_id
				  where t.id = $1 and c.id = $2`,
				[input.scopeTouchpointId, cycleId]
			);
			if (!own) return stop('cycle_scope_unknown');
		}
		if (correction !== null) {
			const [same] = await tx.query(
				'select 1 from improvement_cycle where id = $1 and correction = $2',
				[cycleId, correction]
			);
			if (same) return stop('cycle_correction_repeated');
		}
		const rows = await tx.query(
			`update improvement_cycle set title = $2, problem = $3, hypothesis = $4, metric = $5,
			        better = $6, scope_category_id = $7, scope_touchpoint_id = $8,
			        scope_channel = $9, baseline_from = $10, baseline_to = $11, change_date = $12,
			        test_from = $13, test_to = $14, next_step = $15, learnings = $16,
			        expected_cost = $17, touches_boundary = $18,
			        boundary = case when $18 then $19 end, correction = coalesce($20, correction)
			  where id = $1 returning id`,
			[
				cycleId,
				input.title,
				input.problem,
				input.hypothesis,
				input.metric,
				input.better,
				input.scopeCategoryId,
				input.scopeTouchpointId,
				input.scopeChannel,
				input.baselineFrom,
				input.baselineTo,
				input.changeDate,
				input.testFrom,
				input.testTo,
				input.nextStep,
				input.learnings,
				input.expectedCost,
				input.touchesBoundary,
				input.boundary,
				correction
			]
		);
		return rows.length ? {} : await missingOrForbidden(tx, cycleId);
	});
}

/** After an update that touched nothing: the row is invisible (not found) or not ours to change. */
async function missingOrForbidden(tx: Queryable, cycleId: string): Promise<never> {
	const [seen] = await tx.query('select 1 from improvement_cycle where id = $1', [cycleId]);
	return stop(seen ? 'forbidden' : 'not_found');
}

const WINDOWS = ['baselineFrom', 'baselineTo', 'changeDate', 'testFrom', 'testTo'] as const;

/**
 * Moves the cycle to its next status (see NEXT_STATUS). Going to test runs the mandate gate:
 * `right` must be a decision right of the team's current approved mandate, and the database
 * decides the rest (an open or declined request, the budget limit, a boundary: see the module
 * comment). The cycle must still be in its status (so two people pressing buttons at once do
 * not skip a step).
 */
export async function setStatus(
	claims: Claims,
	cycleId: string,
	to: CycleStatus,
	right: string | null = null
): Promise<Result<object, CycleError>> {
	if (!isUuid(cycleId)) return refused('not_found');
	return change(claims, async (tx) => {
		const cycle = await loadCycle(tx, cycleId);
		if (!cycle) return stop('not_found');
		if (!(await canEdit(tx, cycleId))) return stop('forbidden');
		if (!NEXT_STATUS[cycle.status].includes(to)) return stop('cycle_status_stale');
		let mandateId: string | null = cycle.mandateId;
		let mandateRight: string | null = cycle.mandateRight;
		if (to === 'test') {
			if (WINDOWS.some((w) => !cycle[w])) return stop('cycle_windows_missing');
			const mandate = await mandateInForce(tx, cycle.teamId);
			if (right && (!mandate || !mandate.decisionRights.includes(right)))
				return stop('cycle_right_unknown');
			mandateId = right ? mandate!.id : null;
			mandateRight = right;
		}
		const rows = await tx.query(
			`update improvement_cycle set status = $3, mandate_id = $4, mandate_right = $5
			  where id = $1 and status = $2 returning id`,
			[cycleId, cycle.status, to, mandateId, mandateRight]
		);
		return rows.length ? {} : await missingOrForbidden(tx, cycleId);
	});
}

/**
 * After adoption, the team may compute the limits anew from the change date on: recorded in
 * rebased_on (and by whom, by the trigger), never done automatically. `undo` takes it back.
 */
export async function rebase(
	claims: Claims,
	cycleId: string,
	undo = false
): Promise<Result<object, CycleError>> {
	if (!isUuid(cycleId)) return refused('not_found');
	return change(claims, async (tx) => {
		const cycle = await loadCycle(tx, cycleId);
		if (!cycle) return stop('not_found');
		if (!(await canEdit(tx, cycleId))) return stop('forbidden');
		if (cycle.status !== 'adopted' || !cycle.changeDate) return stop('cycle_rebase_needs_adoption');
		const rows = await tx.query(
			`update improvement_cycle set rebased_on = case when $2 then null else change_date end
			  where id = $1 returning id`,
			[cycleId, undo]
		);
		return rows.length ? {} : await missingOrForbidden(tx, cycleId);
	});
}

export async function addAction(
	claims: Claims,
	cycleId: string,
	input: ActionInput
): Promise<Result<object, CycleError>> {
	if (!isUuid(cycleId)) return refused('not_found');
	return change(claims, async (tx) => {
		const rows = await tx.query(
			`insert into cycle_action (org_id, cycle_id, who, what, due_on)
			 select c.org_id, c.id, $2, $3, $4 from improvement_cycle c where c.id = $1
			 returning id`,
			[cycleId, input.who, input.what, input.dueOn]
		);
		return rows.length ? {} : stop('not_found');
	});
}

/** Marks an action of the cycle done (or not done again). */
export async function setActionDone(
	claims: Claims,
	cycleId: string,
	actionId: string,
	done: boolean
): Promise<Result<object, CycleError>> {
	if (!isUuid(cycleId) || !isUuid(actionId)) return refused('not_found');
	return change(claims, async (tx) => {
		const rows = await tx.query(
			'update cycle_action set done = $3 where id = $1 and cycle_id = $2 returning id',
			[actionId, cycleId, done]
		);
		return rows.length ? {} : await actionMissingOrForbidden(tx, actionId);
	});
}

export async function removeAction(
	claims: Claims,
	cycleId: string,
	actionId: string
): Promise<Result<object, CycleError>> {
	if (!isUuid(cycleId) || !isUuid(actionId)) return refused('not_found');
	return change(claims, async (tx) => {
		const rows = await tx.query(
			'delete from cycle_action where id = $1 and cycle_id = $2 returning id',
			[actionId, cycleId]
		);
		return rows.length ? {} : await actionMissingOrForbidden(tx, actionId);
	});
}

async function actionMissingOrForbidden(tx: Queryable, actionId: string): Promise<never> {
	const [seen] = await tx.query('select 1 from cycle_action where id = $1', [actionId]);
	return stop(seen ? 'forbidden' : 'not_found');
}

/** The team asks its coach to decide on a change its mandate does not cover. */
export async function raiseRequest(
	claims: Claims,
	cycleId: string,
	question: string
): Promise<Result<{ id: string }, CycleError>> {
	if (!isUuid(cycleId)) return refused('not_found');
	return change(claims, async (tx) => {
		const [open] = await tx.query(
			`select 1 from decision_request where cycle_id = $1 and status = 'open'`,
			[cycleId]
		);
		if (open) return stop('cycle_request_open');
		const rows = await tx.query<{ id: string }>(
			`insert into decision_request (org_id, cycle_id, question)
			 select c.org_id, c.id, $2 from improvement_cycle c where c.id = $1
			 returning id`,
			[cycleId, question]
		);
		return rows.length ? { id: rows[0].id } : stop('not_found');
	});
}

/**
 * The coach (or an admin) approves or declines a decision request, always with a reason.
 * Anyone else gets 'forbidden'; a request decided before gets 'cycle_request_decided'.
 */
export async function decideRequest(
	claims: Claims,
	requestId: string,
	approve: boolean,
	reason: string
): Promise<Result<object, CycleError>> {
	if (!isUuid(requestId)) return refused('not_found');
	const why = reason.trim();
	if (!why) return refused('cycle_reason_required');
	if (why.length > 2000) return refused('too_long');
	return change(claims, async (tx) => {
		const rows = await tx.query(
			`update decision_request set status = $2, reason = $3
			  where id = $1 and status = 'open' returning id`,
			[requestId, approve ? 'approved' : 'declined', why]
		);
		if (rows.length) return {};
		const [seen] = await tx.query<{ status: string; canDecide: boolean }>(
			`select status, private.can_decide_for_cycle(cycle_id) as "canDecide"
			   from decision_request where id = $1`,
			[requestId]
		);
		if (!seen) return stop('not_found');
		if (!seen.canDecide) return stop('forbidden');
		return stop('cycle_request_decided');
	});
}

/**
 * Open decision requests the user can see (the organisation's), oldest first, optionally of some
 * teams only; `canDecide` tells whether this user may decide each.
 */
export function openRequests(claims: Claims, teamIds?: readonly string[]): Promise<OpenRequest[]> {
	const teams = teamIds ? teamIds.filter(isUuid) : null;
	return db().asUser(claims, (tx) =>
		tx.query<OpenRequest>(
			`select d.id, c.id as "cycleId", c.title as "cycleTitle", t.id as "teamId",
			        t.name as "teamName", d.question, rq.name as "requestedByName",
			        d.requested_at as "requestedAt", private.is_team_coach(t.id) as "canDecide",
			        c.status as "cycleStatus", c.expected_cost::float8 as "expectedCost",
			        case when c.touches_boundary then c.boundary end as boundary,
			        (select m.budget_limit::float8 from mandate m
			          where m.team_id = t.id and m.approved_on is not null
			          order by m.version desc limit 1) as "budgetLimit"
			   from decision_request d
			   join improvement_cycle c on c.id = d.cycle_id
			   join team t on t.id = c.team_id
			   left join person rq on rq.id = d.requested_by
			  where d.status = 'open' and ($1::uuid[] is null or t.id = any ($1::uuid[]))
			  order by d.requested_at`,
			[teams]
		)
	);
}
