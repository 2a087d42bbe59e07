import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
	decodeJwt,
	exportJWK,
	generateKeyPair,
	SignJWT,
	UnsecuredJWT,
	type CryptoKey,
	type JWK,
	type JWTPayload
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSession, verifySession } from './session';
import { verifySupabaseToken } from './supabase';

const SECRET = 'a-local-session-secret-of-32-chars!!';
const OTHER_SECRET = 'another-session-secret-of-32-chars!!';
const user = { id: randomUUID(), email: 'kim@voorbeeld.nl', orgId: randomUUID() };
const now = () => Math.floor(Date.now() / 1000);

/** The token with its payload replaced (header and signature kept as they were). */
function withPayload(token: string, change: (p: JWTPayload) => JWTPayload) {
	const [header, , signature] = token.split('.');
	const payload = Buffer.from(JSON.stringify(change(decodeJwt(token)))).toString('base64url');
	return `${header}.${payload}.${signature}`;
}

describe('local sessions', () => {
	it('verifies its own token and returns Supabase-shaped claims', async () => {
		const claims = await verifySession(await signSession(user, SECRET), SECRET);
		expect(claims).toMatchObject({
			sub: user.id,
			email: user.email,
			role: 'authenticated',
			aud: 'authenticated',
			app_metadata: { org_id: user.orgId }
		});
		// valid for SESSION_HOURS (12 h) from now
		expect(claims!.exp).toBeGreaterThan(now() + 12 * 3600 - 60);
		expect(claims!.exp).toBeLessThanOrEqual(now() + 12 * 3600);
	});

	it('signs a user without an organisation yet', async () => {
		const claims = await verifySession(
			await signSession({ id: user.id, email: user.email }, SECRET),
			SECRET
		);
		expect(claims?.sub).toBe(user.id);
		expect(claims?.app_metadata?.org_id).toBeUndefined();
	});

	it('rejects a token signed with another secret', async () => {
		expect(await verifySession(await signSession(user, OTHER_SECRET), SECRET)).toBeNull();
	});

	it('rejects an expired token', async () => {
		expect(await verifySession(await signSession(user, SECRET, -1), SECRET)).toBeNull();
	});

	it('rejects a token whose payload was changed after signing', async () => {
		const token = await signSession(user, SECRET);
		const otherUser = withPayload(token, (p) => ({ ...p, sub: randomUUID() }));
		const longer = withPayload(token, (p) => ({ ...p, exp: now() + 365 * 24 * 3600 }));
		const otherOrg = withPayload(token, (p) => ({ ...p, app_metadata: { org_id: randomUUID() } }));
		for (const forged of [otherUser, longer, otherOrg])
			expect(await verifySession(forged, SECRET)).toBeNull();
		expect(await verifySession(token, SECRET)).not.toBeNull(); // the original still passes
	});

	it('rejects an unsigned token (alg none)', async () => {
		const unsigned = new UnsecuredJWT({
			email: user.email,
			role: 'authenticated',
			app_metadata: { org_id: user.orgId }
		})
			.setSubject(user.id)
			.setAudience('authenticated')
			.setIssuer('koers')
			.setExpirationTime('1h')
			.encode();
		expect(await verifySession(unsigned, SECRET)).toBeNull();
	});

	it('rejects a token with the right secret but another issuer or audience', async () => {
		const sign = (issuer: string, audience: string) =>
			new SignJWT({ email: user.email, role: 'authenticated' })
				.setProtectedHeader({ alg: 'HS256' })
				.setSubject(user.id)
				.setIssuer(issuer)
				.setAudience(audience)
				.setExpirationTime('1h')
				.sign(new TextEncoder().encode(SECRET));
		expect(await verifySession(await sign('koers', 'authenticated'), SECRET)).not.toBeNull();
		expect(await verifySession(await sign('someone-else', 'authenticated'), SECRET)).toBeNull();
		expect(await verifySession(await sign('koers', 'anon'), SECRET)).toBeNull();
	});

	it('rejects a well-signed token for a role other than authenticated', async () => {
		const token = await new SignJWT({ role: 'service_role' })
			.setProtectedHeader({ alg: 'HS256' })
			.setSubject(user.id)
			.setIssuer('koers')
			.setAudience('authenticated')
			.setExpirationTime('1h')
			.sign(new TextEncoder().encode(SECRET));
		expect(await verifySession(token, SECRET)).toBeNull();
	});

	it('rejects garbage', async () => {
		for (const junk of ['', 'abc', 'a.b.c', `${'x'.repeat(40)}.${'y'.repeat(40)}.z`])
			expect(await verifySession(junk, SECRET)).toBeNull();
	});
});

/** An access token as Supabase Auth issues it, with overrides. */
function supabaseToken(
	base: string,
	overrides: { iss?: string; aud?: string; exp?: number; role?: string; sub?: string } = {}
) {
	const t = now();
	return new SignJWT({
		email: 'kim@voorbeeld.nl',
		phone: '',
		app_metadata: { provider: 'email', providers: ['email'] },
		user_metadata: {},
		role: overrides.role ?? 'authenticated',
		aal: 'aal1',
		amr: [{ method: 'password', timestamp: t }],
		session_id: randomUUID(),
		is_anonymous: false
	})
		.setSubject(overrides.sub ?? randomUUID())
		.setIssuer(overrides.iss ?? `${base}/auth/v1`)
		.setAudience(overrides.aud ?? 'authenticated')
		.setIssuedAt(t)
		.setExpirationTime(overrides.exp ?? t + 3600);
}

describe('Supabase access tokens with the legacy HS256 secret', () => {
	const url = 'https://abcdefgh.supabase.co';
	const jwtSecret = 'super-secret-jwt-token-with-at-least-32-characters-long';
	const config = { url, jwtSecret };
	const hs256 = (token: SignJWT, secret = jwtSecret) =>
		token.setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(secret));

	it('accepts a valid token and returns its claims', async () => {
		const sub = randomUUID();
		const claims = await verifySupabaseToken(await hs256(supabaseToken(url, { sub })), config);
		expect(claims).toMatchObject({
			sub,
			email: 'kim@voorbeeld.nl',
			role: 'authenticated',
			aud: 'authenticated'
		});
		expect(claims!.exp).toBeGreaterThan(now());
	});

	it('accepts the URL with a trailing slash', async () => {
		const token = await hs256(supabaseToken(url));
		expect(await verifySupabaseToken(token, { url: `${url}/`, jwtSecret })).not.toBeNull();
	});

	it('rejects an expired token', async () => {
		const token = await hs256(supabaseToken(url, { exp: now() - 10 }));
		expect(await verifySupabaseToken(token, config)).toBeNull();
	});

	it('rejects a token signed with another secret', async () => {
		const token = await hs256(supabaseToken(url), 'x'.repeat(48));
		expect(await verifySupabaseToken(token, config)).toBeNull();
	});

	it('rejects a token for another audience', async () => {
		const token = await hs256(supabaseToken(url, { aud: 'anon' }));
		expect(await verifySupabaseToken(token, config)).toBeNull();
	});

	it('rejects a token from another issuer (another project, or no /auth/v1)', async () => {
		for (const iss of ['https://otherproject.supabase.co/auth/v1', url, 'supabase']) {
			const token = await hs256(supabaseToken(url, { iss }));
			expect(await verifySupabaseToken(token, config), iss).toBeNull();
		}
	});

	it("rejects the project's service_role key and anon key as a sign-in", async () => {
		for (const role of ['service_role', 'anon']) {
			const token = await hs256(supabaseToken(url, { role }));
			expect(await verifySupabaseToken(token, config), role).toBeNull();
		}
	});

	it('rejects a changed payload and an unsigned token', async () => {
		const token = await hs256(supabaseToken(url));
		const forged = withPayload(token, (p) => ({ ...p, sub: randomUUID() }));
		expect(await verifySupabaseToken(forged, config)).toBeNull();
		const unsigned = new UnsecuredJWT(decodeJwt(token)).encode();
		expect(await verifySupabaseToken(unsigned, config)).toBeNull();
	});
});

/**
 * Supabase mode without a hosted Supabase: a local HTTP server plays the project's
 * `/auth/v1/.well-known/jwks.json`, serving the public half of an ES256 key.
 */
describe('Supabase access tokens checked against the JWKS', () => {
	let server: Server;
	let base: string;
	let key: { privateKey: CryptoKey; publicKey: CryptoKey };
	let stranger: { privateKey: CryptoKey; publicKey: CryptoKey };
	const KID = 'koers-test-key';
	let jwksRequests = 0;

	const es256 = (token: SignJWT, privateKey = key.privateKey, kid: string | undefined = KID) =>
		token
			.setProtectedHeader({ alg: 'ES256', typ: 'JWT', ...(kid ? { kid } : {}) })
			.sign(privateKey);

	function listen(handler: Parameters<typeof createServer>[1]) {
		return new Promise<Server>((resolve) => {
			const s = createServer(handler);
			s.listen(0, '127.0.0.1', () => resolve(s));
		});
	}
	const baseOf = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;

	beforeAll(async () => {
		[key, stranger] = await Promise.all([
			generateKeyPair('ES256', { extractable: true }),
			generateKeyPair('ES256', { extractable: true })
		]);
		const jwk: JWK = { ...(await exportJWK(key.publicKey)), kid: KID, alg: 'ES256', use: 'sig' };
		server = await listen((req, res) => {
			if (req.url === '/auth/v1/.well-known/jwks.json') {
				jwksRequests++;
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ keys: [jwk] }));
			} else {
				res.writeHead(404).end();
			}
		});
		base = baseOf(server);
	});

	afterAll(async () => {
		await new Promise((resolve) => server?.close(resolve));
	});

	it('accepts a token signed with the published key and returns its claims', async () => {
		const sub = randomUUID();
		const claims = await verifySupabaseToken(await es256(supabaseToken(base, { sub })), {
			url: base
		});
		expect(claims).toMatchObject({ sub, role: 'authenticated', aud: 'authenticated' });
		expect(jwksRequests).toBeGreaterThan(0); // the key came from the server
	});

	it('fetches the key set once, not for every request', async () => {
		await verifySupabaseToken(await es256(supabaseToken(base)), { url: base });
		const before = jwksRequests;
		for (let i = 0; i < 5; i++)
			expect(
				await verifySupabaseToken(await es256(supabaseToken(base)), { url: base })
			).not.toBeNull();
		expect(jwksRequests).toBe(before);
	});

	it('rejects a token signed by another key under the same kid', async () => {
		const token = await es256(supabaseToken(base), stranger.privateKey, KID);
		expect(await verifySupabaseToken(token, { url: base })).toBeNull();
	});

	it('rejects a token signed by another key under another kid', async () => {
		const token = await es256(supabaseToken(base), stranger.privateKey, 'someone-elses-key');
		expect(await verifySupabaseToken(token, { url: base })).toBeNull();
	});

	it('rejects an expired token', async () => {
		const token = await es256(supabaseToken(base, { exp: now() - 10 }));
		expect(await verifySupabaseToken(token, { url: base })).toBeNull();
	});

	it('rejects a token for another audience', async () => {
		const token = await es256(supabaseToken(base, { aud: 'anon' }));
		expect(await verifySupabaseToken(token, { url: base })).toBeNull();
	});

	it('rejects a token from another issuer', async () => {
		const token = await es256(supabaseToken(base, { iss: 'https://other.supabase.co/auth/v1' }));
		expect(await verifySupabaseToken(token, { url: base })).toBeNull();
	});

	it('rejects HS256 and unsigned tokens (no algorithm confusion)', async () => {
		const hs = await supabaseToken(base)
			.setProtectedHeader({ alg: 'HS256', kid: KID })
			.sign(new TextEncoder().encode('x'.repeat(48)));
		expect(await verifySupabaseToken(hs, { url: base })).toBeNull();
		const unsigned = new UnsecuredJWT(decodeJwt(hs)).encode();
		expect(await verifySupabaseToken(unsigned, { url: base })).toBeNull();
	});

	it('answers null, without throwing, when the key set cannot be fetched', async () => {
		const gone = await listen((_req, res) => res.writeHead(500).end());
		const goneBase = baseOf(gone);
		const token = await es256(supabaseToken(goneBase));
		expect(await verifySupabaseToken(token, { url: goneBase })).toBeNull();
		await new Promise((resolve) => gone.close(resolve));
		const closed = await es256(supabaseToken(goneBase));
		expect(await verifySupabaseToken(closed, { url: goneBase })).toBeNull();
	});
});
