// The OpenAPI description, served by Koers, checked against the real endpoints: every
// documented operation is called, and its status and body must be what the description says.
import { randomUUID } from 'node:crypto';
import { request as newRequest, type APIResponse } from '@playwright/test';
import { responses } from '../src/lib/server/openapi';
import { DEMO, expect, signIn, test } from './helpers';

type Doc = {
	servers: { url: string }[];
	paths: Record<
		string,
		Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>
	>;
	components: { schemas: Record<string, unknown> };
};

test('the described API is the API: every operation answers as documented', async ({ page }) => {
	const anon = await newRequest.newContext({ baseURL: DEMO });
	const res = await anon.get('/api/openapi.json');
	expect(res.status()).toBe(200);
	const doc = (await res.json()) as Doc;
	expect(doc.servers).toEqual([{ url: DEMO }]);

	/** The response's status is documented for the operation; its JSON body fits the schema. */
	const seen = new Set<string>();
	async function conforms(path: string, method: string, r: APIResponse) {
		const op = doc.paths[path]?.[method];
		expect(op, `${method} ${path} documented`).toBeDefined();
		const documented = op.responses[String(r.status())];
		expect(
			documented,
			`${method} ${path} → ${r.status()} documented: ${await r.text()}`
		).toBeDefined();
		const ref = (documented.content?.['application/json'] as { schema?: { $ref: string } })?.schema
			?.$ref;
		if (ref) {
			const name = ref.split('/').pop() as keyof typeof responses;
			const parsed = responses[name].safeParse(await r.json());
			expect(parsed.error?.issues ?? [], `${method} ${path} → ${name}`).toEqual([]);
		}
		seen.add(`${method} ${path}`);
	}

	// the case-data API, with a key an admin makes
	await signIn(page, DEMO, 'admin@voorbeeld.nl');
	await page.goto(`${DEMO}/admin/tokens`);
	await page.getByLabel('Naam (welk systeem?)').fill('OpenAPI-check');
	await page.getByRole('button', { name: 'Sleutel maken' }).click();
	const token = await page.locator('#new-token').inputValue();
	const key = { authorization: `Bearer ${token}` };
	const events = {
		source: 'openapi-e2e',
		items: [
			{ caseId: 'OA-1', activity: 'Melding ontvangen', timestamp: '2026-11-02T09:15:00+01:00' },
			{ caseId: 'OA-1', activity: 'Opgelost', timestamp: '2026-11-03T10:00:00+01:00' }
		]
	};
	const reports = {
		source: 'openapi-e2e',
		items: [{ id: 'OA-R1', received: '2026-11-02T09:15:00+01:00' }]
	};
	for (const [path, body] of [
		['/api/v1/events', events],
		['/api/v1/reports', reports]
	] as const) {
		await conforms(path, 'post', await anon.post(path, { data: body, headers: key }));
		await conforms(path, 'post', await anon.post(path, { data: body })); // no key
		await conforms(path, 'post', await anon.post(path, { data: { items: [{}] }, headers: key }));
	}

	// the idea API, signed in as a staff member
	const staff = await page.context().browser()!.newContext({ baseURL: DEMO });
	const phone = await staff.newPage();
	await signIn(phone, DEMO, 'kim@voorbeeld.nl');
	const api = phone.request;
	const id = randomUUID();
	const idea = { id, body: 'De bevestigingsmail noemt geen verwachte ophaaldatum.' };
	await conforms('/api/ideas', 'post', await api.post('/api/ideas', { data: idea }));
	await conforms('/api/ideas', 'post', await api.post('/api/ideas', { data: idea })); // retry: 200
	await conforms('/api/ideas', 'post', await api.post('/api/ideas', { data: { id, body: 'x' } }));
	await conforms('/api/ideas', 'post', await anon.post('/api/ideas', { data: idea }));
	await conforms(
		'/api/ideas',
		'post',
		await api.post('/api/ideas', {
			data: 'plain',
			headers: { 'content-type': 'text/plain', origin: DEMO } // same-site, or SvelteKit says 403
		})
	);
	for (const path of ['/api/ideas/mine', '/api/ideas/options']) {
		await conforms(path, 'get', await api.get(path));
		await conforms(path, 'get', await anon.get(path));
	}
	await conforms('/api/ideas/similar', 'get', await api.get('/api/ideas/similar?q=ophaaldatum'));
	await conforms('/api/ideas/similar', 'get', await anon.get('/api/ideas/similar?q=ophaaldatum'));
	// support another person's idea, then take it back
	const other = (await (await api.get('/api/ideas/similar?q=afval')).json()) as {
		ideas: { id: string; mine: boolean }[];
	};
	const target = other.ideas.find((i) => !i.mine)?.id ?? randomUUID();
	await conforms('/api/ideas/{id}/vote', 'post', await api.post(`/api/ideas/${target}/vote`));
	await conforms('/api/ideas/{id}/vote', 'delete', await api.delete(`/api/ideas/${target}/vote`));
	await conforms('/api/ideas/{id}/vote', 'post', await anon.post(`/api/ideas/${target}/vote`));
	await conforms('/api/ideas/{id}/photo', 'get', await api.get(`/api/ideas/${id}/photo`)); // none
	await conforms('/api/ideas/{id}/photo', 'get', await anon.get(`/api/ideas/${id}/photo`));

	// every documented operation was called at least once
	const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
		Object.keys(ops).map((m) => `${m} ${p}`)
	);
	expect([...seen].sort()).toEqual(documented.sort());
	await staff.close();
	await anon.dispose();
});
