import { randomUUID } from 'node:crypto';
import * as cycles from './cycles';
import { db, type Claims, type Queryable } from './db';
import { attempt, dbRefusal, refuse, type DbRefusal, type Result } from './result';
import { checkPhoto, type PhotoCheck, type PhotoMime } from '$lib/ideas/photo-type';
import {
	ideaFormInput,
	ideaInput,
	NEXT_STATUS,
	PHOTO_MAX_BYTES,
	type IdeaInput,
	type IdeaStatus,
	type TriageFilter,
	type TriageInput
} from '$lib/schemas/ideas';

/**
 * Ideas from any staff member: submitted from a phone (also offline, through the outbox, so the
 * same id may arrive more than once), supported with votes, triaged by the team it is about or a
 * coach, and turned into an improvement cycle. Row level security decides who sees and changes
 * what (see supabase/migrations/20261123110000_ideas.sql); this module never bypasses it.
 */

export { checkPhoto };
export type { PhotoCheck };

export interface MyIdea {
	id: string;
	body: string;
	status: IdeaStatus;
	reason: string;
	createdAt: Date;
	statusChangedAt: Date | null;
	/** The status changed since the submitter last looked at their ideas. */
	changed: boolean;
	votes: number;
	teamName: string | null;
	cycleTitle: string | null;
	hasPhoto: boolean;
}

export interface IdeaSummary {
	id: string;
	body: string;
	status: IdeaStatus;
	reason: string;
	createdAt: Date;
	teamId: string | null;
	teamName: string | null;
	votes: number;
	hasPhoto: boolean;
}

export interface SimilarIdea {
	id: string;
	body: string;
	status: IdeaStatus;
	votes: number;
	voted: boolean;
	mine: boolean;
}

export interface IdeaDetail {
	id: string;
	body: string;
	status: IdeaStatus;
	reason: string;
	createdAt: Date;
	statusChangedAt: Date | null;
	teamId: string | null;
	teamName: string | null;
	journeyName: string | null;
	touchpointName: string | null;
	cycleId: string | null;
	cycleTitle: string | null;
	/** Shown to the submitter and to those who triage it only. */
	submitterName: string | null;
	mine: boolean;
	hasPhoto: boolean;
	votes: number;
	voted: boolean;
	canTriage: boolean;
}

export interface HistoryEntry {
	at: Date;
	actor: string | null;
	status: IdeaStatus | null;
	reason: string | null;
	cycleId: string | null;
	/** Set when the idea moved team: the new team's name ('' for none). */
	teamName: string | null;
}

export interface AboutOptions {
	teams: { id: string; name: string }[];
	journeys: { id: string; name: string; teamId: string }[];
	touchpoints: { id: string; name: string; journeyId: string }[];
}

export type SubmitError =
	| 'idea_about_unknown'
	| 'idea_about_mismatch'
	| 'idea_id_taken'
	| 'idea_wrong_person'
	| Extract<PhotoCheck, { ok: false }>['error'];
export type SubmitResult = Result<{ created: boolean }, SubmitError>;

export type TriageError =
	| 'not_found'
	| 'forbidden'
	| 'idea_bad_transition'
	| 'idea_needs_team'
	| 'idea_cycle_forbidden'
	| 'idea_cycle_other_team'
	| 'idea_about_unknown';
export type TriageResult = Result<{ cycleId: string | null }, TriageError>;

/** A request larger than this is refused before it is read (a photo plus the form around it). */
export const MAX_REQUEST_BYTES = PHOTO_MAX_BYTES + 64 * 1024;

export type Submission =
	| { ok: true; input: IdeaInput; photo: Uint8Array | null }
	| { ok: false; error: string; field?: string; status: 400 | 413 };

function invalid(error: string, field?: string): Submission {
	return { ok: false, error, field, status: error === 'idea_photo_too_large' ? 413 : 400 };
}

async function withPhoto(
	fields: Record<string, unknown>,
	photo: Uint8Array | null,
	serverId: boolean
): Promise<Submission> {
	const parsed = (serverId ? ideaFormInput : ideaInput).safeParse(fields);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		return invalid(issue.message, String(issue.path[0] ?? ''));
	}
	if (photo) {
		const check = checkPhoto(photo);
		if (!check.ok) return invalid(check.error, 'photo');
	}
	return { ok: true, input: { ...parsed.data, id: parsed.data.id ?? randomUUID() }, photo };
}

/**
 * A submission from a form post (the page without JavaScript, or the outbox): the fields and an
 * optional photo file (an empty file input counts as none). `serverId`: the form could not make
 * an id, so the server makes one.
 */
export async function readSubmission(
	form: FormData,
	{ serverId = false } = {}
): Promise<Submission> {
	const fields: Record<string, unknown> = {};
	for (const key of ['id', 'body', 'teamId', 'journeyId', 'touchpointId', 'personId']) {
		const v = form.get(key);
		if (typeof v === 'string') fields[key] = v;
	}
	const file = form.get('photo');
	if (file !== null && typeof file !== 'object') return invalid('idea_photo_not_image', 'photo');
	if (file && file.size > PHOTO_MAX_BYTES) return invalid('idea_photo_too_large', 'photo');
	const photo = file && file.size > 0 ? new Uint8Array(await file.arrayBuffer()) : null;
	return withPhoto(fields, photo, serverId);
}

/** A submission as JSON: the same fields, the photo (optional) as base64. */
export async function readJsonSubmission(data: unknown): Promise<Submission> {
	if (!data || typeof data !== 'object' || Array.isArray(data)) return invalid('bad_request');
	const { photo, ...fields } = data as Record<string, unknown>;
	if (photo !== undefined && photo !== null && typeof photo !== 'string')
		return invalid('idea_photo_not_image', 'photo');
	if (typeof photo === 'string' && photo.length > Math.ceil((PHOTO_MAX_BYTES * 4) / 3) + 4)
		return invalid('idea_photo_too_large', 'photo');
	const bytes = photo ? new Uint8Array(Buffer.from(photo, 'base64')) : null;
	return withPhoto(fields, bytes, false);
}

/** An idea's team, journey or touchpoint that does not exist (a foreign key): 'idea_about_unknown'. */
const aboutUnknown = (_e: unknown, kind: DbRefusal | undefined) =>
	kind === 'foreign_key' ? ('idea_about_unknown' as const) : undefined;
/** Triage: also the database's refusal to attach an idea to a cycle of a team the person does not work on. */
const triageRefused = (e: unknown, kind: DbRefusal | undefined) =>
	kind === 'forbidden' ? ('idea_cycle_forbidden' as const) : aboutUnknown(e, kind);

const VOTES = '(select count(*) from public.idea_vote v where v.idea_id = i.id)::int';
const HAS_PHOTO = 'exists (select 1 from public.idea_photo p where p.idea_id = i.id)';

/** The about-links of a new idea made consistent: a touchpoint implies its journey and team. */
async function resolveAbout(
	tx: Queryable,
	input: IdeaInput
): Promise<
	| { ok: true; teamId: string | null; journeyId: string | null; touchpointId: string | null }
	| { ok: false; error: SubmitError }
> {
	let { teamId, journeyId } = input;
	const { touchpointId } = input;
	if (touchpointId) {
		const [tp] = await tx.query<{ journeyId: string; teamId: string }>(
			`select t.journey_id as "journeyId", j.team_id as "teamId"
			   from public.touchpoint t join public.journey j on j.id = t.journey_id where t.id = $1`,
			[touchpointId]
		);
		if (!tp) return { ok: false, error: 'idea_about_unknown' };
		if ((journeyId && journeyId !== tp.journeyId) || (teamId && teamId !== tp.teamId))
			return { ok: false, error: 'idea_about_mismatch' };
		journeyId = tp.journeyId;
		teamId = tp.teamId;
	} else if (journeyId) {
		const [j] = await tx.query<{ teamId: string }>(
			'select team_id as "teamId" from public.journey where id = $1',
			[journeyId]
		);
		if (!j) return { ok: false, error: 'idea_about_unknown' };
		if (teamId && teamId !== j.teamId) return { ok: false, error: 'idea_about_mismatch' };
		teamId = j.teamId;
	}
	// A team id alone is checked by the same-organisation foreign key on insert.
	return { ok: true, teamId, journeyId, touchpointId };
}

/**
 * Stores a new idea exactly once, whatever retries happen: the id is made on the phone, a second
 * arrival of the same id by the same person is answered "already there" (created: false), and
 * the same id from anyone else is refused. With a photo, both are stored or neither.
 */
export async function submit(
	claims: Claims,
	input: IdeaInput,
	photo?: Uint8Array | null
): Promise<SubmitResult> {
	let mime: PhotoMime | undefined;
	if (photo) {
		const check = checkPhoto(photo);
		if (!check.ok) return check;
		mime = check.mime;
	}
	return attempt(
		() =>
			db().asUser(claims, async (tx) => {
				if (input.personId) {
					const [me] = await tx.query<{ id: string | null }>('select private.person_id() as id');
					if (me?.id !== input.personId) return refuse<SubmitError>('idea_wrong_person');
				}
				const about = await resolveAbout(tx, input);
				if (!about.ok) return refuse(about.error);
				const inserted = await tx.query<{ id: string }>(
					`insert into public.idea (id, org_id, body, team_id, journey_id, touchpoint_id)
				 values ($1, (select private.org_id()), $2, $3, $4, $5)
				 on conflict (id) do nothing returning id`,
					[input.id, input.body, about.teamId, about.journeyId, about.touchpointId]
				);
				if (inserted.length === 0) {
					// The id exists: ours (a retry) or somebody else's (refused, never pretended).
					const [existing] = await tx.query<{ mine: boolean }>(
						'select submitter_id = (select private.person_id()) as mine from public.idea where id = $1',
						[input.id]
					);
					return existing?.mine ? { created: false } : refuse<SubmitError>('idea_id_taken');
				}
				if (photo && mime)
					await tx.query(
						`insert into public.idea_photo (idea_id, org_id, mime, bytes)
					 values ($1, (select private.org_id()), $2, $3)`,
						[input.id, mime, Buffer.from(photo.buffer, photo.byteOffset, photo.byteLength)]
					);
				return { created: true };
			}),
		aboutUnknown
	);
}

/**
 * The signed-in person's ideas, newest first, each saying whether its status changed since they
 * last looked. With `markSeen`, looking now counts as having seen them (the badge clears).
 */
export function mine(claims: Claims, { markSeen = false } = {}): Promise<MyIdea[]> {
	return db().asUser(claims, async (tx) => {
		const rows = await tx.query<MyIdea>(
			`select i.id, i.body, i.status, i.status_reason as reason, i.created_at as "createdAt",
			        i.status_changed_at as "statusChangedAt",
			        coalesce(i.status_changed_at > i.seen_at, false) as changed,
			        (select count(*) from public.idea_vote v where v.idea_id = i.id)::int as votes,
			        t.name as "teamName", c.title as "cycleTitle",
			        exists (select 1 from public.idea_photo p where p.idea_id = i.id) as "hasPhoto"
			   from public.idea i
			   left join public.team t on t.id = i.team_id
			   left join public.improvement_cycle c on c.id = i.cycle_id
			  where i.submitter_id = (select private.person_id())
			  order by i.created_at desc
			  limit 200`
		);
		if (markSeen && rows.some((r) => r.changed))
			await tx.query('select public.mark_my_ideas_seen()');
		return rows;
	});
}

/** How many of the signed-in person's ideas changed status since they last looked (nav badge). */
export async function unseenCount(claims: Claims): Promise<number> {
	const [row] = await db().asUser(claims, (tx) =>
		tx.query<{ n: number }>(
			`select count(*)::int as n from public.idea
			  where submitter_id = (select private.person_id()) and status_changed_at > seen_at`
		)
	);
	return row?.n ?? 0;
}

/**
 * Ideas like the text being typed, best first (at most `limit`): Dutch full-text search, any of
 * the text's word stems (so "containers worden niet geleegd" finds "container niet geleegd"),
 * ranked by ts_rank, then by votes.
 */
export function similar(claims: Claims, text: string, limit = 5): Promise<SimilarIdea[]> {
	if (text.trim().length < 3) return Promise.resolve([]);
	return db().asUser(claims, (tx) =>
		tx.query<SimilarIdea>(
			`with q as (
			   select string_agg(
			            '''' || replace(replace(l, '\\', '\\\\'), '''', '''''') || '''', ' | ')::tsquery as q
			     from unnest(tsvector_to_array(to_tsvector('dutch', $1))) as l
			 )
			 select i.id, i.body, i.status, ${VOTES} as votes,
			        exists (select 1 from public.idea_vote v
			                 where v.idea_id = i.id and v.person_id = (select private.person_id())) as voted,
			        coalesce(i.submitter_id = (select private.person_id()), false) as mine
			   from q join public.idea i on i.search @@ q.q
			  order by ts_rank(i.search, q.q) desc, votes desc, i.created_at desc
			  limit $2`,
			[text, limit]
		)
	);
}

export type VoteResult = Result<{ votes: number; voted: boolean }, 'not_found'>;

async function votesOf(tx: Queryable, id: string) {
	const [row] = await tx.query<{ votes: number; voted: boolean }>(
		`select count(*)::int as votes, coalesce(bool_or(person_id = (select private.person_id())), false) as voted
		   from public.idea_vote where idea_id = $1`,
		[id]
	);
	return row;
}

/** Supports an idea: one vote per person; voting again changes nothing. */
export function vote(claims: Claims, id: string): Promise<VoteResult> {
	return attempt(
		() =>
			db().asUser(claims, async (tx) => {
				await tx.query(
					`insert into public.idea_vote (idea_id, org_id) values ($1, (select private.org_id()))
					 on conflict do nothing`,
					[id]
				);
				return votesOf(tx, id);
			}),
		(_e, kind) => (kind === 'foreign_key' ? 'not_found' : undefined)
	);
}

/** Takes the signed-in person's vote back (if there was one). */
export function unvote(claims: Claims, id: string): Promise<VoteResult> {
	return db().asUser(claims, async (tx) => {
		const [idea] = await tx.query('select 1 from public.idea where id = $1', [id]);
		if (!idea) return { ok: false as const, error: 'not_found' as const };
		await tx.query(
			'delete from public.idea_vote where idea_id = $1 and person_id = (select private.person_id())',
			[id]
		);
		return { ok: true as const, ...(await votesOf(tx, id)) };
	});
}

/** One idea with what its page shows, or null when it does not exist in the organisation. */
export async function get(claims: Claims, id: string): Promise<IdeaDetail | null> {
	const [row] = await db().asUser(claims, (tx) =>
		tx.query<IdeaDetail>(
			`select i.id, i.body, i.status, i.status_reason as reason, i.created_at as "createdAt",
			        i.status_changed_at as "statusChangedAt", i.team_id as "teamId", t.name as "teamName",
			        j.name as "journeyName", tp.name as "touchpointName", i.cycle_id as "cycleId",
			        c.title as "cycleTitle", p.name as "submitterName",
			        coalesce(i.submitter_id = (select private.person_id()), false) as mine,
			        ${HAS_PHOTO} as "hasPhoto", ${VOTES} as votes,
			        exists (select 1 from public.idea_vote v
			                 where v.idea_id = i.id and v.person_id = (select private.person_id())) as voted,
			        (select private.can_triage_idea(i.team_id)) as "canTriage"
			   from public.idea i
			   left join public.team t on t.id = i.team_id
			   left join public.journey j on j.id = i.journey_id
			   left join public.touchpoint tp on tp.id = i.touchpoint_id
			   left join public.improvement_cycle c on c.id = i.cycle_id
			   left join public.person p on p.id = i.submitter_id
			  where i.id = $1`,
			[id]
		)
	);
	if (!row) return null;
	return { ...row, submitterName: row.mine || row.canTriage ? row.submitterName : null };
}

/** The triage history of an idea from the audit trail, oldest first. */
export function history(claims: Claims, id: string): Promise<HistoryEntry[]> {
	return db().asUser(claims, (tx) =>
		tx.query<HistoryEntry>(
			`select a.at, p.name as actor, a.changes ->> 'status' as status,
			        a.changes ->> 'status_reason' as reason, a.changes ->> 'cycle_id' as "cycleId",
			        case when a.changes ? 'team_id' then coalesce(t.name, '') end as "teamName"
			   from public.audit a
			   left join public.person p on p.id = a.actor_id
			   left join public.team t on t.id = (a.changes ->> 'team_id')::uuid
			  where a.entity = 'idea' and a.entity_id = $1
			  order by a.at, a.id`,
			[id]
		)
	);
}

/** An idea's photo, or null. */
export async function photo(
	claims: Claims,
	id: string
): Promise<{ mime: PhotoMime; bytes: Uint8Array } | null> {
	const [row] = await db().asUser(claims, (tx) =>
		tx.query<{ mime: PhotoMime; bytes: Uint8Array }>(
			'select mime, bytes from public.idea_photo where idea_id = $1',
			[id]
		)
	);
	return row ? { mime: row.mime, bytes: new Uint8Array(row.bytes) } : null;
}

/** The teams, journeys and touchpoints an idea can be about (the "about" picker). */
export function aboutOptions(claims: Claims): Promise<AboutOptions> {
	return db().asUser(claims, async (tx) => ({
		teams: await tx.query<AboutOptions['teams'][number]>(
			'select id, name from public.team order by lower(name)'
		),
		journeys: await tx.query<AboutOptions['journeys'][number]>(
			'select id, name, team_id as "teamId" from public.journey order by lower(name)'
		),
		touchpoints: await tx.query<AboutOptions['touchpoints'][number]>(
			`select t.id, t.name, t.journey_id as "journeyId"
			   from public.touchpoint t join public.stage s on s.id = t.stage_id
			  order by t.journey_id, s.position, t.position`
		)
	}));
}

/** Whether the signed-in person triages any ideas: a coach or admin, or a member of a team. */
export async function triagesAny(claims: Claims): Promise<boolean> {
	const [row] = await db().asUser(claims, (tx) =>
		tx.query<{ yes: boolean }>(
			`select coalesce((select private.org_role()) in ('coach', 'admin'), false)
			     or exists (select 1 from public.team_member
			                 where person_id = (select private.person_id())) as yes`
		)
	);
	return row?.yes ?? false;
}

/** Teams whose ideas the signed-in person may triage (for the triage list's filter). */
export function triageTeams(claims: Claims): Promise<{ id: string; name: string }[]> {
	return db().asUser(claims, (tx) =>
		tx.query<{ id: string; name: string }>(
			`select id, name from public.team where (select private.can_triage_idea(id))
			  order by lower(name)`
		)
	);
}

/**
 * Ideas the signed-in person may triage, unreviewed first, then newest. Filter by status
 * ('open' = new or reviewing, 'all', or one status) and team.
 */
export function triageList(claims: Claims, filter: TriageFilter): Promise<IdeaSummary[]> {
	return db().asUser(claims, (tx) =>
		tx.query<IdeaSummary>(
			`select i.id, i.body, i.status, i.status_reason as reason, i.created_at as "createdAt",
			        i.team_id as "teamId", t.name as "teamName", ${VOTES} as votes, ${HAS_PHOTO} as "hasPhoto"
			   from public.idea i left join public.team t on t.id = i.team_id
			  where (select private.can_triage_idea(i.team_id))
			    and ($1 = 'all' or ($1 = 'open' and i.status in ('new', 'reviewing')) or i.status::text = $1)
			    and ($2::uuid is null or i.team_id = $2::uuid)
			  order by (i.status = 'new') desc, i.created_at desc
			  limit 300`,
			[filter.status, filter.team ?? null]
		)
	);
}

/** A cycle title from an idea: its text up to a word boundary, at most 120 characters. */
export function cycleTitle(body: string): string {
	const text = body.replace(/\s+/g, ' ').trim();
	if (text.length <= 120) return text;
	const cut = text.slice(0, 119);
	const space = cut.lastIndexOf(' ');
	return `${(space > 60 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * Triages an idea: a new status with a reason the submitter reads, optionally moving it to a
 * team; "in a cycle" makes a new improvement cycle of the idea (status idea) for its team or
 * joins an open cycle of that team. Those who may not triage it change nothing ('forbidden').
 */
export function triage(claims: Claims, id: string, input: TriageInput): Promise<TriageResult> {
	const stop = refuse<TriageError>;
	return attempt(
		() =>
			db().asUser(claims, async (tx) => {
				const [idea] = await tx.query<{
					status: IdeaStatus;
					teamId: string | null;
					body: string;
					allowed: boolean;
				}>(
					`select status, team_id as "teamId", body,
					        (select private.can_triage_idea(team_id)) as allowed
					   from public.idea where id = $1`,
					[id]
				);
				if (!idea) return stop('not_found');
				if (!idea.allowed) return stop('forbidden');
				if (!NEXT_STATUS[idea.status].includes(input.status)) return stop('idea_bad_transition');
				const teamId = input.teamId === undefined ? idea.teamId : input.teamId;
				let cycleId: string | null = null;
				if (input.status === 'in_cycle') {
					if (!teamId) return stop('idea_needs_team');
					if (!input.cycle || input.cycle === 'new') {
						cycleId = await cycles
							.createFromIdea(tx, teamId, cycleTitle(idea.body), idea.body)
							.catch((e) => {
								if (dbRefusal(e) === 'forbidden') return stop('idea_cycle_forbidden');
								throw e;
							});
					} else {
						if (!(await cycles.isTeams(tx, input.cycle, teamId)))
							return stop('idea_cycle_other_team');
						cycleId = input.cycle;
					}
				}
				const updated = await tx.query(
					`update public.idea
					    set status = $2, status_reason = $3,
					        cycle_id = coalesce($4::uuid, cycle_id),
					        team_id = $5::uuid,
					        journey_id = case when $5::uuid is distinct from team_id then null else journey_id end,
					        touchpoint_id = case when $5::uuid is distinct from team_id then null else touchpoint_id end
					  where id = $1 returning id`,
					[id, input.status, input.reason, cycleId, teamId]
				);
				if (updated.length === 0) return stop('forbidden');
				return { cycleId };
			}),
		triageRefused
	);
}

/** New ideas about the team or ideas being reviewed, newest first (the ten latest): the team page. */
export function waiting(
	tx: Queryable,
	teamId: string
): Promise<{ id: string; body: string; status: IdeaStatus; votes: number; createdAt: string }[]> {
	return tx.query<{
		id: string;
		body: string;
		status: IdeaStatus;
		votes: number;
		createdAt: string;
	}>(
		`select i.id, i.body, i.status, i.created_at::text as "createdAt", ${VOTES} as votes
		   from public.idea i where i.team_id = $1 and i.status in ('new', 'reviewing')
		  order by i.created_at desc limit 10`,
		[teamId]
	);
}

/**
 * Ideas nobody has looked at yet (status new) for at least `olderThanDays` days, oldest first:
 * for the coach view.
 */
export function unreviewedIdeas(
	claims: Claims,
	{ olderThanDays = 0 }: { olderThanDays?: number } = {}
): Promise<IdeaSummary[]> {
	return db().asUser(claims, (tx) =>
		tx.query<IdeaSummary>(
			`select i.id, i.body, i.status, i.status_reason as reason, i.created_at as "createdAt",
			        i.team_id as "teamId", t.name as "teamName", ${VOTES} as votes, ${HAS_PHOTO} as "hasPhoto"
			   from public.idea i left join public.team t on t.id = i.team_id
			  where i.status = 'new' and i.created_at <= now() - make_interval(days => $1)
			  order by i.created_at`,
			[olderThanDays]
		)
	);
}
