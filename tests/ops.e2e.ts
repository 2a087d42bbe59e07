// Operating Koers: health endpoints for load balancers, security headers on every answer, and
// no server secret in the files sent to browsers (issue 13).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO, EMPTY, expect, signIn, test } from './helpers';

test('health and readiness answer without a sign-in, also before first-run setup', async ({
	request
}) => {
	for (const base of [DEMO, EMPTY]) {
		const health = await request.get(`${base}/healthz`, { maxRedirects: 0 });
		expect(health.status()).toBe(200);
		expect(await health.json()).toEqual({ status: 'ok' });
		const ready = await request.get(`${base}/readyz`, { maxRedirects: 0 });
		expect(ready.status()).toBe(200);
		expect(await ready.json()).toEqual({ status: 'ready' });
		expect(ready.headers()['cache-control']).toBe('no-store');
	}
});

test('every answer carries the security headers and a request id', async ({ request }) => {
	for (const path of ['/login', '/healthz', '/teams', '/does-not-exist']) {
		const res = await request.get(`${DEMO}${path}`, { maxRedirects: 0 });
		const h = res.headers();
		expect(h['x-content-type-options'], path).toBe('nosniff');
		expect(h['x-frame-options'], path).toBe('DENY');
		expect(h['referrer-policy'], path).toBe('strict-origin-when-cross-origin');
		expect(h['x-request-id'], path).toMatch(/^[0-9a-f-]{36}$/);
		expect(h['strict-transport-security'], path).toBeUndefined(); // plain http here
	}
	const page = await request.get(`${DEMO}/login`);
	const csp = page.headers()['content-security-policy'];
	expect(csp).toContain("frame-ancestors 'none'");
	expect(csp).toContain("object-src 'none'");
	expect(csp).toMatch(/script-src 'self' '(nonce|sha256)-[^']+'/); // SvelteKit's start-up script only
	expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
	// a proxy's request id is kept, so one request can be followed through both logs
	const traced = await request.get(`${DEMO}/healthz`, { headers: { 'x-request-id': 'lb-42' } });
	expect(traced.headers()['x-request-id']).toBe('lb-42');
});

test('the pages run under the policy: charts, the journey map and the idea form', async ({
	page
}) => {
	// (the shared fixture fails the test on anything the policy blocked)
	await signIn(page, DEMO, 'kim@voorbeeld.nl');
	await page.goto(`${DEMO}/teams`);
	await page.getByRole('link', { name: /Afval/ }).first().click();
	await expect(page.locator('.tile canvas, .tile svg').first()).toBeVisible();
	await page.getByRole('link', { name: 'Klantreizen' }).click();
	await page.locator('main a[href*="/journeys/"]').first().click();
	await expect(page.locator('main')).toBeVisible();
	await page.goto(`${DEMO}/ideas`);
	await expect(page.locator('form textarea').first()).toBeVisible();
});

function files(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? files(path) : [path];
	});
}

test('no server secret or server-only code reaches the files sent to browsers', () => {
	const client = files('build/client').filter((f) => /\.(js|html|json|css|webmanifest)$/.test(f));
	expect(client.length).toBeGreaterThan(10);
	const text = client.map((f) => readFileSync(f, 'utf8')).join('\n');
	// tests/setup/test-all.sh builds with these secrets set to a canary value
	const canary = process.env.KOERS_BUILD_CANARY;
	if (canary) expect(text).not.toContain(canary);
	for (const marker of [
		'KOERS_SESSION_SECRET',
		'KOERS_PSEUDONYM_SECRET',
		'SUPABASE_JWT_SECRET',
		'DATABASE_URL',
		'service_role',
		'request.jwt.claims',
		'argon2'
	])
		expect(text, marker).not.toContain(marker);
});
