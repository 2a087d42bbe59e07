/**
 * The coach's evaluation view: the teams a coach coaches (an admin: every team of the
 * organisation), when each is due for its next evaluation, what needs the coach (headline
 * figures with their signals, cycles per status, stagnant cycles, ideas nobody looked at, open
 * decision requests), and recording an evaluation. Ordered by due date only: the view helps a
 * coach coach, it never ranks teams against each other.
 *
 * Everything runs as the signed-in person (db().asUser), so row level security decides: only a
 * team's coach or an admin records an evaluation. Open decision requests come from, and are
 * decided through, the cycles module (openRequests, decideRequest); waiting ideas from the ideas
 * module (unreviewedIdeas).
 */
import type { CycleStatus } from '$lib/schemas/cycles';
import type { EvaluationInput } from '$lib/schemas/evaluations';
import { openRequests, type OpenRequest } from './cycles';
import { db, type Claims, type Queryable } from './db';
import { RLS_VIOLATION, sqlState } from './db/errors';
import { teamHeadlines, type TeamHeadlines } from './figures/headlines';
import { today } from './figures/period';
import { unreviewedIdeas, type IdeaSummary } from './ideas';

/** A cycle in an active status that has not changed for this many days is stagnant. */
export const STAGNANT_DAYS = 30;
/** An idea still `new` after this many days is waiting too long for a review. */
export const UNREVIEWED_DAYS = 7;
export const ACTIVE_STATUSES = ['idea', 'plan', 'test', 'evaluate'] as const;

/** Who may open the coach view. */
export const mayCoach = (role: string | undefined | null) => role === 'coach' || role === 'admin';

export interface StagnantCycle {
	id: string;
	title: string;
	status: CycleStatus;
	/** Days since the cycle last changed. */
	days: number;
}

export interface WaitingIdea {
	id: string;
	body: string;
	days: number;
}

export type { OpenRequest };

export interface CoachTeam {
	id: string;
	name: string;
	cadenceDays: number;
	/** Next evaluation (YYYY-MM-DD) and how many days late it is (negative: days to go). */
	dueOn: string;
	daysLate: number;
	headlines: TeamHeadlines;
	cycles: Partial<Record<CycleStatus, number>>;
	stagnant: StagnantCycle[];
	ideas: WaitingIdea[];
	requests: OpenRequest[];
}

export interface CoachOverview {
	/** Today in the organisation's time zone (YYYY-MM-DD). */
	today: string;
	teams: CoachTeam[];
	/** New ideas about no team, waiting longer than UNREVIEWED_DAYS. */
	ideasWithoutTeam: number;
}

interface TeamRow {
	id: string;
	name: string;
	cadenceDays: number;
	dueOn: string;
	daysLate: number;
	today: string;
}

/** Only coaches and admins; a coach sees the teams they coach, an admin every team. */
const COACHED_TEAMS = `
	select t.id, t.name, t.cadence_days as "cadenceDays", d.due::text as "dueOn",
	       (today.d - d.due)::int as "daysLate", today.d::text as today
	  from team t
	  join organisation o on o.id = t.org_id
	  cross join lateral (select (now() at time zone o.timezone)::date as d) today
	  cross join lateral (select public.team_next_evaluation(t.id) as due) d
	 where coalesce((select private.org_role())::text in ('coach', 'admin'), false)
	   and ((select private.is_admin()) or t.coach_id = (select private.person_id()))`;

/** Whether the signed-in person is a coach or an admin of their organisation. */
async function mayCoachHere(tx: Queryable): Promise<boolean> {
	const [row] = await tx.query<{ role: string | null }>('select private.org_role()::text as role');
	return mayCoach(row?.role);
}

/** Days since a moment, whole days down. */
const daysSince = (at: Date | string) =>
	Math.floor((Date.now() - new Date(at).getTime()) / 86_400_000);

/** New ideas waiting longer than UNREVIEWED_DAYS, from the ideas module. */
const waitingIdeas = (claims: Claims): Promise<IdeaSummary[]> =>
	unreviewedIdeas(claims, { olderThanDays: UNREVIEWED_DAYS });

/** What needs the coach in each of these teams (requests and ideas fetched by the caller). */
async function teamDetails(
	tx: Queryable,
	teams: TeamRow[],
	requests: OpenRequest[],
	ideas: IdeaSummary[]
): Promise<CoachTeam[]> {
	const ids = teams.map((t) => t.id);
	const [cycles, stagnant] = await Promise.all([
		tx.query<{ teamId: string; status: CycleStatus; n: number }>(
			`select team_id as "teamId", status, count(*)::int as n
			   from improvement_cycle where team_id = any($1::uuid[])
			  group by team_id, status`,
			[ids]
		),
		tx.query<StagnantCycle & { teamId: string }>(
			`select c.team_id as "teamId", c.id, c.title, c.status,
			        floor(extract(epoch from now() - c.updated_at) / 86400)::int as days
			   from improvement_cycle c
			  where c.team_id = any($1::uuid[])
			    and c.status in ('idea', 'plan', 'test', 'evaluate')
			    and c.updated_at < now() - make_interval(days => $2)
			  order by c.updated_at, c.title`,
			[ids, STAGNANT_DAYS]
		)
	]);
	const result: CoachTeam[] = [];
	for (const t of teams) {
		result.push({
			id: t.id,
			name: t.name,
			cadenceDays: t.cadenceDays,
			dueOn: t.dueOn,
			daysLate: t.daysLate,
			headlines: await teamHeadlines(tx, t.id),
			cycles: Object.fromEntries(
				cycles.filter((c) => c.teamId === t.id).map((c) => [c.status, c.n])
			),
			stagnant: stagnant.filter((c) => c.teamId === t.id).map(({ teamId: _, ...c }) => c),
			ideas: ideas
				.filter((i) => i.teamId === t.id)
				.map((i) => ({ id: i.id, body: i.body, days: daysSince(i.createdAt) })),
			requests: requests.filter((r) => r.teamId === t.id)
		});
	}
	return result;
}

/**
 * The coach view: the teams the signed-in coach coaches (an admin: all teams), the one due
 * first on top — overdue ones first, then by due date; never by how well a team does.
 * Staff get no teams.
 */
export async function overview(claims: Claims): Promise<CoachOverview> {
	const { teams, coaching, day } = await db().asUser(claims, async (tx) => ({
		teams: await tx.query<TeamRow>(`${COACHED_TEAMS} order by d.due, lower(t.name), t.id`),
		coaching: await mayCoachHere(tx),
		day: await today(tx)
	}));
	if (!coaching) return { today: day, teams: [], ideasWithoutTeam: 0 };
	const ids = teams.map((t) => t.id);
	const [requests, ideas] = await Promise.all([
		ids.length ? openRequests(claims, ids) : [],
		waitingIdeas(claims)
	]);
	return {
		today: day,
		teams: ids.length
			? await db().asUser(claims, (tx) => teamDetails(tx, teams, requests, ideas))
			: [],
		ideasWithoutTeam: ideas.filter((i) => i.teamId === null).length
	};
}

export interface ActiveCycle {
	id: string;
	title: string;
	status: CycleStatus;
	nextStep: string;
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

export interface EvaluationRow {
	id: string;
	heldOn: string;
	results: string;
	blockers: string;
	decisions: string;
	nextStep: string;
	nextOn: string;
	coachName: string | null;
}

export interface CoachTeamPage {
	today: string;
	team: CoachTeam & { purpose: string; coachName: string | null };
	active: ActiveCycle[];
	decided: DecidedRequest[];
	/** Newest first. */
	evaluations: EvaluationRow[];
}

/** How many days back decided requests stay on the team's coach page. */
const DECIDED_DAYS = 60;

/**
 * One team as its coach (or an admin) sees it for the evaluation: everything of the overview
 * plus its active cycles, recent decisions and the history of evaluations. `not_found` for an
 * unknown team or one of another organisation; `forbidden` for a team the person does not coach.
 */
export async function team(
	claims: Claims,
	teamId: string
): Promise<{ ok: true; page: CoachTeamPage } | { ok: false; error: 'not_found' | 'forbidden' }> {
	const found = await db().asUser(claims, async (tx) => {
		const [exists] = await tx.query<{ purpose: string; coachName: string | null }>(
			`select t.purpose, p.name as "coachName"
			   from team t left join person p on p.id = t.coach_id where t.id = $1`,
			[teamId]
		);
		if (!exists) return 'not_found' as const;
		const [row] = await tx.query<TeamRow>(`${COACHED_TEAMS} and t.id = $1`, [teamId]);
		return row ? { ...exists, row } : ('forbidden' as const);
	});
	if (typeof found === 'string') return { ok: false, error: found };
	const [requests, ideas] = await Promise.all([
		openRequests(claims, [teamId]),
		waitingIdeas(claims)
	]);
	return db().asUser(claims, async (tx) => {
		const [details] = await teamDetails(tx, [found.row], requests, ideas);
		const [active, decided, evaluations] = await Promise.all([
			tx.query<ActiveCycle>(
				`select id, title, status, next_step as "nextStep" from improvement_cycle
				  where team_id = $1 and status in ('idea', 'plan', 'test', 'evaluate')
				  order by array_position(array['evaluate', 'test', 'plan', 'idea']::cycle_status[], status),
				           updated_at desc`,
				[teamId]
			),
			tx.query<DecidedRequest>(
				`select d.id, c.title as "cycleTitle", d.question, d.status, d.reason,
				        p.name as "decidedBy", d.decided_at::date::text as "decidedOn"
				   from decision_request d
				   join improvement_cycle c on c.id = d.cycle_id
				   left join person p on p.id = d.decided_by
				  where c.team_id = $1 and d.status <> 'open'
				    and d.decided_at > now() - make_interval(days => $2)
				  order by d.decided_at desc`,
				[teamId, DECIDED_DAYS]
			),
			tx.query<EvaluationRow>(
				`select e.id, e.held_on::text as "heldOn", e.results, e.blockers, e.decisions,
				        e.next_step as "nextStep", e.next_on::text as "nextOn", p.name as "coachName"
				   from evaluation e left join person p on p.id = e.coach_id
				  where e.team_id = $1
				  order by e.held_on desc, e.created_at desc`,
				[teamId]
			)
		]);
		return {
			ok: true,
			page: {
				today: found.row.today,
				team: { ...details, purpose: found.purpose, coachName: found.coachName },
				active,
				decided,
				evaluations
			}
		} as const;
	});
}

export type RecordError = 'not_found' | 'forbidden' | 'coach_next_after_held';

/**
 * Records an evaluation of a team. Row level security lets only the team's coach or an admin
 * do it; the team's next evaluation is then the date this one sets.
 */
export async function recordEvaluation(
	claims: Claims,
	teamId: string,
	input: EvaluationInput
): Promise<{ ok: true; id: string } | { ok: false; error: RecordError }> {
	if (input.next_on <= input.held_on) return { ok: false, error: 'coach_next_after_held' };
	try {
		return await db().asUser(claims, async (tx) => {
			const [known] = await tx.query<{ id: string }>('select id from team where id = $1', [teamId]);
			if (!known) return { ok: false, error: 'not_found' } as const;
			const [row] = await tx.query<{ id: string }>(
				`insert into evaluation (org_id, team_id, held_on, results, blockers, decisions,
				   next_step, next_on)
				 values ((select private.org_id()), $1, $2, $3, $4, $5, $6, $7) returning id`,
				[
					teamId,
					input.held_on,
					input.results,
					input.blockers,
					input.decisions,
					input.next_step,
					input.next_on
				]
			);
			return { ok: true, id: row.id } as const;
		});
	} catch (e) {
		if (sqlState(e) === RLS_VIOLATION) return { ok: false, error: 'forbidden' };
		throw e;
	}
}
