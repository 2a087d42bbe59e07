import { createHash, randomBytes } from 'node:crypto';
import { db, type Claims } from '../db';

/**
 * Organisation API tokens for systems that push case data. Shown once at creation, stored as a
 * SHA-256 hash, revocable; the last use is recorded.
 */

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

export interface TokenRow {
	id: string;
	name: string;
	prefix: string;
	createdAt: Date;
	lastUsedAt: Date | null;
	revokedAt: Date | null;
}

export function list(claims: Claims): Promise<TokenRow[]> {
	return db().asUser(claims, (tx) =>
		tx.query<TokenRow>(
			`select id, name, prefix, created_at as "createdAt", last_used_at as "lastUsedAt",
			        revoked_at as "revokedAt"
			   from api_token order by revoked_at is not null, created_at desc`
		)
	);
}

/** Creates a token (admins only, by row level security); returns it once. */
export async function create(claims: Claims, name: string): Promise<string> {
	const token = `koers_${randomBytes(24).toString('base64url')}`;
	await db().asUser(claims, (tx) =>
		tx.query(
			`insert into api_token (org_id, name, token_hash, prefix, created_by)
			 values ((select private.org_id()), $1, $2, $3,
			         (select id from person where user_id = (select auth.uid())))`,
			[name, hashOf(token), token.slice(0, 12)]
		)
	);
	return token;
}

export async function revoke(claims: Claims, id: string): Promise<boolean> {
	const rows = await db().asUser(claims, (tx) =>
		tx.query(
			'update api_token set revoked_at = now() where id = $1 and revoked_at is null returning id',
			[id]
		)
	);
	return rows.length > 0;
}

/** The organisation a bearer token belongs to, or null when unknown or revoked. */
export async function authenticateToken(
	authorization: string | null
): Promise<{ orgId: string; tokenId: string } | null> {
	const token = /^Bearer\s+(koers_[\w-]{20,})$/.exec(authorization ?? '')?.[1];
	if (!token) return null;
	const [row] = await db().asService((tx) =>
		tx.query<{ orgId: string; tokenId: string }>(
			`update api_token set last_used_at = now()
			  where token_hash = $1 and revoked_at is null
			  returning org_id as "orgId", id as "tokenId"`,
			[hashOf(token)]
		)
	);
	return row ?? null;
}
