/** Amounts as a form field shows them: what the user reads back must be what the schema reads. */
import { afterEach, describe, expect, it } from 'vitest';
import { overwriteGetLocale } from '$lib/paraglide/runtime';
import { mandateSchema } from '$lib/schemas/teams';
import { amountInput } from './format';

afterEach(() => overwriteGetLocale(() => 'nl'));

describe('amountInput', () => {
	it('shows a stored amount with a Dutch decimal comma, whole euros without cents', () => {
		overwriteGetLocale(() => 'nl');
		expect(amountInput('5000.00')).toBe('5000');
		expect(amountInput('1250.50')).toBe('1250,50');
		expect(amountInput(7500)).toBe('7500');
		expect(amountInput(null)).toBe('');
		overwriteGetLocale(() => 'en');
		expect(amountInput('1250.50')).toBe('1250.50');
	});

	it('gives back what the mandate schema reads as the same amount', () => {
		overwriteGetLocale(() => 'nl');
		for (const stored of ['5000.00', '1250.50', '0.05'])
			expect(
				mandateSchema.parse({ decisionRights: 'x', budgetLimit: amountInput(stored) }).budgetLimit
			).toBe(Number(stored));
	});
});
