import { DEMO, expect, expectAccessible, expectNoOverflow, ready, signIn, test } from './helpers';

// The whole loop Koers promises (issue 11, "Done when"), on a tablet in portrait with touch:
// Kim (the lead of "Afval & Buitenruimte") picks the worst touchpoint by repeat rate on the
// journey map, starts a cycle from it with the scope prefilled, the mandate gate stops a change
// that touches a boundary of the mandate until the coach approves, the test starts, the effect
// appears, and the coach records an evaluation that carries the effect and prints it.
// The demo database is shared with the other specs: this cycle and its request carry a tag of
// their own, and nothing here relies on the state other specs leave.

const TABLET = { width: 820, height: 1180 };
test.use({ viewport: TABLET, hasTouch: true });

const addDays = (date: string, days: number) => {
	const d = new Date(`${date}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + days);
	return d.toISOString().slice(0, 10);
};

test('the whole loop on a tablet: worst touchpoint → cycle → mandate gate → coach → effect → evaluation, printed', async ({
	page,
	browser
}) => {
	test.slow(); // one long story: three times the usual time
	const t = Math.random().toString(36).slice(2, 7);
	await signIn(page, DEMO, 'kim@voorbeeld.nl');
	await page.goto(`${DEMO}/teams`);
	await page.getByRole('link', { name: 'Afval & Buitenruimte' }).first().tap();
	await page.waitForURL(/\/teams\/[0-9a-f-]{36}$/);
	const teamId = page.url().split('/').pop()!;

	// 1. the worst touchpoint by repeat rate
	await page.getByRole('link', { name: 'Container niet geleegd', exact: true }).first().tap();
	await expect(
		page.getByRole('heading', { level: 1, name: 'Container niet geleegd' })
	).toBeVisible();
	await page.getByLabel('Rangschik op').selectOption('repeat_rate');
	await page.waitForURL(/rank=repeat_rate/);
	const rows = page
		.getByRole('region', { name: 'Klantcontactmomenten, slechtste eerst' })
		.getByRole('listitem');
	await expect(rows.first()).toBeVisible();
	const rates = (await rows.locator('.value').allTextContents()).map((s) =>
		Number(s.replace(/[^\d,]/g, '').replace(',', '.'))
	);
	expect(rates.length).toBeGreaterThan(1);
	expect(rates).toEqual([...rates].sort((a, b) => b - a));
	const worst = (await rows.first().locator('.name').textContent())!.trim();
	await expectNoOverflow(page);
	await page.screenshot({ path: 'tests/screenshots/loop-1-worst-tablet.png', fullPage: true });

	// 2. a cycle started from it: scope, metric, direction and 13 weeks of baseline filled in
	await rows.first().getByRole('link', { name: 'Start een verbetercyclus hier' }).tap();
	await page.waitForURL(/\/cycles\/new\?/);
	await ready(page);
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

	// the change went in eight weeks ago, so there is an effect to see: the baseline moves back
	// (a title of its own: other specs find the touchpoint's card and cycles by its name)
	const title = `Ophaaldag met de melder afspreken ${t}`;
	await page.getByLabel('Titel').fill(title);
	await page.getByLabel('Basisperiode vanaf').fill(addDays(from, -56));
	await page.getByLabel('Basisperiode tot en met').fill(addDays(to, -56));
	await page
		.getByLabel('Probleem')
		.fill(
			'Wie een niet geleegde container meldt, belt vaak opnieuw: het is niet duidelijk wanneer hij alsnog komt.'
		);
	await page.getByRole('button', { name: 'Cyclus starten' }).tap();
	await page.waitForURL(/\/cycles\/[0-9a-f-]{36}$/);
	await ready(page);
	const cycleUrl = page.url();
	await expect(page.getByRole('link', { name: `Klantcontactmoment: ${worst}` })).toBeVisible();

	// 3. the plan: a change that touches a boundary of the mandate
	await page.getByLabel('Wijzigingsdatum', { exact: true }).fill(addDays(to, -55));
	await page.getByLabel('Test vanaf').fill(addDays(to, -55));
	await page.getByLabel('Test tot en met').fill(addDays(to, 1));
	await page.getByLabel('Deze verandering raakt een grens van het mandaat').check();
	const boundary = await page.locator('#mandate-boundaries option').first().getAttribute('value');
	expect(boundary).toBeTruthy();
	await page.getByLabel('Welke grens?').fill(boundary!);
	await page.getByRole('button', { name: 'Plan opslaan' }).tap();
	await expect(page.getByRole('status').getByText('Opgeslagen')).toBeVisible();
	await page.getByRole('button', { name: 'Naar plan' }).tap();
	await expect(page.getByRole('button', { name: 'Start test' })).toBeVisible();
	await expect(page.getByText(`Raakt de grens “${boundary}”`)).toBeVisible();

	// 4. the gate: a decision right of the team's own does not start a change outside the mandate
	await page.locator('fieldset.mandate').getByRole('radio').first().check();
	await page.getByRole('button', { name: 'Start test' }).tap();
	await expect(page.getByRole('alert')).toContainText('raakt een grens van het mandaat');
	await expect(page.locator('[aria-current="step"]')).toContainText('Plan');
	const question = `Mogen we de ophaaldag zelf met de melder afspreken (${t})?`;
	await page.getByLabel('Vraag aan de coach').fill(question);
	await page.getByRole('button', { name: 'Besluit vragen' }).tap();
	await expect(page.getByText(/De coach beslist nog over de besluitvraag/)).toBeVisible();
	await page.screenshot({ path: 'tests/screenshots/loop-2-gate-tablet.png', fullPage: true });

	// 5. the coach signs in (on a tablet too) and approves, with a reason
	const context = await browser.newContext({ viewport: TABLET, hasTouch: true });
	const coach = await context.newPage();
	await signIn(coach, DEMO, 'coach@voorbeeld.nl');
	await coach.goto(`${DEMO}/coach/${teamId}`);
	await ready(coach);
	const card = coach.locator('article.request').filter({ hasText: question });
	await expect(card).toContainText('Cyclus nu: Plan');
	await card
		.getByLabel('Reden')
		.fill('Akkoord: de ophaaldag afspreken mag, meld het in de evaluatie.');
	await card.getByRole('button', { name: 'Goedkeuren' }).tap();
	await expect(coach.locator('article.request').filter({ hasText: question })).toHaveCount(0);

	// 6. now the test starts
	await page.goto(cycleUrl);
	await page.getByRole('button', { name: 'Start test' }).tap();
	await expect(page.locator('[aria-current="step"]')).toContainText('Test');

	// 7. the effect appears: the before/after sentence and the chart
	const effect = page.getByRole('region', { name: 'Effect' });
	await expect(effect).toContainText(/Mediaan herhaalpercentage .+ → .+ over \d+ weken/);
	const sentence = (await effect
		.getByText(/Mediaan herhaalpercentage/)
		.first()
		.textContent())!;
	await expectAccessible(page);
	await page.screenshot({ path: 'tests/screenshots/loop-3-effect-tablet.png', fullPage: true });

	// 8. the coach records an evaluation that carries the effect
	await coach.goto(`${DEMO}/coach/${teamId}`);
	await ready(coach);
	const panel = coach.getByRole('complementary', { name: 'Evaluatie vastleggen' });
	const now = panel
		.getByRole('region', { name: 'Effect van de cycli' })
		.getByRole('listitem')
		.filter({ hasText: title });
	await expect(now).toContainText(/herhaalpercentage .+ → .+ over \d+ weken/);
	const brief = (await now.textContent())!.trim();
	const nextStep = `Ophaaldag-afspraak na acht weken opnieuw bekijken (${t})`;
	await panel.getByLabel('Volgende stap').fill(nextStep);
	await panel.getByRole('button', { name: 'Evaluatie opslaan' }).click();
	// (recording computes every cycle's effect anew: give it time on a busy machine)
	await expect(coach.getByRole('status')).toContainText('Evaluatie opgeslagen', {
		timeout: 30_000
	});
	const recorded = coach
		.getByRole('region', { name: 'Eerdere evaluaties' })
		.getByRole('listitem')
		.filter({ hasText: nextStep });
	await expect(recorded).toContainText('Effect van de cycli');
	await expect(recorded.getByRole('listitem').filter({ hasText: title })).toHaveText(brief);

	// 9. and prints it: on paper the recorded evaluation keeps its effect
	await coach.emulateMedia({ media: 'print' });
	await expect(recorded).toBeVisible();
	await expect(recorded).toContainText(nextStep);
	await expect(recorded.getByRole('listitem').filter({ hasText: title })).toBeVisible();
	await expect(recorded).toContainText(/herhaalpercentage .+ → .+ over \d+ weken/);
	await coach.pdf({ path: 'tests/screenshots/loop-4-evaluation.pdf' }).catch(() => {});
	await coach.screenshot({ path: 'tests/screenshots/loop-4-evaluation-print.png', fullPage: true });
	await context.close();

	// what the evaluation keeps is the effect the team sees on its cycle
	const effectOf = (text: string) => /herhaalpercentage (.+? → .+? over \d+ weken)/.exec(text)?.[1];
	expect(effectOf(brief)).toBeTruthy();
	expect(effectOf(brief)).toBe(effectOf(sentence));
});
