import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Page } from '@playwright/test';

/** Waits until a Koers page is hydrated (so typing is not undone); other pages at once. */
export async function ready(page: Page) {
	await page.waitForFunction(
		() =>
			document.documentElement.dataset.ready !== undefined ||
			!document.querySelector('[data-sveltekit-preload-data]')
	);
}

/**
 * Playwright's test, with goto and reload that wait for hydration, failing any test during
 * which the browser blocked something under the content security policy.
 */
export const test = base.extend({
	page: async ({ page }, use) => {
		const blocked: string[] = [];
		page.on('console', (msg) => {
			if (/Content Security Policy/i.test(msg.text())) blocked.push(msg.text());
		});
		const goto = page.goto.bind(page);
		const reload = page.reload.bind(page);
		page.goto = async (...args) => {
			const res = await goto(...args);
			await ready(page);
			return res;
		};
		page.reload = async (...args) => {
			const res = await reload(...args);
			await ready(page);
			return res;
		};
		await use(page);
		expect(blocked, 'blocked by the content security policy').toEqual([]);
	}
});
export { expect };

export { DEMO, EMPTY } from '../playwright.config';
export const DEMO_PASSWORD = 'koers-demo-2026';

export const viewports = {
	phone: { width: 390, height: 844 },
	tablet: { width: 1024, height: 768 },
	laptop: { width: 1440, height: 900 }
};

/** No serious or critical accessibility violations on the current page. */
export async function expectAccessible(page: Page) {
	const { violations } = await new AxeBuilder({ page }).analyze();
	const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`)).toEqual(
		[]
	);
}

/** The page does not scroll sideways. */
export async function expectNoOverflow(page: Page) {
	const { scroll, width } = await page.evaluate(() => ({
		scroll: document.documentElement.scrollWidth,
		width: window.innerWidth
	}));
	expect(scroll, 'page wider than the viewport').toBeLessThanOrEqual(width);
}

export async function signIn(page: Page, base: string, email: string, password = DEMO_PASSWORD) {
	await page.goto(`${base}/login`);
	await ready(page);
	await page.locator('input[name=email]').fill(email);
	await page.locator('input[name=password]').fill(password);
	await page.locator('form button[type=submit]').click();
	await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}
