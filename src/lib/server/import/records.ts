import { parseTimestamp } from './dates';
import type { Mapping, RawRow, RowProblem } from './types';

/** A row ready for the database: pseudonyms made, times parsed. */
export interface CaseRecord {
	line: number;
	externalId: string;
	category: string | null;
	channel: string | null;
	customerKey: string | null;
	locationKey: string | null;
	receivedAt: Date | null;
	resolvedAt: Date | null;
	status: string | null;
	department: string | null;
	flaggedDuplicate: boolean;
	reopened: boolean;
}

export interface EventRecord extends CaseRecord {
	occurredAt: Date;
	activity: string;
	resource: string | null;
	lifecycle: string | null;
}

export interface RecordContext {
	shape: 'case' | 'event';
	mapping: Mapping;
	timezone: string;
	dayFirst: boolean;
	pseudonym: (value: string | undefined) => string | null;
}

const MAX = 300;
const YES = /^(1|true|yes|ja|j|y|x|waar)$/i;
const DUPLICATE = /duplica|dubbel/i;

/** Turns one source row into a record, or the list of its problems. */
export function toRecord(
	row: RawRow,
	ctx: RecordContext
): { ok: true; record: EventRecord | CaseRecord } | { ok: false; problems: RowProblem[] } {
	const problems: RowProblem[] = [];
	const { mapping } = ctx;
	const text = (field: keyof Mapping, required = false, max = MAX) => {
		const column = mapping[field];
		const value = column === undefined ? '' : (row.values[column] ?? '').trim();
		if (!value) {
			if (required) problems.push({ line: row.line, field, key: 'row_missing' });
			return null;
		}
		if (value.length > max) {
			problems.push({ line: row.line, field, key: 'row_too_long', detail: value.slice(0, 40) });
			return null;
		}
		return value;
	};
	const time = (field: keyof Mapping, required = false) => {
		const value = text(field, required);
		if (value === null) return null;
		const date = parseTimestamp(value, { timezone: ctx.timezone, dayFirst: ctx.dayFirst });
		if (!date) problems.push({ line: row.line, field, key: 'row_bad_time', detail: value });
		return date;
	};

	const event = ctx.shape === 'event';
	const externalId = text('caseId', true);
	const activity = event ? text('activity', true) : null;
	const occurredAt = event ? time('timestamp', true) : null;
	const receivedAt = time('received', !event);
	const resolvedAt = time('resolved');
	if (receivedAt && resolvedAt && resolvedAt < receivedAt)
		problems.push({ line: row.line, field: 'resolved', key: 'row_resolved_before_received' });
	// Read as flags, never stored: free text (a closure reason) may be long.
	const duplicate = text('duplicate', false, Infinity);
	const reopened = text('reopened', false, Infinity);
	const base: CaseRecord = {
		line: row.line,
		externalId: externalId ?? '',
		category: text('category'),
		channel: text('channel'),
		customerKey: ctx.pseudonym(text('customer') ?? undefined),
		locationKey: ctx.pseudonym(text('location') ?? undefined),
		receivedAt,
		resolvedAt,
		status: text('status'),
		department: text('department'),
		flaggedDuplicate: !!duplicate && (YES.test(duplicate) || DUPLICATE.test(duplicate)),
		reopened: !!reopened && YES.test(reopened)
	};
	if (problems.length) return { ok: false, problems };
	if (!event) return { ok: true, record: base };
	return {
		ok: true,
		record: {
			...base,
			occurredAt: occurredAt!,
			activity: activity!,
			resource: text('resource'),
			lifecycle: text('lifecycle')
		}
	};
}
