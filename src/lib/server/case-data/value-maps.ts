import { db, type Claims, type Queryable } from '../db';
import type { ValueMap } from '../import';
import { CHANNEL_WORDS, suggestValue } from '../import/mapping';
import * as departments from '../departments';

/**
 * The organisation's value maps (table import_value_map): how the channel and department values
 * of its source files read in Koers's words ("Constituent Call" → telefoon). The import page
 * offers them for the values in a file; the importer applies them to every row. Admins keep them
 * (row level security).
 */

export type ValueField = 'channel' | 'department';
export const VALUE_FIELDS: readonly ValueField[] = ['channel', 'department'];

/** Per field: source value → Koers's word. */
export type ValueEntries = Partial<Record<ValueField, Record<string, string>>>;

/** Records what values become (an empty word: the value stays as it is, any map of it removed). */
export async function save(claims: Claims, entries: ValueEntries) {
	await db().asUser(claims, async (tx) => {
		for (const field of VALUE_FIELDS)
			for (const [source, value] of Object.entries(entries[field] ?? {})) {
				if (!source.trim()) continue;
				if (value.trim())
					await tx.query(
						`insert into import_value_map (org_id, field, source_value, value)
						 values ((select private.org_id()), $1, btrim($2), btrim($3))
						 on conflict (org_id, field, source_key) do update
						   set value = excluded.value, source_value = excluded.source_value, updated_at = now()`,
						[field, source, value]
					);
				else
					await tx.query(
						'delete from import_value_map where field = $1 and source_key = lower(btrim($2))',
						[field, source]
					);
			}
	});
}

async function rows(claims: Claims) {
	return db().asUser(claims, (tx) =>
		tx.query<Row>(
			'select field, source_key, value from import_value_map order by field, source_key'
		)
	);
}

type Row = { field: ValueField; source_key: string; value: string };

function toMap(list: Row[]): ValueMap {
	const map: Record<ValueField, Map<string, string>> = {
		channel: new Map(),
		department: new Map()
	};
	for (const r of list) map[r.field].set(r.source_key, r.value);
	return map;
}

/** The organisation's value map as the importer applies it. */
export async function load(claims: Claims): Promise<ValueMap> {
	return toMap(await rows(claims));
}

/**
 * The same for the paths that import as the service (an API token's batch, the CLI): read in
 * their transaction for the organisation they import into, so every path maps values alike.
 */
export async function forOrg(tx: Queryable, orgId: string): Promise<ValueMap> {
	return toMap(
		await tx.query<Row>('select field, source_key, value from import_value_map where org_id = $1', [
			orgId
		])
	);
}

/** A record's channel and department in the organisation's words (matched trimmed, any case). */
export function applyTo<T extends { channel: string | null; department: string | null }>(
	map: ValueMap,
	record: T
): T {
	const word = (m: ReadonlyMap<string, string> | undefined, v: string | null) =>
		m && v !== null ? (m.get(v.trim().toLowerCase()) ?? v) : v;
	return {
		...record,
		channel: word(map.channel, record.channel),
		department: word(map.department, record.department)
	};
}

/** What the import page offers for a file's values: per field, each value's word and the choices. */
export interface ValueChoices {
	/** Per field: source value → its word (saved before, else suggested), or null to keep it. */
	current: Record<ValueField, Record<string, string | null>>;
	/** The words to choose from per field: Koers's channels, the organisation's departments. */
	targets: Record<ValueField, string[]>;
}

/** Choices for the given source values (the distinct values of a file's columns). */
export async function choices(claims: Claims, values: readonly string[]): Promise<ValueChoices> {
	const [saved, depts] = await Promise.all([load(claims), departments.list(claims)]);
	const names = depts.map((d) => d.name);
	const current: ValueChoices['current'] = { channel: {}, department: {} };
	for (const field of VALUE_FIELDS)
		for (const v of values)
			current[field][v] =
				saved[field]?.get(v.trim().toLowerCase()) ?? suggestValue(field, v, names);
	const channels = [
		...new Set([...CHANNEL_WORDS.map((c) => c.value), ...(saved.channel?.values() ?? [])])
	];
	return {
		current,
		targets: {
			channel: channels,
			department: [...new Set([...names, ...(saved.department?.values() ?? [])])]
		}
	};
}
