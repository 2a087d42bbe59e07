import { DEMO, expect, expectAccessible, expectNoOverflow, signIn, test } from './helpers';

// Silence time and the case story on a tablet (issue 12): from the journey map to a
// touchpoint's silence figure, its "whom do we call today?" list and variants, to one case's
// story — each page without serious or critical accessibility violations.
test.use({ viewport: { width: 1024, height: 768 }, hasTouch: true });

test('from the journey map to a touchpoint’s silence and a case story', async ({ page }) => {
	await signIn(page, DEMO, 'kim@voorbeeld.nl');
	await page.goto(`${DEMO}/teams`);
	await page.getByRole('link', { name: 'Afval & Buitenruimte' }).first().click();
	// the headline tile on the team page
	await expect(page.locator('[data-metric=silence_p85]')).toContainText('Stilte (p85)');
	await page.getByRole('link', { name: 'Container niet geleegd', exact: true }).first().click();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Container niet geleegd' })
	).toBeVisible();

	const card = page.locator('[data-tp]').filter({
		has: page.getByRole('heading', { level: 4, name: 'Melding container niet geleegd' })
	});
	await expect(card.locator('[data-silence]')).toContainText(/Stilte p85: \d+(,\d)? werkdagen/);
	await card.getByRole('link', { name: 'Melding container niet geleegd', exact: true }).click();
	await page.getByRole('link', { name: /^Trend per week/ }).click();

	await page.locator('[data-silence-link]').click();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Stilte bij Melding container niet geleegd' })
	).toBeVisible();
	await expect(page.locator('[data-figure=p85] dd')).toHaveText(/\d+(,\d)? dagen/);
	await expect(page.getByRole('heading', { name: 'Wie bellen we vandaag?' })).toBeVisible();
	const call = page.locator('[data-silent-list] tbody tr');
	await expect(call.first()).toBeVisible();
	await expect(page.locator('[data-variants] > li').first()).toContainText('Melding ontvangen');
	await expectNoOverflow(page);
	await expectAccessible(page);

	// the longest-silent open case first: its story
	const first = call.first().getByRole('link');
	const id = (await first.innerText()).trim();
	await first.click();
	await expect(page.getByRole('heading', { level: 1, name: `Zaak ${id}` })).toBeVisible();
	const timeline = page.locator('[data-timeline]');
	await expect(timeline).toContainText('Melding ontvangen via');
	await expect(timeline.locator('[data-gap]').last()).toContainText('langer dan de norm');
	await expect(timeline).toContainText('overdracht KCC → Afvalinzameling');
	await expect(page.getByText('norm 5 werkdagen').first()).toBeVisible();
	await expectNoOverflow(page);
	await expectAccessible(page);
	await page.getByRole('link', { name: /Terug/ }).click();
	await expect(page.getByRole('heading', { name: 'Wie bellen we vandaag?' })).toBeVisible();
});

test('contact activities: confirmed ones listed, an unknown one kept with a warning', async ({
	page
}) => {
	await signIn(page, DEMO, 'coach@voorbeeld.nl');
	await page.goto(`${DEMO}/figures/contacts`);
	await expect(page.locator('[data-contact-activities]')).toContainText('Klant teruggebeld');
	await page.getByLabel('Activiteit (zoals in de gegevens)').fill('Brief gestuurd');
	await page.getByRole('button', { name: 'Toevoegen' }).click();
	await expect(page.getByRole('status')).toContainText('komt (nog) niet voor in de gegevens');
	await page.getByLabel('Activiteit (zoals in de gegevens)').fill('klant teruggebeld');
	await page.getByRole('button', { name: 'Toevoegen' }).click();
	await expect(page.getByText('Deze activiteit staat al op de lijst.')).toBeVisible();
	await page.getByRole('button', { name: 'Brief gestuurd verwijderen' }).click();
	await expect(page.locator('[data-contact-activities]')).not.toContainText('Brief gestuurd');
	await expectAccessible(page);
});
