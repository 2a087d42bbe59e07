import type { Locator, Page } from '@playwright/test';
import { DEMO, expect, expectAccessible, expectNoOverflow, signIn, test } from './helpers';

// The journey map (a service blueprint) on a tablet with touch: the demo journey with its case
// figures and handoffs, and a journey built, reordered by touch and keyboard, and undone.
test.use({ viewport: { width: 1024, height: 768 }, hasTouch: true });

async function openTeam(page: Page) {
	await page.goto(`${DEMO}/teams`);
	await page.getByRole('link', { name: 'Afval & Buitenruimte' }).first().click();
	await expect(page.getByRole('heading', { level: 1, name: 'Afval & Buitenruimte' })).toBeVisible();
}

async function openDemoJourney(page: Page) {
	await openTeam(page);
	await page.getByRole('link', { name: 'Container niet geleegd', exact: true }).first().click();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Container niet geleegd' })
	).toBeVisible();
}

const card = (page: Page, name: string) =>
	page.locator('[data-tp]').filter({ has: page.getByRole('heading', { level: 4, name }) });
const stage = (page: Page, name: string) =>
	page.locator('section.stage').filter({ has: page.getByRole('heading', { level: 2, name }) });
/** The touchpoints of a stage, in their order (their step numbers: 2.1, 2.2 …). */
async function order(page: Page, name: string) {
	const cards = await stage(page, name)
		.locator('[data-tp]')
		.evaluateAll((els) =>
			els.map(
				(el) =>
					[
						Number(el.getAttribute('data-step')?.split('.')[1]),
						el.querySelector('h4')?.textContent?.trim()
					] as const
			)
		);
	return cards.sort((a, b) => a[0] - b[0]).map((c) => c[1]);
}

/** A drag with a finger: touch events through the browser's input pipeline (→ pointer events). */
async function touchDrag(page: Page, from: Locator, to: Locator) {
	await from.scrollIntoViewIfNeeded();
	const a = (await from.boundingBox())!;
	const b = (await to.boundingBox())!;
	const start = { x: a.x + a.width / 2, y: a.y + a.height / 2 };
	const end = { x: b.x + b.width / 2, y: b.y + Math.min(b.height / 2, 30) };
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [start] });
	for (let i = 1; i <= 12; i++) {
		const p = {
			x: start.x + ((end.x - start.x) * i) / 12,
			y: start.y + ((end.y - start.y) * i) / 12
		};
		await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [p] });
	}
	await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
	await cdp.detach();
}

test('the demo journey shows case figures, handoffs and the emotion curve', async ({ page }) => {
	await signIn(page, DEMO, 'kim@voorbeeld.nl');
	await openDemoJourney(page);

	const report = card(page, 'Melding container niet geleegd');
	await expect(report).toContainText(/Meldingen: \d[\d.]*/);
	await expect(report).toContainText(/herhaling \d+,\d%/);
	await expect(report).toContainText(
		/p85 \d+,\d wd · norm 2 wd (binnen norm|boven norm|ver boven norm)/
	);
	await expect(card(page, 'Container legen')).toContainText('Geen meldingen gekoppeld');
	// KCC → Afvalinzameling and back: two handoffs, said in words on the receiving cards
	await expect(card(page, 'Oorzaak vaststellen (route, chip, bereikbaarheid)')).toContainText(
		'Overdracht van KCC'
	);
	await expect(card(page, 'Bevestiging aan melder')).toContainText(
		'Overdracht van Afvalinzameling'
	);
	await expect(page.locator('svg.arrows path.link.handoff')).toHaveCount(2);
	await expect(page.getByRole('img', { name: /Emotiecurve van de klant: .*−2/ })).toBeVisible();
	await expect(page.getByText('Zichtlijn').first()).toBeVisible();
	await expectAccessible(page);

	const shots = [
		['tablet', { width: 1024, height: 768 }],
		['tablet-portrait', { width: 768, height: 1024 }],
		['laptop', { width: 1440, height: 900 }],
		['phone', { width: 390, height: 844 }]
	] as const;
	for (const [name, viewport] of shots) {
		await page.setViewportSize(viewport);
		await page.reload();
		await expect(report).toBeVisible();
		await expectNoOverflow(page);
		await page.screenshot({ path: `tests/screenshots/journey-map-${name}.png`, fullPage: true });
	}
	await page.setViewportSize({ width: 1024, height: 768 });
	await page.reload();

	// a card opens its details; from there its weekly trend over 26 weeks
	await report.getByRole('link', { name: 'Melding container niet geleegd' }).click();
	const panel = page.getByRole('complementary', { name: 'Melding container niet geleegd' });
	await expect(panel).toContainText('Cijfers over 26 weken');
	await expect(panel).toContainText('Categorieën: Container niet geleegd');
	await panel.getByRole('link', { name: 'Trend per week (26 weken)' }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Melding container niet geleegd' })
	).toBeVisible();
	await expect(page.locator('table tbody tr')).toHaveCount(26);
	await expect(page.getByRole('img', { name: /^Meldingen, .*laagste \d+/ })).toBeVisible();
	await expectAccessible(page);
});

test('staff outside the teams read the map without figures or edit controls', async ({ page }) => {
	await signIn(page, DEMO, 'ravi@voorbeeld.nl');
	await openDemoJourney(page);
	await expect(page.getByText(/Geen toegang tot meldingscijfers: die zien alleen/)).toBeVisible();
	await expect(card(page, 'Melding container niet geleegd')).toContainText(
		'Geen toegang tot meldingscijfers'
	);
	await expect(card(page, 'Melding container niet geleegd')).not.toContainText('Meldingen:');
	await expect(page.getByRole('button', { name: /verplaatsen/ })).toHaveCount(0);
	await expect(page.getByRole('link', { name: 'Fase toevoegen' })).toHaveCount(0);
	await expect(page.getByRole('button', { name: 'Ongedaan maken' })).toHaveCount(0);
});

test('build a journey, reorder by touch and keyboard, undo', async ({ page }) => {
	const name = `Proefreis ${Date.now().toString(36)}`;
	await signIn(page, DEMO, 'kim@voorbeeld.nl');
	await openTeam(page);
	await page.goto(`${page.url()}/journeys`);
	await page.getByLabel('Naam van de klantreis').fill(name);
	await page.getByLabel('Klantgroep').fill('Inwoners');
	await page.getByRole('button', { name: 'Klantreis aanmaken' }).click();
	await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
	await expect(page.getByText('Deze klantreis heeft nog geen fasen.')).toBeVisible();

	// two stages
	for (const [stageName, action] of [
		['Aanmelden', 'Meldt via telefoon of web'],
		['Afhandelen', 'Wacht op bericht']
	]) {
		await page.getByRole('link', { name: 'Fase toevoegen' }).first().click();
		await page.getByLabel('Naam van de fase').fill(stageName);
		await page.getByLabel('Wat de klant doet').fill(action);
		await page.getByRole('button', { name: 'Fase toevoegen' }).click();
		await expect(stage(page, stageName)).toBeVisible();
	}

	// three touchpoints: two at the front office of the first stage, one in the back office
	const add = async (
		stageName: string,
		tp: string,
		channel: string,
		department: string,
		office: 'Frontoffice' | 'Backoffice'
	) => {
		await stage(page, stageName)
			.getByRole('link', { name: /Contactmoment toevoegen/ })
			.click();
		const panel = page.getByRole('complementary', { name: 'Contactmoment toevoegen' });
		await expect(panel).toBeVisible();
		await panel.getByLabel('Naam van het contactmoment').fill(tp);
		await panel.getByLabel('Kanaal').selectOption({ label: channel });
		await panel.getByLabel('Afdeling', { exact: true }).selectOption({ label: department });
		await panel.getByRole('radio', { name: office }).check();
		await panel.getByRole('radio', { name: /ontevreden/ }).check();
		if (tp === 'Telefoon') await expectAccessible(page); // the editor form, open
		await panel.getByRole('button', { name: 'Contactmoment toevoegen' }).click();
		await expect(panel).toBeHidden();
		await expect(card(page, tp)).toBeVisible();
	};
	await add('Aanmelden', 'Telefoon', 'Telefoon', 'KCC', 'Frontoffice');
	await add('Aanmelden', 'Webformulier', 'Website', 'KCC', 'Frontoffice');
	await add('Afhandelen', 'Inplannen', 'Geen (intern)', 'Afvalinzameling', 'Backoffice');
	expect(await order(page, 'Aanmelden')).toEqual(['Telefoon', 'Webformulier']);
	await expect(card(page, 'Inplannen')).toContainText('Overdracht van KCC');
	await expect(card(page, 'Telefoon')).toContainText('Geen meldingen gekoppeld');
	await expectAccessible(page);

	// keyboard: the handle with the arrow keys, announced
	await page.getByRole('button', { name: 'Webformulier verplaatsen', exact: true }).focus();
	await page.keyboard.press('ArrowUp');
	await expect(page.locator('#journey-status')).toHaveText(
		'Webformulier staat nu in fase Aanmelden, plaats 1 van 2, Frontoffice.'
	);
	await expect(
		page.getByRole('button', { name: 'Webformulier verplaatsen', exact: true })
	).toBeFocused();
	await expect(
		page.getByRole('button', { name: /Ongedaan maken.*Webformulier verplaatsen/ })
	).toBeEnabled();
	await page.reload();
	expect(await order(page, 'Aanmelden')).toEqual(['Webformulier', 'Telefoon']);

	// Ctrl+Z takes it back, also after the reload
	await page.keyboard.press('Control+z');
	await expect(page.locator('#journey-status')).toHaveText(
		/Ongedaan gemaakt: Webformulier verplaatsen/
	);
	await page.reload();
	expect(await order(page, 'Aanmelden')).toEqual(['Telefoon', 'Webformulier']);

	// touch: drag Telefoon by its handle into the front office lane of the next stage
	await touchDrag(
		page,
		page.getByRole('button', { name: 'Telefoon verplaatsen', exact: true }),
		stage(page, 'Afhandelen').locator('[data-lane="front_office"]')
	);
	await expect(page.locator('#journey-status')).toHaveText(
		'Telefoon staat nu in fase Afhandelen, plaats 2 van 2, Frontoffice.'
	);
	// stored: the Undo button now offers to take the move back
	await expect(
		page.getByRole('button', { name: /Ongedaan maken.*Telefoon verplaatsen/ })
	).toBeEnabled();
	await page.reload();
	expect(await order(page, 'Aanmelden')).toEqual(['Webformulier']);
	expect(await order(page, 'Afhandelen')).toEqual(['Inplannen', 'Telefoon']);

	// the Undo button restores the previous order
	await page.getByRole('button', { name: /Ongedaan maken/ }).click();
	await expect(page.locator('#journey-status')).toHaveText(
		/Ongedaan gemaakt: Telefoon verplaatsen/
	);
	await page.reload();
	expect(await order(page, 'Aanmelden')).toEqual(['Telefoon', 'Webformulier']);
	expect(await order(page, 'Afhandelen')).toEqual(['Inplannen']);
	await expect(page.getByRole('button', { name: /Ongedaan maken/ })).toBeDisabled();

	// a stage moves with the arrow keys on its handle too
	await page.getByRole('button', { name: 'Fase Aanmelden verplaatsen', exact: true }).focus();
	await page.keyboard.press('ArrowRight');
	await expect(page.locator('#journey-status')).toHaveText(
		'Fase Aanmelden staat nu op plaats 2 van 2.'
	);
	await expect(
		page.getByRole('button', { name: /Ongedaan maken.*fase Aanmelden verplaatsen/ })
	).toBeEnabled();
	await page.reload();
	await expect(page.locator('section.stage h2')).toHaveText([/Afhandelen/, /Aanmelden/]);

	// the journey is removed again (after a confirmation), so the demo stays as it was
	await page.getByRole('link', { name: 'Klantreis bewerken' }).click();
	await page.getByLabel(/Ja, verwijder/).check();
	await page.getByRole('button', { name: 'Klantreis verwijderen' }).click();
	await expect(page.getByRole('heading', { level: 2, name: 'Klantreizen' })).toBeVisible();
	await expect(page.getByRole('link', { name })).toHaveCount(0);
});
