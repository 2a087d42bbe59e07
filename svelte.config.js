import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter(),
		// The root layout registers src/service-worker.ts (at /, whatever the page's depth).
		serviceWorker: { register: false }
	}
};

export default config;
