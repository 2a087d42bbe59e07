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
export function isUnavailable(e: unknown): boolean {
	const code = sqlState(e);
	if (!code) return false;
	return (
		UNREACHABLE.has(code) || code.startsWith('08') || ['57P01', '57P02', '57P03'].includes(code)
	);
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
