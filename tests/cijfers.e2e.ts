import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import {
	DEMO,
	expect,
	expectAccessible,
	expectNoOverflow,
	signIn,
	test,
	viewports
} from './helpers';

// The Cijfers page on a tablet, as Kim — a team member (organisation role staff) who may see
// case data: charts, the period, a filter by source, and from a heat-map cell of the handoff
// matrix to a case's story; staff outside the teams are still refused. Screenshots of the page at
// phone, tablet and laptop size, with no word broken in the middle at any of them.
test.use({ viewport: viewports.tablet, hasTouch: true });

/** Words (split at spaces and hyphens, dashes, slashes, arrows) drawn over two lines in main. */
function brokenWords(page: Page) {
	return page.evaluate(() => {
		const broken: string[] = [];
		const main = document.querySelector('main')!;
		const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
		while (walker.nextNode()) {
			const node = walker.currentNode as Text;
			if (node.parentElement?.closest('.visually-hidden, svg')) continue;
			for (const m of node.data.matchAll(/[^\s\-–—/→·:()]+/g)) {
				const range = document.createRange();
				range.setStart(node, m.index);
				range.setEnd(node, m.index + m[0].length);
				const lines = new Set(
					[...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))
				);
				if (lines.size > 1) broken.push(m[0]);
			}
		}
		return broken;
	});
}

/** Text boxes in main whose words stick out of them (outside the sideways-scrolling regions). */
function overflowingText(page: Page) {
	return page.evaluate(() =>
		[...document.querySelectorAll('main :is(h1, h2, h3, p, dt, dd, li, th, td, label, summary)')]
			.filter(
				(e) => !e.closest('[role=region], .visually-hidden') && e.scrollWidth > e.clientWidth + 1
			)
			.map((e) => (e.textContent ?? '').trim().slice(0, 40))
	);
}

const tile = (page: Page, label: string) =>
	page
		.locator('.tiles > div')
		.filter({ has: page.getByText(label, { exact: true }) })
		.locator('dd')
		.first();
const count = async (page: Page, label: string) =>
	Number((await tile(page, label).innerText()).replace(/\./g, ''));

test('a team member reads the Cijfers: charts, period, a source, a heat-map cell to a case story', async ({
	page,
	browser
}) => {
	await signIn(page, DEMO, 'kim@voorbeeld.nl');
	await page.getByRole('link', { name: 'Cijfers' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Cijfers' })).toBeVisible();

	// the period in readable Dutch dates, and when data was last imported
	await expect(page.locator('[data-period]')).toHaveText(
		/^Periode: \d{1,2} [a-z]{3}\.? \d{4} – \d{1,2} [a-z]{3}\.? \d{4} · laatst ingelezen op \d{1,2} [a-z]{3}\.? \d{4}$/
	);
	// the charts: three weekly trends, the distribution of lead times, the heat map with numbers
	for (const name of [
		/^Staafdiagram: het aantal ontvangen meldingen per week, \d+ weken$/,
		/^Lijndiagram: mediaan/,
		/^Lijndiagram: het aandeel herhaalmeldingen/
	])
		await expect(page.getByRole('img', { name })).toBeVisible();
	await expect(page.locator('svg[role=img] rect.bar')).not.toHaveCount(0);
	await expect(page.getByText('mediaan (doorgetrokken lijn)')).toBeVisible();
	const histogram = page.getByRole('table', { name: /per doorlooptijd/ });
	await expect(histogram.getByRole('rowheader', { name: 'minder dan 4 uur' })).toBeVisible();
	await expect(histogram.getByRole('row')).toHaveCount(14); // a header row and 13 bins
	const heat = page.getByRole('table', { name: /Van afdeling \(rijen\)/ });
	const cell = heat.locator('a[data-cell="KCC>Afvalinzameling"]');
	await expect(cell).toHaveAccessibleName(/^Van KCC naar Afvalinzameling, overdrachten: [\d.]+$/);
	await expectNoOverflow(page);
	await expectAccessible(page);
	expect(await brokenWords(page)).toEqual([]);
	expect(await overflowingText(page)).toEqual([]);
	await page.screenshot({ path: 'tests/screenshots/cijfers-tablet.png', fullPage: true });

	// filtered by source: the phone calls only — fewer reports, and no handoffs
	const all = await count(page, 'Meldingen');
	await page.locator('summary', { hasText: 'Filter' }).click();
	await page.getByLabel('Bron').selectOption({ label: 'demo-telefonie' });
	await page.getByRole('button', { name: 'Toepassen' }).click();
	await expect(page).toHaveURL(/source=demo-telefonie/);
	const phone = await count(page, 'Meldingen');
	expect(phone).toBeGreaterThan(0);
	expect(phone).toBeLessThan(all);
	await expect(tile(page, 'Overdrachten')).toHaveText('0');
	await expect(page.getByRole('table', { name: /Van afdeling \(rijen\)/ })).toHaveCount(0);
	await expect(page.locator('[data-period]')).toContainText('Periode:');
	await page.getByRole('link', { name: 'Wissen' }).click();
	await expect(page).toHaveURL(/\/figures$/);

	// a heat-map cell → its example cases → one case's story
	await cell.click();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Overdracht KCC → Afvalinzameling' })
	).toBeVisible();
	await expect(page.locator('p', { hasText: /Zaken met deze overdracht: [\d.]+\./ })).toBeVisible();
	await expectAccessible(page);
	const first = page.locator('ul.cases a').first();
	const id = (await first.innerText()).replace('Zaak ', '');
	await first.click();
	await expect(page.getByRole('heading', { level: 1, name: `Zaak ${id}` })).toBeVisible();
	await expect(page.getByText('Afvalinzameling').first()).toBeVisible();
	await page.getByRole('link', { name: /Terug/ }).click();
	await expect(page).toHaveURL(/\/figures\/handoffs\?/);

	// the agreements page: its matrix cell opens the same example cases
	await page.goto(`${DEMO}/figures/agreements`);
	await page.screenshot({ path: 'tests/screenshots/agreements-flow-tablet.png', fullPage: true });
	await page.locator('a[data-cell="KCC>Afvalinzameling"]').click();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Overdracht KCC → Afvalinzameling' })
	).toBeVisible();
	await expect(page.locator('ul.cases li')).not.toHaveCount(0);

	// staff on no team may still not see case data
	const ravi = await browser.newPage();
	await signIn(ravi, DEMO, 'ravi@voorbeeld.nl');
	await expect(ravi.getByRole('link', { name: 'Cijfers' })).toHaveCount(0);
	for (const path of ['/figures', '/figures/handoffs?fromDept=KCC&toDept=Afvalinzameling'])
		expect((await ravi.goto(`${DEMO}${path}`))?.status()).toBe(403);
	await ravi.close();
});

test('the Cijfers page at phone and laptop size: no word broken, nothing wider than the screen', async ({
	page
}) => {
	await signIn(page, DEMO, 'kim@voorbeeld.nl');
	for (const [name, size] of [
		['phone', viewports.phone],
		['laptop', viewports.laptop],
		['narrow', { width: 320, height: 700 }]
	] as const) {
		await page.setViewportSize(size);
		await page.goto(`${DEMO}/figures`);
		await expectNoOverflow(page);
		expect(await brokenWords(page), name).toEqual([]);
		expect(await overflowingText(page), name).toEqual([]);
		if (name !== 'narrow')
			await page.screenshot({ path: `tests/screenshots/cijfers-${name}.png`, fullPage: true });
	}
});

test("an admin imports Boston's requests with their channels in Koers's words", async ({
	page
}) => {
	// the first 20 requests of the real Boston 311 file: 12 by Constituent Call, 6 Employee
	// Generated, 2 Self Service
	const boston = readFileSync(
		resolve('..', 'shared', 'data', 'boston311_2015_Abandoned_Vehicles.csv'),
		'utf8'
	);
	const head = boston.split('\n').slice(0, 21).join('\n') + '\n';
	await signIn(page, DEMO, 'admin@voorbeeld.nl');
	await page.goto(`${DEMO}/admin/import`);
	await page.setInputFiles('#file', {
		name: 'boston-20.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from(head)
	});
	await page.getByRole('button', { name: 'Bestand bekijken' }).click();
	const channels = page.locator('[data-values="channel"]');
	await expect(channels.getByRole('heading')).toHaveText('Kanaal (kolom Source)');
	// suggested from the words of each value; a value without a channel word stays as it is
	await expect(channels.getByLabel('Constituent Call')).toHaveValue('telefoon');
	await expect(channels.getByLabel('Self Service')).toHaveValue('web');
	await expect(channels.getByLabel('Employee Generated')).toHaveValue('');
	await channels.getByLabel('Employee Generated').selectOption('balie');
	await expectAccessible(page);
	await page.screenshot({ path: 'tests/screenshots/import-values-tablet.png', fullPage: true });
	await page.getByRole('button', { name: 'Inlezen' }).click();
	await expect(page.getByRole('heading', { name: 'Ingelezen', exact: true })).toBeVisible();

	// the figures by channel use the organisation's words
	await page.goto(`${DEMO}/figures?source=boston-20.csv`);
	await expect(tile(page, 'Meldingen')).toHaveText('20');
	const options = await page.getByLabel('Kanaal').locator('option').allInnerTexts();
	expect(options).toEqual(expect.arrayContaining(['telefoon', 'web', 'balie']));
	expect(options).not.toContain('Constituent Call');
	await page.goto(`${DEMO}/figures?source=boston-20.csv&channel=telefoon`);
	await expect(tile(page, 'Meldingen')).toHaveText('12');

	// the next file remembers the choice
	await page.goto(`${DEMO}/admin/import`);
	await page.setInputFiles('#file', {
		name: 'boston-again.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from(head)
	});
	await page.getByRole('button', { name: 'Bestand bekijken' }).click();
	await expect(
		page.locator('[data-values="channel"]').getByLabel('Employee Generated')
	).toHaveValue('balie');
});
