import { describe, expect, it } from 'vitest';
import { incompleteFrom } from './data-up-to';

describe('incompleteFrom', () => {
	it('leaves out the week of the last day when the data stops mid-week', () => {
		// Wednesday 18 November 2026: that week (from Monday 16 November) is incomplete
		expect(incompleteFrom('2026-11-18')).toBe('2026-11-16');
		// a Monday: its own week is incomplete
		expect(incompleteFrom('2026-11-16')).toBe('2026-11-16');
	});

	it('keeps the week whose Sunday the data reaches', () => {
		// Sunday 22 November 2026 completes its week; the next Monday's week is the first gap
		expect(incompleteFrom('2026-11-22')).toBe('2026-11-23');
	});
});
