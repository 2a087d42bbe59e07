import type { Queryable } from '../db';
import type { CaseRecord, EventRecord } from './records';

/**
 * Loads records through temporary staging tables (COPY, in batches) and merges them into the
 * case tables in the caller's transaction. Row level security applies to the merge when the
 * caller runs as a user. Idempotent: a report is keyed by (source, external id), an event by
 * its report, its stored fields (timestamp, activity, department, resource, lifecycle) and its
 * occurrence among identical rows of that report in this source, in source order (see the
 * migration _event_identity); what exists already is left alone, every other row is kept.
 */

const CASE_COLUMNS = [
	'line',
	'external_id',
	'category',
	'channel',
	'customer_key',
	'location_key',
	'received_at',
	'resolved_at',
	'status',
	'department',
	'flagged_duplicate',
	'reopened'
];
const EVENT_COLUMNS = [...CASE_COLUMNS, 'occurred_at', 'activity', 'resource', 'lifecycle'];
const BATCH_ROWS = 20_000;
/** The cases a transaction's merges added or changed, for refreshFacts. */
const TOUCHED = 'create temp table if not exists koers_touched (id uuid) on commit drop';

const NEEDS_QUOTES = /[",\n\r]/;
const QUOTES = /"/g;

function cell(v: string | number | boolean | Date | null): string {
	if (v === null) return '';
	if (v instanceof Date) return v.toISOString();
	if (typeof v !== 'string') return String(v);
	return NEEDS_QUOTES.test(v) || v === '' ? `"${v.replace(QUOTES, '""')}"` : v;
}

/** A record's CASE_COLUMNS as one CSV line (without the line break); built without arrays. */
function caseLine(r: CaseRecord): string {
	return (
		cell(r.line) +
		',' +
		cell(r.externalId) +
		',' +
		cell(r.category) +
		',' +
		cell(r.channel) +
		',' +
		cell(r.customerKey) +
		',' +
		cell(r.locationKey) +
		',' +
		cell(r.receivedAt) +
		',' +
		cell(r.resolvedAt) +
		',' +
		cell(r.status) +
		',' +
		cell(r.department) +
		',' +
		cell(r.flaggedDuplicate) +
		',' +
		cell(r.reopened)
	);
}

/** The same plus EVENT_COLUMNS' event part. */
function eventLine(e: EventRecord): string {
	return (
		caseLine(e) +
		',' +
		cell(e.occurredAt) +
		',' +
		cell(e.activity) +
		',' +
		cell(e.resource) +
		',' +
		cell(e.lifecycle)
	);
}

const DONE = Promise.resolve();

/** A record as one staging CSV line (without the line break). */
export function recordLine(shape: 'case' | 'event', r: CaseRecord | EventRecord): string {
	return shape === 'event' ? eventLine(r as EventRecord) : caseLine(r);
}

/** Stages CSV lines made by recordLine (one step of an import in steps) in the caller's transaction. */
export async function stageCsv(tx: Queryable, shape: 'case' | 'event', csv: string) {
	const stager = await Stager.create(tx, shape);
	await stager.copy(csv);
}

/**
 * Removes what an unfinished import in steps loaded (its reports and events, and the categories
 * it created that no other row uses; the batch row is the caller's), as the caller: the foreign
 * keys would only unlink them and make them visible. The same as private.discard_batches.
 */
export async function discard(tx: Queryable, batchId: string) {
	await tx.query('delete from report_event where batch_id = $1', [batchId]);
	await tx.query('delete from report where batch_id = $1', [batchId]);
	await tx.query(
		`delete from category c
		  where c.batch_id = $1 and c.journey_id is null
		    and not exists (select 1 from report r where r.category_id = c.id)
		    and not exists (select 1 from touchpoint_category t where t.category_id = c.id)
		    and not exists (select 1 from improvement_cycle i where i.scope_category_id = c.id)`,
		[batchId]
	);
}

export class Stager {
	#lines: string[] = [];
	#table: string;
	#columns: string[];
	staged = 0;

	private constructor(
		private tx: Queryable,
		private shape: 'case' | 'event'
	) {
		this.#table = shape === 'event' ? 'koers_stage_event' : 'koers_stage_case';
		this.#columns = shape === 'event' ? EVENT_COLUMNS : CASE_COLUMNS;
	}

	static async create(tx: Queryable, shape: 'case' | 'event') {
		await tx.exec(`
			create temp table if not exists koers_stage_case (
				line integer, external_id text, category text, channel text, customer_key text,
				location_key text, received_at timestamptz, resolved_at timestamptz, status text,
				department text, flagged_duplicate boolean, reopened boolean
			) on commit drop;
			create temp table if not exists koers_stage_event (
				like koers_stage_case, occurred_at timestamptz, activity text, resource text, lifecycle text
			) on commit drop;
			${TOUCHED};`);
		return new Stager(tx, shape);
	}

	/** Stages a record; the promise settles once a full batch has been copied (if one was). */
	add(r: CaseRecord | EventRecord): Promise<void> {
		this.#lines.push(this.shape === 'event' ? eventLine(r as EventRecord) : caseLine(r));
		this.staged++;
		return this.#lines.length >= BATCH_ROWS ? this.flush() : DONE;
	}

	async flush() {
		if (!this.#lines.length) return;
		const csv = this.#lines.join('\n') + '\n';
		this.#lines = [];
		await this.copy(csv);
	}

	copy(csv: string) {
		return this.tx.copyFrom(this.#table, this.#columns, csv);
	}
}

/**
 * The importer's side of the fact triggers' contract (20261204160000_case_facts.sql): while
 * `koers.importing` is on in a transaction, the statement triggers on report and report_event
 * leave public.report_flow and public.case_fact alone, and the importer refreshes them itself,
 * once, for the cases its merges added or changed (kept in koers_touched). Set it before the
 * first merge of a transaction; call refreshFacts after the last.
 */
export async function importing(tx: Queryable, on = true) {
	await tx.query(`select set_config('koers.importing', $1, true)`, [on ? 'on' : 'off']);
}

/**
 * Recomputes the per-case facts (report_flow, case_fact, the repeat flags of the cases that share
 * a key with them) of the cases merged since the last call, in one statement; returns how many
 * cases. Nothing merged: nothing to do. After `discard` pass `all`: the removed cases are gone,
 * so only a refresh of the whole organisation finds their neighbours by key.
 */
export async function refreshFacts(tx: Queryable, orgId: string, all = false): Promise<number> {
	if (all) {
		await tx.query('select private.refresh_case_facts($1, null)', [orgId]);
		return -1;
	}
	const [refreshed] = await tx.query<{ n: number }>(
		`select cardinality(t.ids) as n, private.refresh_case_facts($1, t.ids)
		   from (select array_agg(id) as ids from koers_touched) t
		  where t.ids is not null`,
		[orgId]
	);
	if (!refreshed) return 0;
	await tx.query('truncate koers_touched');
	return refreshed.n;
}

/**
 * Merges the staged rows; returns how many reports and events were added, and the cases of
 * earlier imports that got events (`existing`). Those are left as they are here — their times
 * and facts are the caller's to settle with `settleExisting`, when the batch becomes visible:
 * until then their new events are hidden, and an import that fails never changed them.
 */
export async function merge(
	tx: Queryable,
	shape: 'case' | 'event',
	orgId: string,
	source: string,
	batchId: string
): Promise<{ cases: number; events: number; existing: string[] }> {
	const stage = shape === 'event' ? 'koers_stage_event' : 'koers_stage_case';
	await tx.query(
		`insert into category (org_id, name, batch_id)
		 select distinct $1::uuid, category, $2::uuid from ${stage} where category is not null
		 on conflict (org_id, name) do nothing`,
		[orgId, batchId]
	);
	// One report per external id: case rows as given (the first row wins); event logs take
	// the case attributes of the case's first event and its first and last event times (a
	// given receipt or resolution wins).
	const caseRows =
		shape === 'case'
			? `select distinct on (external_id) * from koers_stage_case order by external_id, line`
			: `select distinct on (external_id) line, external_id, category, channel, customer_key,
			          location_key,
			          -- a given receipt after the last event closes the case at its receipt, a
			          -- given resolution before the first event opens it then (never resolved
			          -- before received)
			          coalesce(received_at, least(min(occurred_at) over w, resolved_at)) as received_at,
			          coalesce(resolved_at, greatest(max(occurred_at) over w, received_at))
			            as resolved_at,
			          status, null::text as department, flagged_duplicate, reopened
			     from koers_stage_event
			   window w as (partition by external_id order by occurred_at, line
			                rows between unbounded preceding and unbounded following)
			    order by external_id, occurred_at, line`;
	// The cases added are kept in koers_touched for refreshFacts.
	const [cases] = await tx.query<{ n: number }>(
		`with s as (${caseRows}),
		 added as (
		   insert into report (org_id, source, external_id, category_id, channel, customer_key,
		                       location_key, received_at, resolved_at, status, department,
		                       flagged_duplicate, reopened, batch_id)
		   select $1::uuid, $2::text, s.external_id, c.id, s.channel, s.customer_key, s.location_key,
		          s.received_at, s.resolved_at, s.status, s.department,
		          coalesce(s.flagged_duplicate, false), coalesce(s.reopened, false), $3::uuid
		     from s
		     left join category c on c.org_id = $1 and c.name = s.category
		   on conflict (org_id, source, external_id) do nothing
		   returning id),
		 touched as (insert into koers_touched select id from added)
		 select count(*) as n from added`,
		[orgId, source, batchId]
	);
	if (shape === 'case') return { cases: cases.n, events: 0, existing: [] };

	const [events] = await tx.query<{ n: number; existing: string[] }>(
		`with added as (
		   insert into report_event (org_id, report_id, occurred_at, activity, department, resource,
		                             lifecycle, seq, occurrence, batch_id)
		   select $1::uuid, r.id, s.occurred_at, s.activity, s.department, s.resource, s.lifecycle,
		          s.line,
		          row_number() over (partition by s.external_id, s.occurred_at, s.activity,
		                                          s.department, s.resource, s.lifecycle
		                             order by s.line),
		          $3::uuid
		     from koers_stage_event s
		     join report r on r.org_id = $1 and r.source = $2 and r.external_id = s.external_id
		   on conflict (report_id, event_key) do nothing
		   returning report_id),
		 cases as (select report_id, count(*) as n from added group by report_id)
		 select coalesce(sum(c.n), 0)::int as n,
		        array(select c2.report_id from cases c2 join report r on r.id = c2.report_id
		               where r.batch_id is distinct from $3) as existing
		   from cases c`,
		[orgId, source, batchId]
	);
	return { cases: cases.n, events: events.n, existing: events.existing };
}

/**
 * Cases of earlier imports that this batch gave events (merge's `existing`): their first and
 * last times move to the batch's events where those lie outside them (an open case stays open),
 * and they join koers_touched for refreshFacts. Only events this batch added count: importing
 * the same file again changes nothing. Call in the transaction that makes the batch visible.
 */
export async function settleExisting(tx: Queryable, batchId: string, cases: readonly string[]) {
	if (!cases.length) return;
	await tx.exec(TOUCHED);
	await tx.query(
		`with t as (
		   select report_id, min(occurred_at) as first, max(occurred_at) as last
		     from report_event
		    where report_id = any ($2::uuid[]) and batch_id = $1
		    group by report_id),
		 moved as (
		   update report r set received_at = least(r.received_at, t.first),
		                       resolved_at = case when r.resolved_at is not null
		                                          then greatest(r.resolved_at, t.last) end
		     from t
		    where r.id = t.report_id and (t.first < r.received_at or t.last > r.resolved_at))
		 insert into koers_touched select report_id from t`,
		[batchId, cases]
	);
}
