import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [
		// Compiles src/lib/i18n's messages into src/lib/paraglide (git-ignored) on build and dev
		// start, and again in dev when a message changes. Not in vitest: the compiler's timers
		// would hold every test run open for half a minute; tests/setup/vitest-global.ts compiles
		// there, in a child process (the `i18n` script, same options).
		...(process.env.VITEST
			? []
			: [
					paraglideVitePlugin({
						project: './src/lib/i18n/project.inlang',
						outdir: './src/lib/paraglide',
						strategy: ['cookie', 'baseLocale']
					})
				]),
		sveltekit()
	],
	test: {
		include: ['src/**/*.{test,spec}.ts'],
		globalSetup: ['tests/setup/vitest-global.ts'],
		testTimeout: 30_000,
		hookTimeout: 60_000
	}
});
