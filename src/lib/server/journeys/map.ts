/**
 * Journey maps as the signed-in person may see them: a journey's stages and touchpoints with
 * the case figures of the report categories mapped to each, a team's journeys with their worst
 * touchpoint, and a touchpoint's weekly trend. Case figures only for those who may see case
 * data (row level security decides).
 */
import {
	flow,
	normStatus,
	worstTouchpoint,
	type Figures,
	type StageView,
	type TouchpointData,
	type TouchpointView,
	type WorstTouchpoint
} from '$lib/journeys/blueprint';
import {
	DEFAULT_WEEKS,
	type Channel,
	type NormUnit,
	type Office,
	type UndoChange
} from '$lib/schemas/journeys';
import { standings, type AgreementStanding } from '../agreements';
import { db, type Claims, type Queryable } from '../db';
import { groupFigures, type GroupFigures } from '../figures/groups';
import { weekly } from '../figures/metrics';
import { lastWeeks, type Period } from '../figures/period';
import { choices as personChoices } from '../people';
import { get as teamInfo, type Team as TeamInfo } from '../teams';
import { pendingUndo } from './undo';

/** The period of the figures, or a failure: every signed-in person belongs to an organisation. */
async function periodOf(tx: Queryable, options: MapOptions): Promise<Period> {
	if (options.period) return options.period;
	const period = await lastWeeks(tx, options.weeks ?? DEFAULT_WEEKS);
	if (!period) throw new Error('no organisation for this user');
	return period;
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
	/** The agreements between departments, held on the handoffs of this journey's cases. */
	agreements: AgreementStanding[];
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

/** A touchpoint's figures from the grouped figures of its categories' cases. */
function figuresOf(s: GroupFigures, norm: Figures['norm'], fallback: NormUnit): Figures {
	const unit = norm?.unit ?? fallback;
	const lead =
		unit === 'working_days'
			? s.leadWorkingDays
			: {
					median: s.leadHours.median === null ? null : s.leadHours.median / 24,
					p85: s.leadHours.p85 === null ? null : s.leadHours.p85 / 24
				};
	return {
		cases: s.cases,
		repeats: s.repeats,
		repeatRate: s.repeatRate,
		closed: s.closed,
		open: s.open,
		leadMedian: lead.median,
		leadP85: lead.p85,
		unit,
		withinNorm: s.withinNorm,
		handoffs: s.handoffs,
		casesWithHandoff: s.casesWithHandoff,
		norm,
		status: normStatus(lead.p85, norm?.days ?? null),
		silence: s.silence
	};
}

/**
 * The case figures of each touchpoint over its categories (medians and percentiles cannot be
 * combined from per-category figures), all touchpoints in one grouped query.
 */
async function touchpointData(
	tx: Queryable,
	rows: TouchpointRow[],
	period: Period,
	seeCases: boolean
): Promise<Map<string, TouchpointData>> {
	const data = new Map<string, TouchpointData>();
	const mapped = seeCases ? rows.filter((t) => t.categories.length > 0) : [];
	const figures = await groupFigures(
		tx,
		period,
		mapped.map((t) => ({ id: t.id, categories: t.categories.map((c) => c.id) }))
	);
	for (const t of rows) {
		const f = figures.get(t.id);
		if (!seeCases) data.set(t.id, { kind: 'no_access' });
		else if (!f) data.set(t.id, { kind: 'unmapped' });
		else data.set(t.id, { kind: 'figures', figures: figuresOf(f, normOf(t), t.norm_unit) });
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

interface MapOptions {
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
		const period = await periodOf(tx, options);
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
					people: await personChoices(tx),
					undo: await pendingUndo(tx, journeyId)
				}
			: { departments: [], people: [], undo: null };
		const data = await touchpointData(tx, touchpoints, period, seeCases);
		const journeyCategories = seeCases
			? touchpoints.flatMap((t) => t.categories.map((c) => c.id))
			: [];
		return {
			team,
			agreements: await standings(tx, period, journeyCategories),
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

interface JourneySummary {
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
): Promise<JourneySummaries> {
	return db().asUser(claims, (tx) => summaries(tx, teamId, options));
}

interface JourneySummaries {
	period: Period;
	canSeeCases: boolean;
	journeys: JourneySummary[];
}

/**
 * The journey list page: the team, its journeys and, for those who may change them, the people
 * to choose an owner from; null when the team is not visible.
 */
export function listPage(
	claims: Claims,
	teamId: string
): Promise<(JourneySummaries & { team: TeamInfo; people: { id: string; name: string }[] }) | null> {
	return db().asUser(claims, async (tx) => {
		const team = await teamInfo(tx, teamId);
		if (!team) return null;
		const list = await summaries(tx, teamId, {});
		return { team, ...list, people: team.canEdit ? await personChoices(tx) : [] };
	});
}

async function summaries(
	tx: Queryable,
	teamId: string,
	options: MapOptions
): Promise<JourneySummaries> {
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
	const period = await periodOf(tx, options);
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
}

interface Trend {
	team: TeamInfo;
	journey: { id: string; name: string };
	stage: { id: string; name: string };
	touchpoint: TouchpointView;
	categories: { id: string; name: string }[];
	canSeeCases: boolean;
	period: Period;
	/**
	 * The unit of the lead times, as on the touchpoint's card: its norm's (the touchpoint's, else
	 * the one its categories share), else the touchpoint's own unit.
	 */
	unit: NormUnit;
	/** The norm the lead time is held to (the target line and the assurance icon), if any. */
	norm: { days: number; unit: NormUnit } | null;
	/** One row per week of the period (empty without access or categories); p85 in `unit`. */
	weeks: { week: string; cases: number; repeatRate: number | null; leadP85: number | null }[];
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
		const period = await periodOf(tx, options);
		const data = await touchpointData(tx, [row], period, seeCases);
		const ids = row.categories.map((c) => c.id);
		const norm = normOf(row);
		const unit = norm?.unit ?? row.norm_unit;
		const weeks =
			seeCases && ids.length
				? (await weekly(tx, { from: period.from, to: period.to, categories: ids })).map((w) => ({
						week: w.week,
						cases: w.cases,
						repeatRate: w.repeatRate,
						leadP85:
							unit === 'working_days'
								? w.leadP85WorkingDays
								: w.leadP85Hours === null
									? null
									: w.leadP85Hours / 24
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
			unit,
			norm,
			weeks
		};
	});
}

/** The categories mapped to touchpoints of a team's journeys, in the caller's transaction. */
export async function teamCategoryIds(tx: Queryable, teamId: string): Promise<string[]> {
	const rows = await tx.query<{ category_id: string }>(
		`select tc.category_id from touchpoint_category tc
		   join touchpoint tp on tp.id = tc.touchpoint_id
		   join journey j on j.id = tp.journey_id
		  where j.team_id = $1`,
		[teamId]
	);
	return rows.map((r) => r.category_id);
}

/** The categories mapped to a touchpoint, in the caller's transaction. */
export async function touchpointCategoryIds(
	tx: Queryable,
	touchpointId: string
): Promise<string[]> {
	const rows = await tx.query<{ id: string }>(
		'select category_id as id from touchpoint_category where touchpoint_id = $1',
		[touchpointId]
	);
	return rows.map((r) => r.id);
}
