import { readFile, writeFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { DEMO, expect, expectNoOverflow, signIn, test, viewports } from './helpers';

// Results that can leave the app (issue 11, section 4): every figure table as a CSV that a Dutch
// Excel opens (BOM, `;`, decimal comma) holding the page's figures, and only what the person may
// see; the cycle's XmR chart as an SVG; a one-page improvement story that prints.

const TEAM = 'Afval & Buitenruimte';
const ADOPTED = 'Melder direct bevestigen en herinzameling zelf inplannen';

async function download(page: Page, link: ReturnType<Page['locator']>) {
	const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
	return { name: file.suggestedFilename(), text: await readFile((await file.path())!, 'utf8') };
}

async function teamUrl(page: Page) {
	await page.goto(`${DEMO}/teams`);
	await page.getByRole('link', { name: TEAM }).first().click();
	await page.waitForURL(/\/teams\/[0-9a-f-]{36}$/);
	return page.url();
}

test('the coach downloads the weekly figures of the Cijfers page as a CSV with the same numbers', async ({
	page
}) => {
	await signIn(page, DEMO, 'coach@voorbeeld.nl');
	await page.goto(`${DEMO}/figures`);
	const weeks = page.locator('details').filter({ hasText: 'tabel' }).last();
	await weeks.locator('summary').click();
	const file = await download(page, weeks.getByRole('link', { name: /Download CSV/ }));
	expect(file.name).toBe('cijfers-weken.csv');
	expect(file.text.charCodeAt(0)).toBe(0xfeff);
	const lines = file.text.slice(1).trim().split('\r\n');
	expect(lines[0]).toMatch(/^Week vanaf;Meldingen;/);
	// the page's table, newest week first; the CSV, oldest first: the same cases per week
	const pageCases = (await weeks.locator('tbody tr td:nth-child(2)').allInnerTexts()).map((t) =>
		Number(t.replace(/\./g, ''))
	);
	const csvCases = lines.slice(1).map((l) => Number(l.split(';')[1]));
	expect(csvCases.toReversed()).toEqual(pageCases);
	expect(pageCases.some((n) => n > 0)).toBe(true);
	// a Dutch spreadsheet's decimal comma, never a point
	expect(lines.slice(1).join('\n')).toMatch(/;\d+,\d+;/);
	expect(lines.slice(1).join('\n')).not.toMatch(/;\d+\.\d+;/);
	for (const [name, viewport] of Object.entries(viewports)) {
		await page.setViewportSize(name === 'tablet' ? { width: 820, height: 1180 } : viewport);
		await expectNoOverflow(page);
		await page.screenshot({ path: `tests/screenshots/figures-csv-${name}.png`, fullPage: true });
	}

	// every other figure table has its own link
	for (const name of [/Overdrachten|handoff/i, /Doorlooptijden|verdeling/i])
		await expect(
			page.getByRole('link', { name: new RegExp(`Download CSV: .*(${name.source})`, 'i') })
		).toHaveCount(1);
	await page.goto(`${DEMO}/figures/agreements`);
	const matrix = await download(page, page.locator('a[href^="/exports/agreements-matrix"]'));
	expect(matrix.text.slice(1).split('\r\n')[0]).toMatch(/^Van afdeling;Naar afdeling;/);
});

test('a team member downloads the silence list; someone outside the team gets nothing', async ({
	page,
	browser
}) => {
	await signIn(page, DEMO, 'kim@voorbeeld.nl');
	const team = await teamUrl(page);
	const teamId = team.split('/').pop()!;
	const mine = await page.request.get(`${DEMO}/exports/silence-variants?team=${teamId}`);
	expect(mine.status()).toBe(200);
	expect(mine.headers()['content-type']).toContain('text/csv');
	expect((await mine.text()).trim().split('\r\n').length).toBeGreaterThan(1);

	const context = await browser.newContext({ viewport: viewports.laptop });
	const other = await context.newPage();
	await signIn(other, DEMO, 'ravi@voorbeeld.nl');
	for (const table of ['silence-cases', 'silence-variants']) {
		const res = await other.request.get(`${DEMO}/exports/${table}?team=${teamId}`);
		// Ravi is on no team and may not see case data: the silence page tells him so, the file is refused
		expect(res.status(), table).toBe(403);
	}
	expect((await other.request.get(`${DEMO}/exports/coach-teams`)).status()).toBe(403);
	await context.close();
});

test('the adopted cycle: its chart as SVG, and its improvement story on one printed page', async ({
	page
}) => {
	await signIn(page, DEMO, 'kim@voorbeeld.nl');
	await page.setViewportSize(viewports.laptop);
	await page.goto(`${await teamUrl(page)}/cycles`);
	await page.getByRole('link', { name: ADOPTED }).click();
	await page.waitForURL(/\/cycles\/[0-9a-f-]{36}$/);
	const svg = await download(page, page.getByRole('link', { name: 'Regelkaart downloaden (SVG)' }));
	expect(svg.name).toMatch(/^regelkaart-.*\.svg$/);
	expect(svg.text).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
	expect(svg.text).toContain('data-centre');
	expect(svg.text).toContain('data-point="improvement"');
	expect(svg.text).toContain('>wijziging</text>');

	await page.getByRole('link', { name: 'Verbeterverhaal (afdrukken)' }).click();
	await page.waitForURL(/\/story$/);
	const story = page.locator('[data-story]');
	await expect(story.getByRole('heading', { level: 1 })).toHaveText(ADOPTED);
	await expect(story.locator('[data-effect]')).toHaveText(/herhaalpercentage .+ → .+ signaal/i);
	const chart = story.getByRole('img', { name: /Regelkaart/ });
	await expect.poll(() => chart.evaluate((i: HTMLImageElement) => i.naturalWidth)).toBe(960);
	for (const [name, viewport] of Object.entries(viewports)) {
		await page.setViewportSize(name === 'tablet' ? { width: 820, height: 1180 } : viewport);
		await expectNoOverflow(page);
		await page.screenshot({ path: `tests/screenshots/story-${name}.png`, fullPage: true });
	}
	await page.emulateMedia({ media: 'print' });
	await expect(page.getByRole('button', { name: 'Afdrukken' })).toBeHidden();
	await expect(page.locator('header.top')).toBeHidden();
	for (const h of ['Probleem', 'Verandering', 'Effect', 'Besluit'])
		await expect(story.getByRole('heading', { name: h })).toBeVisible();
	await page.screenshot({ path: 'tests/screenshots/story-print.png', fullPage: true });
	const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
	// one page: a PDF counts its pages in /Type /Page objects
	expect(pdf.toString('latin1').match(/\/Type\s*\/Page\b/g)).toHaveLength(1);
});

test('the coach records an evaluation and prints its minutes: what was recorded, effects and charts', async ({
	page
}) => {
	await signIn(page, DEMO, 'coach@voorbeeld.nl');
	await page.setViewportSize(viewports.laptop);
	await page.goto(`${DEMO}/coach`);
	await page.getByRole('link', { name: 'Evaluatie vastleggen voor Afval & Buitenruimte' }).click();
	const panel = page.getByRole('complementary', { name: 'Evaluatie vastleggen' });
	await panel.getByLabel('Belemmeringen die jij wegneemt').fill('Schrijfrechten planning regelen');
	await panel.getByLabel('Volgende stap').fill('Zaterdagronde testen in Noord');
	await panel.getByRole('button', { name: 'Evaluatie opslaan' }).click();
	await expect(page.getByRole('status')).toContainText('Evaluatie opgeslagen');

	await page.getByRole('link', { name: 'Verslag afdrukken' }).first().click();
	await page.waitForURL(/\/coach\/[0-9a-f-]{36}\/evaluations\/[0-9a-f-]{36}$/);
	const minutes = page.locator('[data-minutes]');
	await expect(minutes.getByRole('heading', { level: 1 })).toContainText('Afval & Buitenruimte');
	await expect(minutes.getByText('Schrijfrechten planning regelen')).toBeVisible();
	await expect(minutes.getByText('Zaterdagronde testen in Noord')).toBeVisible();
	await expect(minutes.getByText(/Kim de Vries/)).toBeVisible();
	await expect(minutes.getByText('Coco Coach')).toBeVisible();
	// each cycle's effect sentence as recorded, and its chart drawn from the SVG
	const effect = minutes.locator('.effect').first();
	await expect(effect.locator('p')).toHaveText(/ → .+ over \d+ weken/);
	// with the variation icon and, for a cycle with a goal, the assurance icon beside it
	await expect(effect.locator('[data-variation]')).toHaveCount(1);
	await expect(effect.locator('[data-assurance][data-target="goal"]')).toHaveCount(1);
	await expect
		.poll(() => effect.getByRole('img').evaluate((i: HTMLImageElement) => i.naturalWidth))
		.toBe(960);
	for (const [name, viewport] of Object.entries(viewports)) {
		await page.setViewportSize(name === 'tablet' ? { width: 820, height: 1180 } : viewport);
		await expectNoOverflow(page);
		await page.screenshot({ path: `tests/screenshots/minutes-${name}.png`, fullPage: true });
	}
	await page.emulateMedia({ media: 'print' });
	await expect(page.locator('header.top')).toBeHidden();
	await expect(page.getByRole('button', { name: 'Afdrukken' })).toBeHidden();
	await expect(minutes.getByText('Schrijfrechten planning regelen')).toBeVisible();
	const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
	expect(pdf.length).toBeGreaterThan(10_000);
});

test('the journey map prints on one landscape page, without the controls', async ({ page }) => {
	await signIn(page, DEMO, 'kim@voorbeeld.nl');
	await page.setViewportSize(viewports.laptop);
	await page.goto(`${await teamUrl(page)}/journeys`);
	await page.getByRole('link', { name: 'Container niet geleegd' }).first().click();
	await page.waitForURL(/\/journeys\/[0-9a-f-]{36}/);
	await page.emulateMedia({ media: 'print' });
	await expect(
		page.getByRole('heading', { level: 1, name: 'Container niet geleegd' })
	).toBeVisible();
	await expect(page.locator('header.top')).toBeHidden();
	await expect(page.locator('.team-nav')).toBeHidden();
	await page.screenshot({ path: 'tests/screenshots/journey-print.png', fullPage: true });
	const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
	await writeFile('test-results/journey-print.pdf', pdf);
	expect(pdf.toString('latin1').match(/\/Type\s*\/Page\b/g)).toHaveLength(1);
});
