import { createHmac } from 'node:crypto';

/**
 * Customer identifiers and addresses are personal data. They are never stored as given: each
 * becomes an HMAC-SHA-256 under a per-organisation key derived from a secret that is kept out of
 * the database, so the same customer or address still links repeat reports but cannot be read
 * back (nor found by hashing guesses without the secret).
 */
export function pseudonymiser(secret: string, orgId: string) {
	const key = createHmac('sha256', secret).update(`koers-pseudonym:${orgId}`).digest();
	return (value: string | undefined): string | null => {
		const clean = value?.trim().toLowerCase().replace(/\s+/g, ' ');
		if (!clean) return null;
		return createHmac('sha256', key).update(clean).digest('base64url');
	};
}
