/** The SQLSTATE of a database error (both drivers expose it as `code`), or undefined. */
export function sqlState(e: unknown): string | undefined {
	const code = (e as { code?: unknown })?.code;
	return typeof code === 'string' ? code : undefined;
}

export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';
export const RLS_VIOLATION = '42501';

/**
 * The database cannot be reached, rather than refusing a query: no connection (refused, timed
 * out, reset, closed by the server) or the server shutting down or starting up (SQLSTATE class
 * 08, 57P01–57P03). postgres.js connects again by itself on the next query.
 */
function isUnavailable(e: unknown): boolean {
	const code = sqlState(e);
	if (!code) return false;
	return (
		UNREACHABLE.has(code) || code.startsWith('08') || ['57P01', '57P02', '57P03'].includes(code)
	);
}

/**
 * No room left to write: the disk under the database is full (SQLSTATE 53100, `disk_full`, on
 * PostgreSQL and PGlite alike) or a write of Koers's own failed with ENOSPC. The statement fails
 * and its transaction is rolled back; what was stored before stays as it was.
 */
export function isDiskFull(e: unknown): boolean {
	const code = sqlState(e);
	return code === '53100' || code === 'ENOSPC';
}

/** Why a request cannot be served whatever it asks, if that is why it failed. */
export type Outage = 'unavailable' | 'disk_full';
export function outageOf(e: unknown): Outage | undefined {
	if (isUnavailable(e)) return 'unavailable';
	if (isDiskFull(e)) return 'disk_full';
	return undefined;
}

const UNREACHABLE = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'ETIMEDOUT',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'EPIPE',
	'CONNECT_TIMEOUT',
	'CONNECTION_CLOSED',
	'CONNECTION_ENDED',
	'CONNECTION_DESTROYED'
]);
