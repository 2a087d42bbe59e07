import {
	DEMO,
	expect,
	expectAccessible,
	expectNoOverflow,
	signIn,
	test,
	viewports
} from './helpers';

// Agreements between departments (DVO) and the phone peak on a tablet, as the demo coach: the
// agreements with how well they hold and the department matrix, recording a new version (an
// overlapping one refused in words), the agreement on the journey map's handoff, the breached
// agreement in the coach view, and the peak heat map.
test.use({ viewport: viewports.tablet, hasTouch: true });

test('the coach sees which agreements hold, records a version, and sees when the phones peak', async ({
	page
}) => {
	await signIn(page, DEMO, 'coach@voorbeeld.nl');
	await page.goto(`${DEMO}/figures`);
	await page.getByRole('link', { name: /Afspraken tussen afdelingen/ }).click();
	await expect(
		page.getByRole('heading', { level: 1, name: /Afspraken tussen afdelingen/ })
	).toBeVisible();

	const kcc = page.locator('[data-agreement="KCC>Afvalinzameling"]');
	await expect(kcc).toContainText('binnen 1 werkdag');
	await expect(kcc).toContainText('onder de drempel');
	const afval = page.locator('[data-agreement="Afvalinzameling>Wijkbeheer"]');
	await expect(afval).toContainText('binnen 2 werkdagen');
	await expect(afval).not.toContainText('onder de drempel');
	const matrix = page.getByRole('table', { name: /Van afdeling/ });
	await expect(matrix.getByRole('rowheader', { name: 'KCC' })).toBeVisible();
	await expect(matrix).toContainText('binnen afspraak');
	// the flow between departments: a diagram (boxes and arrows with volume and median wait),
	// and the same in words, busiest first
	const flows = page.getByRole('region', { name: /Stroom tussen afdelingen/ });
	await expect(flows.getByRole('img')).toHaveAccessibleName(/^Stroomdiagram: \d+ afdelingen/);
	await expect(flows.locator('svg text', { hasText: 'Afvalinzameling' })).toBeVisible();
	await expect(flows.locator('svg text.label').first()).toHaveText(/^[\d.]+ · [\d,]+ (uur|dagen)$/);
	await page.getByText('De stroom als tekst').click();
	const busiest = page.locator('details ol li').first();
	await expect(busiest).toContainText(/^KCC →.*Afvalinzameling/);
	await expect(busiest).toContainText('mediane wachttijd');
	await expectNoOverflow(page);
	await expectAccessible(page);

	// a version starting before the current one overlaps: refused, nothing saved
	const form = page.locator('form[action="?/record"]');
	await form.getByLabel('Van afdeling').selectOption({ label: 'KCC' });
	await form.getByLabel('Naar afdeling').selectOption({ label: 'Afvalinzameling' });
	await form.getByLabel('Binnen').fill('0');
	await form.getByLabel('Geldig vanaf').fill('2026-12-07');
	await form.getByRole('button', { name: 'Vastleggen' }).click();
	await expect(form.getByLabel('Binnen')).toHaveAccessibleDescription(
		/groter dan 0|positive|positief/i
	);
	await form.getByLabel('Binnen').fill('4');
	await form.getByLabel('Eenheid').selectOption({ label: 'uur' });
	await form.getByLabel('Geldig vanaf').fill('2024-01-01');
	await form.getByRole('button', { name: 'Vastleggen' }).click();
	await expect(form.getByLabel('Geldig vanaf')).toHaveAccessibleDescription(/al een versie/);
	await form.getByLabel('Geldig vanaf').fill('2026-12-07');
	await form.getByRole('button', { name: 'Vastleggen' }).click();
	await expect(page.getByRole('status')).toContainText('Vastgelegd als versie 2');
	await expect(kcc).toContainText('binnen 4 uur');
	await expectAccessible(page);

	// the journey map: the handoff into Afvalinzameling shows its agreement and how it held
	await page.goto(`${DEMO}/teams`);
	await page.getByRole('link', { name: 'Afval & Buitenruimte' }).first().click();
	await page.getByRole('link', { name: 'Container niet geleegd', exact: true }).first().click();
	const mark = page.locator('[data-agreement-mark]').first();
	await expect(mark).toContainText('Afspraak: binnen 4 uur');
	await expect(mark).toContainText('op tijd');

	// the coach view lists the breached agreement under the team
	await page.goto(`${DEMO}/coach`);
	await expect(
		page.getByText('Afspraken tussen afdelingen onder de drempel').first()
	).toBeVisible();
	await expect(page.getByRole('link', { name: 'KCC → Afvalinzameling' }).first()).toBeVisible();

	// the peak heat map: phone first, busiest on Monday morning, with its avoidable share
	await page.goto(`${DEMO}/figures/peaks`);
	const first = page.locator('section.card').first();
	await expect(first.getByRole('heading', { level: 2 })).toContainText('telefoon');
	await expect(first.getByRole('heading', { level: 2 })).toContainText('direct contact');
	await expect(first).toContainText(/Drukste uren: ma 0[89]:00/);
	await expect(first).toContainText('vermijdbare belasting');
	await expect(first.getByRole('table')).toBeVisible();
	await expectNoOverflow(page);
	await expectAccessible(page);
});

test('the coach adds a chain, refused without a name, and opens a chain with its figures', async ({
	page
}) => {
	await signIn(page, DEMO, 'coach@voorbeeld.nl');
	await page.goto(`${DEMO}/teams`);
	await expect(page.getByRole('link', { name: /Ketens/ })).toBeVisible();
	await page.goto(`${DEMO}/chains`);
	const form = page.locator('form[action="?/create"]');
	await form.getByLabel('Naam').fill('   ');
	await form.getByRole('button', { name: 'Toevoegen' }).click();
	await expect(form.getByText('Dit veld is verplicht.')).toBeVisible();
	await expect(form.getByLabel('Naam')).toHaveAttribute('aria-invalid', 'true');
	await expect(page.getByRole('heading', { level: 2, name: 'Ondernemers' })).toBeVisible();
	await expectAccessible(page);
	await page.getByRole('link', { name: 'Ondernemers' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Ondernemers' })).toBeVisible();
	await expect(page.getByRole('link', { name: 'Wijkteam Noord' })).toBeVisible();
	await expect(page.getByText('Herhaalmeldingen')).toBeVisible();
	// silence rolled up over the chain's cases too
	await expect(page.locator('[data-tile="silence-p85"] dd')).toHaveText(/^[\d,]+ werkdagen$/);
	await expect(page.locator('[data-tile="silence-over-norm"] dd')).toHaveText(/%$/);
	await expectNoOverflow(page);
	await expectAccessible(page);
});
