import { PGlite, types } from '@electric-sql/pglite';
import type { Driver, Queryable } from './types';

/** The embedded database: PostgreSQL compiled to WebAssembly, in a folder (or in memory). */
export async function pgliteDriver(dataDir?: string): Promise<Driver> {
	const pg = await PGlite.create(dataDir, {
		parsers: {
			// int8 as a number always, as the postgres driver does (PGlite would switch to BigInt
			// above 2^53, so the same column could change type with its value).
			[types.INT8]: (v: string) => Number(v),
			[types.NUMERIC]: (v: string) => Number(v),
			[types.DATE]: (v: string) => v
		}
	});
	return {
		kind: 'pglite',
		async transaction(fn) {
			return pg.transaction((tx) =>
				fn({
					query: async <T>(text: string, params?: unknown[]) =>
						(await tx.query<T>(text, params)).rows,
					exec: async (text: string) => {
						await tx.exec(text);
					},
					copyFrom: async (table: string, columns: string[], csv: string) => {
						// PGlite reads COPY data from a virtual file, which only the owner role may do.
						// So the load into a temporary staging table (never a real table: merging
						// from staging runs under the caller's role and its row level security)
						// runs as the owner, and the caller's role comes back right after.
						if (!/^koers_stage_\w+$/.test(table)) throw new Error(`not a staging table: ${table}`);
						const [{ role }] = (await tx.query<{ role: string }>('select current_user as role'))
							.rows;
						await tx.query('reset role');
						try {
							await tx.query(
								`copy ${table} (${columns.join(', ')}) from '/dev/blob' with (format csv)`,
								[],
								{ blob: new Blob([csv]) }
							);
						} finally {
							await tx.query(`select set_config('role', $1, true)`, [role]);
						}
					}
				} satisfies Queryable)
			);
		},
		close: () => pg.close()
	};
}
