/**
 * The one-step Undo of a journey: every change keeps the journey as it was before it
 * (public.journey_undo, written by ./edit.ts), and Undo restores it exactly — positions, fields
 * and category mappings, also of deleted stages and touchpoints.
 */
import type { UndoChange } from '$lib/schemas/journeys';
import type { Claims, Queryable } from '../db';
import { refuse } from '../result';
import { editable, journeyAttempt, type JourneyResult } from './edit';

/** The change Undo would take back, and what it was about. */
export interface UndoStep {
	change: UndoChange;
	subject: string;
}

/** The change Undo would take back now, or null; in the caller's transaction. */
export async function pendingUndo(tx: Queryable, journeyId: string): Promise<UndoStep | null> {
	const [step] = await tx.query<UndoStep>(
		'select change, subject from journey_undo where journey_id = $1',
		[journeyId]
	);
	return step ?? null;
}

/**
 * Takes back the journey's last change: restores the journey as it was before it — its fields,
 * stages and touchpoints (deleted ones come back with the same ids) and category mappings.
 * A category mapped elsewhere since, or a department or person removed since, is left out.
 * The step is used up; what it undid is returned (`undone`).
 */
export function undo(
	claims: Claims,
	journeyId: string
): Promise<JourneyResult<{ undone: UndoStep }>> {
	return journeyAttempt(claims, async (tx) => {
		await editable(tx, journeyId);
		const step = (await pendingUndo(tx, journeyId)) ?? refuse('nothing_to_undo');
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
			`insert into touchpoint (id, org_id, journey_id, stage_id, position, name, channel,
				   department_id, office, line, synchronous, norm_days, norm_unit, emotion, pain_points)
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
		return { undone: step };
	});
}
