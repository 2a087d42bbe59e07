/**
 * The offline app shell of the idea form: /ideas/shell, a page with the form and no personal
 * data (the list of "my ideas" is filled in on the phone, from the outbox and, when online,
 * from /api/ideas/mine). The /ideas page keeps a copy in the Cache Storage; the service worker
 * serves it when /ideas is opened without a connection. Server-rendered pages are otherwise
 * never cached.
 */
export const SHELL_PATH = '/ideas/shell';
export const SHELL_CACHE = 'koers-ideas-shell';
/** Set on the shell's response: the build version it belongs to (its scripts are precached). */
export const SHELL_HEADER = 'x-koers-shell';

/** A real shell response (not the sign-in page a redirect would give) of this build. */
export function isShell(res: Response, version?: string): boolean {
	const v = res.headers.get(SHELL_HEADER);
	return res.ok && !res.redirected && !!v && (version === undefined || v === version);
}

/** Keeps the shell of this build in the cache (fetching it when missing or from an old build). */
export async function keepShell(version: string): Promise<void> {
	if (typeof caches === 'undefined') return;
	const cache = await caches.open(SHELL_CACHE);
	const cached = await cache.match(SHELL_PATH);
	if (cached && isShell(cached, version)) return;
	const res = await fetch(SHELL_PATH, { credentials: 'same-origin' });
	if (isShell(res, version)) await cache.put(SHELL_PATH, res);
}
