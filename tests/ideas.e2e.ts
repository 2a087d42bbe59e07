import type { APIRequestContext, Browser, BrowserContext, Page } from '@playwright/test';
import { deflateSync } from 'node:zlib';
import {
	DEMO,
	DEMO_PASSWORD,
	expect,
	expectAccessible,
	expectNoOverflow,
	ready,
	signIn,
	test,
	viewports
} from './helpers';

// Ideas from a phone (390×844, touch): online and offline through the outbox and the service
// worker, similar ideas and support, triage by the coach, and bad input. Ravi is staff in no
// team; noor is a member of a team; coach@ is a coach. Each test tags its ideas so it counts
// only its own.
const PHONE = { viewport: viewports.phone, hasTouch: true, isMobile: true };
test.use(PHONE);

const tag = () => Math.random().toString(36).slice(2, 8);

/** A small real PNG (a gradient), so the phone can draw and shrink it. */
function png(width = 320, height = 200): Buffer {
	const crcTable = Array.from({ length: 256 }, (_, n) => {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		return c >>> 0;
	});
	const crc = (buf: Buffer) => {
		let c = 0xffffffff;
		for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
		return (c ^ 0xffffffff) >>> 0;
	};
	const chunk = (type: string, data: Buffer) => {
		const len = Buffer.alloc(4);
		len.writeUInt32BE(data.length);
		const body = Buffer.concat([Buffer.from(type), data]);
		const sum = Buffer.alloc(4);
		sum.writeUInt32BE(crc(body));
		return Buffer.concat([len, body, sum]);
	};
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
	const rows = Buffer.alloc((width * 3 + 1) * height);
	for (let y = 0; y < height; y++)
		for (let x = 0; x < width; x++)
			rows.set([20 + (x % 200), 80 + (y % 150), 92], y * (width * 3 + 1) + 1 + x * 3);
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', deflateSync(rows)),
		chunk('IEND', Buffer.alloc(0))
	]);
}

interface Mine {
	id: string;
	body: string;
	status: string;
	reason: string;
	hasPhoto: boolean;
}
/** The signed-in person's ideas as the server has them (looking marks them seen). */
async function mine(request: APIRequestContext, withTag: string): Promise<Mine[]> {
	const res = await request.get(`${DEMO}/api/ideas/mine`);
	expect(res.status()).toBe(200);
	return ((await res.json()) as { ideas: Mine[] }).ideas.filter((i) => i.body.includes(withTag));
}

async function submit(page: Page, text: string) {
	await page.getByLabel('Jouw idee').fill(text);
	await page.getByRole('button', { name: 'Idee versturen' }).click();
}

/** A signed-in phone of someone else, in a browser context of its own. */
async function phoneOf(
	browser: Browser,
	email: string
): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext({ ...PHONE, locale: 'nl-NL' });
	const page = await context.newPage();
	await signIn(page, DEMO, email);
	return { context, page };
}

/** The service worker controls the page and the offline shell of /ideas is in the cache. */
async function readyForOffline(page: Page) {
	await page.evaluate(() => navigator.serviceWorker.ready);
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
	await page.waitForFunction(async () => !!(await caches.match('/ideas/shell')));
}

test('an idea sent online, two written offline: the page opens offline and each is stored once', async ({
	page,
	context
}) => {
	const t = tag();
	await signIn(page, DEMO, 'ravi@voorbeeld.nl');
	await page.goto(`${DEMO}/ideas`);
	await expect(page.getByRole('heading', { level: 1, name: 'Ideeën' })).toBeVisible();
	await readyForOffline(page);

	// What is typed survives closing the page before sending.
	await page.getByLabel('Jouw idee').fill(`Half getypt ${t}`);
	await page.reload();
	await expect(page.getByLabel('Jouw idee')).toHaveValue(`Half getypt ${t}`);

	await submit(page, `Online idee ${t}: meer bankjes bij het stadskantoor`);
	await expect(page.getByRole('status').filter({ hasText: 'Je idee is ontvangen' })).toBeVisible();
	const list = page.getByRole('region', { name: 'Mijn ideeën' });
	await expect(list.getByRole('link', { name: `Online idee ${t}: meer bankjes` })).toBeVisible();
	await expect(page.getByLabel('Jouw idee')).toHaveValue('');

	await context.setOffline(true);
	await submit(page, `Offline idee ${t} een: de container bij de Lindelaan is kapot`);
	await expect(page.getByText('Je bent offline. Je idee staat klaar')).toBeVisible();
	await submit(page, `Offline idee ${t} twee: zwerfvuil bij het station`);
	await expect(list.locator('[data-waiting]')).toHaveCount(2);
	await expect(
		list.locator('[data-waiting]').filter({ hasText: 'Wacht op verzenden' })
	).toHaveCount(2);
	await expect(list.getByText('2 wacht op verzenden')).toBeVisible();

	// The app is closed and opened again, still without a connection.
	await page.close();
	const again = await context.newPage();
	await again.goto(`${DEMO}/ideas`);
	await ready(again);
	await expect(again).toHaveURL(/\/ideas\/shell$/);
	await expect(again.getByRole('heading', { level: 1, name: 'Idee insturen' })).toBeVisible();
	await expect(again.getByText('Je bent offline. Je kunt toch een idee insturen')).toBeVisible();
	const waiting = again.getByRole('region', { name: 'Mijn ideeën' }).locator('[data-waiting]');
	await expect(waiting).toHaveCount(2);
	await expectAccessible(again);
	await expectNoOverflow(again);
	await again.screenshot({ path: 'tests/screenshots/idea-offline-phone.png', fullPage: true });

	// The connection comes back: the open page sends the outbox by itself.
	await context.setOffline(false);
	await expect(waiting).toHaveCount(0);
	const stored = await mine(context.request, t);
	expect(stored.map((i) => i.body).sort()).toEqual([
		`Offline idee ${t} een: de container bij de Lindelaan is kapot`,
		`Offline idee ${t} twee: zwerfvuil bij het station`,
		`Online idee ${t}: meer bankjes bij het stadskantoor`
	]);
	await again.goto(`${DEMO}/ideas`);
	await ready(again);
	const after = again.getByRole('region', { name: 'Mijn ideeën' });
	await expect(after.locator('[data-idea]').filter({ hasText: t })).toHaveCount(3);
	await expect(after.locator('[data-waiting]')).toHaveCount(0);
	// and a later retry of the same id changes nothing
	const retry = await context.request.post(`${DEMO}/api/ideas`, {
		headers: { origin: DEMO },
		multipart: { id: stored[0].id, body: stored[0].body }
	});
	expect(retry.status()).toBe(200);
	expect(await mine(context.request, t)).toHaveLength(3);
});

test('with no Koers page open, Background Sync sends the outbox with the session cookie', async ({
	page,
	context
}) => {
	const t = tag();
	await signIn(page, DEMO, 'ravi@voorbeeld.nl');
	await page.goto(`${DEMO}/ideas`);
	await readyForOffline(page);
	// Who sends the idea, and what the server answers.
	const sends: { byServiceWorker: boolean; status?: number }[] = [];
	context.on('requestfinished', async (r) => {
		if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/ideas')
			sends.push({ byServiceWorker: !!r.serviceWorker(), status: (await r.response())?.status() });
	});

	await context.setOffline(true);
	await submit(page, `Achtergrond ${t}: containers vaker legen in de zomer`);
	await expect(page.locator('[data-waiting]')).toHaveCount(1);
	// Leave for a page without the outbox's code (the static offline page), then reconnect:
	// the browser wakes the service worker (sync event), which sends the idea by itself.
	await page.goto(`${DEMO}/offline.html`);
	await expect(page.getByRole('heading', { name: 'Je bent offline' })).toBeVisible();
	await context.setOffline(false);
	await expect.poll(async () => (await mine(context.request, t)).length).toBe(1);
	await expect.poll(() => sends).toEqual([{ byServiceWorker: true, status: 201 }]);

	await page.goto(`${DEMO}/ideas`);
	await expect(page.locator('[data-idea]').filter({ hasText: `Achtergrond ${t}` })).toHaveCount(1);
	await expect(page.locator('[data-waiting]')).toHaveCount(0);
});

test('similar ideas show while typing, and support counts once', async ({ page, browser }) => {
	const t = tag();
	const noor = await phoneOf(browser, 'noor@voorbeeld.nl');
	await noor.page.goto(`${DEMO}/ideas`);
	await submit(noor.page, `Container niet geleegd in de Lindelaan ${t}`);
	await expect(noor.page.getByText('Je idee is ontvangen')).toBeVisible();
	await noor.context.close();

	await signIn(page, DEMO, 'ravi@voorbeeld.nl');
	await page.goto(`${DEMO}/ideas`);
	await page.getByLabel('Jouw idee').pressSequentially('containers worden niet geleegd');
	const similar = page.getByRole('region', { name: 'Lijkt op ideeën die er al zijn' });
	const item = similar.getByRole('listitem').filter({ hasText: t });
	await expect(item).toBeVisible();
	await expect(item.getByText('0 steun')).toBeVisible();
	await expectNoOverflow(page);
	await page.screenshot({ path: 'tests/screenshots/ideas-phone.png', fullPage: true });

	const support = item.getByRole('button', { name: /Steun dit idee/ });
	await support.click();
	await expect(item.getByText('1 steun')).toBeVisible();
	await expect(support).toHaveAttribute('aria-pressed', 'true');
	await support.click();
	await expect(item.getByText('1 steun')).toBeVisible();
	await expect(item.getByText('Je steunt dit idee')).toBeVisible();
	await expect(item.getByRole('button', { name: /^Steun intrekken/ })).toBeVisible();
	// Supporting again (here straight through the API) still counts once.
	const href = await item.getByRole('link').getAttribute('href');
	const id = href!.split('/').pop()!;
	const twice = await page.request.post(`${DEMO}/api/ideas/${id}/vote`, {
		headers: { origin: DEMO }
	});
	expect(await twice.json()).toEqual({ votes: 1, voted: true });
	await page.goto(`${DEMO}${href}`);
	await expect(page.getByText('1 steun')).toBeVisible();
	await expect(page.getByRole('button', { name: 'Steun dit idee' })).toHaveAttribute(
		'aria-pressed',
		'true'
	);
	// its label stays and it shows that I support it: pressing it again takes nothing back
	await expect(page.getByText('Je steunt dit idee')).toBeVisible();
	await page.getByRole('button', { name: 'Steun dit idee' }).click();
	await page.waitForTimeout(500);
	await expect(page.getByText('1 steun')).toBeVisible();
	await expect(page.getByRole('button', { name: 'Steun dit idee' })).toHaveAttribute(
		'aria-pressed',
		'true'
	);
	// taking it back is its own step
	await page.getByRole('button', { name: 'Steun intrekken' }).click();
	await expect(page.getByText('0 steun')).toBeVisible();
	await expect(page.getByRole('button', { name: 'Steun dit idee' })).toHaveAttribute(
		'aria-pressed',
		'false'
	);
	await expect(page.getByRole('button', { name: 'Steun intrekken' })).toHaveCount(0);
});

test('the coach triages an idea; the submitter sees the new status, the reason and a badge', async ({
	page,
	context,
	browser
}) => {
	const t = tag();
	await signIn(page, DEMO, 'ravi@voorbeeld.nl');
	await page.goto(`${DEMO}/ideas`);
	await page.getByRole('button', { name: /Foto toevoegen/ }).waitFor();
	await page.locator('input[name=photo]').setInputFiles({
		name: 'container.png',
		mimeType: 'image/png',
		buffer: png()
	});
	await expect(page.getByRole('img', { name: 'Foto bij het idee' })).toBeVisible();
	await submit(page, `Sms aan melders als de container alsnog geleegd is ${t}`);
	await expect(page.getByText('Je idee is ontvangen')).toBeVisible();
	const [idea] = await mine(context.request, t);
	expect(idea.hasPhoto).toBe(true);

	// Ravi (staff, in no team) may not triage it: no form, and a forged post changes nothing.
	await page.goto(`${DEMO}/ideas/${idea.id}`);
	await expect(page.getByText('Alleen de leden van het team')).toBeVisible();
	await expect(page.getByRole('button', { name: 'Opslaan' })).toHaveCount(0);
	const forged = await page.request.post(`${DEMO}/ideas/${idea.id}?/triage`, {
		headers: { origin: DEMO },
		form: { status: 'declined', reason: 'Zelf afgewezen', teamId: '' }
	});
	expect(await forged.json()).toMatchObject({ type: 'failure', status: 403 });
	expect((await mine(context.request, t))[0]).toMatchObject({ status: 'new', reason: '' });

	const coach = await browser.newContext({ viewport: viewports.laptop, locale: 'nl-NL' });
	const cp = await coach.newPage();
	await signIn(cp, DEMO, 'coach@voorbeeld.nl');
	await cp.goto(`${DEMO}/ideas/triage`);
	await ready(cp);
	const row = cp.getByRole('listitem').filter({ hasText: t });
	await expect(row.getByText('Nieuw ingediend')).toBeVisible();
	await expectAccessible(cp);
	await expectNoOverflow(cp);
	await cp.screenshot({ path: 'tests/screenshots/ideas-triage-laptop.png', fullPage: true });
	await row.getByRole('link').click();
	await expect(cp.getByRole('heading', { level: 1, name: 'Idee' })).toBeVisible();
	await ready(cp);
	// a reason is required
	await cp.getByLabel('Nieuwe status').selectOption({ label: 'Wordt bekeken' });
	await cp.getByRole('button', { name: 'Opslaan' }).click();
	await expect(cp.getByText('Schrijf een korte toelichting voor de indiener.')).toBeVisible();
	await cp.getByLabel('Toelichting voor de indiener').fill('We bespreken dit dinsdag met het KCC.');
	await cp.getByRole('button', { name: 'Opslaan' }).click();
	await expect(cp.getByText('Opgeslagen.')).toBeVisible();
	await expect(cp.getByRole('region', { name: 'Wat er met dit idee gebeurde' })).toContainText(
		'We bespreken dit dinsdag met het KCC.'
	);
	await coach.close();

	await page.goto(`${DEMO}/ideas`);
	const card = page.locator('[data-idea]').filter({ hasText: t });
	await expect(card.getByText('Wordt bekeken')).toBeVisible();
	await expect(card.getByText('We bespreken dit dinsdag met het KCC.')).toBeVisible();
	await expect(card.locator('.new')).toBeVisible();
	await expect(page.getByText('Gewijzigd sinds je laatste bezoek: 1')).toBeVisible();
	await expectAccessible(page);
	// Seen now: on the next visit the badge is gone.
	await page.reload();
	await expect(page.locator('[data-idea]').filter({ hasText: t }).locator('.new')).toHaveCount(0);

	await page.goto(`${DEMO}/ideas/${idea.id}`);
	await expect(page.getByRole('img', { name: 'Foto bij het idee' })).toBeVisible();
	await expect(page.getByRole('region', { name: 'Wat er met dit idee gebeurde' })).toContainText(
		'Wordt bekeken'
	);
	await expectAccessible(page);
	await expectNoOverflow(page);
	await page.screenshot({ path: 'tests/screenshots/idea-detail-phone.png', fullPage: true });
});

test('bad input gets a clear message and stores nothing', async ({ page, context, browser }) => {
	const t = tag();
	await signIn(page, DEMO, 'ravi@voorbeeld.nl');
	await page.goto(`${DEMO}/ideas`);
	await expectAccessible(page);
	const before = (await mine(context.request, '')).length;

	await page.getByRole('button', { name: 'Idee versturen' }).click();
	await expect(page.getByText('Schrijf je idee op.')).toBeVisible();
	await expect(page.getByLabel('Jouw idee')).toBeFocused();

	await page.locator('input[name=photo]').setInputFiles({
		name: 'foto.jpg',
		mimeType: 'image/jpeg',
		buffer: Buffer.from('dit is een tekstbestand, geen foto')
	});
	await expect(
		page.getByText('Dit is geen foto. Kies een JPEG-, PNG- of WebP-afbeelding.')
	).toBeVisible();
	await expect(page.getByRole('img', { name: 'Foto bij het idee' })).toHaveCount(0);
	expect(await mine(context.request, '')).toHaveLength(before);

	// The API refuses the same things, with the message in the user's language.
	const post = (
		multipart: Record<string, string | { name: string; mimeType: string; buffer: Buffer }>
	) => page.request.post(`${DEMO}/api/ideas`, { headers: { origin: DEMO }, multipart });
	const id = () => crypto.randomUUID();
	const text = await post({
		id: id(),
		body: `Met een tekstbestand ${t}`,
		photo: { name: 'foto.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('geen foto') }
	});
	expect(text.status()).toBe(400);
	expect((await text.json()).message).toBe(
		'Dit is geen foto. Kies een JPEG-, PNG- of WebP-afbeelding.'
	);
	const big = Buffer.alloc(5 * 1024 * 1024 + 1);
	big.set([0xff, 0xd8, 0xff]);
	const tooLarge = await post({
		id: id(),
		body: `Te grote foto ${t}`,
		photo: { name: 'groot.jpg', mimeType: 'image/jpeg', buffer: big }
	});
	expect(tooLarge.status()).toBe(413);
	expect((await post({ id: 'geen-uuid', body: `Slecht kenmerk ${t}` })).status()).toBe(400);
	expect((await post({ id: id(), body: 'x'.repeat(1001) })).status()).toBe(400);
	expect((await post({ id: id(), body: '  ' })).status()).toBe(400);
	const spoofed = await post({ id: id(), body: `Ander team ${t}`, teamId: crypto.randomUUID() });
	expect(spoofed.status()).toBe(400);
	expect((await spoofed.json()).error).toBe('idea_about_unknown');
	const json = await page.request.post(`${DEMO}/api/ideas`, {
		headers: { origin: DEMO },
		data: { id: id(), body: 'ab' }
	});
	expect(json.status()).toBe(400);
	expect((await json.json()).message).toBe('Schrijf iets meer: minstens 3 tekens.');
	expect(await mine(context.request, t)).toEqual([]);

	// Without JavaScript the form still posts, and says what is wrong.
	const plain = await browser.newContext({ ...PHONE, javaScriptEnabled: false, locale: 'nl-NL' });
	const pp = await plain.newPage();
	await pp.goto(`${DEMO}/login?next=/ideas`);
	await pp.locator('input[name=email]').fill('ravi@voorbeeld.nl');
	await pp.locator('input[name=password]').fill(DEMO_PASSWORD);
	await pp.locator('form button[type=submit]').click();
	await pp.waitForURL(/\/ideas$/);
	await pp.getByLabel('Jouw idee').fill('ok');
	await pp.getByRole('button', { name: 'Idee versturen' }).click();
	await expect(pp.getByText('Schrijf iets meer: minstens 3 tekens.')).toBeVisible();
	await pp.getByLabel('Jouw idee').fill(`Zonder JavaScript ingestuurd ${t}`);
	await pp.getByRole('button', { name: 'Idee versturen' }).click();
	await expect(pp.getByText('Bedankt! Je idee is ontvangen.')).toBeVisible();
	await plain.close();
	expect((await mine(context.request, t)).map((i) => i.body)).toEqual([
		`Zonder JavaScript ingestuurd ${t}`
	]);
});

test('the idea pages fit tablets and laptops', async ({ browser }) => {
	const sizes = [
		{ name: 'tablet landscape', viewport: { width: 1024, height: 768 }, hasTouch: true },
		{ name: 'tablet portrait', viewport: { width: 768, height: 1024 }, hasTouch: true },
		{ name: 'laptop', viewport: viewports.laptop, hasTouch: false }
	];
	for (const size of sizes) {
		const context = await browser.newContext({ ...size, locale: 'nl-NL' });
		const page = await context.newPage();
		await signIn(page, DEMO, 'coach@voorbeeld.nl');
		const made = await page.request.post(`${DEMO}/api/ideas`, {
			headers: { origin: DEMO },
			multipart: { id: crypto.randomUUID(), body: `Een idee om te bekijken op een ${size.name}` }
		});
		expect(made.status()).toBe(201);
		await page.goto(`${DEMO}/ideas/triage?status=all`);
		await ready(page);
		await expectNoOverflow(page);
		const first = page.locator('[data-idea] a').first();
		const href = await first.getAttribute('href');
		for (const path of ['/ideas', href!]) {
			await page.goto(`${DEMO}${path}`);
			await ready(page);
			await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
			await expectNoOverflow(page);
		}
		await context.close();
	}
});
