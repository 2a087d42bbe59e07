import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ideaBody } from './ideas';
import { isoDate, latestDay, plainText, requiredText, saneDate } from './fields';
import { cycleSchema } from './cycles';
import { evaluationSchema } from './evaluations';
import { approveSchema, BUDGET_MAX, mandateSchema } from './teams';
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

describe('saneDate', () => {
	const issues = (schema: z.ZodType, v: unknown) => {
		const r = schema.safeParse(v);
		return r.success ? null : r.error.issues.map((i) => `${i.path.join('.')}:${i.message}`);
	};

	it('takes 1990-01-01 up to five years from today, nothing before or after', () => {
		expect(message(saneDate(), '1990-01-01')).toBeNull();
		expect(message(saneDate(), latestDay())).toBeNull();
		for (const odd of ['0000-01-01', '0001-01-01', '1000-06-01', '1989-12-31', '2200-01-01'])
			expect(message(saneDate(), odd)).toEqual(['date_out_of_range']);
		const dayAfter = new Date(`${latestDay()}T00:00:00Z`);
		dayAfter.setUTCDate(dayAfter.getUTCDate() + 1);
		expect(message(saneDate(), dayAfter.toISOString().slice(0, 10))).toEqual(['date_out_of_range']);
		// a date that is not on the calendar keeps its own (feature's) message
		expect(message(saneDate('cycle_date_invalid'), '2026-02-30')).toEqual(['cycle_date_invalid']);
	});

	it('is the rule of every date a person posts', () => {
		const cycle = { title: 'T', metric: 'repeat_rate', better: 'lower' };
		for (const field of ['baselineFrom', 'baselineTo', 'changeDate', 'testFrom', 'testTo'])
			expect(issues(cycleSchema, { ...cycle, [field]: '0001-01-01' })).toEqual([
				`${field}:date_out_of_range`
			]);
		const evaluation = { held_on: '2026-11-23', results: 'Beter', next_on: '2026-12-07' };
		expect(issues(evaluationSchema, { ...evaluation, held_on: '1000-01-01' })).toEqual([
			'held_on:date_out_of_range'
		]);
		expect(issues(evaluationSchema, { ...evaluation, next_on: '2200-01-01' })).toEqual([
			'next_on:date_out_of_range'
		]);
		const mandate = { decisionRights: 'Alles binnen de route' };
		expect(issues(mandateSchema, { ...mandate, reviewDate: '0000-01-01' })).toEqual([
			'reviewDate:date_out_of_range'
		]);
		expect(
			issues(approveSchema, {
				id: '00000000-0000-4000-8000-000000000000',
				approvedOn: '0001-01-01'
			})
		).toEqual(['approvedOn:date_out_of_range']);
	});
});

describe('mandate budget', () => {
	const budget = (v: string) => mandateSchema.safeParse({ decisionRights: 'x', budgetLimit: v });

	it('takes up to what numeric(12, 2) holds, and refuses more with a message', () => {
		expect(BUDGET_MAX).toBe(9_999_999_999.99);
		expect(budget('9999999999,99').data?.budgetLimit).toBe(BUDGET_MAX);
		for (const over of ['10000000000', '9999999999.999', '1e10'])
			expect(budget(over).error?.issues.map((i) => i.message)).toEqual(['out_of_range']);
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
