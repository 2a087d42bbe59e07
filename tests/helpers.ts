import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export const EMPTY = 'http://127.0.0.1:4173';
export const DEMO = 'http://127.0.0.1:4174';
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
	await page.locator('input[name=email]').fill(email);
	await page.locator('input[name=password]').fill(password);
	await page.locator('form button[type=submit]').click();
	await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}
