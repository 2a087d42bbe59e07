import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import type { Claims } from '../db';

export const SESSION_COOKIE = 'koers_session';
export const SESSION_HOURS = 12;
const ISSUER = 'koers';

export const claimsSchema = z.object({
	sub: z.uuid(),
	email: z.string().optional(),
	role: z.literal('authenticated'),
	aud: z.union([z.string(), z.array(z.string())]),
	exp: z.number(),
	iat: z.number().optional(),
	app_metadata: z.object({ org_id: z.string().optional() }).loose().optional(),
	/** The account's session version when the token was issued (accounts.ts sessionVersion). */
	session_version: z.number().int().nonnegative().default(0)
});

const key = (secret: string) => new TextEncoder().encode(secret);

/**
 * A local sign-in as a signed token with the claim shape Supabase uses, plus the account's
 * session version (the token stops working once the version moves on).
 */
export function signSession(
	user: { id: string; email: string; orgId?: string; version?: number },
	secret: string,
	hours = SESSION_HOURS
) {
	return new SignJWT({
		email: user.email,
		role: 'authenticated',
		app_metadata: { provider: 'koers', org_id: user.orgId },
		session_version: user.version ?? 0
	})
		.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
		.setSubject(user.id)
		.setAudience('authenticated')
		.setIssuer(ISSUER)
		.setIssuedAt()
		.setExpirationTime(`${hours}h`)
		.sign(key(secret));
}

/** The claims of a valid, unexpired session token, or null. */
export async function verifySession(token: string, secret: string): Promise<Claims | null> {
	try {
		const { payload } = await jwtVerify(token, key(secret), {
			issuer: ISSUER,
			audience: 'authenticated',
			algorithms: ['HS256']
		});
		const parsed = claimsSchema.safeParse(payload);
		return parsed.success ? (parsed.data as Claims) : null;
	} catch {
		return null;
	}
}
