import { request as newRequest, type APIRequestContext } from '@playwright/test';
import { DEMO, DEMO_PASSWORD, expect, test } from './helpers';

// Bad input straight at the server, past any browser checks: a clear 4xx, never a 500,
// and nothing stored. Posted as a browser without JavaScript does (HTML answers).
const headers = { origin: DEMO, accept: 'text/html' };

async function signedIn(email: string): Promise<APIRequestContext> {
	const api = await newRequest.newContext({ baseURL: DEMO, extraHTTPHeaders: headers });
	const res = await api.post('/login', {
		form: { email, password: DEMO_PASSWORD },
		maxRedirects: 0
	});
	expect(res.status()).toBe(303);
	return api;
}

async function peopleCount(api: APIRequestContext) {
	const html = await (await api.get('/admin/people')).text();
	return Number(/Alle mensen \((\d+)\)/.exec(html)?.[1]);
}

test('malformed posts to admin actions answer 4xx and store nothing', async () => {
	const api = await signedIn('admin@voorbeeld.nl');
	const before = await peopleCount(api);
	expect(before).toBeGreaterThan(0);

	const cases: { path: string; form?: Record<string, string>; data?: string; ct?: string }[] = [
		{ path: '/admin/people?/create', form: { name: '', email: 'x', role: 'staff' } },
		{
			path: '/admin/people?/create',
			form: { name: 'A'.repeat(5000), email: 'a@b.nl', role: 'staff' }
		},
		{
			path: '/admin/people?/create',
			form: { name: 'Eve', email: 'eve@voorbeeld.nl', role: 'king' }
		},
		{
			path: '/admin/people?/create',
			form: {
				name: 'Eve',
				email: 'eve@voorbeeld.nl',
				role: 'staff',
				departmentId: '00000000-0000-4000-8000-000000000000' // not a department of ours
			}
		},
		{
			path: '/admin/people?/create',
			form: { name: 'Kim', email: 'kim@voorbeeld.nl', role: 'staff' }
		},
		{
			path: '/admin/people?/update',
			form: { id: 'not-a-uuid', name: 'X', email: 'x@y.nl', role: 'admin' }
		},
		{ path: '/admin/people?/remove', form: { id: '00000000-0000-4000-8000-000000000000' } },
		{ path: '/admin/people?/create', data: '{"name":"json"}', ct: 'application/json' },
		{ path: '/admin/people?/create', data: '\u0000\u0001binary', ct: 'application/octet-stream' },
		{ path: '/admin/departments?/create', form: { name: 'KCC', kind: 'contact_centre' } },
		{ path: '/admin/departments?/create', form: { name: 'Nieuw', kind: 'castle' } },
		{
			path: '/admin/departments?/update',
			form: { id: '00000000-0000-4000-8000-000000000000', name: 'X', kind: 'specialist' }
		}
	];
	for (const c of cases) {
		const res = c.form
			? await api.post(c.path, { form: c.form, maxRedirects: 0 })
			: await api.post(c.path, {
					data: c.data,
					headers: { 'content-type': c.ct! },
					maxRedirects: 0
				});
		expect(res.status(), `${c.path} ${JSON.stringify(c.form ?? c.ct)}`).toBeGreaterThanOrEqual(400);
		expect(res.status(), `${c.path} ${JSON.stringify(c.form ?? c.ct)}`).toBeLessThan(500);
	}
	expect(await peopleCount(api)).toBe(before);
	await api.dispose();
});

test('staff cannot post to admin actions', async () => {
	const api = await signedIn('kim@voorbeeld.nl');
	const res = await api.post('/admin/people?/create', {
		form: { name: 'Mallory', email: 'mallory@voorbeeld.nl', role: 'admin' },
		maxRedirects: 0
	});
	expect(res.status()).toBe(403);
	await api.dispose();
	const admin = await signedIn('admin@voorbeeld.nl');
	expect(await (await admin.get('/admin/people')).text()).not.toContain('Mallory');
	await admin.dispose();
});

test('sign-in, setup, invitation and language answer bad input without a 500', async () => {
	const api = await newRequest.newContext({ baseURL: DEMO, extraHTTPHeaders: headers });
	const posts = [
		api.post('/login', { form: { email: '', password: '' }, maxRedirects: 0 }),
		api.post('/login', {
			data: 'garbage',
			headers: { 'content-type': 'text/plain' },
			maxRedirects: 0
		}),
		api.post('/setup', { form: { orgName: 'Overname' }, maxRedirects: 0 }),
		api.post('/invite/not-a-token', {
			form: { password: 'een lang wachtwoord', confirm: 'een lang wachtwoord' },
			maxRedirects: 0
		}),
		api.post('/language', { form: { locale: 'xx', next: 'https://evil.example' }, maxRedirects: 0 })
	];
	for (const res of await Promise.all(posts)) expect(res.status()).toBeLessThan(500);

	// Setup is closed once an organisation exists.
	const setup = await api.get('/setup', { maxRedirects: 0 });
	expect(setup.status()).toBe(303);
	const invite = await api.get('/invite/not-a-token');
	expect(invite.status()).toBe(200);
	expect(await invite.text()).toContain('Deze uitnodiging is onbekend');
	// The language switch never redirects off-site.
	const lang = await api.post('/language', {
		form: { locale: 'en', next: '//evil.example/x' },
		maxRedirects: 0
	});
	expect(lang.headers()['location']).toBe('/');
	await api.dispose();
});
