import type { Page } from '@playwright/test';
import { DEMO, expect, signIn, test, viewports } from './helpers';

// One visual grammar for signals across the demo's pages with figures (issue 11 §3): the same
// signal is drawn with the same sign on every page (the NHS "Making Data Count" variation and
// assurance icons, always with words), no page uses triangles or arrows of its own for a signal,
// every page says up to when its data runs, and every figure says its unit.

const TEAM = 'Afval & Buitenruimte';
const JOURNEY = 'Container niet geleegd';
const CYCLE = 'Melder direct bevestigen en herinzameling zelf inplannen';

/** What a sign looks like: its drawing and its words, per signal it stands for. */
type Signs = Map<string, { svg: string; text: string; where: string }>;

async function collectSigns(page: Page, where: string, signs: Signs) {
	const found = await page.evaluate(() =>
		[...document.querySelectorAll<HTMLElement>('[data-variation], [data-assurance]')].map((el) => ({
			key: el.dataset.variation
				? `variation:${el.dataset.variation}`
				: `assurance:${el.dataset.assurance}`,
			// the drawing, canonical: each shape with its attributes in order (whether the server
			// or the browser rendered it)
			svg: [...(el.querySelector('svg')?.querySelectorAll('*') ?? [])]
				.map(
					(n) =>
						`${n.tagName}(${[...n.attributes]
							.filter((a) => a.name !== 'class')
							.map((a) => `${a.name}=${a.value}`)
							.sort()
							.join(' ')})${n.children.length ? '' : (n.textContent ?? '')}`
				)
				.join(' '),
			text: el.querySelector('.text')?.textContent?.trim() ?? '',
			colour: getComputedStyle(el.querySelector('.text') ?? el).color,
			label: el.querySelector('button')?.getAttribute('aria-label') ?? ''
		}))
	);
	for (const f of found) {
		// never colour alone: words beside the icon, and help with an accessible name
		expect(f.text, `${f.key} on ${where} has words`).not.toBe('');
		expect(f.label, `${f.key} on ${where} has help`).toContain(f.text);
		const sign = { svg: f.svg, text: `${f.text} (${f.colour})`, where };
		const seen = signs.get(f.key);
		if (seen) {
			expect(sign.svg, `${f.key}: ${where} draws it as ${seen.where} does`).toBe(seen.svg);
			expect(sign.text, `${f.key}: ${where} words it as ${seen.where} does`).toBe(seen.text);
		} else signs.set(f.key, sign);
	}
	return found.length;
}

async function expectGrammar(page: Page, where: string, signs: Signs) {
	// up to when the data runs, and the last import
	await expect(page.locator('[data-up-to]').first(), `${where}: data-up-to line`).toHaveText(
		/Gegevens tot en met \d{1,2} [a-z]{3} \d{4}|Nog geen gegevens/
	);
	await expect(page.locator('[data-up-to]').first()).toContainText(
		/laatste import|nog geen import/
	);
	// no ad-hoc signal marks of the page's own
	const text = await page.locator('main').innerText();
	expect(text, `${where}: no triangles or arrows as signal marks`).not.toMatch(/[▲▼△▽◆]/);
	return collectSigns(page, where, signs);
}

/** Every lead-time figure says its unit; shares say %. */
const WITH_UNIT = /^(–|\d[\d.,]*\s?%|\d[\d.,]* (kalenderdagen|werkdagen|uren))$/;

async function shoot(page: Page, name: string) {
	for (const [size, viewport] of Object.entries({
		phone: viewports.phone,
		tablet: { width: 820, height: 1180 },
		laptop: viewports.laptop
	})) {
		await page.setViewportSize(viewport);
		await page.screenshot({
			path: `tests/screenshots/grammar-${name}-${size}.png`,
			fullPage: true
		});
	}
	await page.setViewportSize(viewports.laptop);
}

test.use({ viewport: viewports.laptop });

test('every page with figures draws a signal with one sign, says up to when and its units', async ({
	page,
	browser
}) => {
	const signs: Signs = new Map();
	await signIn(page, DEMO, 'kim@voorbeeld.nl');

	// the team page: four tiles, each with the variation icon; lead time with its norm's assurance
	await page.goto(`${DEMO}/teams`);
	await page.getByRole('link', { name: TEAM }).first().click();
	await page.waitForURL(/\/teams\/[0-9a-f-]{36}$/);
	const team = page.url();
	const tiles = page.locator('.tile');
	await expect(tiles).toHaveCount(4);
	expect(await expectGrammar(page, 'team page', signs)).toBeGreaterThanOrEqual(4);
	await expect(tiles.locator('[data-variation]')).toHaveCount(4);
	for (const value of await tiles.locator('.value').allInnerTexts())
		expect(value.trim(), 'a tile figure with its unit').toMatch(WITH_UNIT);
	// p85 is explained, and the help opens by tap or keyboard (no hover needed)
	const help = tiles.getByRole('button', { name: 'Uitleg: p85' }).first();
	await help.focus();
	await page.keyboard.press('Enter');
	await expect(page.getByText(/85 % van de afgehandelde zaken/).first()).toBeVisible();
	await page.keyboard.press('Escape');
	await shoot(page, 'team');

	// the journey map: norm status as a comparison, not as a signal; units explained
	await page.getByRole('link', { name: JOURNEY, exact: true }).first().click();
	await expect(page.getByRole('heading', { level: 1, name: JOURNEY })).toBeVisible();
	await expectGrammar(page, 'journey map', signs);
	for (const line of await page.locator('.figures li.lead').allInnerTexts())
		expect(line, 'a lead time on a card with its unit').toMatch(/\d (d|wd)\b/);
	await expect(page.getByRole('button', { name: 'Uitleg: eenheden' })).toBeVisible();
	await shoot(page, 'map');

	// the cycle: its chart's signals with the same icons as the team page
	await page.goto(`${team}/cycles`);
	await page.getByRole('link', { name: CYCLE }).first().click();
	await expect(page.getByRole('heading', { level: 1, name: CYCLE })).toBeVisible();
	await expectGrammar(page, 'cycle', signs);
	await expect(page.locator('.signals [data-variation]').first()).toBeVisible();
	await shoot(page, 'cycle');

	// the cycle board: each card's latest signal, the same icon
	await page.goto(`${team}/cycles`);
	await expectGrammar(page, 'cycle board', signs);

	// the silence page and the organisation's figures pages say up to when too
	for (const [where, url] of [
		['silence', `${team}/silence`],
		['Cijfers', `${DEMO}/figures`],
		['agreements', `${DEMO}/figures/agreements`]
	]) {
		await page.goto(url);
		await expectGrammar(page, where, signs);
	}

	// the coach view: the same tiles and icons as the team page
	const coachContext = await browser.newContext({ viewport: viewports.laptop, locale: 'en-GB' });
	const coach = await coachContext.newPage();
	await signIn(coach, DEMO, 'coach@voorbeeld.nl');
	await coach.goto(`${DEMO}/coach`);
	await expect(coach.locator('.figure').first()).toBeVisible();
	expect(await expectGrammar(coach, 'coach view', signs)).toBeGreaterThanOrEqual(4);
	for (const value of await coach.locator('.figure .numbers strong').allInnerTexts())
		expect(value.trim(), 'a coach figure with its unit').toMatch(WITH_UNIT);
	await shoot(coach, 'coach');
	await coachContext.close();

	// the team page and the coach view showed at least the common-cause sign and agreed on it
	expect([...signs.keys()].some((k) => k.startsWith('variation:'))).toBe(true);
	// different signals never share a drawing
	const drawings = [...signs.values()].map((s) => s.svg);
	expect(new Set(drawings).size).toBe(drawings.length);
});
