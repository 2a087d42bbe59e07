import { describe, expect, it } from 'vitest';
import { m } from '$lib/paraglide/messages';
import { errorText } from './errors';

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
