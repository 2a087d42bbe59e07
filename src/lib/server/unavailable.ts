/**
 * What a request gets while the database cannot be reached (hooks.server.ts): 503 with
 * Retry-After, in the person's language — JSON for the API and SvelteKit's data requests, else a
 * small page that needs no database, script or stylesheet.
 */
import { json, type RequestEvent } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';

const headers = { 'retry-after': '5', 'cache-control': 'no-store' };

export function unavailable(event: RequestEvent): Response {
	const accept = event.request.headers.get('accept') ?? '';
	if (
		event.url.pathname.startsWith('/api/') ||
		event.isDataRequest ||
		(accept.includes('application/json') && !accept.includes('text/html'))
	)
		return json(
			{ error: 'unavailable', message: `${m.error_unavailable()}. ${m.error_unavailable_body()}` },
			{ status: 503, headers }
		);
	const html = `<!doctype html>
<html lang="${getLocale()}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${m.error_unavailable()} – Koers</title></head>
<body style="font-family:system-ui,sans-serif;color:#1d2428;background:#f6f7f4;margin:0;padding:10vh 1rem">
<main style="max-width:32rem;margin:0 auto;background:#fff;border:1px solid #d5dbd9;border-radius:10px;padding:1.5rem">
<h1>${m.error_unavailable()}</h1>
<p>${m.error_unavailable_body()}</p>
<p><a href="" style="color:#0f4c5c">${m.error_try_again()}</a></p>
</main>
</body>
</html>`;
	return new Response(html, {
		status: 503,
		headers: {
			...headers,
			'content-type': 'text/html; charset=utf-8',
			'content-security-policy':
				"default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
		}
	});
}
