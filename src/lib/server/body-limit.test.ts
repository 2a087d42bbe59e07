import { describe, expect, it } from 'vitest';
import { bodyLimit, declared, DEFAULT_BODY_LIMIT, limitBody } from './body-limit';

describe('bodyLimit', () => {
	it('is 1 MB everywhere, anonymous or not', () => {
		for (const route of ['/(auth)/login', '/(auth)/setup', '/(auth)/invite/[token]', null])
			expect(bodyLimit(route, null)).toBe(DEFAULT_BODY_LIMIT);
		expect(bodyLimit('/(app)/teams', 'admin')).toBe(DEFAULT_BODY_LIMIT);
	});

	it('is larger only for an admin on the import page, ideas of a signed-in person and the API', () => {
		expect(bodyLimit('/(app)/admin/import', 'admin')).toBeGreaterThan(200 * 1024 * 1024);
		for (const role of [null, 'staff', 'coach'])
			expect(bodyLimit('/(app)/admin/import', role)).toBe(DEFAULT_BODY_LIMIT);
		expect(bodyLimit('/(app)/ideas', null)).toBe(DEFAULT_BODY_LIMIT);
		expect(bodyLimit('/(app)/ideas', 'staff')).toBeGreaterThan(5 * 1024 * 1024);
		expect(bodyLimit('/api/v1/reports', null)).toBe(20 * 1024 * 1024);
	});
});

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
	new Request('http://koers.invalid/login', { method: 'POST', body, headers });

describe('declared and limitBody', () => {
	it('tells an over-long content-length from a chunked body', () => {
		expect(declared(post('x'.repeat(11), { 'content-length': '11' }), 10)).toBe('over');
		expect(declared(post('x'.repeat(10), { 'content-length': '10' }), 10)).toBe('within');
		expect(declared(post('x', { 'content-length': 'lots' }), 10)).toBe('over');
		const chunked = new Request('http://koers.invalid/', {
			method: 'POST',
			body: new ReadableStream({
				start(c) {
					c.enqueue(new Uint8Array(4));
					c.close();
				}
			}),
			duplex: 'half'
		} as RequestInit);
		expect(declared(chunked, 10)).toBe('unknown');
		expect(declared(new Request('http://koers.invalid/'), 10)).toBe('within');
	});

	it('fails a body once it streams past the limit, and passes a smaller one whole', async () => {
		await expect(limitBody(post('x'.repeat(11)), 10).text()).rejects.toThrow();
		expect(await limitBody(post('a=1'), 10).text()).toBe('a=1');
	});
});
