import type { Page } from '@playwright/test';
import { DEMO, expect, signIn, test, viewports } from './helpers';

// One visual grammar for signals across the demo's pages with figures (issue 11 §3): the same
// signal is drawn with the same sign on every page (the NHS "Making Data Count" variation and
// assurance icons, always with words), no page uses triangles or arrows of its own for a signal,
// every page says up to when its data runs, and every figure says its unit.

const TEAM = 'Afval & Buitenruimte';
const JOURNEY = 'Container niet geleegd';
const CYCLE = 'Melder direct bevestigen en herinzameling zelf inplannen';
const TOUCHPOINT = 'Melding container niet geleegd';
const PLANNED = 'Grofvuil binnen een week ophalen';

/** What a sign looks like: its drawing and its words, per signal it stands for. */
type Signs = Map<string, { svg: string; text: string; where: string }>;

async function collectSigns(page: Page, where: string, signs: Signs) {
	const found = await page.evaluate(() =>
		[...document.querySelectorAll<HTMLElement>('[data-variation], [data-assurance]')].map((el) => ({
			// an assurance icon against a norm and one against a cycle's goal are worded apart
			// ("Haalt de norm steeds", "Haalt het doel steeds") but drawn alike
			key: el.dataset.variation
				? `variation:${el.dataset.variation}`
				: `assurance:${el.dataset.assurance}:${el.dataset.target}`,
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

	// the touchpoint trend: lead time in its norm's unit (2 working days), card and trend alike,
	// in words; the norm is the target line and the assurance icon reads the limits against it
	await page.getByRole('link', { name: TOUCHPOINT }).first().click();
	await page
		.getByRole('complementary', { name: TOUCHPOINT })
		.getByRole('link', { name: /Trend per week/ })
		.click();
	await expect(page.getByRole('heading', { level: 1, name: TOUCHPOINT })).toBeVisible();
	await expectGrammar(page, 'touchpoint trend', signs);
	const p85 = page.locator('[data-trend-p85]');
	await expect(p85.locator('figcaption')).toHaveText('Doorlooptijd p85 (in werkdagen)');
	await expect(p85.locator('svg text.norm-label')).toHaveText('norm 2 werkdagen');
	await expect(p85.locator('[data-assurance][data-target="norm"]')).toHaveCount(1);
	await expect(page.locator('table thead th').nth(3)).toHaveText('Doorlooptijd p85 (in werkdagen)');
	for (const cell of await page.locator('table tbody td:nth-child(4)').allInnerTexts())
		expect(cell.trim(), 'a weekly p85 in working days').toMatch(/^(–|\d[\d,]* wd)$/);
	await shoot(page, 'trend');

	// the cycle: its chart's signals with the same icons as the team page
	await page.goto(`${team}/cycles`);
	await page.getByRole('link', { name: CYCLE }).first().click();
	await expect(page.getByRole('heading', { level: 1, name: CYCLE })).toBeVisible();
	await expectGrammar(page, 'cycle', signs);
	await expect(page.locator('.signals [data-variation]').first()).toBeVisible();
	// its goal (15 %): the assurance icon beside the variation icon, and the goal line's legend
	const reading = page.locator('[data-cycle-reading]');
	await expect(reading.locator('[data-variation]')).toHaveCount(1);
	await expect(reading.locator('[data-assurance][data-target="goal"]')).toHaveCount(1);
	await expect(reading.locator('[data-assurance] .text')).toHaveText(
		/^Haalt het doel (steeds|nooit|soms)$/
	);
	await expect(page.locator('.legend')).toContainText(/Doel: 15(,0)?\s?%/);
	await expect(page.locator('[data-goal]')).toHaveText(/^15(,0)?\s?%$/);
	await shoot(page, 'cycle');

	// the cycle board: each card's latest signal, the same icon; a cycle with a goal its assurance
	await page.goto(`${team}/cycles`);
	await expectGrammar(page, 'cycle board', signs);
	const card = page.locator('.cycle-card', { hasText: CYCLE });
	await expect(card.locator('[data-variation]')).toHaveCount(1);
	await expect(card.locator('[data-assurance][data-target="goal"]')).toHaveCount(1);
	// a cycle in plan claims no signal before its change: no variation icon, only its goal's
	const planned = page.locator('.cycle-card', { hasText: PLANNED });
	await expect(planned.locator('[data-assurance][data-target="goal"]')).toHaveCount(1);
	await expect(planned.locator('[data-variation]')).toHaveCount(0);
	// the board keeps the team's tabs at every size
	for (const viewport of [viewports.phone, { width: 820, height: 1180 }, viewports.laptop]) {
		await page.setViewportSize(viewport);
		const tabs = page.getByRole('navigation', { name: `Team ${TEAM}` });
		await expect(tabs.getByRole('link', { name: 'Verbetercycli' })).toBeVisible();
		await expect(tabs.getByRole('link', { name: 'Verbetercycli' })).toHaveAttribute(
			'aria-current',
			'page'
		);
		await expect(tabs.getByRole('link')).toHaveCount(6);
	}
	await shoot(page, 'board');

	// the planned cycle's page: its baseline only, and no "no signals" line under its chart —
	// there is no measurement after the change yet
	await planned.getByRole('link', { name: PLANNED }).click();
	await expect(page.getByRole('heading', { level: 1, name: PLANNED })).toBeVisible();
	await expect(page.locator('[data-not-claimed]')).toHaveText(/^Nog geen meting na de verandering/);
	await expect(page.getByText(/Geen signalen/)).toHaveCount(0);
	await expect(page.locator('.signals')).toHaveCount(0);
	await expect(page.locator('[data-cycle-reading] [data-variation]')).toHaveCount(0);
	await expect(page.locator('[data-cycle-reading] [data-assurance]')).toHaveCount(1);
	await expectGrammar(page, 'planned cycle', signs);

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

	// the coach's view of the team: each cycle's effect with the variation icon and, for a cycle
	// with a goal, the assurance icon beside it
	await coach.goto(`${DEMO}/coach/${team.split('/').pop()}`);
	// (the panel that records the next evaluation: the history may hold the same cycle)
	const effect = coach.locator('#record li', { hasText: 'Bevestiging per sms' });
	await expect(effect.locator('[data-variation]')).toHaveCount(1);
	await expect(effect.locator('[data-assurance][data-target="goal"]')).toHaveCount(1);
	await collectSigns(coach, 'coach team view', signs);
	await shoot(coach, 'coach-team');
	await coachContext.close();

	// the team page and the coach view showed at least the common-cause sign and agreed on it
	expect([...signs.keys()].some((k) => k.startsWith('variation:'))).toBe(true);
	// the assurance icon was seen against a norm and against a goal
	expect([...signs.keys()].some((k) => k.endsWith(':norm'))).toBe(true);
	expect([...signs.keys()].some((k) => k.endsWith(':goal'))).toBe(true);
	// one sign per signal: against a norm or a goal it is drawn the same; different signals
	// never share a drawing
	const drawing = new Map<string, string>();
	for (const [key, sign] of signs) {
		const kind = key.replace(/:(goal|norm)$/, '');
		if (drawing.has(kind)) expect(sign.svg, `${key} drawn as its kind`).toBe(drawing.get(kind));
		else drawing.set(kind, sign.svg);
	}
	const drawings = [...drawing.values()];
	expect(new Set(drawings).size).toBe(drawings.length);
});
