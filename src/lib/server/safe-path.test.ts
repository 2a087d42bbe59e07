import { describe, expect, it } from 'vitest';
import { safePath } from './safe-path';

describe('safePath', () => {
	it.each([
		'/.//evil.example',
		'/%2e//x',
		'/%2E//x',
		'/a/..//x',
		'/a/%2e%2e//x',
		'/./\\x',
		'//x',
		'///x',
		'/\\x',
		'\\/x',
		'\\\\x',
		'https://x',
		'http://koers.invalid/x',
		'javascript:alert(1)',
		'JavaScript:alert(1)',
		'/\t/x',
		'/\n/x',
		'/\r/x',
		'/x\u0000y',
		'/%2f/x',
		'/%5c/x',
		'/%5C%5Cx',
		'x',
		'',
		' /x',
		'?next=//x'
	])('refuses %j', (next) => {
		const p = safePath(next);
		expect(p).toBe('/');
	});

	it.each([null, undefined, 3, {}, ['/teams']])('refuses a non-string %j', (next) => {
		expect(safePath(next)).toBe('/');
	});

	it.each([
		['/teams?x=1#a', '/teams?x=1#a'],
		['/', '/'],
		['/teams/1/members', '/teams/1/members'],
		['/admin/import?/preview', '/admin/import?/preview'],
		['/a/../teams', '/teams'],
		['/figures?from=2026-01-01&to=2026-02-01', '/figures?from=2026-01-01&to=2026-02-01']
	])('keeps %j', (next, kept) => {
		expect(safePath(next)).toBe(kept);
	});

	it('never answers a location a browser reads as another site', () => {
		for (const next of ['/.//evil.example', '/%2e//x', '/a/..//x', '/./\\x']) {
			const location = safePath(next);
			expect(new URL(location, 'https://koers.example').origin).toBe('https://koers.example');
		}
	});
});
