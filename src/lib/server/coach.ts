/**
 * The coach's evaluation view: the teams a coach coaches (an admin: every team of the
 * organisation), when each is due for its next evaluation, what needs the coach (headline
 * figures with their signals, cycles per status, stagnant cycles, ideas nobody looked at, open
 * decision requests), and recording an evaluation. Ordered by due date only: the view helps a
 * coach coach, it never ranks teams against each other.
 *
 * Everything runs as the signed-in person (db().asUser), so row level security decides: only a
 * team's coach or an admin records an evaluation. This module owns the evaluations; the teams
 * come from the teams module (coached, get), cycles and decision requests from the cycles module
 * (active, statusCounts, stagnant, decided, openRequests, decideRequest), waiting ideas from the
 * ideas module (unreviewedIdeas).
 */
import type { CycleStatus } from '$lib/schemas/cycles';
import { breached, type AgreementStanding } from './agreements';
import type { EvaluationInput } from '$lib/schemas/evaluations';
import * as cycles from './cycles';
import type { ActiveCycle, DecidedRequest, OpenRequest, StagnantCycle } from './cycles';
import { db, type Claims, type Queryable } from './db';
import { teamEffects, type EffectBrief } from './figures/cycle-effect';
import { teamHeadlines, type TeamHeadlines } from './figures/headlines';
import { lastWeeks, today } from './figures/period';
import { unreviewedIdeas, type IdeaSummary } from './ideas';
import { teamCategoryIds } from './journeys';
import { attempt, refuse, refused, type Result } from './result';
import * as teams from './teams';

/** A cycle in an active status that has not changed for this many days is stagnant. */
export const STAGNANT_DAYS = 30;
/** An idea still `new` after this many days is waiting too long for a review. */
export const UNREVIEWED_DAYS = 7;

/** Who may open the coach view. */
export const mayCoach = (role: string | undefined | null) => role === 'coach' || role === 'admin';

export interface WaitingIdea {
	id: string;
	body: string;
	days: number;
}

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
	/** Agreements between departments that the team's cases cross, held below the threshold. */
	agreements: AgreementStanding[];
}

/** Weeks over which the coach view judges the agreements. */
const AGREEMENT_WEEKS = 13;

export interface CoachOverview {
	/** Today in the organisation's time zone (YYYY-MM-DD). */
	today: string;
	teams: CoachTeam[];
	/** New ideas about no team, waiting longer than UNREVIEWED_DAYS. */
	ideasWithoutTeam: number;
}

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
	coached: teams.CoachedTeam[],
	requests: OpenRequest[],
	ideas: IdeaSummary[]
): Promise<CoachTeam[]> {
	const ids = coached.map((t) => t.id);
	const [counts, stagnant] = await Promise.all([
		cycles.statusCounts(tx, ids),
		cycles.stagnant(tx, ids, STAGNANT_DAYS)
	]);
	const period = await lastWeeks(tx, AGREEMENT_WEEKS);
	const result: CoachTeam[] = [];
	for (const t of coached) {
		result.push({
			id: t.id,
			name: t.name,
			cadenceDays: t.cadenceDays,
			dueOn: t.dueOn,
			daysLate: t.daysLate,
			headlines: await teamHeadlines(tx, t.id),
			cycles: Object.fromEntries(
				counts.filter((c) => c.teamId === t.id).map((c) => [c.status, c.n])
			),
			stagnant: stagnant.filter((c) => c.teamId === t.id).map(({ teamId: _, ...c }) => c),
			ideas: ideas
				.filter((i) => i.teamId === t.id)
				.map((i) => ({ id: i.id, body: i.body, days: daysSince(i.createdAt) })),
			requests: requests.filter((r) => r.teamId === t.id),
			agreements: period ? await breached(tx, period, await teamCategoryIds(tx, t.id)) : []
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
	const { coached, coaching, day } = await db().asUser(claims, async (tx) => {
		const day = await today(tx);
		return { coached: await teams.coached(tx, day), coaching: await mayCoachHere(tx), day };
	});
	if (!coaching) return { today: day, teams: [], ideasWithoutTeam: 0 };
	const ids = coached.map((t) => t.id);
	const [requests, ideas] = await Promise.all([
		ids.length ? cycles.openRequests(claims, ids) : [],
		waitingIdeas(claims)
	]);
	return {
		today: day,
		teams: ids.length
			? await db().asUser(claims, (tx) => teamDetails(tx, coached, requests, ideas))
			: [],
		ideasWithoutTeam: ideas.filter((i) => i.teamId === null).length
	};
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
	/** The cycles' effects as they stood when the evaluation was recorded. */
	effects: EffectBrief[];
}

export interface CoachTeamPage {
	today: string;
	team: CoachTeam & { purpose: string; coachName: string | null };
	active: ActiveCycle[];
	decided: DecidedRequest[];
	/** Newest first. */
	evaluations: EvaluationRow[];
	/** The cycles' effects now: what an evaluation recorded today keeps. */
	effects: EffectBrief[];
}

/** How many days back decided requests stay on the team's coach page. */
const DECIDED_DAYS = 60;

export type CoachTeamError = 'not_found' | 'forbidden';

/**
 * One team as its coach (or an admin) sees it for the evaluation: everything of the overview
 * plus its active cycles, recent decisions and the history of evaluations. `not_found` for an
 * unknown team or one of another organisation; `forbidden` for a team the person does not coach.
 */
export async function teamPage(
	claims: Claims,
	teamId: string
): Promise<Result<{ page: CoachTeamPage }, CoachTeamError>> {
	const found = await db().asUser(claims, async (tx) => {
		const team = await teams.get(tx, teamId);
		if (!team) return 'not_found' as const;
		const day = await today(tx);
		const [row] = await teams.coached(tx, day, teamId);
		return row ? { team, row, day } : ('forbidden' as const);
	});
	if (typeof found === 'string') return refused(found);
	const [requests, ideas] = await Promise.all([
		cycles.openRequests(claims, [teamId]),
		waitingIdeas(claims)
	]);
	return db().asUser(claims, async (tx) => {
		const [details] = await teamDetails(tx, [found.row], requests, ideas);
		const [active, decided, evaluations] = await Promise.all([
			cycles.active(tx, teamId),
			cycles.decided(tx, teamId, DECIDED_DAYS),
			tx.query<EvaluationRow>(
				`select e.id, e.held_on::text as "heldOn", e.results, e.blockers, e.decisions,
				        e.next_step as "nextStep", e.next_on::text as "nextOn", p.name as "coachName",
				        e.effects
				   from evaluation e left join person p on p.id = e.coach_id
				  where e.team_id = $1
				  order by e.held_on desc, e.created_at desc`,
				[teamId]
			)
		]);
		const effects = await teamEffects(tx, teamId, evaluations[0]?.heldOn ?? null);
		return {
			ok: true,
			page: {
				today: found.day,
				team: { ...details, purpose: found.team.purpose, coachName: found.team.coachName },
				active,
				decided,
				evaluations,
				effects
			}
		} as const;
	});
}

export type RecordError = 'not_found' | 'forbidden' | 'coach_next_after_held';

/**
 * Records an evaluation of a team. Row level security lets only the team's coach or an admin
 * do it; the team's next evaluation is then the date this one sets. The effects of the team's
 * cycles are computed now and kept with it (the database keeps them as they were).
 */
export async function recordEvaluation(
	claims: Claims,
	teamId: string,
	input: EvaluationInput
): Promise<Result<{ id: string }, RecordError>> {
	if (input.next_on <= input.held_on) return refused('coach_next_after_held');
	return attempt(() =>
		db().asUser(claims, async (tx) => {
			if (!(await teams.get(tx, teamId))) refuse('not_found');
			const [last] = await tx.query<{ heldOn: string }>(
				`select held_on::text as "heldOn" from evaluation where team_id = $1
				  order by held_on desc, created_at desc limit 1`,
				[teamId]
			);
			const effects = await teamEffects(tx, teamId, last?.heldOn ?? null);
			const [row] = await tx.query<{ id: string }>(
				`insert into evaluation (org_id, team_id, held_on, results, blockers, decisions,
				   next_step, next_on, effects)
				 values ((select private.org_id()), $1, $2, $3, $4, $5, $6, $7, $8::jsonb) returning id`,
				[
					teamId,
					input.held_on,
					input.results,
					input.blockers,
					input.decisions,
					input.next_step,
					input.next_on,
					JSON.stringify(effects)
				]
			);
			return { id: row.id };
		})
	);
}

export interface Minutes {
	team: { id: string; name: string; purpose: string; coachName: string | null };
	evaluation: EvaluationRow;
	/** The team's members (by name) as they are now. */
	members: string[];
}

/**
 * The minutes of one recorded evaluation, for its coach (or an admin): what was recorded, the
 * effects as they stood then, and who is on the team. `not_found` also for an evaluation of
 * another team.
 */
export async function minutes(
	claims: Claims,
	teamId: string,
	evaluationId: string
): Promise<Result<{ minutes: Minutes }, CoachTeamError>> {
	const page = await teamPage(claims, teamId);
	if (!page.ok) return page;
	const evaluation = page.page.evaluations.find((e) => e.id === evaluationId);
	if (!evaluation) return refused('not_found');
	const members = await db().asUser(claims, (tx) => teams.memberNames(tx, teamId));
	const t = page.page.team;
	return {
		ok: true,
		minutes: {
			team: { id: t.id, name: t.name, purpose: t.purpose, coachName: t.coachName },
			evaluation,
			members
		}
	};
}
