import { describe, expect, it } from 'vitest';
import { isoDate } from './fields';

const message = (schema: ReturnType<typeof isoDate>, v: unknown) => {
	const r = schema.safeParse(v);
	return r.success ? null : r.error.issues.map((i) => i.message);
};

describe('isoDate', () => {
	it('takes a calendar date as a date input sends it', () => {
		expect(isoDate().parse(' 2026-02-28 ')).toBe('2026-02-28');
		expect(message(isoDate(), '2028-02-29')).toBeNull();
	});

	it('calls an empty date required and anything else not on the calendar a bad date', () => {
		expect(message(isoDate(), '')).toEqual(['required']);
		expect(message(isoDate(), undefined)).toEqual(['required']);
		for (const bad of ['2026-02-30', '2026-13-01', '28-02-2026', 'morgen'])
			expect(message(isoDate(), bad)).toEqual(['date']);
	});

	it("speaks a feature's own key, once, so a rule after it sees a real date", () => {
		expect(message(isoDate('cycle_date_invalid'), '2026-02-30')).toEqual(['cycle_date_invalid']);
		const later = isoDate().refine((v) => v > '2026-01-01', { error: 'too_early' });
		expect(message(later, '2026-02-30')).toEqual(['date']);
		expect(message(later, '2025-12-31')).toEqual(['too_early']);
	});
});
