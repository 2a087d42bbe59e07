/**
 * A cycle's plan and its way through the statuses: create (also from a figure or an idea),
 * change the plan, move it on through the mandate gate, rebase after adoption.
 *
 * The database holds the mandate gate (private.improvement_cycle_check,
 * 20261204060000_mandate_gate.sql): no test without windows; none on a self-declared right while
 * the latest decision request is open or declined; a cost over the budget limit or a change that
 * touches a boundary only with an approved request. It also freezes adopted, adapted and
 * abandoned cycles: their plan changes only as a correction with a reason.
 */
import { db, type Claims, type Queryable } from '../db';
import { refused, type Result } from '../result';
import { lastWeeks } from '../figures/period';
import { mandateInForce } from '../teams';
import type { Better } from '$lib/metrics/spc';
import { BETTER, type Metric } from '$lib/metrics/series';
import {
	NEXT_STATUS,
	type CreateCycleInput,
	type CycleInput,
	type CycleStart,
	type CycleStatus
} from '$lib/schemas/cycles';
import { canEdit, loadCycle, scopeChoices, type ScopeChoices } from './cycle';
import { change, isUuid, stop, type CycleError } from './refusals';

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
			        boundary = case when $18 then $19 end, correction = coalesce($20, correction),
			        goal = $21
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
				correction,
				input.goal
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
