import {
	DEMO,
	expect,
	expectAccessible,
	expectNoOverflow,
	signIn,
	test,
	viewports
} from './helpers';

// The demo organisation on phone, tablet and laptop: every page fits the width, passes axe,
// and is saved as a screenshot in tests/screenshots/ to look at.
const pages = [
	{ name: 'overview', path: '/', heading: 'Goedendag, Ada Admin' },
	{ name: 'people', path: '/admin/people', heading: 'Mensen' },
	{ name: 'departments', path: '/admin/departments', heading: 'Afdelingen' },
	{ name: 'account', path: '/account', heading: 'Mijn account' },
	{ name: 'figures', path: '/figures', heading: 'Cijfers' },
	{ name: 'admin', path: '/admin', heading: 'Beheer' },
	{ name: 'import', path: '/admin/import', heading: 'Gegevens inlezen' },
	{ name: 'categories', path: '/admin/categories', heading: 'Categorieën' },
	{ name: 'tokens', path: '/admin/tokens', heading: 'API-sleutels' }
];

for (const [device, viewport] of Object.entries(viewports)) {
	test.describe(device, () => {
		test.use({ viewport, hasTouch: device !== 'laptop', isMobile: device === 'phone' });

		test(`sign-in and admin pages on a ${device}`, async ({ page }) => {
			await page.goto(`${DEMO}/login`);
			await expectNoOverflow(page);
			await page.screenshot({ path: `tests/screenshots/login-${device}.png`, fullPage: true });

			await signIn(page, DEMO, 'admin@voorbeeld.nl');
			for (const p of pages) {
				await page.goto(`${DEMO}${p.path}`);
				await expect(page.getByRole('heading', { level: 1, name: p.heading })).toBeVisible();
				await expectNoOverflow(page);
				await page.screenshot({
					path: `tests/screenshots/${p.name}-${device}.png`,
					fullPage: true
				});
			}
			await expectAccessible(page);
		});
	});
}

test('the demo has its organisation, departments and people', async ({ page }) => {
	await signIn(page, DEMO, 'coach@voorbeeld.nl');
	await expect(page.getByText('Je werkt als coach bij Gemeente Voorbeeld.')).toBeVisible();
	for (const d of ['KCC', 'Afvalinzameling', 'Wijkbeheer', 'Vergunningen'])
		await expect(page.locator('.depts').getByText(d, { exact: true })).toBeVisible();
	await expectAccessible(page);
});

test('the app is installable: manifest with maskable icon, service worker in control', async ({
	page
}) => {
	await page.goto(`${DEMO}/login`);
	const manifest = await (await page.request.get(`${DEMO}/manifest.webmanifest`)).json();
	expect(manifest.display).toBe('standalone');
	expect(manifest.icons.some((i: { purpose?: string }) => i.purpose === 'maskable')).toBe(true);
	for (const icon of manifest.icons) {
		const res = await page.request.get(`${DEMO}${icon.src}`);
		expect(res.headers()['content-type']).toBe('image/png');
	}
	const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
	expect(scope).toBe(`${DEMO}/`);
	// From a nested page too, the one worker at the root is registered (not ./service-worker.js there).
	const missing: string[] = [];
	page.on(
		'response',
		(r) => r.url().endsWith('/service-worker.js') && r.status() === 404 && missing.push(r.url())
	);
	await page.goto(`${DEMO}/invite/not-a-token`);
	const script = await page.evaluate(
		async () => (await navigator.serviceWorker.ready).active?.scriptURL
	);
	expect(script).toBe(`${DEMO}/service-worker.js`);
	expect(missing).toEqual([]);
	const cdp = await page.context().newCDPSession(page);
	const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
	// Playwright's contexts are incognito, which Chromium reports on its own; every other
	// criterion (manifest, icons, service worker) must pass.
	const ids = installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito');
	expect(ids).toEqual([]);
});
