import { defineConfig, devices } from '@playwright/test';

// Browser tests drive Debian's Chromium (never `playwright install`: no downloads here).
// Two servers from the production build: one on an empty database (first-run setup), one
// with the demo organisation. Each run starts from fresh data folders.
// E2E_PORT moves both servers (for running two suites side by side on one machine).
const base = Number(process.env.E2E_PORT ?? 4173);
// (`npm test` sets KOERS_E2E_ROOT to a folder it removes afterwards)
const run = `${process.env.KOERS_E2E_ROOT ?? process.env.TMPDIR ?? '/tmp'}/koers-e2e-${Date.now().toString(36)}`;
const server = (port: number, demo: boolean) => ({
	command: `node src/scripts/start.js --no-build`,
	port,
	reuseExistingServer: false,
	timeout: 120_000,
	env: {
		PORT: String(port),
		HOST: '127.0.0.1',
		KOERS_DATA_DIR: `${run}-${port}`,
		KOERS_DEMO: demo ? '1' : '0'
	}
});

export const EMPTY = `http://127.0.0.1:${base}`;
export const DEMO = `http://127.0.0.1:${base + 1}`;

export default defineConfig({
	testDir: 'tests',
	testMatch: '**/*.e2e.ts',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	timeout: 60_000,
	// a page that recomputes figures may take longer than Playwright's 5 s on a loaded 2-core machine
	expect: { timeout: 15_000 },
	reporter: [['list']],
	outputDir: 'test-results',
	use: {
		...devices['Desktop Chrome'],
		locale: 'en-GB',
		launchOptions: {
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			args: [
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync'
			]
		}
	},
	webServer: [server(base, false), server(base + 1, true)]
});
