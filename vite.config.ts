import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const offlineRevision = createHash('md5').update(readFileSync('static/offline.html')).digest('hex');

export default defineConfig({
	plugins: [
		sveltekit(),
		SvelteKitPWA({
			registerType: 'autoUpdate',
			injectRegister: false,
			// Kit's relative asset paths would register ./service-worker.js from every page's folder.
			base: '/',
			scope: '/',
			manifest: {
				name: 'Koers',
				short_name: 'Koers',
				description: 'Werkplek voor klantteams: klantreis, cijfers, verbetercycli en ideeën.',
				lang: 'nl',
				start_url: '/',
				scope: '/',
				display: 'standalone',
				background_color: '#f6f7f4',
				theme_color: '#0f4c5c',
				icons: [
					{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
					{ src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
					{
						src: '/icons/maskable-512.png',
						sizes: '512x512',
						type: 'image/png',
						purpose: 'maskable'
					}
				]
			},
			// Our own service worker (src/service-worker.ts, built by SvelteKit): the precache
			// list is injected into it. See that file for what it caches and what it never does.
			strategies: 'injectManifest',
			srcDir: 'src',
			filename: 'service-worker.ts',
			injectManifest: {
				globPatterns: ['client/**/*.{js,css,ico,png,svg,webp,woff,woff2}'],
				// The kit plugin leaves static HTML out of the precache; the offline page must be in.
				additionalManifestEntries: [{ url: '/offline.html', revision: offlineRevision }]
			}
		})
	],
	test: {
		include: ['src/**/*.{test,spec}.ts'],
		globalSetup: ['tests/setup/vitest-global.ts'],
		testTimeout: 30_000,
		hookTimeout: 60_000
	}
});
