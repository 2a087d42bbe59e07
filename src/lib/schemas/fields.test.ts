import { describe, expect, it } from 'vitest';
import { ideaBody } from './ideas';
import { isoDate, plainText, requiredText } from './fields';
import { teamSchema } from './teams';

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

describe('plainText', () => {
	it('refuses a NUL and other control characters, keeps tabs and line breaks', () => {
		for (const bad of ['a\u0000b', '\u0001', 'x\u0008', 'x\u000b', 'x\u001f', 'x\u007f'])
			expect(
				plainText()
					.safeParse(bad)
					.error?.issues.map((i) => i.message)
			).toEqual(['control_character']);
		expect(plainText().parse('a\tb\r\nc')).toBe('a\tb\r\nc');
		expect(requiredText(10).safeParse(' a\u0000 ').error?.issues[0].message).toBe(
			'control_character'
		);
		expect(requiredText(10).parse(' ok ')).toBe('ok');
	});

	it('is the rule of every free-text field of the schemas', () => {
		const nul = 'x\u0000y';
		const team = { name: 'Team', cadenceDays: '14', compactSize: '7', coachId: '' };
		expect(teamSchema.safeParse(team).success).toBe(true);
		for (const field of ['name', 'customerGroup', 'purpose'])
			expect(
				teamSchema.safeParse({ ...team, [field]: nul }).error?.issues.map((i) => i.message)
			).toEqual(['control_character']);
		expect(ideaBody.safeParse(`Een idee van genoeg lengte ${nul}`).error?.issues[0].message).toBe(
			'control_character'
		);
	});
});
