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

// The customer team's own pages in the demo: the team page a team meets around on a tablet, its
// members and composition, and the mandate that the team drafts and its coach approves.
const TEAM = 'Afval & Buitenruimte';

async function openTeam(page: Page, tab?: string) {
	await page.goto(`${DEMO}/teams`);
	await page.getByRole('link', { name: TEAM }).click();
	await expect(page.getByRole('heading', { level: 1, name: TEAM })).toBeVisible();
	if (tab) {
		await page
			.getByRole('navigation', { name: `Team ${TEAM}` })
			.getByRole('link', { name: tab })
			.click();
		await expect(page.getByRole('link', { name: tab, exact: true })).toHaveAttribute(
			'aria-current',
			'page'
		);
	}
}

test.describe('on a tablet', () => {
	test.use({ viewport: viewports.tablet, hasTouch: true });

	test('the team page shows headline figures with signals, active cycles, mandate and next evaluation', async ({
		page
	}) => {
		await signIn(page, DEMO, 'kim@voorbeeld.nl');
		await openTeam(page);
		const tiles = page.locator('.tile');
		await expect(tiles).toHaveCount(4);
		for (const label of [
			'Herhaalmeldingen',
			'Doorlooptijd (p85)',
			'Binnen de norm',
			'Stilte (p85)'
		])
			await expect(tiles.getByRole('heading', { name: label })).toBeVisible();
		// every tile says in words whether a signal fires
		await expect(tiles.locator('.signal-text')).toHaveText([
			/Signaal|Geen signaal/,
			/Signaal|Geen signaal/,
			/Signaal|Geen signaal/,
			/Signaal|Geen signaal/
		]);
		await expect(tiles.locator('.value').first()).toHaveText(/\d+,\d%/);
		await expect(
			page.getByRole('link', { name: 'Grofvuil binnen een week ophalen' })
		).toBeVisible();
		await expect(
			page.getByText(/Versie 2, goedgekeurd op 15 sep 2025 door Coco Coach/)
		).toBeVisible();
		// the next evaluation (the coach's tests may have recorded one since the demo's, which is overdue)
		await expect(page.locator('.eval')).toHaveText(/^\d{1,2} [a-z]{3} 20\d\d(\s+te laat)?\s*$/);
		await expectNoOverflow(page);
		await expectAccessible(page);
		await page.screenshot({ path: 'tests/screenshots/team-tablet.png', fullPage: true });

		await openTeam(page, 'Team');
		// a department that owns touchpoints of the team's journeys but nobody on the team represents
		const gaps = page.getByRole('list', { name: 'Niet vertegenwoordigd' });
		await expect(gaps.getByRole('listitem')).toHaveText(['Vergunningen · 1 contactmoment']);
		await expect(page.getByRole('row', { name: /Proactief/ })).toContainText('3–5');
		// a lead changes the settings but is not offered the coach: only an admin appoints one
		await expect(
			page.getByText('Alleen een beheerder wijst de coach van een team aan.')
		).toBeVisible();
		await expect(page.getByRole('combobox', { name: 'Coach' })).toHaveCount(0);
		await expectAccessible(page);
		await page.screenshot({ path: 'tests/screenshots/team-members-tablet.png', fullPage: true });
	});

	test('the team drafts a mandate version, the coach approves it, and the history shows both', async ({
		page
	}) => {
		await signIn(page, DEMO, 'kim@voorbeeld.nl');
		await openTeam(page, 'Mandaat');
		const draft = page.locator('form[action="?/draft"]');
		// the mandate in force is read, not edited: a new version is a deliberate step
		await expect(draft).toBeHidden();
		await page.getByText('Nieuwe versie opstellen').click();
		await expect(draft.getByLabel(/Beslisruimte/)).toBeVisible();
		// no decision rights: a clear message and nothing stored
		await draft.getByLabel(/Beslisruimte/).fill('  ');
		await draft.getByRole('button', { name: 'Versie opslaan' }).click();
		await expect(draft.getByText('Dit veld is verplicht.')).toBeVisible();
		await expect(page.getByRole('heading', { name: /wacht op goedkeuring/ })).toHaveCount(0);

		await draft
			.getByLabel(/Beslisruimte/)
			.fill(
				'Werkwijze KCC aanpassen\nTeksten aan melders aanpassen\nRoutes voor herinzameling kiezen'
			);
		// the version in force shows its budget the Dutch way, not as "5000.00"
		await expect(draft.getByLabel('Budgetlimiet (€)')).toHaveValue(/^\d+(,\d\d)?$/);
		await draft.getByLabel('Budgetlimiet (€)').fill('6000');
		await draft.getByRole('button', { name: 'Versie opslaan' }).click();
		await expect(
			page.getByText('Versie 3 is opgesteld en wacht op goedkeuring van de coach.')
		).toBeVisible();
		await expect(
			page.getByRole('heading', { name: 'Versie 3 wacht op goedkeuring' })
		).toBeVisible();
		await expect(page.getByRole('button', { name: /goedkeuren/ })).toHaveCount(0); // not the coach
		await expectAccessible(page);
		await page.screenshot({ path: 'tests/screenshots/team-mandate-tablet.png', fullPage: true });

		await page.context().clearCookies();
		await signIn(page, DEMO, 'coach@voorbeeld.nl');
		await openTeam(page, 'Mandaat');
		await page.getByLabel('Goedgekeurd op').fill('2026-11-23');
		await page.getByRole('button', { name: 'Versie 3 goedkeuren' }).click();
		await expect(page.getByText('Het mandaat is goedgekeurd.')).toBeVisible();
		const current = page.locator('section', {
			has: page.getByRole('heading', { name: 'Geldend mandaat' })
		});
		await expect(current).toContainText('Versie 3, goedgekeurd op 23 nov 2026 door Coco Coach.');
		await expect(current).toContainText('Routes voor herinzameling kiezen');
		const history = page.locator('section', {
			has: page.getByRole('heading', { name: 'Geschiedenis' })
		});
		await expect(history.getByRole('row')).toHaveCount(4); // header + 3 versions
		await expect(history.getByText(/Coco Coach · versie goedgekeurd/)).toBeVisible();
		await expect(history.getByText(/Kim de Vries · versie 3 opgesteld/)).toBeVisible();
	});
});

test('someone outside the team reads the team but cannot change it, and sees no case figures', async ({
	page
}) => {
	await signIn(page, DEMO, 'ravi@voorbeeld.nl');
	await openTeam(page);
	await expect(
		page.getByText(/cijfers uit de meldingen als je in een klantteam zit/)
	).toBeVisible();
	await openTeam(page, 'Team');
	await expect(page.getByRole('button', { name: 'Teamlid toevoegen' })).toHaveCount(0);
	await openTeam(page, 'Mandaat');
	await expect(page.getByText('Nieuwe versie opstellen')).toHaveCount(0);
	// posting anyway is refused, and nothing is stored
	const res = await page.request.post(`${page.url()}?/draft`, {
		form: { decisionRights: 'Alles' },
		headers: { origin: DEMO, accept: 'text/html' }
	});
	expect(res.status()).toBe(403);
	await page.reload();
	await expect(page.getByRole('heading', { name: /wacht op goedkeuring/ })).toHaveCount(0);
});

for (const [device, viewport] of Object.entries(viewports)) {
	test(`the team pages fit a ${device}`, async ({ page }) => {
		await page.setViewportSize(viewport);
		await signIn(page, DEMO, 'kim@voorbeeld.nl');
		await page.goto(`${DEMO}/teams`);
		await expectNoOverflow(page);
		await expectAccessible(page);
		await page.screenshot({ path: `tests/screenshots/teams-${device}.png`, fullPage: true });
		await openTeam(page);
		await expectNoOverflow(page);
		if (device !== 'tablet')
			await page.screenshot({ path: `tests/screenshots/team-${device}.png`, fullPage: true });
		await openTeam(page, 'Mandaat');
		await expectNoOverflow(page);
	});
}
