import type { Cookies, RequestEvent } from '@sveltejs/kit';
import type { Claims } from '../db';
import {
	changePassword as localChangePassword,
	endSessions,
	sessionVersion,
	signIn as localSignIn,
	type SignedInUser,
	type SignInResult
} from './accounts';
import { SESSION_COOKIE, SESSION_HOURS, signSession, verifySession } from './session';
import { verifySupabaseToken } from './supabase';

/**
 * One sign-in, two modes. Local accounts (default) keep a signed session cookie; with Supabase
 * configured, Supabase Auth signs in and its access token is verified here. Either way the rest
 * of the server only sees verified Claims.
 *
 * Ending sessions. A local session token carries its account's session version, checked on
 * every request (one indexed look-up, no cache); sign-out, a password change, a lower
 * organisation role and removal move the version on, which ends every session of the account
 * at once. With Supabase, sign-out is Supabase's global sign-out (every refresh token of the
 * user revoked), but an access token already issued stays valid until it expires (an hour by
 * default): Supabase keeps no per-request revocation list. Koers authorises every query from
 * the database, not from the token, so a removed or demoted person loses their rights at once
 * in either mode; only the sign-in itself lingers until the access token expires.
 */

export interface AuthConfig {
	/** Supabase Auth when set; otherwise local accounts with a signed session cookie. */
	supabase?: { url: string; key: string; jwtSecret?: string };
	sessionSecret: string;
	/** Session cookies only over HTTPS (the site's origin is https:). */
	secureCookies: boolean;
}

let settings: AuthConfig | undefined;

/** Hands sign-in its configuration: called once at start-up, before any request. */
export function configureAuth(config: AuthConfig) {
	settings = config;
}

function auth(): AuthConfig {
	if (!settings) throw new Error('Koers has not started yet.');
	return settings;
}

/** Supabase's server client, loaded only in Supabase mode. */
async function supabaseClient(cookies: Cookies) {
	const sb = auth().supabase!;
	const [{ createServerClient }, { default: WebSocket }] = await Promise.all([
		import('@supabase/ssr'),
		import('ws')
	]);
	return createServerClient(sb.url, sb.key, {
		cookies: {
			getAll: () => cookies.getAll(),
			setAll: (list) =>
				list.forEach(({ name, value, options }) =>
					cookies.set(name, value, { ...options, path: '/' })
				)
		},
		realtime: { transport: WebSocket as never }
	});
}

/** The verified claims of this request's sign-in, or null. */
export async function authenticate(event: RequestEvent): Promise<Claims | null> {
	const { supabase, sessionSecret } = auth();
	if (supabase) {
		const { data } = await (await supabaseClient(event.cookies)).auth.getSession();
		const token = data.session?.access_token;
		return token ? verifySupabaseToken(token, supabase) : null;
	}
	const token = event.cookies.get(SESSION_COOKIE);
	const claims = token ? await verifySession(token, sessionSecret) : null;
	if (!claims || claims.session_version !== (await sessionVersion(claims.sub))) return null;
	return claims;
}

export async function startSession(cookies: Cookies, user: SignedInUser) {
	const { sessionSecret, secureCookies } = auth();
	const version = await sessionVersion(user.id);
	cookies.set(SESSION_COOKIE, await signSession({ ...user, version }, sessionSecret), {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: secureCookies,
		maxAge: SESSION_HOURS * 3600
	});
}

export async function signIn(
	event: RequestEvent,
	email: string,
	password: string
): Promise<SignInResult> {
	if (auth().supabase) {
		const { data, error } = await (
			await supabaseClient(event.cookies)
		).auth.signInWithPassword({
			email,
			password
		});
		if (error || !data.user) {
			return error?.status === 429
				? { ok: false, reason: 'throttled', wait: 60 }
				: { ok: false, reason: 'invalid' };
		}
		return { ok: true, user: { id: data.user.id, email } };
	}
	const result = await localSignIn(email, password, event.getClientAddress());
	if (result.ok) await startSession(event.cookies, result.user);
	return result;
}

/** Signs out everywhere: every session of the person ends, on every device. */
export async function signOut(event: RequestEvent) {
	if (auth().supabase)
		await (await supabaseClient(event.cookies)).auth.signOut({ scope: 'global' });
	else if (event.locals.claims) await endSessions(event.locals.claims.sub);
	event.cookies.delete(SESSION_COOKIE, { path: '/' });
}

/**
 * Local accounts: a new password ends every session of the account, then this device gets a
 * new one. False when the current password is wrong.
 */
export async function changePassword(
	event: RequestEvent,
	claims: Claims,
	current: string,
	next: string
): Promise<boolean> {
	if (!(await localChangePassword(claims, current, next))) return false;
	const orgId = claims.app_metadata?.org_id;
	await startSession(event.cookies, { id: claims.sub, email: claims.email ?? '', orgId });
	return true;
}

export function authMode(): 'local' | 'supabase' {
	return auth().supabase ? 'supabase' : 'local';
}
