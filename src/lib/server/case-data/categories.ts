import { db, type Claims } from '../db';
import { attempt, refuse, type Result } from '../result';
import type { CategoryInput } from '../../schemas/case-data';

/** Report categories: their norm and their repeat-report rule. */

export interface CategoryRow {
	id: string;
	name: string;
	normDays: number | null;
	normUnit: 'calendar_days' | 'working_days';
	repeatKey: 'customer_category' | 'location_category' | 'customer_journey';
	repeatWindowDays: number;
	/** The silence norm in working days (default 5). */
	silenceNormDays: number;
	reports: number;
}

export function list(claims: Claims): Promise<CategoryRow[]> {
	return db().asUser(claims, (tx) =>
		tx.query<CategoryRow>(
			`select c.id, c.name, c.norm_days as "normDays", c.norm_unit as "normUnit",
			        c.repeat_key as "repeatKey", c.repeat_window_days as "repeatWindowDays",
			        c.silence_norm_days::float8 as "silenceNormDays",
			        (select count(*) from report r where r.category_id = c.id) as reports
			   from category c order by lower(c.name)`
		)
	);
}

export function update(
	claims: Claims,
	id: string,
	input: CategoryInput
): Promise<Result<object, 'not_found' | 'name_taken'>> {
	return attempt(
		async () => {
			const rows = await db().asUser(claims, (tx) =>
				tx.query(
					`update category set name = $2, norm_days = $3, norm_unit = $4, repeat_key = $5,
					        repeat_window_days = $6, silence_norm_days = coalesce($7, silence_norm_days)
					  where id = $1 returning id`,
					[
						id,
						input.name,
						input.normDays,
						input.normUnit,
						input.repeatKey,
						input.repeatWindowDays,
						input.silenceNormDays ?? null
					]
				)
			);
			if (!rows.length) refuse('not_found');
			return {};
		},
		(_e, kind) => (kind === 'unique' ? 'name_taken' : undefined)
	);
}
