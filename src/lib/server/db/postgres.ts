import postgres from 'postgres';
import type { Driver, Queryable } from './types';

/** A PostgreSQL server (Supabase or any PostgreSQL ≥ 15) through postgres.js. */
export function postgresDriver(url: string, options: { max?: number } = {}): Driver {
	const sql = postgres(url, {
		max: options.max ?? 10,
		// A database that does not answer fails a request within seconds (a 503), not after
		// postgres.js's default of 30 s.
		connect_timeout: 5,
		onnotice: () => {},
		// Same JavaScript types as the PGlite driver: int8 and numeric as numbers, date as text.
		types: {
			int8: { to: 20, from: [20], serialize: String, parse: Number },
			numeric: { to: 1700, from: [1700], serialize: String, parse: Number },
			date: { to: 1082, from: [1082], serialize: String, parse: (v: string) => v },
			// json/jsonb parameters as PGlite takes them: a string is JSON text already, anything
			// else is encoded (postgres.js would encode a string again into a JSON string).
			json: {
				to: 3802,
				from: [114, 3802],
				serialize: (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v)),
				parse: (v: string) => JSON.parse(v)
			}
		}
	});
	return {
		kind: 'postgres',
		async transaction(fn) {
			return (await sql.begin((tx) =>
				fn({
					query: async <T>(text: string, params?: unknown[]) =>
						(await tx.unsafe(text, (params ?? []) as never[])) as unknown as T[],
					exec: async (text: string) => {
						await tx.unsafe(text);
					},
					copyFrom: async (table: string, columns: string[], csv: string) => {
						const stream = await tx
							.unsafe(`copy ${table} (${columns.join(', ')}) from stdin with (format csv)`)
							.writable();
						await new Promise<void>((resolve, reject) => {
							stream.on('error', reject);
							stream.on('finish', resolve);
							stream.end(csv);
						});
					}
				} satisfies Queryable)
			)) as never;
		},
		close: () => sql.end({ timeout: 5 })
	};
}
