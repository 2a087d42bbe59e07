/**
 * Decision requests: the team asks its coach to decide on a change its mandate does not cover;
 * only the team's coach or an admin decides, always with a reason.
 */
import { db, type Claims, type Queryable } from '../db';
import { refused, type Result } from '../result';
import type { CycleStatus, RequestStatus } from '$lib/schemas/cycles';
import { change, isUuid, stop, type CycleError } from './refusals';

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

export function requestsOf(tx: Queryable, cycleId: string) {
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
