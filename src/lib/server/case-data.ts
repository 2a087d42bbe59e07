import { db, type Claims } from './db';
import { sqlState, UNIQUE_VIOLATION } from './db/errors';
import type { Mapping } from './import/types';
import type { CategoryInput } from '../schemas/case-data';

/** Import batches, mapping presets and report categories (norms, repeat rules). */

export interface BatchRow {
	id: string;
	fileName: string | null;
	via: string;
	format: string;
	shape: string;
	rowsRead: number;
	rowsSkipped: number;
	casesAdded: number;
	eventsAdded: number;
	createdAt: Date;
	byName: string | null;
}

export function listBatches(claims: Claims, limit = 20): Promise<BatchRow[]> {
	return db().asUser(claims, (tx) =>
		tx.query<BatchRow>(
			`select b.id, b.file_name as "fileName", b.via, b.format, b.shape,
			        b.rows_read as "rowsRead", b.rows_skipped as "rowsSkipped",
			        b.cases_added as "casesAdded", b.events_added as "eventsAdded",
			        b.created_at as "createdAt", p.name as "byName"
			   from import_batch b left join person p on p.id = b.created_by
			  order by b.created_at desc limit $1`,
			[limit]
		)
	);
}

export interface Preset {
	name: string;
	shape: 'case' | 'event';
	mapping: Mapping;
	timezone: string | null;
}

export function listPresets(claims: Claims): Promise<Preset[]> {
	return db().asUser(claims, (tx) =>
		tx.query<Preset>('select name, shape, mapping, timezone from mapping_preset order by name')
	);
}

/** Saves (or replaces) a named mapping preset. */
export async function savePreset(claims: Claims, preset: Preset) {
	await db().asUser(claims, (tx) =>
		tx.query(
			`insert into mapping_preset (org_id, name, shape, mapping, timezone)
			 values ((select private.org_id()), $1, $2, $3::jsonb, $4)
			 on conflict (org_id, name) do update
			   set shape = excluded.shape, mapping = excluded.mapping, timezone = excluded.timezone`,
			[preset.name, preset.shape, JSON.stringify(preset.mapping), preset.timezone]
		)
	);
}

export async function orgTimezone(claims: Claims): Promise<string> {
	const [row] = await db().asUser(claims, (tx) =>
		tx.query<{ timezone: string }>('select timezone from organisation')
	);
	return row?.timezone ?? 'Europe/Amsterdam';
}

export interface CategoryRow {
	id: string;
	name: string;
	normDays: number | null;
	normUnit: 'calendar_days' | 'working_days';
	repeatKey: 'customer_category' | 'location_category' | 'customer_journey';
	repeatWindowDays: number;
	reports: number;
}

export function listCategories(claims: Claims): Promise<CategoryRow[]> {
	return db().asUser(claims, (tx) =>
		tx.query<CategoryRow>(
			`select c.id, c.name, c.norm_days as "normDays", c.norm_unit as "normUnit",
			        c.repeat_key as "repeatKey", c.repeat_window_days as "repeatWindowDays",
			        (select count(*) from report r where r.category_id = c.id) as reports
			   from category c order by lower(c.name)`
		)
	);
}

export async function updateCategory(
	claims: Claims,
	id: string,
	input: CategoryInput
): Promise<{ ok: true } | { ok: false; error: 'not_found' | 'name_taken' }> {
	try {
		const rows = await db().asUser(claims, (tx) =>
			tx.query(
				`update category set name = $2, norm_days = $3, norm_unit = $4, repeat_key = $5,
				        repeat_window_days = $6
				  where id = $1 returning id`,
				[id, input.name, input.normDays, input.normUnit, input.repeatKey, input.repeatWindowDays]
			)
		);
		return rows.length ? { ok: true } : { ok: false, error: 'not_found' };
	} catch (e) {
		if (sqlState(e) === UNIQUE_VIOLATION) return { ok: false, error: 'name_taken' };
		throw e;
	}
}
