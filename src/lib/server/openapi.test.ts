/**
 * The OpenAPI description names exactly the machine endpoints that exist, with the methods
 * their route files export, and every reference in it resolves. (That the real endpoints
 * answer as described is tests/api.e2e.ts.)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from './openapi';

const API = 'src/routes/api';

function routeFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return routeFiles(path);
		return name === '+server.ts' ? [path] : [];
	});
}

/** `src/routes/api/ideas/[id=uuid]/vote/+server.ts` → `/api/ideas/{id}/vote` with its methods. */
function served(): Record<string, string[]> {
	const out: Record<string, string[]> = {};
	for (const file of routeFiles(API)) {
		const route = '/api/' + relative(API, file).replace(/\/?\+server\.ts$/, '');
		if (route === '/api/openapi.json') continue;
		const path = route.replace(/\[(\w+)(=\w+)?\]/g, '{$1}');
		const methods = [
			...readFileSync(file, 'utf8').matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)
		].map((m) => m[1].toLowerCase());
		out[path] = methods.sort();
	}
	return out;
}

describe('OpenAPI description', () => {
	const doc = openApiDocument('https://koers.example.nl');

	it('documents every machine endpoint and method that exists, and no other', () => {
		const documented = Object.fromEntries(
			Object.entries(doc.paths).map(([p, ops]) => [p, Object.keys(ops).sort()])
		);
		expect(documented).toEqual(served());
		expect(Object.keys(documented)).toContain('/api/v1/events');
	});

	it('resolves every reference and gives each operation an id and its answers', () => {
		const text = JSON.stringify(doc);
		for (const [, name] of text.matchAll(/"#\/components\/schemas\/(\w+)"/g))
			expect(doc.components.schemas, name).toHaveProperty(name);
		const ids = Object.values(doc.paths).flatMap((ops) =>
			Object.values(ops as Record<string, { operationId: string; responses: object }>)
		);
		expect(new Set(ids.map((o) => o.operationId)).size).toBe(ids.length);
		for (const op of ids) expect(Object.keys(op.responses).length).toBeGreaterThan(1);
		expect(doc.servers).toEqual([{ url: 'https://koers.example.nl' }]);
	});

	it('describes the batches with the limits the endpoint enforces', () => {
		const body = doc.paths['/api/v1/events'].post.requestBody.content['application/json']
			.schema as unknown as {
			properties: { items: { maxItems: number; items: { required: string[] } } };
			additionalProperties: boolean;
		};
		expect(body.properties.items.maxItems).toBe(10_000);
		expect(body.properties.items.items.required).toEqual(
			expect.arrayContaining(['caseId', 'activity', 'timestamp'])
		);
		expect(body.additionalProperties).toBe(false);
	});
});
