import { parseTimestamp } from './dates';
import type { Mapping, RawRow, RowProblem, ValueMap } from './types';

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
	/** The organisation's words for the source's channel and department values (see mapping.ts). */
	valueMap?: ValueMap;
}

const MAX = 300;
const YES = /^(1|true|yes|ja|j|y|x|waar)$/i;
const DUPLICATE = /duplica|dubbel/i;

/**
 * The row being turned into a record and its problems so far: module-level scanner state, as
 * in dates.ts (toRecord is synchronous). Plain functions rather than closures made per row keep
 * this hot path cheap (it runs once per row of a file of millions).
 */
let values: Record<string, string> = {};
let line = 0;
let mapping: Mapping = {};
let problems: RowProblem[] = [];

/** The trimmed text of a field's column; null when empty or too long (a problem then). */
function text(field: keyof Mapping, required = false, max = MAX): string | null {
	const column = mapping[field];
	const value = column === undefined ? '' : (values[column] ?? '').trim();
	if (!value) {
		if (required) problems.push({ line, field, key: 'row_missing' });
		return null;
	}
	if (value.length > max) {
		problems.push({ line, field, key: 'row_too_long', detail: value.slice(0, 40) });
		return null;
	}
	return value;
}

/** A value in the organisation's words: its mapped value (matched trimmed, ignoring case), or itself. */
function mapped(map: ReadonlyMap<string, string> | undefined, value: string | null) {
	return map && value !== null ? (map.get(value.toLowerCase()) ?? value) : value;
}

function time(field: keyof Mapping, required: boolean, ctx: RecordContext): Date | null {
	const value = text(field, required);
	if (value === null) return null;
	const date = parseTimestamp(value, { timezone: ctx.timezone, dayFirst: ctx.dayFirst });
	if (!date) problems.push({ line, field, key: 'row_bad_time', detail: value });
	return date;
}

/** Turns one source row into a record, or the list of its problems. */
export function toRecord(
	row: RawRow,
	ctx: RecordContext
): { ok: true; record: EventRecord | CaseRecord } | { ok: false; problems: RowProblem[] } {
	values = row.values;
	line = row.line;
	mapping = ctx.mapping;
	problems = [];

	const event = ctx.shape === 'event';
	const externalId = text('caseId', true);
	const activity = event ? text('activity', true) : null;
	const occurredAt = event ? time('timestamp', true, ctx) : null;
	const receivedAt = time('received', !event, ctx);
	const resolvedAt = time('resolved', false, ctx);
	if (receivedAt && resolvedAt && resolvedAt < receivedAt)
		problems.push({ line, field: 'resolved', key: 'row_resolved_before_received' });
	// Read as flags, never stored: free text (a closure reason) may be long.
	const duplicate = text('duplicate', false, Infinity);
	const reopened = text('reopened', false, Infinity);
	const category = text('category');
	const channel = mapped(ctx.valueMap?.channel, text('channel'));
	const customerKey = ctx.pseudonym(text('customer') ?? undefined);
	const locationKey = ctx.pseudonym(text('location') ?? undefined);
	const status = text('status');
	const department = mapped(ctx.valueMap?.department, text('department'));
	const flaggedDuplicate = !!duplicate && (YES.test(duplicate) || DUPLICATE.test(duplicate));
	const reopenedFlag = !!reopened && YES.test(reopened);
	const resource = event ? text('resource') : null;
	const lifecycle = event ? text('lifecycle') : null;
	if (problems.length) return { ok: false, problems };
	const id = externalId ?? '';
	if (!event)
		return {
			ok: true,
			record: {
				line,
				externalId: id,
				category,
				channel,
				customerKey,
				locationKey,
				receivedAt,
				resolvedAt,
				status,
				department,
				flaggedDuplicate,
				reopened: reopenedFlag
			}
		};
	// One object literal (not a spread of the case part): the same fields, in the same order.
	return {
		ok: true,
		record: {
			line,
			externalId: id,
			category,
			channel,
			customerKey,
			locationKey,
			receivedAt,
			resolvedAt,
			status,
			department,
			flaggedDuplicate,
			reopened: reopenedFlag,
			occurredAt: occurredAt!,
			activity: activity!,
			resource,
			lifecycle
		}
	};
}
