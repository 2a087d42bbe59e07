import type { Page } from '@playwright/test';
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

// The loop Koers promises (issue 11), on a tablet with touch: Kim ranks the journey map by repeat
// rate, starts a cycle from the worst touchpoint with its scope prefilled, the mandate gate
// stops a cost over the budget until the coach approves, the test starts, and the map shows the
// cycle on its touchpoint. The coach's decision card shows the cycle as it stands, and the
// evaluation panel the effects it will keep.

test.use({ viewport: viewports.tablet, hasTouch: true });

const addDays = (date: string, days: number) => {
	const d = new Date(`${date}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + days);
	return d.toISOString().slice(0, 10);
};

async function shoot(page: Page, name: string) {
	await expectNoOverflow(page);
	await page.screenshot({ path: `tests/screenshots/${name}-tablet.png`, fullPage: true });
	await page.setViewportSize(viewports.phone);
	await expectNoOverflow(page);
	await page.screenshot({ path: `tests/screenshots/${name}-phone.png`, fullPage: true });
	await page.setViewportSize(viewports.tablet);
}

test('from the worst touchpoint to a test the coach approved over budget', async ({
	page,
	browser
}) => {
	await signIn(page, DEMO, 'kim@voorbeeld.nl');
	await page.goto(`${DEMO}/teams`);
	await page.getByRole('link', { name: 'Afval & Buitenruimte' }).first().click();
	await page.waitForURL(/\/teams\/[0-9a-f-]{36}$/);
	const teamId = page.url().split('/').pop()!;
	// the team tiles offer to start a cycle on their figure
	await expect(
		page.locator('.tile[data-metric="repeat_rate"]').getByRole('link', {
			name: 'Start een verbetercyclus hier'
		})
	).toHaveAttribute('href', `/teams/${teamId}/cycles/new?metric=repeat_rate`);

	await page.getByRole('link', { name: 'Container niet geleegd', exact: true }).first().click();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Container niet geleegd' })
	).toBeVisible();

	// rank the map by repeat rate: the worst touchpoint comes first, marked on its card too
	await page.getByLabel('Rangschik op').selectOption('repeat_rate');
	await page.waitForURL(/rank=repeat_rate/);
	const ranking = page.getByRole('region', { name: 'Klantcontactmomenten, slechtste eerst' });
	const rows = ranking.getByRole('listitem');
	await expect(rows.first()).toBeVisible();
	const rates = await rows
		.locator('.value')
		.allTextContents()
		.then((t) => t.map((s) => Number(s.replace(/[^\d,]/g, '').replace(',', '.'))));
	expect(rates.length).toBeGreaterThan(1);
	expect(rates).toEqual([...rates].sort((a, b) => b - a));
	const worst = (await rows.first().locator('.name').textContent())!.trim();
	const worstCard = page
		.locator('[data-tp]')
		.filter({ has: page.getByRole('heading', { level: 4, name: worst }) });
	await expect(worstCard).toContainText('Plaats 1');
	await expectAccessible(page);
	await shoot(page, 'journey-ranked');

	// start a cycle from it: scope, metric, direction and 13 weeks of baseline are filled in
	await rows.first().getByRole('link', { name: 'Start een verbetercyclus hier' }).click();
	await page.waitForURL(/\/cycles\/new\?/);
	await ready(page);
	await expect(
		page.getByRole('heading', { level: 1, name: 'Nieuwe verbetercyclus' })
	).toBeVisible();
	await expect(page.getByLabel('Titel')).toHaveValue(worst);
	await expect(page.getByLabel('Meetwaarde')).toHaveValue('repeat_rate');
	await expect(page.getByLabel('Beter is')).toHaveValue('lower');
	await expect(page.getByLabel('Klantcontactmoment').locator('option:checked')).toHaveText(
		new RegExp(`: ${worst}$`)
	);
	const from = await page.getByLabel('Basisperiode vanaf').inputValue();
	const to = await page.getByLabel('Basisperiode tot en met').inputValue();
	expect(addDays(from, 13 * 7 - 1)).toBe(to);
	await expectAccessible(page);
	await shoot(page, 'cycle-new-prefilled');

	await page
		.getByLabel('Probleem')
		.fill('Melders van een niet geleegde container bellen vaak opnieuw.');
	await page.getByRole('button', { name: 'Cyclus starten' }).click();
	await page.waitForURL(/\/cycles\/[0-9a-f-]{36}$/);
	await ready(page);
	const cycleUrl = page.url();
	// the cycle links back to its touchpoint
	await expect(page.getByRole('link', { name: `Klantcontactmoment: ${worst}` })).toBeVisible();

	// plan it with a cost over the mandate's budget (€ 5.000)
	await page.getByLabel('Wijzigingsdatum', { exact: true }).fill(addDays(to, 1));
	await page.getByLabel('Test vanaf').fill(addDays(to, 1));
	await page.getByLabel('Test tot en met').fill(addDays(to, 57));
	await page.getByLabel('Verwachte kosten (€)').fill('7500');
	await page.getByRole('button', { name: 'Plan opslaan' }).click();
	await expect(page.getByRole('status').getByText('Opgeslagen')).toBeVisible();
	await page.getByRole('button', { name: 'Naar plan' }).click();
	await expect(page.getByRole('button', { name: 'Start test' })).toBeVisible();
	await expect(page.getByText(/boven het budget: de test start pas na/)).toBeVisible();

	// a decision right of the team's own does not start it: the gate holds
	await page.locator('fieldset.mandate').getByRole('radio').first().check();
	await page.getByRole('button', { name: 'Start test' }).click();
	await expect(page.getByRole('alert')).toContainText('boven het budget van het mandaat');
	await page.screenshot({ path: 'tests/screenshots/cycle-gate-tablet.png', fullPage: true });

	await page
		.getByLabel('Vraag aan de coach')
		.fill('Mogen we acht weken een extra wagen inzetten voor herinzameling (ca. € 7.500)?');
	await page.getByRole('button', { name: 'Besluit vragen' }).click();
	await expect(page.getByText(/De coach beslist nog over de besluitvraag/)).toBeVisible();

	// the coach sees the cycle's state and cost on the decision card, and approves
	const context = await browser.newContext({ viewport: viewports.laptop });
	const coach = await context.newPage();
	await signIn(coach, DEMO, 'coach@voorbeeld.nl');
	await coach.goto(`${DEMO}/coach/${teamId}`);
	await ready(coach);
	const card = coach
		.locator('article.request')
		.filter({ hasText: 'een extra wagen inzetten voor herinzameling' });
	await expect(card).toContainText('Cyclus nu: Plan');
	await expect(card).toContainText('Verwachte kosten € 7.500 (budget € 5.000)');
	// the evaluation panel shows the effects the evaluation will keep
	const effects = coach.getByRole('region', { name: 'Effect van de cycli' });
	await expect(effects.getByRole('listitem').first()).toContainText(/ → .+ over \d+ weken/);
	await expectAccessible(coach);
	await coach.screenshot({ path: 'tests/screenshots/coach-gate-laptop.png', fullPage: true });
	await card.getByLabel('Reden').fill('Akkoord voor acht weken; meld de kosten per rit.');
	await card.getByRole('button', { name: 'Goedkeuren' }).click();
	await expect(
		coach.locator('article.request').filter({ hasText: 'een extra wagen inzetten' })
	).toHaveCount(0);
	await context.close();

	// now the test starts
	await page.goto(cycleUrl);
	await page.getByRole('button', { name: 'Start test' }).click();
	await expect(page.locator('[aria-current="step"]')).toContainText('Test');

	// and the map shows the cycle on its touchpoint
	await page.getByRole('link', { name: `Klantcontactmoment: ${worst}` }).click();
	await ready(page);
	// (the demo has another cycle in test on this touchpoint: this one carries its title)
	await expect(worstCard.getByRole('link', { name: `${worst} · Test` })).toHaveAttribute(
		'href',
		new URL(cycleUrl).pathname
	);
});

test('an adopted cycle is read-only; a correction needs a reason and lands in the trail', async ({
	page
}) => {
	await signIn(page, DEMO, 'kim@voorbeeld.nl');
	await page.goto(`${DEMO}/teams`);
	await page.getByRole('link', { name: 'Afval & Buitenruimte' }).first().click();
	await page.getByRole('link', { name: 'Verbetercycli' }).first().click();
	await page
		.getByRole('link', { name: 'Melder direct bevestigen en herinzameling zelf inplannen' })
		.click();
	await page.waitForURL(/\/cycles\/[0-9a-f-]{36}$/);
	await ready(page);
	await expect(page.getByText(/Deze cyclus is afgerond: het plan ligt vast/)).toBeVisible();
	await expect(page.getByRole('button', { name: 'Plan opslaan' })).toHaveCount(0);
	// its actions are read too: no ticking off, removing or adding on a finished cycle
	const actions = page.getByRole('region', { name: 'Acties' });
	await expect(actions.getByRole('listitem').first()).toBeVisible();
	await expect(actions.getByRole('button')).toHaveCount(0);
	await expect(actions.getByLabel('Wie')).toHaveCount(0);

	await page.getByText('Correctie vastleggen').click();
	await page
		.getByLabel('Geleerd', { exact: true })
		.fill('Direct bevestigen met de ophaaldag werkt.');
	await expect(page.getByLabel('Reden van de correctie')).toHaveAttribute('required', '');
	await page.getByLabel('Reden van de correctie').fill('Lessen ingekort na de evaluatie');
	await page.getByRole('button', { name: 'Correctie opslaan' }).click();
	await expect(page.getByText('Laatste correctie: Lessen ingekort na de evaluatie')).toBeVisible();
	await expect(
		page
			.getByRole('region', { name: 'Wie deed wat' })
			.getByText(/legde een correctie vast \(geleerde lessen\); reden: Lessen ingekort/)
	).toBeVisible();
	await expectAccessible(page);
	await shoot(page, 'cycle-frozen');
});
