import { describe, expect, it } from 'vitest';
import { pseudonymiser } from './pseudonym';

describe('pseudonymiser (each distinct value hashed once)', () => {
	it('gives one pseudonym per customer however often and however spaced the value comes', () => {
		const p = pseudonymiser('secret-of-enough-length-0123456789', 'org-a');
		const first = p('Jan  Jansen');
		expect(first).toMatch(/^[\w-]{43}$/);
		for (let i = 0; i < 3; i++) expect(p(' jan jansen ')).toBe(first);
		expect(p('Piet')).not.toBe(first);
		expect(p('   ')).toBeNull();
		expect(p(undefined)).toBeNull();
	});

	it('keeps organisations apart and answers the same past its cache size', () => {
		const a = pseudonymiser('secret-of-enough-length-0123456789', 'org-a');
		const b = pseudonymiser('secret-of-enough-length-0123456789', 'org-b');
		const early = a('klant 7');
		expect(b('klant 7')).not.toBe(early);
		for (let i = 0; i < 120_000; i++) a(`klant ${i}`);
		expect(a('klant 7')).toBe(early);
		expect(pseudonymiser('secret-of-enough-length-0123456789', 'org-a')('klant 7')).toBe(early);
	});
});
