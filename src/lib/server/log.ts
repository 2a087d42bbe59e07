/**
 * Structured logs: one JSON line per request (time, level, request id, method, route, status,
 * duration) on standard output. The route is SvelteKit's route id (`/teams/[team=uuid]`),
 * never the path or query, so no personal data or token reaches the log. The level is
 * KOERS_LOG_LEVEL (error, warn, info, debug; default info): 5xx answers log as error, 4xx as
 * warn, the rest as info.
 */
import { randomUUID } from 'node:crypto';

export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

let threshold: LogLevel = 'info';

export function setLogLevel(level: LogLevel) {
	threshold = level;
}

export interface RequestLine {
	id: string;
	method: string;
	route: string | null;
	status: number;
	ms: number;
}

/** The level a request's line is written at. */
export function levelOf(status: number): LogLevel {
	return status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
}

/** The line as written, or null when the level filters it out. */
export function requestLine(line: RequestLine, at = new Date()): string | null {
	const level = levelOf(line.status);
	if (LOG_LEVELS.indexOf(level) > LOG_LEVELS.indexOf(threshold)) return null;
	return JSON.stringify({
		time: at.toISOString(),
		level,
		msg: 'request',
		id: line.id,
		method: line.method,
		route: line.route,
		status: line.status,
		ms: Math.round(line.ms * 10) / 10
	});
}

export function logRequest(line: RequestLine) {
	const text = requestLine(line);
	if (text) process.stdout.write(text + '\n');
}

const GIVEN_ID = /^[\w.-]{1,64}$/;

/** A proxy's X-Request-Id when it is a plain token, else a new one. */
export function requestId(request: Request): string {
	const given = request.headers.get('x-request-id');
	return given && GIVEN_ID.test(given) ? given : randomUUID();
}

/**
 * An unexpected failure as one JSON line for the operator: the error's name, its SQLSTATE and
 * constraint when the database raised it, and the stack's frames. A database error's message
 * and detail are left out (they quote the rejected values: e-mail addresses, idea texts), and
 * so are the statement and its parameters, which postgres.js attaches to the error.
 */
export function errorLine(e: unknown, route: string | null, at = new Date()): string {
	const err = e instanceof Error ? e : new Error(String(e));
	const fields = err as Error & { code?: unknown; constraint_name?: unknown; constraint?: unknown };
	const sqlstate = typeof fields.code === 'string' && /^[0-9A-Z]{5}$/.test(fields.code);
	const frames = (err.stack ?? '')
		.split('\n')
		.filter((l) => /^\s+at /.test(l))
		.map((l) => l.trim())
		.slice(0, 12);
	return JSON.stringify({
		time: at.toISOString(),
		level: 'error',
		msg: 'unexpected',
		route,
		name: err.name,
		...(sqlstate
			? { code: fields.code, constraint: fields.constraint_name ?? fields.constraint }
			: { message: err.message }),
		stack: frames
	});
}
