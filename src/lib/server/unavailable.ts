/**
 * What a request gets while the database cannot be reached (hooks.server.ts): 503 with
 * Retry-After — or, when its disk is full, 507 (nothing was saved) — in the person's language:
 * JSON for the API and SvelteKit's data requests, else a small page that needs no database,
 * script or stylesheet.
 */
import { json, type RequestEvent } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import type { Outage } from './db/errors';

const ANSWERS = {
	unavailable: {
		status: 503,
		headers: { 'retry-after': '5', 'cache-control': 'no-store' },
		title: () => m.error_unavailable(),
		body: () => m.error_unavailable_body()
	},
	disk_full: {
		status: 507,
		headers: { 'cache-control': 'no-store' },
		title: () => m.error_disk_full(),
		body: () => m.error_disk_full_body()
	}
};

export function unavailable(event: RequestEvent, kind: Outage = 'unavailable'): Response {
	const { status, headers, title, body } = ANSWERS[kind];
	const accept = event.request.headers.get('accept') ?? '';
	if (
		event.url.pathname.startsWith('/api/') ||
		event.isDataRequest ||
		(accept.includes('application/json') && !accept.includes('text/html'))
	)
		return json({ error: kind, message: `${title()}. ${body()}` }, { status, headers });
	const html = `<!doctype html>
<html lang="${getLocale()}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title()} – Koers</title></head>
<body style="font-family:system-ui,sans-serif;color:#1d2428;background:#f6f7f4;margin:0;padding:10vh 1rem">
<main style="max-width:32rem;margin:0 auto;background:#fff;border:1px solid #d5dbd9;border-radius:10px;padding:1.5rem">
<h1>${title()}</h1>
<p>${body()}</p>
<p><a href="" style="color:#0f4c5c">${m.error_try_again()}</a></p>
</main>
</body>
</html>`;
	return new Response(html, {
		status,
		headers: {
			...headers,
			'content-type': 'text/html; charset=utf-8',
			'content-security-policy':
				"default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
		}
	});
}
