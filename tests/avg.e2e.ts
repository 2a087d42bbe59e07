import { DEMO, expect, expectAccessible, signIn, test } from './helpers';

// AVG on the People page of the demo: an admin downloads everything Koers holds about one person,
// and removes people — someone who sent in an idea is anonymised (the idea stays, under
// "Voormalig medewerker"), someone without any trace is deleted — and neither signs in again.
// The people are made here, so that the demo's own people stay for the other specs.
test.describe.configure({ mode: 'serial' });

const tag = Date.now().toString(36);
const ida = {
	name: `Ida Idee ${tag}`,
	email: `ida.${tag}@voorbeeld.nl`,
	password: 'ida haar wachtwoord'
};
const tom = { name: `Tom Tijdelijk ${tag}`, email: `tom.${tag}@voorbeeld.nl` };
const idea = `Een bak bij de ingang (${tag})`;
let ideaId = '';

test('an admin invites Ida, who sends in an idea; the admin downloads her data', async ({
	page,
	browser
}) => {
	await signIn(page, DEMO, 'admin@voorbeeld.nl');
	await page.goto(`${DEMO}/admin/people`);
	const add = page.locator('form[action="?/create"]');
	for (const who of [ida, tom]) {
		await add.getByLabel('Naam').fill(who.name);
		await add.getByLabel('E-mailadres').fill(who.email);
		await add.getByRole('button', { name: 'Toevoegen en uitnodigen' }).click();
		await expect(
			page.getByRole('heading', { name: `Uitnodiging voor ${who.name} staat klaar` })
		).toBeVisible();
		if (who === ida) {
			const link = await page.locator('#invite-link').inputValue();
			const context = await browser.newContext({ locale: 'nl-NL' });
			const phone = await context.newPage();
			await phone.goto(link);
			await phone.getByLabel('Wachtwoord', { exact: true }).fill(ida.password);
			await phone.getByLabel('Herhaal wachtwoord').fill(ida.password);
			await phone.getByRole('button', { name: 'Account maken' }).click();
			await expect(phone.getByRole('heading', { name: `Goedendag, ${ida.name}` })).toBeVisible();
			await phone.goto(`${DEMO}/ideas`);
			await phone.getByLabel('Jouw idee').fill(idea);
			await phone.getByRole('button', { name: 'Idee versturen' }).click();
			await expect(phone.locator('[data-idea]').filter({ hasText: idea })).toHaveCount(1);
			await context.close();
		}
	}

	await page.goto(`${DEMO}/admin/people`);
	const row = page.locator('li', { hasText: ida.email });
	await row.getByText(`${ida.name} wijzigen`).click();
	await expectAccessible(page);
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		row.getByRole('link', { name: 'Gegevens downloaden (AVG)' }).click()
	]);
	expect(download.suggestedFilename()).toMatch(/^koers-person-[\w-]+\.json$/);
	const data = JSON.parse(
		await new Promise<string>((resolve, reject) =>
			download.createReadStream().then((s) => {
				let text = '';
				s.setEncoding('utf8')
					.on('data', (c: string) => (text += c))
					.on('end', () => resolve(text))
					.on('error', reject);
			}, reject)
		)
	);
	expect(data).toMatchObject({
		organisation: 'Gemeente Voorbeeld',
		person: { name: ida.name, email: ida.email },
		account: { email: ida.email },
		ideas: [{ text: idea, status: 'new' }]
	});
	expect(JSON.stringify(data)).not.toContain(tom.email);
	ideaId = data.ideas[0].id;
});

test('removing Ida anonymises her, removing Tom deletes him; Ida signs in no more', async ({
	page,
	browser
}) => {
	await signIn(page, DEMO, 'admin@voorbeeld.nl');
	await page.goto(`${DEMO}/admin/people`);
	let row = page.locator('li', { hasText: ida.email });
	await row.getByText(`${ida.name} wijzigen`).click();
	await row.getByRole('button', { name: 'Verwijderen' }).click();
	await expect(page.getByRole('status').getByText(/^Geanonimiseerd/)).toBeVisible();
	await expect(page.getByText(ida.email)).toHaveCount(0);

	row = page.locator('li', { hasText: tom.email });
	await row.getByText(`${tom.name} wijzigen`).click();
	await row.getByRole('button', { name: 'Verwijderen' }).click();
	await expect(page.getByRole('status').getByText('Verwijderd, met het account.')).toBeVisible();
	await expect(page.getByText(tom.email)).toHaveCount(0);

	// the idea stays, from a former employee
	await page.goto(`${DEMO}/ideas/${ideaId}`);
	await expect(page.getByText(idea)).toBeVisible();
	await expect(page.getByText('Voormalig medewerker')).toBeVisible();
	await expect(page.getByText(ida.name)).toHaveCount(0);

	const context = await browser.newContext({ locale: 'nl-NL' });
	const phone = await context.newPage();
	await phone.goto(`${DEMO}/login`);
	await phone.locator('input[name=email]').fill(ida.email);
	await phone.locator('input[name=password]').fill(ida.password);
	await phone.locator('form button[type=submit]').click();
	await expect(phone).toHaveURL(/\/login/);
	await context.close();
});
