/**
 * Changing a journey: the journey itself, its stages and touchpoints, and the report categories
 * mapped to touchpoints. Everything runs as the signed-in person (row level security decides):
 * the team's members, its coach and admins change a journey. Each change is one transaction
 * that also keeps the journey as it was before (public.journey_undo, see ./undo.ts), so a
 * refused or failing change leaves no trace and Undo restores it exactly.
 */
import {
	moveStage as planStageMove,
	moveTouchpoint as planTouchpointMove,
	type TouchpointMoveSpec
} from '$lib/journeys/blueprint';
import type {
	JourneyInput,
	Office,
	StageInput,
	TouchpointInput,
	UndoChange
} from '$lib/schemas/journeys';
import { db, type Claims, type Queryable } from '../db';
import { attempt, refuse, type Result } from '../result';
import { get as teamInfo } from '../teams';

/** What the journey module refuses; the journey routes show each as a message. */
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

/** The answer of a change: `{ ok: true, …fields }` or the refusal. */
export type JourneyResult<T extends object = object> = Result<T, JourneyError>;

/**
 * Runs a change as one transaction: a refusal thrown inside it, a row level security violation
 * (forbidden) or a value the database's checks refuse (invalid) comes back as the answer.
 */
export function journeyAttempt<T extends object>(
	claims: Claims,
	fn: (tx: Queryable) => Promise<T>
): Promise<JourneyResult<T>> {
	return attempt<T, JourneyError>(
		() => db().asUser(claims, fn),
		(_e, kind) => (kind === 'forbidden' || kind === 'invalid' ? kind : undefined)
	);
}

/** Creates a journey in the team; its id. */
export function create(
	claims: Claims,
	teamId: string,
	input: JourneyInput
): Promise<JourneyResult<{ id: string }>> {
	return journeyAttempt(claims, async (tx) => {
		const team = await teamInfo(tx, teamId);
		if (!team) refuse('not_found');
		if (!team.canEdit) refuse('forbidden');
		await checkOwner(tx, input.ownerId);
		const [row] = await tx.query<{ id: string }>(
			`insert into journey (org_id, team_id, name, customer_group, owner_id)
				 values ((select private.org_id()), $1, $2, $3, $4) returning id`,
			[teamId, input.name, input.customerGroup, input.ownerId]
		);
		return { id: row.id };
	});
}

/** Deletes a journey with its stages, touchpoints and mappings (no undo: the page confirms). */
export function remove(claims: Claims, journeyId: string): Promise<JourneyResult> {
	return journeyAttempt(claims, async (tx) => {
		await editable(tx, journeyId);
		await tx.query('delete from journey where id = $1', [journeyId]);
		return {};
	});
}

/**
 * The journey exists for this person and they may change it: locks it for the change (two
 * tablets in one meeting change it one after the other). Refuses otherwise.
 */
export async function editable(tx: Queryable, journeyId: string) {
	const [row] = await tx.query<{ can_edit: boolean }>(
		'select (select private.can_edit_team(team_id)) as can_edit from journey where id = $1',
		[journeyId]
	);
	if (!row) refuse('not_found');
	if (!row.can_edit) refuse('forbidden');
	await tx.query('select id from journey where id = $1 for update', [journeyId]);
}

/**
 * One change of a journey: checks the right to change it, keeps the journey as it is now as the
 * undo step, then runs the change — all in one transaction, so a refused or failing change
 * leaves no trace.
 */
function change<T extends object>(
	claims: Claims,
	journeyId: string,
	what: { change: UndoChange; subject: string | ((tx: Queryable) => Promise<string>) },
	fn: (tx: Queryable) => Promise<T>
): Promise<JourneyResult<T>> {
	return journeyAttempt(claims, async (tx) => {
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
	});
}

async function checkOwner(tx: Queryable, ownerId: string | null) {
	if (ownerId === null) return;
	const found = await tx.query('select 1 from person where id = $1', [ownerId]);
	if (!found.length) refuse('owner_unknown');
}

export function update(
	claims: Claims,
	journeyId: string,
	input: JourneyInput
): Promise<JourneyResult> {
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
			return {};
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
): Promise<JourneyResult<{ id: string }>> {
	return change(claims, journeyId, { change: 'stage_add', subject: input.name }, async (tx) => {
		const [row] = await tx.query<{ id: string }>(
			`insert into stage (org_id, journey_id, position, name, customer_action, support)
			 select j.org_id, j.id,
			        coalesce((select max(position) + 1 from stage where journey_id = j.id), 0), $2, $3, $4
			   from journey j where j.id = $1
			 returning id`,
			[journeyId, input.name, input.customerAction, input.support]
		);
		return { id: row.id };
	});
}

export function updateStage(
	claims: Claims,
	journeyId: string,
	stageId: string,
	input: StageInput
): Promise<JourneyResult> {
	return change(claims, journeyId, { change: 'stage_update', subject: input.name }, async (tx) => {
		const rows = await tx.query(
			`update stage set name = $3, customer_action = $4, support = $5
			  where id = $2 and journey_id = $1 returning id`,
			[journeyId, stageId, input.name, input.customerAction, input.support]
		);
		if (!rows.length) refuse('stage_unknown');
		return {};
	});
}

async function stageName(tx: Queryable, journeyId: string, stageId: string) {
	const [row] = await tx.query<{ name: string }>(
		'select name from stage where id = $1 and journey_id = $2',
		[stageId, journeyId]
	);
	if (!row) refuse('stage_unknown');
	return row.name;
}

/** Deletes a stage with its touchpoints (Undo brings them back with their mappings). */
export function removeStage(
	claims: Claims,
	journeyId: string,
	stageId: string
): Promise<JourneyResult> {
	return change(
		claims,
		journeyId,
		{ change: 'stage_remove', subject: (tx) => stageName(tx, journeyId, stageId) },
		async (tx) => {
			await tx.query('delete from stage where id = $1 and journey_id = $2', [stageId, journeyId]);
			await compact(tx, journeyId);
			return {};
		}
	);
}

/** Moves a stage one place left or right, or to an index. */
export function moveStage(
	claims: Claims,
	journeyId: string,
	stageId: string,
	spec: { direction: 'left' | 'right' } | { index: number }
): Promise<JourneyResult> {
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
			if (!next) refuse('cannot_move');
			await tx.query(
				`update stage s set position = v.n - 1
				   from unnest($2::uuid[]) with ordinality as v (id, n)
				  where s.id = v.id and s.journey_id = $1 and s.position <> v.n - 1`,
				[journeyId, next.map((s) => s.id)]
			);
			return {};
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
		if (known.length !== categories.length) refuse('category_unknown');
		const taken = await tx.query(
			`select 1 from touchpoint_category tc join touchpoint t on t.id = tc.touchpoint_id
			  where tc.category_id = any($1::uuid[]) and t.journey_id <> $2`,
			[categories, journeyId]
		);
		if (taken.length) refuse('category_taken');
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
		if (!found.length) refuse('department_unknown');
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
): Promise<JourneyResult<{ id: string }>> {
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
			return { id: row.id };
		}
	);
}

/** Changes a touchpoint; a new stage puts it at the end of that stage. */
export function updateTouchpoint(
	claims: Claims,
	journeyId: string,
	touchpointId: string,
	input: TouchpointInput
): Promise<JourneyResult> {
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
			if (!rows.length) refuse('not_found');
			await mapCategories(tx, journeyId, touchpointId, input.categories);
			await compact(tx, journeyId);
			return {};
		}
	);
}

async function touchpointName(tx: Queryable, journeyId: string, touchpointId: string) {
	const [row] = await tx.query<{ name: string }>(
		'select name from touchpoint where id = $1 and journey_id = $2',
		[touchpointId, journeyId]
	);
	if (!row) refuse('not_found');
	return row.name;
}

/** Deletes a touchpoint and its category mappings (Undo brings both back). */
export function removeTouchpoint(
	claims: Claims,
	journeyId: string,
	touchpointId: string
): Promise<JourneyResult> {
	const subject = (tx: Queryable) => touchpointName(tx, journeyId, touchpointId);
	return change(claims, journeyId, { change: 'touchpoint_remove', subject }, async (tx) => {
		const rows = await tx.query(
			'delete from touchpoint where id = $1 and journey_id = $2 returning id',
			[touchpointId, journeyId]
		);
		if (!rows.length) refuse('not_found');
		await compact(tx, journeyId);
		return {};
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
): Promise<JourneyResult> {
	const subject = (tx: Queryable) => touchpointName(tx, journeyId, touchpointId);
	return change(claims, journeyId, { change: 'touchpoint_move', subject }, async (tx) => {
		const stages = await tx.query<{ id: string; touchpoints: { id: string; office: Office }[] }>(
			`select s.id, coalesce((select jsonb_agg(jsonb_build_object('id', t.id, 'office', t.office)
			                          order by t.position, t.id)
			                        from touchpoint t where t.stage_id = s.id), '[]'::jsonb) as touchpoints
			   from stage s where s.journey_id = $1 order by s.position, s.id`,
			[journeyId]
		);
		if (!stages.some((s) => s.touchpoints.some((t) => t.id === touchpointId))) refuse('not_found');
		if (!('direction' in spec) && !stages.some((s) => s.id === spec.stageId))
			refuse('stage_unknown');
		const next = planTouchpointMove(stages, touchpointId, spec);
		if (!next) refuse('cannot_move');
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
		return {};
	});
}
