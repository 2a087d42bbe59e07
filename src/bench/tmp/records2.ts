import { parseTimestamp } from '../../lib/server/import/dates';
import type { Mapping, RawRow, RowProblem } from '../../lib/server/import/types';
import type { CaseRecord, EventRecord, RecordContext } from '../../lib/server/import/records';

const MAX = 300;
const YES = /^(1|true|yes|ja|j|y|x|waar)$/i;
const DUPLICATE = /duplica|dubbel/i;

let values: Record<string, string>;
let line = 0;
let problems: RowProblem[] = [];
let mapping: Mapping;

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

function time(
	field: keyof Mapping,
	required: boolean,
	options: { timezone: string; dayFirst: boolean }
) {
	const value = text(field, required);
	if (value === null) return null;
	const date = parseTimestamp(value, options);
	if (!date) problems.push({ line, field, key: 'row_bad_time', detail: value });
	return date;
}

export function toRecord2(
	row: RawRow,
	ctx: RecordContext
): { ok: true; record: EventRecord | CaseRecord } | { ok: false; problems: RowProblem[] } {
	values = row.values;
	line = row.line;
	mapping = ctx.mapping;
	problems = [];
	const options = { timezone: ctx.timezone, dayFirst: ctx.dayFirst };
	const event = ctx.shape === 'event';
	const externalId = text('caseId', true);
	const activity = event ? text('activity', true) : null;
	const occurredAt = event ? time('timestamp', true, options) : null;
	const receivedAt = time('received', !event, options);
	const resolvedAt = time('resolved', false, options);
	if (receivedAt && resolvedAt && resolvedAt < receivedAt)
		problems.push({ line, field: 'resolved', key: 'row_resolved_before_received' });
	const duplicate = text('duplicate', false, Infinity);
	const reopened = text('reopened', false, Infinity);
	const category = text('category');
	const channel = text('channel');
	const customerKey = ctx.pseudonym(text('customer') ?? undefined);
	const locationKey = ctx.pseudonym(text('location') ?? undefined);
	const status = text('status');
	const department = text('department');
	const flaggedDuplicate = !!duplicate && (YES.test(duplicate) || DUPLICATE.test(duplicate));
	const reopenedFlag = !!reopened && YES.test(reopened);
	if (problems.length) return { ok: false, problems };
	if (!event)
		return {
			ok: true,
			record: {
				line,
				externalId: externalId ?? '',
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
	const resource = text('resource');
	const lifecycle = text('lifecycle');
	problems = [];
	return {
		ok: true,
		record: {
			line,
			externalId: externalId ?? '',
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
