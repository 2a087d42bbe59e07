import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter(),
		// The content security policy: only Koers's own scripts (SvelteKit hashes its inline
		// start-up script), no plugins, no framing, forms post only here. Inline style
		// attributes (Svelte's style: directives, chart sizes) need 'unsafe-inline' for styles.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'worker-src': ['self'],
				'manifest-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		},
		// The root layout registers src/service-worker.ts (at /, whatever the page's depth).
		serviceWorker: { register: false }
	}
};

export default config;
