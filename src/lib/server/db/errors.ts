/** The SQLSTATE of a database error (both drivers expose it as `code`), or undefined. */
export function sqlState(e: unknown): string | undefined {
	const code = (e as { code?: unknown })?.code;
	return typeof code === 'string' ? code : undefined;
}

export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';
export const RLS_VIOLATION = '42501';
