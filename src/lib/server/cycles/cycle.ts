/**
 * One cycle and what its page shows beside it: actions, decision requests, the mandate in
 * force, the audit trail and the scope choices.
 */
import { db, type Claims, type Queryable } from '../db';
import { mandateInForce, memberNames, type Mandate } from '../teams';
import type { Better } from '$lib/metrics/spc';
import type { Metric } from '$lib/metrics/series';
import type { CycleStatus } from '$lib/schemas/cycles';
import { isUuid } from './refusals';
import { requestsOf, type DecisionRequest } from './requests';

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
	/**
	 * The value of the metric the team aims for, in the metric's own unit (a share 0–1, days or
	 * a count): the target line and the assurance icon. Null: no goal set.
	 */
	goal: number | null;
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

export interface AuditEntry {
	id: number;
	at: Date;
	actorName: string | null;
	entity: 'improvement_cycle' | 'decision_request';
	action: 'insert' | 'update' | 'delete';
	changes: Record<string, unknown>;
}

const CYCLE_COLUMNS = `c.id, c.team_id as "teamId", c.title, c.status, c.problem, c.hypothesis,
	c.metric, c.better, c.scope_category_id as "scopeCategoryId", cat.name as "scopeCategoryName",
	c.scope_touchpoint_id as "scopeTouchpointId", tp.name as "scopeTouchpointName",
	c.scope_channel as "scopeChannel", c.baseline_from as "baselineFrom",
	c.baseline_to as "baselineTo", c.change_date as "changeDate", c.test_from as "testFrom",
	c.test_to as "testTo", c.mandate_id as "mandateId", m.version as "mandateVersion",
	c.mandate_right as "mandateRight", c.expected_cost::float8 as "expectedCost",
	c.touches_boundary as "touchesBoundary", c.boundary, c.correction, c.goal,
	tp.journey_id as "scopeJourneyId", c.rebased_on as "rebasedOn", rb.name as "rebasedByName",
	c.next_step as "nextStep", c.learnings, cb.name as "createdByName",
	c.created_at as "createdAt", c.updated_at as "updatedAt"`;

/** Whether the signed-in user may change the cycle (a member of its team, the coach, an admin). */
export async function canEdit(tx: Queryable, cycleId: string): Promise<boolean> {
	const [row] = await tx.query<{ ok: boolean }>('select private.can_edit_cycle($1) as ok', [
		cycleId
	]);
	return row?.ok === true;
}

export async function loadCycle(tx: Queryable, cycleId: string): Promise<Cycle | null> {
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
export async function scopeChoices(tx: Queryable, teamId: string): Promise<ScopeChoices> {
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
