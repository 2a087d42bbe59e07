/** A path on this site to go back to; anything a browser could resolve elsewhere becomes '/'. */
export function safePath(next: unknown): string {
	if (typeof next !== 'string' || !next) return '/';
	const url = new URL(next, 'http://koers.invalid');
	return url.origin === 'http://koers.invalid' ? url.pathname + url.search + url.hash : '/';
}
