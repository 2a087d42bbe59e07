/**
 * Up to when the case data runs and when it was last imported: one line on every page with
 * figures, and the week from which the weekly series are incomplete. As the signed-in person
 * sees it (row level security): someone who may not see case data gets nulls.
 */
import { db, type Claims, type Queryable } from '../db';
import { cached } from './cache';

export interface DataUpTo {
	/** The last local day ('YYYY-MM-DD', the organisation's zone) a case was received or resolved. */
	lastDay: string | null;
	/** When the last import finished (ISO); null without imports. */
	lastImport: string | null;
	/**
	 * The Monday ('YYYY-MM-DD') of the first week the data does not cover completely: the week
	 * of the last day unless that day is a Sunday. Null without data.
	 */
	incompleteFrom: string | null;
}

/**
 * Inside the caller's transaction. The last day reads every case, so it comes from the figures
 * cache (it changes only with the data version); the last import is read each time (imports
 * that add nothing do not move the version).
 */
export async function dataUpToIn(tx: Queryable): Promise<DataUpTo> {
	const lastDay = await cached(tx, 'data-up-to', [], async () => {
		const [row] = await tx.query<{ last_day: string | null }>(
			`select (greatest(max(r.received_at), max(r.resolved_at)) at time zone o.timezone)::date::text
			          as last_day
			   from organisation o
			   left join report r on r.org_id = o.id
			  where o.id = (select private.org_id())
			  group by o.timezone`
		);
		return row?.last_day ?? null;
	});
	const [row] = await tx.query<{ last_import: Date | string | null }>(
		'select max(created_at) as last_import from import_batch'
	);
	const lastImport = row?.last_import ? new Date(row.last_import).toISOString() : null;
	return { lastDay, lastImport, incompleteFrom: lastDay ? incompleteFrom(lastDay) : null };
}

export function get(claims: Claims): Promise<DataUpTo> {
	return db().asUser(claims, dataUpToIn);
}

/** The Monday of the first week not fully covered by data that ends on `lastDay`. */
export function incompleteFrom(lastDay: string): string {
	const d = new Date(`${lastDay}T00:00:00Z`);
	const weekday = (d.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
	const monday = new Date(d.getTime() + (weekday === 6 ? 1 : -weekday) * 86_400_000);
	return monday.toISOString().slice(0, 10);
}
