import { request as newRequest } from '@playwright/test';
import { DEMO, DEMO_PASSWORD, expect, ready, test } from './helpers';

// Issue 15, findings 8 and 9, over HTTP against the built server.
const headers = { origin: DEMO, accept: 'text/html' };

test('a session cookie copied before signing out no longer signs in', async () => {
	const api = await newRequest.newContext({ baseURL: DEMO, extraHTTPHeaders: headers });
	const res = await api.post('/login', {
		form: { email: 'sam@voorbeeld.nl', password: DEMO_PASSWORD },
		maxRedirects: 0
	});
	expect(res.status()).toBe(303);
	const copied = await api.storageState();
	expect((await api.get('/account', { maxRedirects: 0 })).status()).toBe(200);
	const out = await api.post('/logout', { form: {}, maxRedirects: 0 });
	expect(out.headers().location).toBe('/login');
	await api.dispose();

	const thief = await newRequest.newContext({
		baseURL: DEMO,
		extraHTTPHeaders: headers,
		storageState: copied
	});
	const after = await thief.get('/account', { maxRedirects: 0 });
	expect(after.status()).toBe(303);
	expect(after.headers().location).toMatch(/^\/login/);
	await thief.dispose();
});

test('the sign-in page says how long to wait after too many failures', async ({ page }) => {
	await page.goto(`${DEMO}/login`);
	await ready(page);
	for (let i = 0; i < 5; i++) {
		await page.locator('input[name=email]').fill('onbekend@voorbeeld.nl');
		await page.locator('input[name=password]').fill(`wrong password ${i}`);
		await Promise.all([
			page.waitForResponse((r) => r.request().method() === 'POST'),
			page.locator('form button[type=submit]').click()
		]);
	}
	await expect(page.getByRole('alert')).toHaveText(
		'Te veel mislukte pogingen. Probeer het over 30 seconden opnieuw.'
	);
});
