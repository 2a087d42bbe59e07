-- Every event of a source is kept (issue 10, section 1). Until now an event was identified by
-- (case, timestamp, activity), so two rows of one case with the same activity at the same time
-- (day-granular logs, an activity recorded twice in one second, rows that differ only in
-- department, resource or lifecycle) became one, and handoffs and variants changed with it.
-- Process-mining tools keep every row.
--
-- An event is now identified by its case and everything Koers stores of it — timestamp,
-- activity, department, resource, lifecycle — plus its occurrence: 1 for the first row with
-- those values in a case in the source (file or API batch, in source order), 2 for the second
-- identical row, and so on. So:
--   * rows that differ in any stored field are different events, whatever their time;
--   * truly identical rows are all kept (occurrence 1, 2, …);
--   * importing the same file again, or an API batch that re-sends some events (alone or with
--     new ones), adds nothing that is already there: a re-sent event has the same values and,
--     unless it is itself a repeat of an identical row, occurrence 1.
-- event_key is that identity as an md5 (fixed width, whatever the length of the texts; the time
-- as UTC epoch seconds, so the session's time zone does not change it). Existing events were
-- unique by (case, timestamp, activity) and so are occurrence 1.
alter table public.report_event
  add column occurrence integer not null default 1 check (occurrence >= 1);
alter table public.report_event
  add column event_key uuid not null generated always as (md5(
    extract(epoch from occurred_at at time zone 'UTC')::text
    || ',' || quote_literal(activity)
    || ',' || quote_nullable(department)
    || ',' || quote_nullable(resource)
    || ',' || quote_nullable(lifecycle)
    || ',' || occurrence::text)::uuid) stored;
alter table public.report_event drop constraint report_event_report_id_occurred_at_activity_key;
-- Also the index by which private.refresh_report_flow finds a case's events.
alter table public.report_event
  add constraint report_event_identity unique (report_id, event_key);
