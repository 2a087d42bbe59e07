import { afterEach, describe, expect, it } from 'vitest';
import { overwriteGetLocale } from '$lib/paraglide/runtime';
import { briefText } from './effect-text';

afterEach(() => overwriteGetLocale(() => 'nl'));

const brief = {
	metric: 'repeat_rate' as const,
	unit: 'share' as const,
	before: 0.27,
	after: 0.13,
	weeks: 8,
	signal: 'improvement' as const
};

describe('the effect sentence', () => {
	it('names the signal and nothing more for a stable baseline', () => {
		overwriteGetLocale(() => 'nl');
		const text = briefText({ ...brief, baselineUnstable: false });
		expect(text).toContain('signaal: verbetering');
		expect(text).not.toContain('basislijn');
		// briefs recorded before the flag existed read the same
		expect(briefText(brief)).toBe(text);
	});

	it('says the baseline is not stable, in Dutch and in English', () => {
		overwriteGetLocale(() => 'nl');
		expect(briefText({ ...brief, baselineUnstable: true })).toMatch(/basislijn niet stabiel/);
		overwriteGetLocale(() => 'en');
		expect(briefText({ ...brief, signal: null, baselineUnstable: true })).toMatch(
			/no signal.*baseline not stable/
		);
	});
});
