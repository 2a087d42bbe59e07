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

// The coach's evaluation view on the demo: Coco coaches "Afval & Buitenruimte" (its evaluation
// was due on 2 November: overdue) and "Wijkteam Noord" (due 7 December). One serial story:
// the steps change the demo's data.
test.describe.configure({ mode: 'serial' });

const teamCards = (page: Page) => page.getByRole('list', { name: 'Teams' }).locator(':scope > li');
const card = (page: Page, name: string) =>
	teamCards(page).filter({ has: page.getByRole('heading', { level: 2, name }) });
const teamOrder = async (page: Page) =>
	(await teamCards(page).getByRole('heading', { level: 2 }).allTextContents()).map((s) => s.trim());

/** The date `days` after an ISO date. */
const addDays = (iso: string, days: number) => {
	const [y, m, d] = iso.split('-').map(Number);
	return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
};

test.describe('coach view', () => {
	test.use({ viewport: viewports.laptop });

	test('staff get a friendly page instead of the coach view', async ({ page }) => {
		await signIn(page, DEMO, 'ravi@voorbeeld.nl');
		await expect(page.getByRole('link', { name: 'Coachen' })).toHaveCount(0);
		const res = await page.goto(`${DEMO}/coach`);
		expect(res?.status()).toBe(403);
		await expect(
			page.getByRole('heading', { name: 'Coachen is voor coaches en beheerders' })
		).toBeVisible();
		await expect(page.getByRole('link', { name: 'Naar de teams' })).toBeVisible();
	});

	test('the overdue team comes first; its open request is decided here with a reason', async ({
		page
	}) => {
		await signIn(page, DEMO, 'coach@voorbeeld.nl');
		await page.getByRole('link', { name: 'Coachen' }).click();
		await expect(page.getByRole('heading', { level: 1, name: 'Coachen' })).toBeVisible();
		await expect(page.getByText('niet op prestaties')).toBeVisible();
		expect(await teamOrder(page)).toEqual(['Afval & Buitenruimte', 'Wijkteam Noord']);

		const waste = card(page, 'Afval & Buitenruimte');
		await expect(waste.getByText(/\d+ (dagen|weken?) te laat/)).toBeVisible();
		await expect(card(page, 'Wijkteam Noord').getByText('te laat')).toHaveCount(0);
		// headline figures: a value, a sparkline described in words, a signal in text
		await expect(
			waste.getByRole('img', { name: /Herhaalmeldingen, laatste 26 weken/ })
		).toHaveCount(1);
		await expect(
			waste.getByText(/signaal: (verbetering|zorg)|geen signaal/i).first()
		).toBeVisible();
		// the stagnant cycle in test (unchanged since 5 October) is named
		await expect(
			waste.getByRole('link', { name: 'Bevestiging per sms bij kapotte container' })
		).toBeVisible();
		await expect(waste.getByText('Test: 1')).toBeVisible();

		await expectNoOverflow(page);
		await expectAccessible(page);
		await page.screenshot({ path: 'tests/screenshots/coach-laptop.png', fullPage: true });
		await page.setViewportSize(viewports.tablet);
		await expectNoOverflow(page);
		await page.screenshot({ path: 'tests/screenshots/coach-tablet.png', fullPage: true });
		await page.setViewportSize(viewports.phone);
		await expectNoOverflow(page);
		await page.screenshot({ path: 'tests/screenshots/coach-phone.png', fullPage: true });
		await page.setViewportSize(viewports.laptop);

		// Declining needs a reason: the server says so (the browser's own check taken away)
		const request = waste.getByRole('article').filter({ hasText: 'zaterdag' });
		await request.getByRole('textbox').evaluate((el) => el.removeAttribute('required'));
		await request.getByRole('button', { name: 'Afwijzen' }).click();
		await expect(request.getByText('Geef een reden voor je besluit')).toBeVisible();

		await request
			.getByLabel('Reden (verplicht)')
			.fill('Acht weken proef past binnen de begroting van Stadsbeheer.');
		await request.getByRole('button', { name: 'Goedkeuren' }).click();
		await expect(page.getByRole('status')).toContainText('Goedgekeurd');
		await expect(waste.getByText('Geen open besluitvragen.')).toBeVisible();
	});

	test('"Naar de ideeën" leads to the ideas to triage, not to the submission form', async ({
		page
	}) => {
		await signIn(page, DEMO, 'coach@voorbeeld.nl');
		await page.goto(`${DEMO}/coach`);
		await expect(page.getByText(/idee(ën)? zonder team wacht/)).toBeVisible();
		await page.getByRole('link', { name: 'Naar de ideeën' }).click();
		await expect(page).toHaveURL(/\/ideas\/triage$/);
		await expect(page.getByRole('heading', { level: 1, name: 'Ideeën beoordelen' })).toBeVisible();
		await expect(page.getByLabel('Jouw idee')).toHaveCount(0);
	});

	test("Kim's home page says her team's evaluation is overdue", async ({ page }) => {
		await signIn(page, DEMO, 'kim@voorbeeld.nl');
		await page.goto(`${DEMO}/`);
		const mine = page
			.getByRole('region', { name: 'Mijn klantteams' })
			.getByRole('listitem')
			.filter({ hasText: 'Afval & Buitenruimte' });
		await expect(mine).toContainText('Volgende evaluatie 2 nov 2026');
		await expect(mine).toContainText(/\d+ (dagen|weken?) te laat/);
		await expectAccessible(page);
	});

	test('an evaluation is recorded for the overdue team and moves its due date', async ({
		page
	}) => {
		await signIn(page, DEMO, 'coach@voorbeeld.nl');
		await page.goto(`${DEMO}/coach`);
		await card(page, 'Afval & Buitenruimte')
			.getByRole('link', { name: 'Evaluatie vastleggen voor Afval & Buitenruimte' })
			.click();
		await expect(
			page.getByRole('heading', { level: 1, name: 'Afval & Buitenruimte' })
		).toBeVisible();

		// the decision taken on the overview shows as decided
		const decided = page.getByRole('list').filter({ hasText: 'Acht weken proef' });
		await expect(decided.getByText(/goedgekeurd door Coco/)).toBeVisible();
		// the last evaluation is in the history
		await expect(page.getByRole('heading', { name: /Evaluatie van 19 okt/ })).toBeVisible();

		const panel = page.getByRole('complementary', { name: 'Evaluatie vastleggen' });
		const results = panel.getByLabel('Resultaten ten opzichte van de nulmeting');
		await expect(results).toHaveValue(/Herhaalmeldingen .*%/);
		await expect(results).toHaveValue(/Grofvuil binnen een week ophalen \(plan\)/);
		const today = await panel.getByLabel('Datum evaluatie').inputValue();
		await expect(panel.getByLabel('Volgende evaluatie')).toHaveValue(addDays(today, 14));

		await expectAccessible(page);
		await page.screenshot({ path: 'tests/screenshots/coach-team-laptop.png', fullPage: true });

		// a next date on the day itself is refused, and nothing is stored
		await panel.getByLabel('Volgende evaluatie').fill(today);
		await panel.getByRole('button', { name: 'Evaluatie opslaan' }).click();
		await expect(
			panel.getByText('De volgende evaluatie moet na de datum van deze evaluatie liggen.')
		).toBeVisible();
		await expect(page.getByRole('heading', { name: /^Evaluatie van / })).toHaveCount(1);

		const next = addDays(today, 60);
		await panel.getByLabel('Volgende evaluatie').fill(next);
		await panel
			.getByLabel('Belemmeringen die jij wegneemt')
			.fill('Schrijfrechten planning regelen met ICT');
		await panel.getByLabel('Volgende stap').fill('Test zaterdagronde starten');
		await panel.getByRole('button', { name: 'Evaluatie opslaan' }).click();
		await expect(page.getByRole('status')).toContainText('Evaluatie opgeslagen');
		await expect(page.getByRole('heading', { name: /^Evaluatie van / })).toHaveCount(2);
		await expect(page.getByText(/over \d+ weken/).first()).toBeVisible();
		await expect(page.getByText('Schrijfrechten planning regelen met ICT')).toBeVisible();

		await page.goto(`${DEMO}/coach`);
		expect(await teamOrder(page)).toEqual(['Wijkteam Noord', 'Afval & Buitenruimte']);
		const waste = card(page, 'Afval & Buitenruimte');
		await expect(waste.getByText('te laat')).toHaveCount(0);
		await expect(waste.getByText(/over 8 weken/)).toBeVisible();
		// and Kim's home page no longer says it is late
		await page.context().clearCookies();
		await signIn(page, DEMO, 'kim@voorbeeld.nl');
		await page.goto(`${DEMO}/`);
		const mine = page.getByRole('region', { name: 'Mijn klantteams' });
		await expect(mine.getByText(/over 8 weken/)).toBeVisible();
		await expect(mine.getByText('te laat')).toHaveCount(0);
	});

	test('the print page is one clean sheet without navigation', async ({ page }) => {
		await signIn(page, DEMO, 'coach@voorbeeld.nl');
		await page.goto(`${DEMO}/coach`);
		await card(page, 'Afval & Buitenruimte')
			.getByRole('link', { name: 'Afdrukversie voor Afval & Buitenruimte' })
			.click();
		await expect(
			page.getByRole('heading', { level: 1, name: 'Evaluatie Afval & Buitenruimte' })
		).toBeVisible();
		await expect(
			page.getByRole('cell', { name: 'Grofvuil binnen een week ophalen' })
		).toBeVisible();
		await expect(page.getByText('Test zaterdagronde starten')).toBeVisible();
		await expectAccessible(page);

		const nav = page.getByRole('navigation', { name: 'Hoofdmenu' });
		await expect(nav).toBeVisible();
		await page.emulateMedia({ media: 'print' });
		await page.setViewportSize({ width: 794, height: 1123 });
		await expect(nav).toBeHidden();
		await expect(page.getByRole('button', { name: 'Afdrukken' })).toBeHidden();
		await expect(page.getByRole('rowheader', { name: 'Herhaalmeldingen' })).toBeVisible();
		await page.screenshot({ path: 'tests/screenshots/coach-print.png', fullPage: true });
	});

	test('an unknown team is a clear page, not an error', async ({ page }) => {
		await signIn(page, DEMO, 'coach@voorbeeld.nl');
		const res = await page.goto(`${DEMO}/coach/00000000-0000-4000-8000-000000000000`);
		expect(res?.status()).toBe(404);
		await expect(page.getByRole('heading', { name: 'Dit team bestaat niet' })).toBeVisible();

		// in English, the view and its messages are in English
		await page.getByRole('button', { name: /^EN/ }).click();
		await expect(page.getByRole('heading', { name: 'This team does not exist' })).toBeVisible();
		await page.goto(`${DEMO}/coach`);
		await expect(page.getByRole('heading', { level: 1, name: 'Coaching' })).toBeVisible();
		await expect(page.getByText(/never by performance/)).toBeVisible();
		await expect(
			card(page, 'Wijkteam Noord').getByText(/in \d+ (days|weeks?)|today|tomorrow/)
		).toBeVisible();
	});
});
