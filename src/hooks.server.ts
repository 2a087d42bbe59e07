import {
	error,
	isHttpError,
	isRedirect,
	redirect,
	type Handle,
	type HandleServerError,
	type ServerInit
} from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { authenticate } from '$lib/server/auth';
import { bodyLimit, declared, limitBody } from '$lib/server/body-limit';
import { isAdminRoute } from '$lib/server/forms';
import { hasControlCharacter } from '$lib/schemas/fields';
import { outageOf, type Outage } from '$lib/server/db/errors';
import { errorLine, logRequest, requestId } from '$lib/server/log';
import { securityHeaders } from '$lib/server/security-headers';
import { needsSetup } from '$lib/server/organisations';
import { me } from '$lib/server/people';
import { start } from '$lib/server/runtime';
import { unavailable } from '$lib/server/unavailable';

export const init: ServerInit = async () => {
	await start();
};

const i18n: Handle = ({ event, resolve }) =>
	paraglideMiddleware(event.request, ({ request, locale }) => {
		event.request = request;
		return resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%paraglide.lang%', locale)
		});
	});

/**
 * Query parameters are text like any form field: one with a control character (a NUL, which
 * PostgreSQL refuses) is a bad request, before any page or endpoint reads it.
 */
const query: Handle = ({ event, resolve }) => {
	for (const [k, v] of event.url.searchParams)
		if (hasControlCharacter(k) || hasControlCharacter(v)) error(400, 'control_character');
	return resolve(event);
};

/**
 * The database cannot be reached (stopped, restarting, the network gone): 503 in the person's
 * language within seconds (the driver's connect timeout), not a hang or a stack trace. Its disk
 * is full: 507, the same way (the change is not saved, nothing stored is touched). A failure in a
 * later hook (the sign-in check, the guard) arrives here thrown; one inside a page or an
 * endpoint, which SvelteKit has already rendered as a 500, was marked by handleError. Nothing to
 * recover: the driver connects again on the next request once the database is back, and writes
 * succeed again once there is room.
 */
const outage: Handle = async ({ event, resolve }) => {
	try {
		const response = await resolve(event);
		const kind = outages.get(event.locals);
		return kind ? unavailable(event, kind) : response;
	} catch (e) {
		const kind = outageOf(e);
		if (!kind) throw e;
		return unavailable(event, kind);
	}
};
const outages = new WeakMap<App.Locals, Outage>();

const auth: Handle = async ({ event, resolve }) => {
	event.locals.claims = await authenticate(event);
	event.locals.user = event.locals.claims ? await me(event.locals.claims) : null;
	return resolve(event);
};

/**
 * Request bodies: 1 MB unless the route and the person allow more (body-limit.ts); a longer
 * declared length answers 413 before anything is read, a chunked body is cut off at the limit.
 */
const bodySize: Handle = ({ event, resolve }) => {
	const limit = bodyLimit(event.route.id, event.locals.user?.role ?? null);
	const size = declared(event.request, limit);
	if (size === 'over') error(413, 'too_large');
	if (size === 'unknown') event.request = limitBody(event.request, limit);
	return resolve(event);
};

const PUBLIC = [
	'/login',
	'/setup',
	'/invite/',
	'/language',
	'/offline.html',
	'/healthz',
	'/readyz'
];

/** Route protection: first-run setup, sign-in, and admin-only pages. */
const guard: Handle = async ({ event, resolve }) => {
	const path = event.url.pathname;
	if (path === '/setup') {
		if (!(await needsSetup())) redirect(303, '/login');
		return resolve(event);
	}
	if (PUBLIC.some((p) => path.startsWith(p))) return resolve(event);
	if (await needsSetup()) redirect(303, '/setup');
	if (path.startsWith('/api/')) return resolve(event); // machine endpoints check their own tokens
	if (!event.locals.user) {
		const next = path === '/' ? '' : `?next=${encodeURIComponent(path + event.url.search)}`;
		redirect(303, `/login${next}`);
	}
	// Admin pages, by the route SvelteKit matched (never the raw path, which may be encoded): the
	// admin layout answers page views with a 403 page; posts stop here. Each admin action and
	// endpoint checks the role itself as well (requireAdmin).
	if (
		isAdminRoute(event.route.id) &&
		event.locals.user.role !== 'admin' &&
		event.request.method !== 'GET'
	)
		error(403, 'forbidden');
	return resolve(event);
};

/**
 * Every response: the security headers (the content security policy itself is SvelteKit's
 * `csp` setting), a request id, and one JSON log line (log.ts). A redirect thrown by a later
 * hook (the sign-in guard) becomes a response here so that it carries them too; an error
 * thrown by a hook is rendered by SvelteKit after this and is only logged.
 */
const frame: Handle = async ({ event, resolve }) => {
	const started = performance.now();
	const id = requestId(event.request);
	let status = 500;
	try {
		let response: Response;
		try {
			response = await resolve(event);
		} catch (e) {
			if (!isRedirect(e)) throw e;
			response = new Response(null, { status: e.status, headers: { location: e.location } });
		}
		status = response.status;
		const headers = { ...securityHeaders(event.url), 'x-request-id': id };
		for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
		return response;
	} catch (e) {
		status = isHttpError(e) ? e.status : 500;
		throw e;
	} finally {
		logRequest({
			id,
			method: event.request.method,
			route: event.route.id,
			status,
			ms: performance.now() - started
		});
	}
};

export const handle = sequence(frame, query, i18n, outage, auth, bodySize, guard);

/** Every request is logged in one line (frame); real failures also get their stack trace. */
export const handleError: HandleServerError = ({ error: e, event, status, message }) => {
	const kind = outageOf(e);
	if (kind) {
		outages.set(event.locals, kind);
		// one line for the operator (the error carries the statement's parameters: personal data)
		if (kind === 'disk_full')
			console.error(`Koers: no room left to write: ${(e as Error).message}`);
		return { message };
	}
	if (status >= 500) console.error(errorLine(e, event.route.id));
	return { message };
};
