/**
 * Journeys as service blueprints: a team's journeys, their stages and touchpoints, the report
 * categories mapped to touchpoints, the case figures per touchpoint, and the one-step undo.
 *
 * Everything runs as the signed-in person (row level security decides): the team's members, its
 * coach and admins change a journey; everyone in the organisation reads it; case figures only
 * for those who may see case data. Each change is one transaction that also keeps the journey
 * as it was before (public.journey_undo), so Undo restores it exactly — positions, fields and
 * category mappings, also of deleted stages and touchpoints.
 */
import {
	flow,
	moveStage as planStageMove,
	moveTouchpoint as planTouchpointMove,
	normStatus,
	worstTouchpoint,
	type Figures,
	type StageView,
	type TouchpointData,
	type TouchpointMoveSpec,
	type TouchpointView,
	type WorstTouchpoint
} from '$lib/components/journey/blueprint';
import {
	DEFAULT_WEEKS,
	type Channel,
	type JourneyInput,
	type NormUnit,
	type Office,
	type StageInput,
	type TouchpointInput,
	type UndoChange
} from '$lib/schemas/journeys';
import { db, type Claims, type Queryable } from './db';
import { RLS_VIOLATION, sqlState } from './db/errors';
import { teamCategoryIds } from './headlines';
import { summary, weekly, type CaseSummary } from './metrics';

export { teamCategoryIds };

export type JourneyError =
	| 'not_found'
	| 'forbidden'
	| 'department_unknown'
	| 'owner_unknown'
	| 'category_unknown'
	| 'category_taken'
	| 'stage_unknown'
	| 'nothing_to_undo'
	| 'cannot_move'
	/** A value the database's own checks refuse (forms validate before; this is the last line). */
	| 'invalid';

const CHECK_VIOLATION = '23514';
const NOT_NULL_VIOLATION = '23502';
const INVALID_TEXT = '22P02';

export type Result<T = undefined> = { ok: true; value: T } | { ok: false; error: JourneyError };

/** A reason to stop a change: thrown inside the transaction, so nothing of it is stored. */
class Refusal extends Error {
	constructor(readonly reason: JourneyError) {
		super(reason);
	}
}

async function attempt<T>(fn: () => Promise<T>): Promise<Result<T>> {
	try {
		return { ok: true, value: await fn() };
	} catch (e) {
		if (e instanceof Refusal) return { ok: false, error: e.reason };
		const state = sqlState(e);
		if (state === RLS_VIOLATION) return { ok: false, error: 'forbidden' };
		if (state === CHECK_VIOLATION || state === NOT_NULL_VIOLATION || state === INVALID_TEXT)
			return { ok: false, error: 'invalid' };
		throw e;
	}
}

// ---------------------------------------------------------------------------------------------
// The period of the figures

export interface Period {
	weeks: number;
	/** Monday 00:00 in the organisation's zone, ISO. */
	from: string;
	/** The Monday after the last complete week, 00:00 local, ISO (exclusive). */
	to: string;
	/** Local dates 'YYYY-MM-DD' of the first and the last day. */
	firstDay: string;
	lastDay: string;
}

/** The last `weeks` complete weeks, Monday to Sunday, in the organisation's zone. */
async function lastWeeks(tx: Queryable, weeks: number): Promise<Period> {
	const [row] = await tx.query<{ from: Date; to: Date; first_day: string; last_day: string }>(
		`select (w.monday - make_interval(weeks => $1)) at time zone o.timezone as "from",
		        w.monday at time zone o.timezone as "to",
		        (w.monday - make_interval(weeks => $1))::date::text as first_day,
		        (w.monday - interval '1 day')::date::text as last_day
		   from organisation o
		  cross join lateral (select date_trunc('week', now() at time zone o.timezone) as monday) w
		  where o.id = (select private.org_id())`,
		[weeks]
	);
	if (!row) throw new Refusal('not_found');
	return {
		weeks,
		from: new Date(row.from).toISOString(),
		to: new Date(row.to).toISOString(),
		firstDay: row.first_day,
		lastDay: row.last_day
	};
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface TeamInfo {
	id: string;
	name: string;
	canEdit: boolean;
}

export interface MappedCategory {
	id: string;
	name: string;
	normDays: number | null;
	normUnit: NormUnit;
	/** Where it is mapped now (one touchpoint at most), or null. */
	touchpointId: string | null;
	touchpointName: string | null;
	journeyId: string | null;
	journeyName: string | null;
}

export interface JourneyMap {
	team: TeamInfo;
	journey: {
		id: string;
		name: string;
		customerGroup: string;
		ownerId: string | null;
		ownerName: string | null;
	};
	canEdit: boolean;
	canSeeCases: boolean;
	period: Period;
	stages: StageView[];
	/** The organisation's categories, with where each is mapped. */
	categories: MappedCategory[];
	/** For the forms (editors only; empty otherwise). */
	departments: { id: string; name: string }[];
	people: { id: string; name: string }[];
	/** The change Undo would take back (editors only). */
	undo: { change: UndoChange; subject: string } | null;
}

async function teamInfo(tx: Queryable, teamId: string): Promise<TeamInfo | null> {
	const [row] = await tx.query<{ id: string; name: string; can_edit: boolean }>(
		`select t.id, t.name, (select private.can_edit_team(t.id)) as can_edit
		   from team t where t.id = $1`,
		[teamId]
	);
	return row ? { id: row.id, name: row.name, canEdit: row.can_edit } : null;
}

/** The team (name and whether the signed-in person may change its journeys), or null. */
export function team(claims: Claims, teamId: string): Promise<TeamInfo | null> {
	return db().asUser(claims, (tx) => teamInfo(tx, teamId));
}

async function canSeeCases(tx: Queryable): Promise<boolean> {
	const [row] = await tx.query<{ ok: boolean }>('select private.can_see_cases() as ok');
	return row?.ok === true;
}

interface TouchpointRow {
	id: string;
	journey_id: string;
	stage_id: string;
	position: number;
	name: string;
	channel: Channel | null;
	department_id: string | null;
	department_name: string | null;
	office: Office;
	line: number | null;
	synchronous: boolean;
	norm_days: number | null;
	norm_unit: NormUnit;
	emotion: number | null;
	pain_points: string;
	categories: { id: string; norm_days: number | null; norm_unit: NormUnit }[];
}

async function touchpointRows(tx: Queryable, journeyIds: string[]): Promise<TouchpointRow[]> {
	return tx.query<TouchpointRow>(
		`select t.id, t.journey_id, t.stage_id, t.position, t.name, t.channel::text as channel,
		        t.department_id, d.name as department_name, t.office::text as office, t.line,
		        t.synchronous, t.norm_days::float8 as norm_days, t.norm_unit::text as norm_unit,
		        t.emotion, t.pain_points,
		        coalesce((select jsonb_agg(jsonb_build_object('id', c.id,
		                    'norm_days', c.norm_days::float8, 'norm_unit', c.norm_unit)
		                    order by lower(c.name))
		                  from touchpoint_category tc join category c on c.id = tc.category_id
		                 where tc.touchpoint_id = t.id), '[]'::jsonb) as categories
		   from touchpoint t
		   join stage s on s.id = t.stage_id
		   left join department d on d.id = t.department_id
		  where t.journey_id = any($1::uuid[])
		  order by s.position, t.position, t.id`,
		[journeyIds]
	);
}

/** The norm the lead time is held to: the touchpoint's, else the one all categories share. */
function normOf(t: TouchpointRow): Figures['norm'] {
	if (t.norm_days !== null) return { days: t.norm_days, unit: t.norm_unit };
	const first = t.categories[0];
	if (
		first &&
		first.norm_days !== null &&
		t.categories.every((c) => c.norm_days === first.norm_days && c.norm_unit === first.norm_unit)
	)
		return { days: first.norm_days, unit: first.norm_unit };
	return null;
}

/** A touchpoint's figures from the summary of its categories' cases. */
export function figuresOf(s: CaseSummary, norm: Figures['norm'], fallback: NormUnit): Figures {
	const unit = norm?.unit ?? fallback;
	const lead =
		unit === 'working_days'
			? { median: s.leadTimeWorkingDays.median, p85: s.leadTimeWorkingDays.p85 }
			: {
					median: s.leadTimeHours.median === null ? null : s.leadTimeHours.median / 24,
					p85: s.leadTimeHours.p85 === null ? null : s.leadTimeHours.p85 / 24
				};
	return {
		cases: s.cases,
		repeats: s.repeats.total,
		repeatRate: s.repeatRate,
		closed: s.leadTimeHours.count,
		open: s.openCases.total,
		leadMedian: lead.median,
		leadP85: lead.p85,
		unit,
		withinNorm: s.withinNorm,
		handoffs: s.handoffs,
		casesWithHandoff: s.casesWithHandoff,
		norm,
		status: normStatus(lead.p85, norm?.days ?? null)
	};
}

/**
 * The case figures of each touchpoint: one summary over its categories (medians and
 * percentiles cannot be combined from per-category figures).
 */
async function touchpointData(
	tx: Queryable,
	rows: TouchpointRow[],
	period: Period,
	seeCases: boolean
): Promise<Map<string, TouchpointData>> {
	const data = new Map<string, TouchpointData>();
	for (const t of rows) {
		if (!seeCases) data.set(t.id, { kind: 'no_access' });
		else if (t.categories.length === 0) data.set(t.id, { kind: 'unmapped' });
		else {
			const s = await summary(tx, {
				from: period.from,
				to: period.to,
				categories: t.categories.map((c) => c.id)
			});
			data.set(t.id, { kind: 'figures', figures: figuresOf(s, normOf(t), t.norm_unit) });
		}
	}
	return data;
}

function touchpointView(t: TouchpointRow, data: TouchpointData): TouchpointView {
	return {
		id: t.id,
		stageId: t.stage_id,
		position: t.position,
		name: t.name,
		channel: t.channel,
		departmentId: t.department_id,
		departmentName: t.department_name,
		office: t.office,
		line: t.line,
		synchronous: t.synchronous,
		normDays: t.norm_days,
		normUnit: t.norm_unit,
		emotion: t.emotion,
		painPoints: t.pain_points,
		categoryIds: t.categories.map((c) => c.id),
		data
	};
}

interface StageRow {
	id: string;
	journey_id: string;
	position: number;
	name: string;
	customer_action: string;
	support: string;
}

function stageRows(tx: Queryable, journeyIds: string[]): Promise<StageRow[]> {
	return tx.query<StageRow>(
		`select id, journey_id, position, name, customer_action, support
		   from stage where journey_id = any($1::uuid[]) order by position, id`,
		[journeyIds]
	);
}

function assemble(
	stages: StageRow[],
	touchpoints: TouchpointRow[],
	data: Map<string, TouchpointData>
) {
	return stages.map((s): StageView => ({
		id: s.id,
		position: s.position,
		name: s.name,
		customerAction: s.customer_action,
		support: s.support,
		touchpoints: touchpoints
			.filter((t) => t.stage_id === s.id)
			.map((t) => touchpointView(t, data.get(t.id) ?? { kind: 'unmapped' }))
	}));
}

export interface MapOptions {
	/** Weeks of figures (default 26), ending with the last complete week. */
	weeks?: number;
	/** An explicit period instead (tests). */
	period?: Period;
}

/**
 * The journey map as the signed-in person may see it, or null when the journey is not of this
 * team or not visible.
 */
export function get(
	claims: Claims,
	teamId: string,
	journeyId: string,
	options: MapOptions = {}
): Promise<JourneyMap | null> {
	return db().asUser(claims, async (tx) => {
		const team = await teamInfo(tx, teamId);
		if (!team) return null;
		const [j] = await tx.query<{
			id: string;
			name: string;
			customer_group: string;
			owner_id: string | null;
			owner_name: string | null;
		}>(
			`select j.id, j.name, j.customer_group, j.owner_id, p.name as owner_name
			   from journey j left join person p on p.id = j.owner_id
			  where j.id = $1 and j.team_id = $2`,
			[journeyId, teamId]
		);
		if (!j) return null;
		const seeCases = await canSeeCases(tx);
		const period = options.period ?? (await lastWeeks(tx, options.weeks ?? DEFAULT_WEEKS));
		const stages = await stageRows(tx, [journeyId]);
		const touchpoints = await touchpointRows(tx, [journeyId]);
		const categories = await tx.query<{
			id: string;
			name: string;
			norm_days: number | null;
			norm_unit: NormUnit;
			touchpoint_id: string | null;
			touchpoint_name: string | null;
			journey_id: string | null;
			journey_name: string | null;
		}>(
			`select c.id, c.name, c.norm_days::float8 as norm_days, c.norm_unit::text as norm_unit,
			        t.id as touchpoint_id, t.name as touchpoint_name,
			        jj.id as journey_id, jj.name as journey_name
			   from category c
			   left join touchpoint_category tc on tc.category_id = c.id
			   left join touchpoint t on t.id = tc.touchpoint_id
			   left join journey jj on jj.id = t.journey_id
			  order by lower(c.name)`
		);
		const editing = team.canEdit
			? {
					departments: await tx.query<{ id: string; name: string }>(
						'select id, name from department order by lower(name)'
					),
					people: await tx.query<{ id: string; name: string }>(
						'select id, name from person order by lower(name)'
					),
					undo:
						(
							await tx.query<{ change: UndoChange; subject: string }>(
								'select change, subject from journey_undo where journey_id = $1',
								[journeyId]
							)
						)[0] ?? null
				}
			: { departments: [], people: [], undo: null };
		const data = await touchpointData(tx, touchpoints, period, seeCases);
		return {
			team,
			journey: {
				id: j.id,
				name: j.name,
				customerGroup: j.customer_group,
				ownerId: j.owner_id,
				ownerName: j.owner_name
			},
			canEdit: team.canEdit,
			canSeeCases: seeCases,
			period,
			stages: assemble(stages, touchpoints, data),
			categories: categories.map((c) => ({
				id: c.id,
				name: c.name,
				normDays: c.norm_days,
				normUnit: c.norm_unit,
				touchpointId: c.touchpoint_id,
				touchpointName: c.touchpoint_name,
				journeyId: c.journey_id,
				journeyName: c.journey_name
			})),
			...editing
		};
	});
}

export interface JourneySummary {
	id: string;
	name: string;
	customerGroup: string;
	ownerId: string | null;
	ownerName: string | null;
	stages: number;
	touchpoints: number;
	/** Touchpoints with at least one report category mapped. */
	mappedTouchpoints: number;
	/** Handoffs between consecutive touchpoints (the department changes). */
	handoffs: number;
	/** The touchpoint that hurts most in the period (null: no figures, or none visible). */
	worst: WorstTouchpoint | null;
}

/**
 * A team's journeys with their size and worst touchpoint over the last `weeks` weeks, for the
 * team page and the journey list. `canSeeCases` false: the person may not see case data, and
 * `worst` is null for every journey.
 */
export function journeySummaries(
	claims: Claims,
	teamId: string,
	options: MapOptions = {}
): Promise<{ period: Period; canSeeCases: boolean; journeys: JourneySummary[] }> {
	return db().asUser(claims, async (tx) => {
		const journeys = await tx.query<{
			id: string;
			name: string;
			customer_group: string;
			owner_id: string | null;
			owner_name: string | null;
		}>(
			`select j.id, j.name, j.customer_group, j.owner_id, p.name as owner_name
			   from journey j left join person p on p.id = j.owner_id
			  where j.team_id = $1
			  order by lower(j.name), j.id`,
			[teamId]
		);
		const seeCases = await canSeeCases(tx);
		const period = options.period ?? (await lastWeeks(tx, options.weeks ?? DEFAULT_WEEKS));
		const ids = journeys.map((j) => j.id);
		const stages = ids.length ? await stageRows(tx, ids) : [];
		const touchpoints = ids.length ? await touchpointRows(tx, ids) : [];
		const data = await touchpointData(tx, touchpoints, period, seeCases);
		return {
			period,
			canSeeCases: seeCases,
			journeys: journeys.map((j) => {
				const map = assemble(
					stages.filter((s) => s.journey_id === j.id),
					touchpoints.filter((t) => t.journey_id === j.id),
					data
				);
				const all = map.flatMap((s) => s.touchpoints);
				return {
					id: j.id,
					name: j.name,
					customerGroup: j.customer_group,
					ownerId: j.owner_id,
					ownerName: j.owner_name,
					stages: map.length,
					touchpoints: all.length,
					mappedTouchpoints: all.filter((t) => t.categoryIds.length > 0).length,
					handoffs: flow(map).filter((l) => l.handoff).length,
					worst: worstTouchpoint(all)
				};
			})
		};
	});
}

export interface Trend {
	team: TeamInfo;
	journey: { id: string; name: string };
	stage: { id: string; name: string };
	touchpoint: TouchpointView;
	categories: { id: string; name: string }[];
	canSeeCases: boolean;
	period: Period;
	/** One row per week of the period (empty without access or categories). */
	weeks: { week: string; cases: number; repeatRate: number | null; leadP85Days: number | null }[];
}

/** A touchpoint's figures and its weekly trend over the period, or null when not visible. */
export function trend(
	claims: Claims,
	teamId: string,
	journeyId: string,
	touchpointId: string,
	options: MapOptions = {}
): Promise<Trend | null> {
	return db().asUser(claims, async (tx) => {
		const team = await teamInfo(tx, teamId);
		if (!team) return null;
		const [j] = await tx.query<{ id: string; name: string }>(
			'select id, name from journey where id = $1 and team_id = $2',
			[journeyId, teamId]
		);
		if (!j) return null;
		const row = (await touchpointRows(tx, [journeyId])).find((t) => t.id === touchpointId);
		if (!row) return null;
		const [stage] = await tx.query<{ id: string; name: string }>(
			'select id, name from stage where id = $1',
			[row.stage_id]
		);
		const seeCases = await canSeeCases(tx);
		const period = options.period ?? (await lastWeeks(tx, options.weeks ?? DEFAULT_WEEKS));
		const data = await touchpointData(tx, [row], period, seeCases);
		const ids = row.categories.map((c) => c.id);
		const weeks =
			seeCases && ids.length
				? (await weekly(tx, { from: period.from, to: period.to, categories: ids })).map((w) => ({
						week: w.week,
						cases: w.cases,
						repeatRate: w.repeatRate,
						leadP85Days: w.leadP85Hours === null ? null : w.leadP85Hours / 24
					}))
				: [];
		const categories = await tx.query<{ id: string; name: string }>(
			'select id, name from category where id = any($1::uuid[]) order by lower(name)',
			[ids]
		);
		return {
			team,
			journey: j,
			stage,
			touchpoint: touchpointView(row, data.get(row.id) ?? { kind: 'unmapped' }),
			categories,
			canSeeCases: seeCases,
			period,
			weeks
		};
	});
}

// ---------------------------------------------------------------------------------------------
// Changing

/** Creates a journey in the team; its id. */
export function create(
	claims: Claims,
	teamId: string,
	input: JourneyInput
): Promise<Result<string>> {
	return attempt(() =>
		db().asUser(claims, async (tx) => {
			const team = await teamInfo(tx, teamId);
			if (!team) throw new Refusal('not_found');
			if (!team.canEdit) throw new Refusal('forbidden');
			await checkOwner(tx, input.ownerId);
			const [row] = await tx.query<{ id: string }>(
				`insert into journey (org_id, team_id, name, customer_group, owner_id)
				 values ((select private.org_id()), $1, $2, $3, $4) returning id`,
				[teamId, input.name, input.customerGroup, input.ownerId]
			);
			return row.id;
		})
	);
}

/** Deletes a journey with its stages, touchpoints and mappings (no undo: the page confirms). */
export function remove(claims: Claims, journeyId: string): Promise<Result> {
	return attempt(() =>
		db().asUser(claims, async (tx) => {
			await editable(tx, journeyId);
			await tx.query('delete from journey where id = $1', [journeyId]);
			return undefined;
		})
	);
}

/**
 * The journey exists for this person and they may change it: locks it for the change (two
 * tablets in one meeting change it one after the other). Refuses otherwise.
 */
async function editable(tx: Queryable, journeyId: string) {
	const [row] = await tx.query<{ can_edit: boolean }>(
		'select (select private.can_edit_team(team_id)) as can_edit from journey where id = $1',
		[journeyId]
	);
	if (!row) throw new Refusal('not_found');
	if (!row.can_edit) throw new Refusal('forbidden');
	await tx.query('select id from journey where id = $1 for update', [journeyId]);
}

/**
 * One change of a journey: checks the right to change it, keeps the journey as it is now as the
 * undo step, then runs the change — all in one transaction, so a refused or failing change
 * leaves no trace.
 */
function change<T>(
	claims: Claims,
	journeyId: string,
	what: { change: UndoChange; subject: string | ((tx: Queryable) => Promise<string>) },
	fn: (tx: Queryable) => Promise<T>
): Promise<Result<T>> {
	return attempt(() =>
		db().asUser(claims, async (tx) => {
			await editable(tx, journeyId);
			const subject = typeof what.subject === 'string' ? what.subject : await what.subject(tx);
			await tx.query(
				`insert into journey_undo (journey_id, org_id, change, subject, snapshot)
				 select j.id, j.org_id, $2, left($3, 200), jsonb_build_object(
				   'journey', jsonb_build_object('name', j.name, 'customer_group', j.customer_group,
				     'owner_id', j.owner_id),
				   'stages', coalesce((select jsonb_agg(to_jsonb(s) order by s.position)
				     from stage s where s.journey_id = j.id), '[]'::jsonb),
				   'touchpoints', coalesce((select jsonb_agg(to_jsonb(t) order by t.position)
				     from touchpoint t where t.journey_id = j.id), '[]'::jsonb),
				   'mappings', coalesce((select jsonb_agg(to_jsonb(tc))
				     from touchpoint_category tc join touchpoint t on t.id = tc.touchpoint_id
				     where t.journey_id = j.id), '[]'::jsonb))
				   from journey j where j.id = $1
				 on conflict (journey_id) do update
				   set change = excluded.change, subject = excluded.subject,
				       snapshot = excluded.snapshot, created_by = private.person_id(),
				       created_at = now()`,
				[journeyId, what.change, subject]
			);
			return fn(tx);
		})
	);
}

async function checkOwner(tx: Queryable, ownerId: string | null) {
	if (ownerId === null) return;
	const found = await tx.query('select 1 from person where id = $1', [ownerId]);
	if (!found.length) throw new Refusal('owner_unknown');
}

export function update(claims: Claims, journeyId: string, input: JourneyInput): Promise<Result> {
	return change(
		claims,
		journeyId,
		{ change: 'journey_update', subject: input.name },
		async (tx) => {
			await checkOwner(tx, input.ownerId);
			await tx.query(
				'update journey set name = $2, customer_group = $3, owner_id = $4 where id = $1',
				[journeyId, input.name, input.customerGroup, input.ownerId]
			);
			return undefined;
		}
	);
}

/** Positions 0, 1, 2 … of the journey's stages and of the touchpoints in each stage. */
async function compact(tx: Queryable, journeyId: string) {
	await tx.query(
		`update stage s set position = r.n
		   from (select id, (row_number() over (order by position, id) - 1)::int as n
		           from stage where journey_id = $1) r
		  where s.id = r.id and s.position <> r.n`,
		[journeyId]
	);
	await tx.query(
		`update touchpoint t set position = r.n
		   from (select id, (row_number() over (partition by stage_id order by position, id) - 1)::int as n
		           from touchpoint where journey_id = $1) r
		  where t.id = r.id and t.position <> r.n`,
		[journeyId]
	);
}

export function addStage(
	claims: Claims,
	journeyId: string,
	input: StageInput
): Promise<Result<string>> {
	return change(claims, journeyId, { change: 'stage_add', subject: input.name }, async (tx) => {
		const [row] = await tx.query<{ id: string }>(
			`insert into stage (org_id, journey_id, position, name, customer_action, support)
			 select j.org_id, j.id,
			        coalesce((select max(position) + 1 from stage where journey_id = j.id), 0), $2, $3, $4
			   from journey j where j.id = $1
			 returning id`,
			[journeyId, input.name, input.customerAction, input.support]
		);
		return row.id;
	});
}

export function updateStage(
	claims: Claims,
	journeyId: string,
	stageId: string,
	input: StageInput
): Promise<Result> {
	return change(claims, journeyId, { change: 'stage_update', subject: input.name }, async (tx) => {
		const rows = await tx.query(
			`update stage set name = $3, customer_action = $4, support = $5
			  where id = $2 and journey_id = $1 returning id`,
			[journeyId, stageId, input.name, input.customerAction, input.support]
		);
		if (!rows.length) throw new Refusal('stage_unknown');
		return undefined;
	});
}

async function stageName(tx: Queryable, journeyId: string, stageId: string) {
	const [row] = await tx.query<{ name: string }>(
		'select name from stage where id = $1 and journey_id = $2',
		[stageId, journeyId]
	);
	if (!row) throw new Refusal('stage_unknown');
	return row.name;
}

/** Deletes a stage with its touchpoints (Undo brings them back with their mappings). */
export function removeStage(claims: Claims, journeyId: string, stageId: string): Promise<Result> {
	return change(
		claims,
		journeyId,
		{ change: 'stage_remove', subject: (tx) => stageName(tx, journeyId, stageId) },
		async (tx) => {
			await tx.query('delete from stage where id = $1 and journey_id = $2', [stageId, journeyId]);
			await compact(tx, journeyId);
			return undefined;
		}
	);
}

/** Moves a stage one place left or right, or to an index. */
export function moveStage(
	claims: Claims,
	journeyId: string,
	stageId: string,
	spec: { direction: 'left' | 'right' } | { index: number }
): Promise<Result> {
	return change(
		claims,
		journeyId,
		{ change: 'stage_move', subject: (tx) => stageName(tx, journeyId, stageId) },
		async (tx) => {
			const stages = await tx.query<{ id: string }>(
				'select id from stage where journey_id = $1 order by position, id',
				[journeyId]
			);
			const next = planStageMove(stages, stageId, spec);
			if (!next) throw new Refusal('cannot_move');
			await tx.query(
				`update stage s set position = v.n - 1
				   from unnest($2::uuid[]) with ordinality as v (id, n)
				  where s.id = v.id and s.journey_id = $1 and s.position <> v.n - 1`,
				[journeyId, next.map((s) => s.id)]
			);
			return undefined;
		}
	);
}

/**
 * Maps the categories to the touchpoint (and only those). A category mapped to a touchpoint
 * of this journey moves here; one mapped in another journey is refused, so that journey
 * keeps its figures and Undo stays within this journey.
 */
async function mapCategories(
	tx: Queryable,
	journeyId: string,
	touchpointId: string,
	categories: string[]
) {
	if (categories.length) {
		const known = await tx.query<{ id: string }>(
			'select id from category where id = any($1::uuid[])',
			[categories]
		);
		if (known.length !== categories.length) throw new Refusal('category_unknown');
		const taken = await tx.query(
			`select 1 from touchpoint_category tc join touchpoint t on t.id = tc.touchpoint_id
			  where tc.category_id = any($1::uuid[]) and t.journey_id <> $2`,
			[categories, journeyId]
		);
		if (taken.length) throw new Refusal('category_taken');
	}
	await tx.query(
		`delete from touchpoint_category tc
		  using touchpoint t
		  where t.id = tc.touchpoint_id and t.journey_id = $1
		    and ((tc.touchpoint_id = $2 and not (tc.category_id = any($3::uuid[])))
		      or (tc.touchpoint_id <> $2 and tc.category_id = any($3::uuid[])))`,
		[journeyId, touchpointId, categories]
	);
	await tx.query(
		`insert into touchpoint_category (category_id, touchpoint_id, org_id)
		 select c.id, $1, c.org_id from category c where c.id = any($2::uuid[])
		 on conflict (category_id) do nothing`,
		[touchpointId, categories]
	);
}

async function checkTouchpoint(tx: Queryable, journeyId: string, input: TouchpointInput) {
	await stageName(tx, journeyId, input.stageId);
	if (input.departmentId !== null) {
		const found = await tx.query('select 1 from department where id = $1', [input.departmentId]);
		if (!found.length) throw new Refusal('department_unknown');
	}
}

/** The touchpoint's fields, in the order of touchpointValues. */
const TOUCHPOINT_FIELDS =
	'channel, department_id, office, line, synchronous, norm_days, norm_unit, emotion, pain_points';

function touchpointValues(input: TouchpointInput) {
	return [
		input.channel,
		input.departmentId,
		input.office,
		input.line,
		input.synchronous,
		input.normDays,
		input.normUnit,
		input.emotion,
		input.painPoints
	];
}

/** Adds a touchpoint at the end of its stage; its id. */
export function addTouchpoint(
	claims: Claims,
	journeyId: string,
	input: TouchpointInput
): Promise<Result<string>> {
	return change(
		claims,
		journeyId,
		{ change: 'touchpoint_add', subject: input.name },
		async (tx) => {
			await checkTouchpoint(tx, journeyId, input);
			const [row] = await tx.query<{ id: string }>(
				`insert into touchpoint (org_id, journey_id, stage_id, position, name,
			   ${TOUCHPOINT_FIELDS})
			 select j.org_id, j.id, $2,
			        coalesce((select max(position) + 1 from touchpoint where stage_id = $2), 0), $3,
			        $4, $5, $6, $7, $8, $9, $10, $11, $12
			   from journey j where j.id = $1
			 returning id`,
				[journeyId, input.stageId, input.name, ...touchpointValues(input)]
			);
			await mapCategories(tx, journeyId, row.id, input.categories);
			return row.id;
		}
	);
}

/** Changes a touchpoint; a new stage puts it at the end of that stage. */
export function updateTouchpoint(
	claims: Claims,
	journeyId: string,
	touchpointId: string,
	input: TouchpointInput
): Promise<Result> {
	return change(
		claims,
		journeyId,
		{ change: 'touchpoint_update', subject: input.name },
		async (tx) => {
			await checkTouchpoint(tx, journeyId, input);
			const rows = await tx.query(
				`update touchpoint t set name = $3,
				   position = case when t.stage_id = $4 then t.position
				     else coalesce((select max(position) + 1 from touchpoint where stage_id = $4), 0) end,
				   stage_id = $4,
				   channel = $5, department_id = $6, office = $7, line = $8, synchronous = $9,
				   norm_days = $10, norm_unit = $11, emotion = $12, pain_points = $13
				  where t.id = $2 and t.journey_id = $1 returning t.id`,
				[journeyId, touchpointId, input.name, input.stageId, ...touchpointValues(input)]
			);
			if (!rows.length) throw new Refusal('not_found');
			await mapCategories(tx, journeyId, touchpointId, input.categories);
			await compact(tx, journeyId);
			return undefined;
		}
	);
}

async function touchpointName(tx: Queryable, journeyId: string, touchpointId: string) {
	const [row] = await tx.query<{ name: string }>(
		'select name from touchpoint where id = $1 and journey_id = $2',
		[touchpointId, journeyId]
	);
	if (!row) throw new Refusal('not_found');
	return row.name;
}

/** Deletes a touchpoint and its category mappings (Undo brings both back). */
export function removeTouchpoint(
	claims: Claims,
	journeyId: string,
	touchpointId: string
): Promise<Result> {
	const subject = (tx: Queryable) => touchpointName(tx, journeyId, touchpointId);
	return change(claims, journeyId, { change: 'touchpoint_remove', subject }, async (tx) => {
		const rows = await tx.query(
			'delete from touchpoint where id = $1 and journey_id = $2 returning id',
			[touchpointId, journeyId]
		);
		if (!rows.length) throw new Refusal('not_found');
		await compact(tx, journeyId);
		return undefined;
	});
}

/**
 * Moves a touchpoint one step (up/down in its stage, to the previous or next stage) or to a
 * place (a stage, an index in its order and, from a drag, the front or back office lane).
 */
export function moveTouchpoint(
	claims: Claims,
	journeyId: string,
	touchpointId: string,
	spec: TouchpointMoveSpec
): Promise<Result> {
	const subject = (tx: Queryable) => touchpointName(tx, journeyId, touchpointId);
	return change(claims, journeyId, { change: 'touchpoint_move', subject }, async (tx) => {
		const stages = await tx.query<{ id: string; touchpoints: { id: string; office: Office }[] }>(
			`select s.id, coalesce((select jsonb_agg(jsonb_build_object('id', t.id, 'office', t.office)
			                          order by t.position, t.id)
			                        from touchpoint t where t.stage_id = s.id), '[]'::jsonb) as touchpoints
			   from stage s where s.journey_id = $1 order by s.position, s.id`,
			[journeyId]
		);
		if (!stages.some((s) => s.touchpoints.some((t) => t.id === touchpointId)))
			throw new Refusal('not_found');
		if (!('direction' in spec) && !stages.some((s) => s.id === spec.stageId))
			throw new Refusal('stage_unknown');
		const next = planTouchpointMove(stages, touchpointId, spec);
		if (!next) throw new Refusal('cannot_move');
		const order = next.flatMap((s) =>
			s.touchpoints.map((t, i) => ({ id: t.id, stage_id: s.id, position: i, office: t.office }))
		);
		await tx.query(
			`update touchpoint t set stage_id = v.stage_id, position = v.position, office = v.office
			   from jsonb_to_recordset($2::jsonb) as v (id uuid, stage_id uuid, position integer, office office)
			  where t.id = v.id and t.journey_id = $1
			    and (t.stage_id, t.position, t.office) is distinct from (v.stage_id, v.position, v.office)`,
			[journeyId, JSON.stringify(order)]
		);
		return undefined;
	});
}

/**
 * Takes back the journey's last change: restores the journey as it was before it — its fields,
 * stages and touchpoints (deleted ones come back with the same ids) and category mappings.
 * A category mapped elsewhere since, or a department or person removed since, is left out.
 * The step is used up; what it undid is returned.
 */
export function undo(
	claims: Claims,
	journeyId: string
): Promise<Result<{ change: UndoChange; subject: string }>> {
	return attempt(() =>
		db().asUser(claims, async (tx) => {
			await editable(tx, journeyId);
			const [step] = await tx.query<{ change: UndoChange; subject: string }>(
				'select change, subject from journey_undo where journey_id = $1',
				[journeyId]
			);
			if (!step) throw new Refusal('nothing_to_undo');
			await tx.query(
				`update journey j
				    set name = u.snapshot -> 'journey' ->> 'name',
				        customer_group = u.snapshot -> 'journey' ->> 'customer_group',
				        owner_id = (select p.id from person p
				                     where p.id = (u.snapshot -> 'journey' ->> 'owner_id')::uuid)
				   from journey_undo u
				  where u.journey_id = j.id and j.id = $1`,
				[journeyId]
			);
			await tx.query(
				`delete from touchpoint t
				  where t.journey_id = $1 and t.id not in (
				    select r.id from journey_undo u,
				      jsonb_populate_recordset(null::public.touchpoint, u.snapshot -> 'touchpoints') r
				     where u.journey_id = $1)`,
				[journeyId]
			);
			await tx.query(
				`delete from stage s
				  where s.journey_id = $1 and s.id not in (
				    select r.id from journey_undo u,
				      jsonb_populate_recordset(null::public.stage, u.snapshot -> 'stages') r
				     where u.journey_id = $1)`,
				[journeyId]
			);
			await tx.query(
				`insert into stage (id, org_id, journey_id, position, name, customer_action, support)
				 select r.id, j.org_id, j.id, r.position, r.name, r.customer_action, r.support
				   from journey j
				   join journey_undo u on u.journey_id = j.id
				  cross join jsonb_populate_recordset(null::public.stage, u.snapshot -> 'stages') r
				  where j.id = $1
				 on conflict (id) do update
				   set position = excluded.position, name = excluded.name,
				       customer_action = excluded.customer_action, support = excluded.support`,
				[journeyId]
			);
			await tx.query(
				`insert into touchpoint (id, org_id, journey_id, stage_id, position, name,
				   ${TOUCHPOINT_FIELDS})
				 select r.id, j.org_id, j.id, r.stage_id, r.position, r.name, r.channel,
				        (select d.id from department d where d.id = r.department_id),
				        r.office, r.line, r.synchronous, r.norm_days, r.norm_unit, r.emotion, r.pain_points
				   from journey j
				   join journey_undo u on u.journey_id = j.id
				  cross join jsonb_populate_recordset(null::public.touchpoint, u.snapshot -> 'touchpoints') r
				  where j.id = $1
				 on conflict (id) do update
				   set stage_id = excluded.stage_id, position = excluded.position, name = excluded.name,
				       channel = excluded.channel, department_id = excluded.department_id,
				       office = excluded.office, line = excluded.line,
				       synchronous = excluded.synchronous, norm_days = excluded.norm_days,
				       norm_unit = excluded.norm_unit, emotion = excluded.emotion,
				       pain_points = excluded.pain_points`,
				[journeyId]
			);
			await tx.query(
				`delete from touchpoint_category tc using touchpoint t
				  where t.id = tc.touchpoint_id and t.journey_id = $1`,
				[journeyId]
			);
			await tx.query(
				`insert into touchpoint_category (category_id, touchpoint_id, org_id)
				 select c.id, t.id, c.org_id
				   from journey_undo u
				  cross join jsonb_populate_recordset(null::public.touchpoint_category, u.snapshot -> 'mappings') r
				   join category c on c.id = r.category_id
				   join touchpoint t on t.id = r.touchpoint_id and t.journey_id = $1
				  where u.journey_id = $1
				 on conflict (category_id) do nothing`,
				[journeyId]
			);
			await tx.query('delete from journey_undo where journey_id = $1', [journeyId]);
			return step;
		})
	);
}

/** The organisation's people, to choose a journey owner from. */
export function people(claims: Claims): Promise<{ id: string; name: string }[]> {
	return db().asUser(claims, (tx) =>
		tx.query<{ id: string; name: string }>('select id, name from person order by lower(name)')
	);
}
