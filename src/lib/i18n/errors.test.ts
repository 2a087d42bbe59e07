import { describe, expect, it } from 'vitest';
import { m } from '$lib/paraglide/messages';
import { overwriteGetLocale } from '$lib/paraglide/runtime';
import { errorText, waitText } from './errors';

describe('errorText', () => {
	const own = { not_found: () => 'Dit team bestaat niet', team_full: () => 'Het team is vol' };

	it('reads a feature key from the texts it is given', () => {
		expect(errorText('team_full', own)).toBe('Het team is vol');
	});

	it('prefers the feature text over the shared one for the same key', () => {
		expect(errorText('not_found', own)).toBe('Dit team bestaat niet');
		expect(errorText('not_found')).toBe(m.err_not_found());
	});

	it('falls back to the shared texts, then to the unknown-error text', () => {
		expect(errorText('required', own)).toBe(m.err_required());
		expect(errorText('err_required', own)).toBe(m.err_required());
		expect(errorText('team_full')).toBe(m.err_unknown());
		expect(errorText('toString', own)).toBe(m.err_unknown());
	});

	it('is empty without a key', () => {
		expect(errorText(undefined, own)).toBe('');
		expect(errorText(null)).toBe('');
	});
});

describe('waitText', () => {
	it('says how long to wait: seconds up to a minute, then whole minutes rounded up', () => {
		expect(waitText(29.2)).toBe('Te veel mislukte pogingen. Probeer het over 30 seconden opnieuw.');
		expect(waitText(60)).toBe('Te veel mislukte pogingen. Probeer het over 60 seconden opnieuw.');
		expect(waitText(121)).toBe('Te veel mislukte pogingen. Probeer het over 3 minuten opnieuw.');
		expect(waitText(900)).toBe('Te veel mislukte pogingen. Probeer het over 15 minuten opnieuw.');
	});

	it('speaks English to an English user', () => {
		overwriteGetLocale(() => 'en');
		try {
			expect(waitText(180)).toBe('Too many failed attempts. Try again in 3 minutes.');
		} finally {
			overwriteGetLocale(() => 'nl');
		}
	});
});
