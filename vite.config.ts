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
			// Kit's relative asset paths would register ./sw.js from every page's folder.
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
			workbox: {
				// Server-rendered pages are neither precached nor kept: they hold a signed-in
				// person's data, and a tablet is often shared. Navigations go to the network and,
				// without one, to the offline page.
				navigateFallback: null,
				globPatterns: ['client/**/*.{js,css,ico,png,svg,webp,woff,woff2}'],
				// The kit plugin leaves static HTML out of the precache; the offline page must be in.
				additionalManifestEntries: [{ url: '/offline.html', revision: offlineRevision }],
				runtimeCaching: [
					{
						urlPattern: ({ request }) => request.mode === 'navigate',
						handler: 'NetworkOnly',
						options: { precacheFallback: { fallbackURL: '/offline.html' } }
					}
				]
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
