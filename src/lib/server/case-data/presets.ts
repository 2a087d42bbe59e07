import { db, type Claims } from '../db';
import type { Mapping } from '../import';

/** Named mapping presets: how a recurring file's columns map to Koers' fields. */

export interface Preset {
	name: string;
	shape: 'case' | 'event';
	mapping: Mapping;
	timezone: string | null;
}

export function list(claims: Claims): Promise<Preset[]> {
	return db().asUser(claims, (tx) =>
		tx.query<Preset>('select name, shape, mapping, timezone from mapping_preset order by name')
	);
}

/** Saves (or replaces) a named mapping preset. */
export async function save(claims: Claims, preset: Preset) {
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
