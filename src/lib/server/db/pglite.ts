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
					}
				} satisfies Queryable)
			);
		},
		close: () => pg.close()
	};
}
