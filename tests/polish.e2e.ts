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

// Polish seen on the way (issue 11 §5), on a tablet with touch: the journey map and its panel are
// read first and edited on purpose, the board keeps the team's tabs, the offline message goes
// once the connection is back, and an empty team is told how to start.

test.use({ viewport: viewports.tablet, hasTouch: true });

const tag = () => Math.random().toString(36).slice(2, 8);

async function openTeam(page: Page) {
	await page.goto(`${DEMO}/teams`);
	await page.getByRole('link', { name: 'Afval & Buitenruimte' }).first().click();
	await page.waitForURL(/\/teams\/[0-9a-f-]{36}$/);
}

const card = (page: Page, name: string) =>
	page.locator('[data-tp]').filter({ has: page.getByRole('heading', { level: 4, name }) });

test('the journey map and a touchpoint are read first; editing is a step of its own', async ({
	page
}) => {
	await signIn(page, DEMO, 'kim@voorbeeld.nl');
	await openTeam(page);
	await page.getByRole('link', { name: 'Container niet geleegd', exact: true }).first().click();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Container niet geleegd' })
	).toBeVisible();

	// Kim may edit, but the map opens to be read: no handles, no add, no undo
	const handle = page.getByRole('button', {
		name: 'Melding container niet geleegd verplaatsen',
		exact: true
	});
	await expect(handle).toHaveCount(0);
	await expect(
		page.getByRole('link', { name: /Fase toevoegen|Contactmoment toevoegen/ })
	).toHaveCount(0);
	await expect(page.getByRole('button', { name: /Ongedaan maken/ })).toHaveCount(0);

	// a card opens its details and figures, not a form
	await card(page, 'Melding container niet geleegd')
		.getByRole('link', { name: 'Melding container niet geleegd', exact: true })
		.tap();
	const panel = page.getByRole('complementary', { name: 'Melding container niet geleegd' });
	await expect(panel).toContainText('Cijfers over 26 weken');
	await expect(panel.getByLabel('Naam van het contactmoment')).toHaveCount(0);
	await expect(panel.getByRole('button', { name: /verwijderen/i })).toHaveCount(0);
	await expectAccessible(page);

	// editing it is a deliberate tap: the form, the move buttons and the map's handles appear
	await panel.getByRole('link', { name: 'Melding container niet geleegd bewerken' }).tap();
	await expect(panel.getByLabel('Naam van het contactmoment')).toHaveValue(
		'Melding container niet geleegd'
	);
	await expect(page).toHaveURL(/mode=edit/);
	await expect(handle).toBeVisible();
	await expect(page.getByRole('link', { name: 'Fase toevoegen' })).toBeVisible();

	// done editing (keyboard): the map is read again, the panel shows the details
	const done = page.getByRole('link', { name: 'Klaar met bewerken' });
	await done.focus();
	await page.keyboard.press('Enter');
	await expect(page).not.toHaveURL(/mode=edit/);
	await expect(handle).toHaveCount(0);
	await expect(panel.getByLabel('Naam van het contactmoment')).toHaveCount(0);

	// and the map's own edit button works from the keyboard too
	await page.getByRole('link', { name: 'Kaart bewerken' }).focus();
	await page.keyboard.press('Enter');
	await expect(handle).toBeVisible();
	await expectNoOverflow(page);
});

test("the cycles board and a cycle keep the team's tabs", async ({ page }) => {
	await signIn(page, DEMO, 'kim@voorbeeld.nl');
	await openTeam(page);
	const tabs = page.getByRole('navigation', { name: 'Team Afval & Buitenruimte' });
	await tabs.getByRole('link', { name: 'Verbetercycli' }).tap();
	await expect(page.getByRole('heading', { level: 1, name: 'Verbetercycli' })).toBeVisible();
	await expect(tabs.getByRole('link', { name: 'Verbetercycli' })).toHaveAttribute(
		'aria-current',
		'page'
	);
	await expect(tabs.getByRole('link')).toHaveText([
		'Overzicht',
		'Klantreizen',
		'Verbetercycli',
		'Team',
		'Mandaat',
		'Stilte'
	]);
	await page.getByRole('link', { name: 'Zwerfafval-hotspots vooraf schouwen' }).tap();
	await page.waitForURL(/\/cycles\/[0-9a-f-]{36}$/);
	await expect(tabs.getByRole('link', { name: 'Verbetercycli' })).toHaveAttribute(
		'aria-current',
		'page'
	);
});

test('the offline message goes once the connection is back and the idea has left', async ({
	page,
	context
}) => {
	await page.setViewportSize(viewports.phone);
	await signIn(page, DEMO, 'ravi@voorbeeld.nl');
	await page.goto(`${DEMO}/ideas`);
	await context.setOffline(true);
	await page.getByLabel('Jouw idee').fill(`Offline ${tag()}: een bankje bij de bushalte`);
	await page.getByRole('button', { name: 'Idee versturen' }).tap();
	const offline = page.getByText('Je bent offline. Je idee staat klaar');
	await expect(offline).toBeVisible();
	await context.setOffline(false);
	await expect(page.locator('[data-waiting]')).toHaveCount(0);
	await expect(offline).toBeHidden();
});

test('an empty team is told its first steps, each with its link', async ({ page }) => {
	await signIn(page, DEMO, 'coach@voorbeeld.nl');
	await page.goto(`${DEMO}/teams`);
	const name = `Startteam ${tag()}`;
	await page.getByLabel('Naam', { exact: true }).fill(name);
	await page.getByRole('button', { name: 'Team aanmaken' }).click();
	await page.waitForURL(/\/teams\/[0-9a-f-]{36}\/members$/);
	const team = new URL(page.url()).pathname.replace(/\/members$/, '');
	await page.goto(`${DEMO}${team}`);
	await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();

	const start = page.getByRole('region', { name: 'Zo begint het team' });
	await expect(start.getByRole('link')).toHaveText([
		/^Zet de leden op het team/,
		/^Teken de klantreis/,
		/^Koppel meldingscategorieën/,
		/^Stel het mandaat op/,
		/^Start de eerste verbetercyclus/
	]);
	for (const [text, path] of [
		['Zet de leden op het team', '/members'],
		['Teken de klantreis', '/journeys'],
		['Stel het mandaat op', '/mandate'],
		['Start de eerste verbetercyclus', '/cycles']
	])
		await expect(start.getByRole('link', { name: new RegExp(`^${text}`) })).toHaveAttribute(
			'href',
			`${team}${path}`
		);
	await expectAccessible(page);
	await expectNoOverflow(page);
	await page.screenshot({ path: 'tests/screenshots/team-empty-tablet.png', fullPage: true });

	// the step leads there
	await start.getByRole('link', { name: /^Teken de klantreis/ }).tap();
	await expect(page.getByLabel('Naam van de klantreis')).toBeVisible();

	// a team that has taken every step is not told again
	await openTeam(page);
	await expect(page.getByRole('heading', { level: 1, name: 'Afval & Buitenruimte' })).toBeVisible();
	await expect(page.getByRole('region', { name: 'Zo begint het team' })).toHaveCount(0);
});
