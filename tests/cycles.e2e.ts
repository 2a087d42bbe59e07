import type { Browser, Page } from '@playwright/test';
import {
	DEMO,
	expect,
	expectAccessible,
	expectNoOverflow,
	ready,
	signIn,
	test,
	viewports
} from './helpers';

// Improvement cycles in the demo organisation, on a tablet with touch as a team uses them in
// its meeting: a team member plans a cycle, meets the mandate check, asks the coach; the coach
// decides; the test starts. And the demo's adopted cycle shows its XmR chart and signal.

const TEAM = 'Afval & Buitenruimte';
const ADOPTED = 'Melder direct bevestigen en herinzameling zelf inplannen';

test.use({ viewport: viewports.tablet, hasTouch: true });

async function boardUrl(page: Page): Promise<string> {
	await page.goto(`${DEMO}/teams`);
	await page.getByRole('link', { name: TEAM }).first().click();
	await page.waitForURL(/\/teams\/[0-9a-f-]{36}$/);
	return `${page.url()}/cycles`;
}

/** A second person on the same server, in a browser context of their own. */
async function asUser(browser: Browser, email: string): Promise<Page> {
	const context = await browser.newContext({ viewport: viewports.laptop, locale: 'en-GB' });
	const page = await context.newPage();
	await signIn(page, DEMO, email);
	return page;
}

test('a team plans a cycle, asks the coach to decide outside the mandate, then starts the test', async ({
	page,
	browser
}) => {
	await signIn(page, DEMO, 'kim@voorbeeld.nl');
	const board = await boardUrl(page);
	await page.goto(board);
	await expect(page.getByRole('heading', { level: 1, name: 'Verbetercycli' })).toBeVisible();
	// the demo's cycles sit in their columns
	await expect(
		page.getByRole('region', { name: /Afgerond/ }).getByRole('link', { name: ADOPTED })
	).toBeVisible();
	await expectNoOverflow(page);
	await expectAccessible(page);
	await page.screenshot({ path: 'tests/screenshots/cycle-board-tablet.png', fullPage: true });

	// a new cycle: title and problem
	await page.getByText('Nieuwe verbetercyclus').click();
	await page.getByLabel('Titel').fill('Herinzameling door een externe vervoerder');
	await page
		.getByLabel('Probleem')
		.fill('Herinzameling wacht op een vrije wagen: melders bellen opnieuw.');
	await page.getByRole('button', { name: 'Cyclus starten' }).click();
	await page.waitForURL(/\/cycles\/[0-9a-f-]{36}$/);
	await ready(page);
	const cycleUrl = page.url();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Herinzameling door een externe vervoerder' })
	).toBeVisible();

	// a window in the wrong order is refused with its rule, in Dutch
	await page
		.getByLabel('Hypothese')
		.fill(
			'Als een externe vervoerder de herinzameling binnen een dag rijdt, dan dalen de herhaalmeldingen van container niet geleegd.'
		);
	await page.getByLabel('Meetwaarde').selectOption('repeat_rate');
	await page.getByLabel('Categorie').selectOption({ label: 'Container niet geleegd' });
	await page.getByLabel('Basisperiode vanaf').fill('2026-05-04');
	await page.getByLabel('Basisperiode tot en met').fill('2026-09-27');
	await page.getByLabel('Wijzigingsdatum').fill('2026-09-01');
	await page.getByLabel('Test vanaf').fill('2026-10-05');
	await page.getByLabel('Test tot en met').fill('2026-11-29');
	await page.getByRole('button', { name: 'Plan opslaan' }).click();
	await expect(
		page.getByText(/^De wijzigingsdatum moet na het einde van de basisperiode liggen/)
	).toBeVisible();
	await page.getByLabel('Wijzigingsdatum').fill('2026-10-05');
	// a scope without reports: a category that is not one of the touchpoint's
	await page
		.getByLabel('Klantcontactmoment')
		.selectOption({ label: 'Container niet geleegd: Melding kapotte container' });
	await page.getByRole('button', { name: 'Plan opslaan' }).click();
	await expect(page.getByRole('status').getByText('Opgeslagen')).toBeVisible();
	await expect(page.getByText(/^Geen meldingen in deze afbakening/)).toBeVisible();
	await page
		.getByLabel('Klantcontactmoment')
		.selectOption({ label: 'Container niet geleegd: Melding container niet geleegd' });
	// a goal in Dutch: a percentage with a decimal comma; more than 100 % is refused
	await page.getByLabel('Doel (optioneel)').fill('120');
	await page.getByRole('button', { name: 'Plan opslaan' }).click();
	await expect(page.getByLabel('Doel (optioneel)')).toHaveAttribute('aria-invalid', 'true');
	await page.getByLabel('Doel (optioneel)').fill('12,5');
	await page.getByRole('button', { name: 'Plan opslaan' }).click();
	await expect(page.getByRole('region', { name: 'Effect' }).locator('canvas')).toBeVisible();
	await expect(page.getByLabel('Doel (optioneel)')).toHaveValue('12,5');
	// the goal is the chart's target line, and the assurance icon says whether it is in reach
	const effectRegion = page.getByRole('region', { name: 'Effect' });
	await expect(effectRegion.locator('.legend')).toContainText(/Doel: 12,5\s?%/);
	await expect(
		effectRegion.locator('[data-cycle-reading] [data-assurance][data-target="goal"]')
	).toHaveCount(1);
	const svg = await page.request.get(`${cycleUrl}/chart.svg`);
	expect(await svg.text()).toContain('data-goal="0.125"');

	// idea → plan → start test: the mandate check stops it
	await page.getByRole('button', { name: 'Naar plan' }).click();
	await expect(page.getByRole('button', { name: 'Start test' })).toBeVisible();
	await page.getByLabel('Geen van deze: vraag de coach om een besluit').check();
	await page.getByRole('button', { name: 'Start test' }).click();
	await expect(page.getByRole('alert')).toContainText('niet binnen het mandaat van het team');
	await page.screenshot({ path: 'tests/screenshots/cycle-mandate-check-tablet.png' });

	// … so the team asks its coach
	await page
		.getByLabel('Vraag aan de coach')
		.fill(
			'Mogen we acht weken een externe vervoerder inhuren voor de herinzameling (ca. € 4.000)?'
		);
	await page.getByRole('button', { name: 'Besluit vragen' }).click();
	const requests = page.getByRole('region', { name: 'Besluitverzoeken' });
	await expect(requests.getByText('Open', { exact: true })).toBeVisible();
	await expect(requests.getByText(/Wacht op het besluit van/)).toBeVisible();

	// the coach approves it, with a reason
	const coach = await asUser(browser, 'coach@voorbeeld.nl');
	await coach.goto(cycleUrl);
	await ready(coach);
	await coach
		.getByLabel('Reden')
		.fill('Akkoord voor acht weken; valt binnen het budget. Evalueer de kosten per rit.');
	await coach.getByRole('button', { name: 'Goedkeuren' }).click();
	await expect(
		coach.getByRole('region', { name: 'Besluitverzoeken' }).getByText('Goedgekeurd')
	).toBeVisible();
	await coach.context().close();

	// now the team can start the test
	await page.goto(cycleUrl);
	await expect(
		page.getByText('De coach heeft het besluitverzoek goedgekeurd: de test kan starten.')
	).toBeVisible();
	await page.getByRole('button', { name: 'Start test' }).click();
	await expect(page.locator('[aria-current="step"]')).toContainText('Test');
	await expect(page.getByText('gedekt door een besluit van de coach.')).toBeVisible();
	// and the trail says who did what
	const trail = page.getByRole('region', { name: 'Wie deed wat' });
	await expect(trail.getByText(/keurde het besluitverzoek goed/)).toBeVisible();
	await expect(trail.getByText('zette de status op Test')).toBeVisible();
	await expectAccessible(page);
});

test('the adopted demo cycle shows its XmR chart and the improvement signal', async ({ page }) => {
	await signIn(page, DEMO, 'kim@voorbeeld.nl');
	await page.goto(await boardUrl(page));
	// on a phone the board's columns stack
	await page.setViewportSize(viewports.phone);
	await expectNoOverflow(page);
	await page.screenshot({ path: 'tests/screenshots/cycle-board-phone.png', fullPage: true });
	await page.setViewportSize(viewports.tablet);
	await page.getByRole('link', { name: ADOPTED }).click();
	await page.waitForURL(/\/cycles\/[0-9a-f-]{36}$/);
	await ready(page);
	const effect = page.getByRole('region', { name: 'Effect' });
	await expect(effect.locator('canvas')).toBeVisible();
	// the chart has drawn (chart.js loaded in the browser)
	await expect
		.poll(() => effect.locator('canvas').evaluate((c: HTMLCanvasElement) => c.toDataURL().length))
		.toBeGreaterThan(5000);
	await expect(
		effect.getByText(/^Mediaan herhaalpercentage .+ → .+ over \d+ weken; signaal \(verbetering\)/)
	).toBeVisible();
	await expect(
		effect
			.getByRole('listitem')
			.filter({ hasText: /verbetering: \d+ weken op rij onder de middenlijn/ })
			.first()
	).toBeVisible();
	await expectAccessible(page);
	await expectNoOverflow(page);
	await page.screenshot({ path: 'tests/screenshots/cycle-page-tablet.png', fullPage: true });

	for (const [name, viewport] of [
		['tablet-portrait', { width: 768, height: 1024 }],
		['laptop', viewports.laptop],
		['phone', viewports.phone]
	] as const) {
		await page.setViewportSize(viewport);
		await expect(effect.locator('canvas')).toBeVisible();
		// chart.js has followed the new width
		await expect
			.poll(() =>
				effect
					.locator('canvas')
					.evaluate(
						(c: HTMLCanvasElement) =>
							Math.abs(c.getBoundingClientRect().width - c.parentElement!.clientWidth) < 2
					)
			)
			.toBe(true);
		await expectNoOverflow(page);
		await page.screenshot({ path: `tests/screenshots/cycle-page-${name}.png`, fullPage: true });
	}

	// the team takes the new level as its baseline: a recorded choice, shown on the chart
	await page.setViewportSize(viewports.tablet);
	await page.getByRole('button', { name: 'Grenzen herberekenen vanaf de wijzigingsdatum' }).click();
	await expect(
		effect.getByText(/^Grenzen herberekend vanaf 3 nov 2025 \(door Kim de Vries\)/)
	).toBeVisible();
	await expect(
		page
			.getByRole('region', { name: 'Wie deed wat' })
			.getByText('herberekende de grenzen vanaf 3 nov 2025')
	).toBeVisible();
	await expect(
		page.getByRole('button', { name: 'Terug naar de grenzen van de basisperiode' })
	).toBeVisible();
	await effect.screenshot({ path: 'tests/screenshots/cycle-rebased-tablet.png' });
});

test('a cycle still in plan shows its baseline only, and no signal', async ({ page }) => {
	await signIn(page, DEMO, 'kim@voorbeeld.nl');
	await page.goto(await boardUrl(page));
	await page.getByRole('link', { name: 'Grofvuil binnen een week ophalen' }).click();
	await page.waitForURL(/\/cycles\/[0-9a-f-]{36}$/);
	await ready(page);
	const effect = page.getByRole('region', { name: 'Effect' });
	await expect(effect.locator('canvas')).toBeVisible();
	// its change date has passed, but the change has not been tested: nothing is claimed
	await expect(
		effect.getByText(/^Nog niet getest: de grafiek laat de basisperiode zien/)
	).toBeVisible();
	await expect(effect.getByText(/signaal \((verbetering|zorg)\)/)).toHaveCount(0);
	// and the chart does not say "no signals" under it: there is no measurement after the change
	await expect(effect.getByText(/^Geen signalen/)).toHaveCount(0);
	await expect(effect.getByText(/^Nog geen meting na de verandering/)).toBeVisible();
	await expectAccessible(page);
	for (const [name, viewport] of [
		['phone', viewports.phone],
		['tablet', viewports.tablet],
		['laptop', viewports.laptop]
	] as const) {
		await page.setViewportSize(viewport);
		await expectNoOverflow(page);
		await effect.screenshot({ path: `tests/screenshots/cycle-plan-effect-${name}.png` });
	}
});
