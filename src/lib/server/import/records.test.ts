import { describe, expect, it } from 'vitest';
import { toRecord, type RecordContext } from './records';

const ctx: RecordContext = {
	shape: 'event',
	mapping: {
		caseId: 'case',
		activity: 'act',
		timestamp: 'ts',
		resource: 'who',
		duplicate: 'reason'
	},
	timezone: 'Europe/Amsterdam',
	dayFirst: true,
	pseudonym: (v) => (v ? `key:${v.length}` : null)
};
const row = (values: Record<string, string>) => ({
	line: 7,
	values: { case: 'Z-1', act: 'Melding ontvangen', ts: '03-02-2025 09:00', ...values }
});

describe('a source row becomes a record or a list of problems', () => {
	it('reads a Dutch local time in the organisation zone', () => {
		const r = toRecord(row({}), ctx);
		expect(r.ok && 'occurredAt' in r.record && r.record.occurredAt.toISOString()).toBe(
			'2025-02-03T08:00:00.000Z'
		);
	});

	it('reports an over-long resource instead of storing it empty', () => {
		const r = toRecord(row({ who: 'x'.repeat(301) }), ctx);
		expect(r.ok).toBe(false);
		expect(!r.ok && r.problems).toEqual([
			{ line: 7, field: 'resource', key: 'row_too_long', detail: 'x'.repeat(40) }
		]);
	});

	it('flags a duplicate from free text, however long, and not otherwise', () => {
		const long = `Case closed. Duplicate of Existing Case ${'x'.repeat(400)}`;
		const yes = toRecord(row({ reason: long }), ctx);
		const no = toRecord(row({ reason: 'Case resolved, vehicle towed' }), ctx);
		expect(yes.ok && yes.record.flaggedDuplicate).toBe(true);
		expect(no.ok && no.record.flaggedDuplicate).toBe(false);
	});

	it("writes channel and department values in the organisation's words", () => {
		const words = {
			...ctx,
			mapping: { ...ctx.mapping, channel: 'via', department: 'queue' },
			valueMap: {
				channel: new Map([['constituent call', 'telefoon']]),
				department: new Map([['btdt_avrs interface queue', 'Wijkbeheer']])
			}
		};
		const r = toRecord(
			row({ via: ' Constituent Call ', queue: 'BTDT_AVRS Interface Queue' }),
			words
		);
		expect(r.ok && [r.record.channel, r.record.department]).toEqual(['telefoon', 'Wijkbeheer']);
		// a value the map does not name stays as the file writes it
		const other = toRecord(row({ via: 'Employee Generated', queue: 'INFO01' }), words);
		expect(other.ok && [other.record.channel, other.record.department]).toEqual([
			'Employee Generated',
			'INFO01'
		]);
	});
});
