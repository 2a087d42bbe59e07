/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/**
 * Koers's service worker (SvelteKit builds it; `$service-worker` lists the build's files):
 * - precaches the build's scripts and styles, the icons and the static offline page (Workbox's
 *   precaching: a new build replaces what changed and removes the rest);
 * - sends every navigation to the network. Server-rendered pages are never cached: they hold a
 *   signed-in person's data and a tablet is often shared. Without a network a navigation gets
 *   the offline page — except /ideas, which gets the idea form's app shell (/ideas/shell, a page
 *   without personal data that the ideas page keeps in the cache), so an idea can be written
 *   offline too;
 * - on Background Sync (Chromium) sends the ideas waiting in the outbox, with the session
 *   cookie (a same-origin fetch), and asks to be woken again while the network keeps failing.
 */
import { build, files, version } from '$service-worker';
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, matchPrecache, precacheAndRoute } from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { flush, SYNC_TAG } from '$lib/ideas/outbox';
import { isShell, SHELL_CACHE, SHELL_PATH } from '$lib/ideas/shell';

const sw = self as unknown as ServiceWorkerGlobalScope;
interface SyncEvent extends ExtendableEvent {
	readonly tag: string;
}

const OFFLINE_PAGE = '/offline.html';

sw.skipWaiting();
clientsClaim();
cleanupOutdatedCaches();
// The build's files carry a content hash in their names; static files take the build's version.
precacheAndRoute([
	...build.map((url) => ({ url, revision: null })),
	...files
		.filter((url) => /\.(ico|png|svg|webp|woff2?)$/.test(url) || url === OFFLINE_PAGE)
		.map((url) => ({ url, revision: version }))
]);

async function offlinePage(): Promise<Response> {
	return (await matchPrecache(OFFLINE_PAGE)) ?? Response.error();
}

registerRoute(
	({ request }) => request.mode === 'navigate',
	async ({ request, url }) => {
		try {
			return await fetch(request);
		} catch {
			if (url.pathname === '/ideas' || url.pathname === SHELL_PATH) {
				const shell = await (await caches.open(SHELL_CACHE)).match(SHELL_PATH);
				// The shell at its own address, so the page that starts is the shell's.
				if (shell) return url.pathname === SHELL_PATH ? shell : Response.redirect(SHELL_PATH, 303);
			}
			return offlinePage();
		}
	}
);

/** After an update the old shell's scripts are gone: fetch this build's shell, or drop it. */
async function renewShell() {
	const cache = await caches.open(SHELL_CACHE);
	const cached = await cache.match(SHELL_PATH);
	if (!cached || isShell(cached, version)) return;
	try {
		const res = await fetch(SHELL_PATH, { credentials: 'same-origin' });
		if (isShell(res, version)) return void (await cache.put(SHELL_PATH, res));
	} catch {
		// offline during the update: the ideas page fetches it on its next visit
	}
	await cache.delete(SHELL_PATH);
}

sw.addEventListener('activate', (event) => event.waitUntil(renewShell()));

sw.addEventListener('sync', (event) => {
	const sync = event as SyncEvent;
	if (sync.tag !== SYNC_TAG) return;
	sync.waitUntil(
		flush().then((r) => {
			// Rejecting asks the browser to try again later (with back-off).
			if (r.retry) throw new Error('the ideas outbox could not be sent yet');
		})
	);
});
