/** The request log: one JSON line, filtered by level, with no path, query or personal data. */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from './config';
import { PGlite } from '@electric-sql/pglite';
import { errorLine, requestId, requestLine, setLogLevel } from './log';

const line = (status: number) => ({
	id: 'abc',
	method: 'POST',
	route: '/(app)/teams/[team=uuid]/cycles',
	status,
	ms: 12.345
});

afterEach(() => setLogLevel('info'));

describe('request log', () => {
	it('writes one JSON line with the route id, status, duration and request id', () => {
		const text = requestLine(line(200), new Date('2026-12-04T10:00:00Z'))!;
		expect(text).not.toContain('\n');
		expect(JSON.parse(text)).toEqual({
			time: '2026-12-04T10:00:00.000Z',
			level: 'info',
			msg: 'request',
			id: 'abc',
			method: 'POST',
			route: '/(app)/teams/[team=uuid]/cycles',
			status: 200,
			ms: 12.3
		});
	});

	it('logs 4xx as warn and 5xx as error, and drops lines below the configured level', () => {
		expect(JSON.parse(requestLine(line(404))!).level).toBe('warn');
		expect(JSON.parse(requestLine(line(503))!).level).toBe('error');
		setLogLevel('warn');
		expect(requestLine(line(200))).toBeNull();
		expect(requestLine(line(403))).not.toBeNull();
		setLogLevel('silent');
		expect(requestLine(line(500))).toBeNull();
	});

	it('keeps a proxy request id only when it is a plain token', () => {
		const req = (id?: string) =>
			new Request('http://x/', { headers: id ? { 'x-request-id': id } : {} });
		expect(requestId(req('lb-7f3a.91'))).toBe('lb-7f3a.91');
		for (const bad of ['a b', 'x'.repeat(65), '{"inject":1}', undefined])
			expect(requestId(req(bad))).toMatch(/^[0-9a-f-]{36}$/);
	});

	it('refuses an unknown KOERS_LOG_LEVEL at start-up, naming it', () => {
		expect(() => loadConfig({ KOERS_LOG_LEVEL: 'verbose' })).toThrow(ConfigError);
		expect(() => loadConfig({ KOERS_LOG_LEVEL: 'verbose' })).toThrow(/KOERS_LOG_LEVEL/);
	});
});

describe('unexpected errors (handleError)', () => {
	it('logs a database error without the values it quotes or the statement parameters', async () => {
		const db = new PGlite();
		await db.exec('create table person (email text unique)');
		await db.query('insert into person values ($1)', ['kim@example.nl']);
		const e = await db.query('insert into person values ($1)', ['kim@example.nl']).catch((x) => x);
		// as postgres.js does: the statement and its parameters ride on the error
		Object.assign(e, { query: 'insert into person values ($1)', parameters: ['kim@example.nl'] });
		const text = errorLine(e, '/(app)/admin/people');
		await db.close();
		expect(text).not.toContain('kim@example.nl');
		expect(text).not.toContain('insert into');
		const line = JSON.parse(text);
		expect(line).toMatchObject({ level: 'error', route: '/(app)/admin/people', code: '23505' });
		expect(line.stack.length).toBeGreaterThan(0);
	});

	it('keeps the message of a programming error, which is what the operator needs', () => {
		const line = JSON.parse(errorLine(new TypeError('x is not a function'), null));
		expect(line).toMatchObject({ name: 'TypeError', message: 'x is not a function' });
	});
});
