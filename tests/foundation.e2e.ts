import { EMPTY, expect, expectAccessible, expectNoOverflow, signIn, test } from './helpers';

// One story on an empty database, in order: first-run setup, an admin adds a department and a
// person, that person accepts the invitation, signs in, sees Dutch and switches to English.
test.describe.configure({ mode: 'serial' });

const admin = {
	org: 'Gemeente Teststad',
	name: 'Ada Beheer',
	email: 'ada@teststad.nl',
	password: 'een lang wachtwoord'
};
const newcomer = {
	name: 'Bram Balie',
	email: 'bram@teststad.nl',
	password: 'bram zijn wachtwoord'
};
let inviteLink = '';

test('first run: an empty database leads to setup, which validates and creates the admin', async ({
	page
}) => {
	await page.goto(EMPTY);
	await expect(page).toHaveURL(`${EMPTY}/setup`);
	await expect(page.getByRole('heading', { name: 'Koers inrichten' })).toBeVisible();
	await expect(page.locator('html')).toHaveAttribute('lang', 'nl');
	await expectAccessible(page);

	// Bad input past the browser's own checks: the server answers with field errors in Dutch,
	// and nothing is created.
	await page.locator('main form').evaluate((f: HTMLFormElement) => (f.noValidate = true));
	await page.getByLabel('Naam van de organisatie').fill(admin.org);
	await page.getByLabel('E-mailadres').fill('geen-adres');
	await page.getByLabel('Wachtwoord', { exact: true }).fill('kort');
	await page.getByLabel('Herhaal wachtwoord').fill('anders');
	await page.getByRole('button', { name: 'Organisatie aanmaken' }).click();
	await expect(page.getByText('Dit veld is verplicht.')).toBeVisible(); // name left empty
	await expect(page.getByText('Kies een wachtwoord van minstens 10 tekens.')).toBeVisible();
	await expect(page.getByLabel('Naam van de organisatie')).toHaveValue(admin.org); // kept
	await page.goto(EMPTY);
	await expect(page).toHaveURL(`${EMPTY}/setup`); // still not set up

	await page.getByLabel('Naam van de organisatie').fill(admin.org);
	await page.getByLabel('Je naam').fill(admin.name);
	await page.getByLabel('E-mailadres').fill(admin.email);
	await page.getByLabel('Wachtwoord', { exact: true }).fill(admin.password);
	await page.getByLabel('Herhaal wachtwoord').fill(admin.password);
	await page.getByRole('button', { name: 'Organisatie aanmaken' }).click();
	await expect(page).toHaveURL(/\/admin\/people/);
	await expect(page.getByText('Koers is ingericht.')).toBeVisible();

	// Setup is gone once done.
	await page.goto(`${EMPTY}/setup`);
	await expect(page).not.toHaveURL(/\/setup/);
});

test('the admin adds a department and invites a person', async ({ page }) => {
	await signIn(page, EMPTY, admin.email, admin.password);
	await page.goto(`${EMPTY}/admin/departments`);
	await page.getByLabel('Naam', { exact: true }).first().fill('KCC');
	await page.getByLabel('Soort afdeling').first().selectOption('contact_centre');
	await page.getByRole('button', { name: 'Afdeling toevoegen' }).click();
	await expect(page.getByText('Afdeling KCC is toegevoegd.')).toBeVisible();
	await expectAccessible(page);

	await page.goto(`${EMPTY}/admin/people`);
	const add = page.locator('form[action="?/create"]');
	await add.evaluate((f: HTMLFormElement) => (f.noValidate = true));
	await add.getByLabel('Naam').fill(newcomer.name);
	await add.getByLabel('E-mailadres').fill('bram@');
	await add.getByLabel('Afdeling').selectOption({ label: 'KCC' });
	await add.getByRole('button', { name: 'Toevoegen en uitnodigen' }).click();
	await expect(page.getByText('Vul een geldig e-mailadres in')).toBeVisible();
	await expect(page.getByText(newcomer.name, { exact: true })).toHaveCount(0); // nothing stored

	await add.getByLabel('E-mailadres').fill(newcomer.email);
	await add.getByRole('button', { name: 'Toevoegen en uitnodigen' }).click();
	await expect(
		page.getByRole('heading', { name: `Uitnodiging voor ${newcomer.name} staat klaar` })
	).toBeVisible();
	inviteLink = await page.locator('#invite-link').inputValue();
	expect(inviteLink).toMatch(/\/invite\/[\w-]{20,}$/);
	await expect(
		page.locator('li', { hasText: newcomer.email }).getByText('Uitgenodigd')
	).toBeVisible();
	await expectAccessible(page);
});

test('the person accepts the invitation, sees Dutch and switches to English', async ({ page }) => {
	await page.goto(inviteLink);
	await expect(page.getByRole('heading', { name: `Welkom, ${newcomer.name}` })).toBeVisible();
	await page.getByLabel('Wachtwoord', { exact: true }).fill(newcomer.password);
	await page.getByLabel('Herhaal wachtwoord').fill(newcomer.password);
	await page.getByRole('button', { name: 'Account maken' }).click();
	await expect(page.getByRole('heading', { name: `Goedendag, ${newcomer.name}` })).toBeVisible();

	// The link works once.
	const again = await page.context().browser()!.newPage();
	await again.goto(inviteLink);
	await expect(
		again.getByText('Deze uitnodiging is onbekend, al gebruikt of verlopen.')
	).toBeVisible();
	await again.close();

	// Staff see no admin pages.
	await expect(page.getByRole('link', { name: 'Beheer' })).toHaveCount(0);
	const res = await page.goto(`${EMPTY}/admin/people`);
	expect(res?.status()).toBe(403);
	await expect(
		page.getByRole('heading', { name: 'Je hebt geen toegang tot deze pagina' })
	).toBeVisible();

	await page.goto(EMPTY);
	await page.getByRole('button', { name: /^EN/ }).click();
	await expect(page.getByRole('heading', { name: `Hello, ${newcomer.name}` })).toBeVisible();
	await expect(page.locator('html')).toHaveAttribute('lang', 'en');
	await page.reload();
	await expect(page.getByRole('heading', { name: `Hello, ${newcomer.name}` })).toBeVisible();
	await page.goto(`${EMPTY}/account`);
	await expect(page.getByRole('heading', { name: 'My account' })).toBeVisible();

	// Sign out and back in with the new password.
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page).toHaveURL(/\/login/);
	await signIn(page, EMPTY, newcomer.email, newcomer.password);
	await expect(page.getByRole('heading', { name: `Hello, ${newcomer.name}` })).toBeVisible();
});

test('a wrong password gets a clear error and repeated failures are slowed down', async ({
	page
}) => {
	await page.goto(`${EMPTY}/login`);
	const attempt = async () => {
		await page.getByLabel('E-mailadres').fill(admin.email);
		await page.getByLabel('Wachtwoord').fill('niet het wachtwoord');
		const answered = page.waitForResponse((r) => r.request().method() === 'POST');
		await page.getByRole('button', { name: 'Inloggen' }).click();
		await answered;
	};
	await attempt();
	await expect(page.getByRole('alert')).toHaveText('E-mailadres of wachtwoord klopt niet.');
	for (let i = 0; i < 4; i++) await attempt();
	await expect(page.getByRole('alert')).toContainText('Te veel mislukte pogingen');
	// Now even the right password waits: the account is slowed down, not guessed.
	await page.getByLabel('E-mailadres').fill(admin.email);
	await page.getByLabel('Wachtwoord').fill(admin.password);
	await page.getByRole('button', { name: 'Inloggen' }).click();
	await expect(page.getByRole('alert')).toContainText('Te veel mislukte pogingen');
	await expect(page).toHaveURL(/\/login/);
});

test('with the network cut, a reload shows the offline page', async ({ page, context }) => {
	await signIn(page, EMPTY, newcomer.email, newcomer.password);
	await page.evaluate(() => navigator.serviceWorker.ready);
	await page.reload(); // now controlled by the service worker
	await context.setOffline(true);
	await page.reload();
	await expect(page.getByRole('heading', { name: 'Je bent offline' })).toBeVisible();
	await context.setOffline(false);
	await page.getByRole('link', { name: 'Opnieuw proberen' }).click();
	await expect(page.getByRole('heading', { name: /Hello|Goedendag/ })).toBeVisible();
	await expectNoOverflow(page);
});
