import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Claims } from '../db';
import { claimsSchema } from './session';

export interface SupabaseAuthConfig {
	url: string;
	jwtSecret?: string;
}

const jwksCache = new Map<string, JWTVerifyGetKey>();

/**
 * Verifies a Supabase access token before anything trusts it: signature (the project's
 * JWKS, or its legacy HS256 secret when SUPABASE_JWT_SECRET is set), expiry, audience
 * `authenticated` and issuer `<url>/auth/v1`. Returns the claims, or null.
 */
export async function verifySupabaseToken(
	token: string,
	config: SupabaseAuthConfig
): Promise<Claims | null> {
	const base = config.url.replace(/\/+$/, '');
	try {
		const options = { issuer: `${base}/auth/v1`, audience: 'authenticated' };
		const { payload } = config.jwtSecret
			? await jwtVerify(token, new TextEncoder().encode(config.jwtSecret), {
					...options,
					algorithms: ['HS256']
				})
			: await jwtVerify(token, jwks(base), { ...options, algorithms: ['ES256', 'RS256'] });
		const parsed = claimsSchema.safeParse(payload);
		return parsed.success ? (parsed.data as Claims) : null;
	} catch {
		return null;
	}
}

function jwks(base: string): JWTVerifyGetKey {
	let set = jwksCache.get(base);
	if (!set) {
		set = createRemoteJWKSet(new URL(`${base}/auth/v1/.well-known/jwks.json`));
		jwksCache.set(base, set);
	}
	return set;
}
