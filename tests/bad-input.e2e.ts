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

test('an encoded admin path does not skip the role check (staff posting a file: 403)', async () => {
	const api = await signedIn('kim@voorbeeld.nl');
	for (const path of [
		'/%61dmin/import?/preview',
		'/admin/import?/preview',
		'/%61dmin/people?/create'
	]) {
		const res = await api.post(path, {
			multipart: {
				file: {
					name: 'x.csv',
					mimeType: 'text/csv',
					buffer: Buffer.from('id,received\nA,2026-01-01\n')
				},
				name: 'Mallory',
				email: 'mallory2@voorbeeld.nl',
				role: 'admin'
			},
			// as an enhanced form posts: the action's own answer, not the page around it (whose
			// layout says 403 even after an action ran)
			headers: { 'x-sveltekit-action': 'true', accept: 'application/json' },
			maxRedirects: 0
		});
		expect(res.status(), path).toBe(403);
		expect(await res.text(), path).not.toContain('x.csv');
	}
	await api.dispose();
	const admin = await signedIn('admin@voorbeeld.nl');
	expect(await (await admin.get('/admin/people')).text()).not.toContain('mallory2');
	await admin.dispose();
});

test('a large body to a page that takes no files answers 413 before it is read', async () => {
	const big = 'x'.repeat(2 * 1024 * 1024);
	// one connection a post: the server answers before reading the body, then closes it
	for (const path of ['/login', '/setup', '/invite/not-a-token', '/language']) {
		const api = await newRequest.newContext({ baseURL: DEMO, extraHTTPHeaders: headers });
		const res = await api.post(path, { form: { email: big, password: 'x' }, maxRedirects: 0 });
		expect(res.status(), path).toBe(413);
		await api.dispose();
	}
	// signed in, but not an admin: the import page takes no large file either
	const staff = await signedIn('kim@voorbeeld.nl');
	const res = await staff.post('/admin/import?/preview', {
		multipart: { file: { name: 'big.csv', mimeType: 'text/csv', buffer: Buffer.from(big) } },
		maxRedirects: 0
	});
	expect(res.status()).toBe(413);
	await staff.dispose();
});

test('a NUL or control character in a field or query parameter is a 400, never a 500', async () => {
	const admin = await signedIn('admin@voorbeeld.nl');
	const res = await admin.post('/admin/departments?/create', {
		form: { name: 'Nulxq\u0000zz', kind: 'contact_centre' },
		maxRedirects: 0
	});
	expect(res.status()).toBe(400);
	for (const path of ['/figures?from=%00', '/teams?x=%01', '/login?next=%00']) {
		const get = await admin.get(path, { maxRedirects: 0 });
		expect(get.status(), path).toBe(400);
	}
	expect(await (await admin.get('/admin/departments')).text()).not.toContain('Nulxq');
	await admin.dispose();
});

test('sign-in and the language switch never send anyone off-site', async () => {
	const anon = await newRequest.newContext({ baseURL: DEMO, extraHTTPHeaders: headers });
	const admin = await signedIn('admin@voorbeeld.nl');
	for (const next of [
		'/.//evil.example',
		'/%2e//evil.example',
		'/a/..//evil.example',
		'/./\\evil.example'
	]) {
		const lang = await anon.post('/language', { form: { locale: 'en', next }, maxRedirects: 0 });
		expect(lang.headers()['location'], next).toBe('/');
		const login = await admin.get(`/login?next=${encodeURIComponent(next)}`, { maxRedirects: 0 });
		expect(login.headers()['location'], next).toBe('/');
	}
	await anon.dispose();
	await admin.dispose();
});

test('odd dates and numbers answer a message, never a 500', async () => {
	const admin = await signedIn('admin@voorbeeld.nl');
	// a period in year 0000 or 2999: the figures show without it, and say so
	for (const path of ['/figures?from=0000-01-01', '/figures?from=2025-01-01&to=2999-12-31']) {
		const res = await admin.get(path, { maxRedirects: 0 });
		expect(res.status(), path).toBe(200);
		expect(await res.text(), path).toContain('Een datum van de periode is ongeldig');
	}
	const teams = await (await admin.get('/teams')).text();
	const team = /\/teams\/([0-9a-f-]{36})/.exec(teams)?.[1];
	expect(team).toBeTruthy();
	const draft = (form: Record<string, string>) =>
		admin.post(`/teams/${team}/mandate?/draft`, {
			form: { decisionRights: 'Alles binnen de route', ...form },
			maxRedirects: 0
		});
	const year0 = await draft({ reviewDate: '0000-01-01' });
	expect(year0.status()).toBe(400);
	expect(await year0.text()).toContain('Kies een datum tussen 1 januari 1990');
	// the column holds 9,999,999,999.99; one cent more is a message, not a database error
	const tooMuch = await draft({ budgetLimit: '10000000000' });
	expect(tooMuch.status()).toBe(400);
	expect(await tooMuch.text()).toContain('Deze waarde valt buiten het toegestane bereik');
	await admin.dispose();
});
