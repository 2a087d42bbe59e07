/**
 * Headers on every response besides the content security policy (svelte.config.js `csp`, which
 * SvelteKit fills with the hashes or nonces of its own inline scripts): no sniffing, no
 * framing, no referrer to other sites, no sensors; HSTS only over HTTPS (behind a proxy, the
 * ORIGIN setting makes the URL https).
 */
export function securityHeaders(url: URL): Record<string, string> {
	const headers: Record<string, string> = {
		'x-content-type-options': 'nosniff',
		'x-frame-options': 'DENY',
		'referrer-policy': 'strict-origin-when-cross-origin',
		'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
		'cross-origin-opener-policy': 'same-origin'
	};
	if (url.protocol === 'https:')
		headers['strict-transport-security'] = 'max-age=31536000; includeSubDomains';
	return headers;
}
