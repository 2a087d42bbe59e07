/**
 * The team's cycles as lists: the board, the cycles on the journey map's touchpoints, the
 * unfinished ones an idea may join, and the counts the coach view reads.
 */
import { db, type Claims, type Queryable } from '../db';
import type { Metric } from '$lib/metrics/series';
import type { CycleStatus } from '$lib/schemas/cycles';
import { isUuid } from './refusals';

export interface CycleCard {
	id: string;
	title: string;
	status: CycleStatus;
	metric: Metric;
	nextStep: string;
	updatedAt: Date;
	openRequests: number;
}

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
