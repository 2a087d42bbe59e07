/** A cycle's actions: who does what by when, and whether it is done. */
import type { Claims, Queryable } from '../db';
import { refused, type Result } from '../result';
import type { ActionInput } from '$lib/schemas/cycles';
import { change, isUuid, stop, type CycleError } from './refusals';

export async function addAction(
	claims: Claims,
	cycleId: string,
	input: ActionInput
): Promise<Result<object, CycleError>> {
	if (!isUuid(cycleId)) return refused('not_found');
	return change(claims, async (tx) => {
		const rows = await tx.query(
			`insert into cycle_action (org_id, cycle_id, who, what, due_on)
			 select c.org_id, c.id, $2, $3, $4 from improvement_cycle c where c.id = $1
			 returning id`,
			[cycleId, input.who, input.what, input.dueOn]
		);
		return rows.length ? {} : stop('not_found');
	});
}

/** Marks an action of the cycle done (or not done again). */
export async function setActionDone(
	claims: Claims,
	cycleId: string,
	actionId: string,
	done: boolean
): Promise<Result<object, CycleError>> {
	if (!isUuid(cycleId) || !isUuid(actionId)) return refused('not_found');
	return change(claims, async (tx) => {
		const rows = await tx.query(
			'update cycle_action set done = $3 where id = $1 and cycle_id = $2 returning id',
			[actionId, cycleId, done]
		);
		return rows.length ? {} : await actionMissingOrForbidden(tx, actionId);
	});
}

export async function removeAction(
	claims: Claims,
	cycleId: string,
	actionId: string
): Promise<Result<object, CycleError>> {
	if (!isUuid(cycleId) || !isUuid(actionId)) return refused('not_found');
	return change(claims, async (tx) => {
		const rows = await tx.query(
			'delete from cycle_action where id = $1 and cycle_id = $2 returning id',
			[actionId, cycleId]
		);
		return rows.length ? {} : await actionMissingOrForbidden(tx, actionId);
	});
}

async function actionMissingOrForbidden(tx: Queryable, actionId: string): Promise<never> {
	const [seen] = await tx.query('select 1 from cycle_action where id = $1', [actionId]);
	return stop(seen ? 'forbidden' : 'not_found');
}
