import { connect, type Socket } from 'node:net';
import postgres from 'postgres';
import type { Driver, Queryable } from './types';

const CONNECT_TIMEOUT_S = 5;

/**
 * postgres.js's own socket without Nagle's algorithm (TCP_NODELAY), as libpq and most drivers
 * connect: otherwise the short message that ends a COPY waits for the server's delayed ACK, and
 * the next statement of every import step waited 40 ms for it (4 s of a 1M-event import). The
 * first host of the URL; a Unix socket path as given.
 */
function noDelaySocket(o: { host: string[]; port: number[]; path?: string | false }) {
	return new Promise<Socket>((resolve, reject) => {
		const socket = o.path
			? connect(o.path)
			: connect({ host: o.host[0], port: o.port[0], noDelay: true });
		const timer = setTimeout(() => {
			socket.destroy();
			reject(new Error(`could not connect to the database within ${CONNECT_TIMEOUT_S} s`));
		}, CONNECT_TIMEOUT_S * 1000);
		socket.once('connect', () => {
			clearTimeout(timer);
			resolve(socket);
		});
		socket.once('error', (e) => {
			clearTimeout(timer);
			reject(e);
		});
	});
}

/** A PostgreSQL server (Supabase or any PostgreSQL ≥ 15) through postgres.js. */
export function postgresDriver(url: string, options: { max?: number } = {}): Driver {
	const sql = postgres(url, {
		max: options.max ?? 10,
		// A database that does not answer fails a request within seconds (a 503), not after
		// postgres.js's default of 30 s.
		connect_timeout: CONNECT_TIMEOUT_S,
		// a URL of several hosts keeps postgres.js's own socket (it tries them in turn)
		...(/^[^/]*\/\/[^/?]*,/.test(url) ? {} : { socket: noDelaySocket as never }),
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
