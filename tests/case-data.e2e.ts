import { request as newRequest } from '@playwright/test';
import { resolve } from 'node:path';
import { DEMO, expect, expectAccessible, expectNoOverflow, signIn, test } from './helpers';

// Case data in the browser: an admin loads a real event log through the import page, a coach
// reads the figures, a system pushes reports with an API key. On the demo organisation.
const data = (name: string) => resolve('..', 'shared', 'data', name);

test('an admin loads a real event log: preview, suggested mapping, progress, summary', async ({
	page
}) => {
	await page.setViewportSize({ width: 1024, height: 768 });
	await signIn(page, DEMO, 'admin@voorbeeld.nl');
	await page.goto(`${DEMO}/admin/import`);
	await expectAccessible(page);

	// A file that is no CSV or XES: a clear message, nothing stored.
	await page.setInputFiles('#file', {
		name: 'foto.png',
		mimeType: 'image/png',
		buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2, 3, 0, 0, 0])
	});
	await page.getByRole('button', { name: 'Bestand bekijken' }).click();
	await expect(page.getByText('Dit is geen tekstbestand (CSV of XES).')).toBeVisible();

	await page.setInputFiles('#file', data('running-example.csv'));
	await page.getByRole('button', { name: 'Bestand bekijken' }).click();
	await expect(
		page.getByRole('heading', { name: /Koppel de kolommen van running-example\.csv/ })
	).toBeVisible();
	await expect(page.getByLabel(/Zaaknummer/)).toHaveValue('case:concept:name');
	await expect(page.getByLabel(/Activiteit/)).toHaveValue('concept:name');
	await expect(page.getByLabel(/Tijdstip/)).toHaveValue('time:timestamp');
	await expect(page.getByLabel('Eén gebeurtenis per regel (eventlog)')).toBeChecked();
	await expectAccessible(page);
	await expectNoOverflow(page);
	await page.screenshot({ path: 'tests/screenshots/import-mapping-tablet.png', fullPage: true });

	await page.getByLabel('Koppeling bewaren als (optioneel)').fill('Procesmining-export');
	await page.getByRole('button', { name: 'Inlezen' }).click();
	await expect(page.getByRole('heading', { name: 'Ingelezen', exact: true })).toBeVisible();
	const figure = (label: string) => page.locator('dl div', { hasText: label }).locator('dd');
	await expect(figure('Nieuwe zaken')).toHaveText('6');
	await expect(figure('Nieuwe gebeurtenissen')).toHaveText('42');
	await page.screenshot({ path: 'tests/screenshots/import-done-tablet.png', fullPage: true });

	// The same file again changes nothing.
	await page.getByRole('link', { name: 'Nog een bestand inlezen' }).click();
	await page.setInputFiles('#file', data('running-example.csv'));
	await page.getByRole('button', { name: 'Bestand bekijken' }).click();
	await page.getByLabel('Opgeslagen koppeling gebruiken').selectOption('Procesmining-export');
	await page.getByRole('button', { name: 'Inlezen' }).click();
	await expect(
		page.getByText('Alles in dit bestand stond er al; er is niets veranderd.')
	).toBeVisible();
});

test('a file with bad rows imports nothing unless asked to skip them', async ({ page }) => {
	await signIn(page, DEMO, 'admin@voorbeeld.nl');
	const csv = [
		'zaaknummer;ontvangen;afgehandeld;categorie',
		'E-1;03-02-2025 09:00;05-02-2025 10:00;Zwerfafval',
		'E-2;geen datum;;Zwerfafval',
		'E-3;04-02-2025 11:00;01-02-2025 11:00;Zwerfafval'
	].join('\n');
	const upload = async () => {
		await page.goto(`${DEMO}/admin/import`);
		await page.setInputFiles('#file', {
			name: 'export.csv',
			mimeType: 'text/csv',
			buffer: Buffer.from(csv)
		});
		await page.getByRole('button', { name: 'Bestand bekijken' }).click();
		await expect(page.getByLabel('Eén melding (zaak) per regel')).toBeChecked();
	};
	await upload();
	await page.getByRole('button', { name: 'Inlezen' }).click();
	await expect(page.getByRole('heading', { name: 'Niet ingelezen' })).toBeVisible();
	await expect(page.getByText('Regel 3:')).toBeVisible();
	await expect(page.getByText('Regel 4:')).toBeVisible();

	await upload();
	await page.getByLabel('Foute regels overslaan en de goede inlezen').check();
	await page.getByRole('button', { name: 'Inlezen' }).click();
	await expect(page.getByRole('heading', { name: 'Ingelezen', exact: true })).toBeVisible();
	await expect(page.locator('dl div', { hasText: 'Nieuwe zaken' }).locator('dd')).toHaveText('1');
	const download = page.waitForEvent('download');
	await page.getByRole('link', { name: 'Overgeslagen regels downloaden (CSV)' }).click();
	const rejected = await (await download).path();
	const text = (await import('node:fs')).readFileSync(rejected, 'utf8');
	expect(text.split('\n').filter(Boolean)).toHaveLength(3); // header + the two bad rows
	expect(text).toContain('E-2');
	expect(text).toContain('E-3');
});

test('a coach reads the figures; staff may not', async ({ page, browser }) => {
	await page.setViewportSize({ width: 1024, height: 768 });
	await signIn(page, DEMO, 'coach@voorbeeld.nl');
	await page.getByRole('link', { name: 'Cijfers' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Cijfers' })).toBeVisible();
	const tile = (label: string) =>
		page
			.locator('.tiles > div')
			.filter({ has: page.getByText(label, { exact: true }) })
			.locator('dd')
			.first();
	await expect(tile('Meldingen')).toHaveText(/^\d{1,3}(\.\d{3})*$/);
	await expect(tile('Herhaalmeldingen')).toHaveText(/%$/);
	await expectAccessible(page);
	await page.screenshot({ path: 'tests/screenshots/figures-tablet.png', fullPage: true });

	// Filter on one category: fewer reports than in total.
	const all = Number((await tile('Meldingen').innerText()).replace(/\./g, ''));
	await page.getByText('Filter').click();
	await page.getByLabel('Categorie').selectOption({ label: 'Container niet geleegd' });
	await page.getByRole('button', { name: 'Toepassen' }).click();
	await expect(page).toHaveURL(/category=/);
	const some = Number((await tile('Meldingen').innerText()).replace(/\./g, ''));
	expect(some).toBeGreaterThan(0);
	expect(some).toBeLessThan(all);

	// staff on no team may not see case data (team members may: tests/cijfers.e2e.ts)
	const staff = await browser.newPage();
	await signIn(staff, DEMO, 'ravi@voorbeeld.nl');
	await expect(staff.getByRole('link', { name: 'Cijfers' })).toHaveCount(0);
	expect((await staff.goto(`${DEMO}/figures`))?.status()).toBe(403);
	await staff.close();
});

test('an API key lets a system push reports, once; revoked it stops working', async ({ page }) => {
	await signIn(page, DEMO, 'admin@voorbeeld.nl');
	await page.goto(`${DEMO}/admin/tokens`);
	await page.getByLabel('Naam (welk systeem?)').fill('Zaaksysteem');
	await page.getByRole('button', { name: 'Sleutel maken' }).click();
	const token = await page.locator('#new-token').inputValue();
	expect(token).toMatch(/^koers_/);
	await expectAccessible(page);

	const api = await newRequest.newContext({ baseURL: DEMO });
	const body = {
		source: 'e2e',
		items: [{ id: 'API-1', category: 'Zwerfafval', received: '2026-11-02T09:15:00+01:00' }]
	};
	const post = () =>
		api.post('/api/v1/reports', { data: body, headers: { authorization: `Bearer ${token}` } });
	const first = await post();
	expect(first.status()).toBe(200);
	expect((await first.json()).casesAdded).toBe(1);
	expect((await (await post()).json()).casesAdded).toBe(0);
	const bad = await api.post('/api/v1/reports', {
		data: { items: [{ id: 'API-2', received: 'gisteren' }] },
		headers: { authorization: `Bearer ${token}` }
	});
	expect(bad.status()).toBe(400);
	expect((await bad.json()).issues[0].path).toBe('items.0.received');

	await page.reload();
	await page.getByRole('button', { name: 'Sleutel Zaaksysteem intrekken' }).click();
	await expect(page.getByText('Ingetrokken')).toBeVisible();
	expect((await post()).status()).toBe(401);
	await api.dispose();
});

test('the preview reads US dates from the file and proposes month-first', async ({ page }) => {
	await signIn(page, DEMO, 'admin@voorbeeld.nl');
	await page.goto(`${DEMO}/admin/import`);
	await page.setInputFiles('#file', data('boston311_2015_Abandoned_Vehicles.csv'));
	await page.getByRole('button', { name: 'Bestand bekijken' }).click();
	await expect(page.getByLabel('Datums zonder AM/PM lezen als')).toHaveValue('month');
	await page.getByRole('link', { name: 'Annuleren' }).click();
	await page.setInputFiles('#file', {
		name: 'nl.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from('zaaknummer;ontvangen\nZ-1;25-02-2025 09:00\n')
	});
	await page.getByRole('button', { name: 'Bestand bekijken' }).click();
	await expect(page.getByLabel('Datums zonder AM/PM lezen als')).toHaveValue('day');
});
