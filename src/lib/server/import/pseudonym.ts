import { createHmac } from 'node:crypto';

/** Distinct values remembered per pseudonymiser; past this the memory starts again (flat). */
const CACHED = 100_000;

/**
 * Customer identifiers and addresses are personal data. They are never stored as given: each
 * becomes an HMAC-SHA-256 under a per-organisation key derived from a secret that is kept out of
 * the database, so the same customer or address still links repeat reports but cannot be read
 * back (nor found by hashing guesses without the secret). An event log repeats a case's customer
 * and address on every row, so each distinct value is hashed once (a bounded cache).
 */
export function pseudonymiser(secret: string, orgId: string) {
	const key = createHmac('sha256', secret).update(`koers-pseudonym:${orgId}`).digest();
	const cache = new Map<string, string | null>();
	return (value: string | undefined): string | null => {
		if (value === undefined) return null;
		const known = cache.get(value);
		if (known !== undefined) return known;
		const clean = value.trim().toLowerCase().replace(/\s+/g, ' ');
		const hashed = clean ? createHmac('sha256', key).update(clean).digest('base64url') : null;
		if (cache.size >= CACHED) cache.clear();
		cache.set(value, hashed);
		return hashed;
	};
}
