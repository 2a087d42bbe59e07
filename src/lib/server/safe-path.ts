const BASE = 'http://koers.invalid';

/** Control characters (browsers drop tabs and newlines inside a URL) and backslashes (read as '/'). */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f\\]/;

/** Whether a path, as a browser reads it, starts with one '/' and a segment (not '//' or '/\'). */
const onePath = (p: string) => p.startsWith('/') && !p.startsWith('//') && !UNSAFE.test(p);

/**
 * A path on this site to go back to; anything a browser could resolve elsewhere becomes '/'.
 * Accepts only a string that starts with exactly one '/', holds no control character or
 * backslash, and whose normalised form (dot segments and percent-encoded dots resolved, as a
 * browser does) still starts with exactly one '/' and stays on this origin.
 */
export function safePath(next: unknown): string {
	if (typeof next !== 'string' || !onePath(next)) return '/';
	let url: URL;
	try {
		url = new URL(next, BASE);
	} catch {
		return '/';
	}
	if (url.origin !== BASE) return '/';
	const path = url.pathname + url.search + url.hash;
	let decoded: string;
	try {
		decoded = decodeURIComponent(url.pathname);
	} catch {
		return '/';
	}
	if (!onePath(path) || !onePath(decoded)) return '/';
	// the result read again must be itself: nothing left for a second normalisation to change
	const again = new URL(path, BASE);
	return again.origin === BASE && again.pathname + again.search + again.hash === path ? path : '/';
}
