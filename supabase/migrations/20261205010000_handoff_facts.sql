-- Handoff facts (issue 12, each figure over 1,000,000 events in ≤ 1 s): public.handoff_waits
-- unnested public.report_flow's handoff arrays of every case on every call and computed each
-- wait (hours, working days, local dates in the organisation's zone) again; the all-time
-- department matrix plus the agreements' figures took 1.76 s at 1M events on PostgreSQL.
--
-- public.handoff_fact: one row per handoff with what does not change with the query, computed
-- when the case, its events or the organisation's zone change, by the same code paths that keep
-- public.case_fact (20261204160000_case_facts.sql):
--   * private.refresh_case_rows (statement triggers on report; private.refresh_case_facts, so the
--     importer's contract — koers.importing on, one refresh_case_facts per step — covers it;
--     the organisation's zone change, which calls refresh_case_facts for every case) also
--     recomputes the handoff facts of its cases;
--   * private.report_event_flow (statement triggers on report_event) also recomputes the handoff
--     facts of the cases whose events changed, and empties the table on TRUNCATE;
--   * a removed case takes its handoffs with it: a statement trigger on report (DELETE,
--     TRUNCATE) removes them set-based, also while koers.importing is on, as a foreign key's
--     on delete cascade would — without a foreign key, whose row-by-row check cost the import
--     more than writing the facts themselves.
-- The version of the figures moves in each of these paths already. What changes without the
-- handoff changing — the agreements and their versions, department names — is joined at query
-- time in public.handoff_waits, which keeps its signature, its columns and its rows.
-- Row level security as case_fact's (20261204235000_hidden_batch_facts.sql): readers of cases of
-- their own organisation; the handoffs of a batch still loading are hidden.

create table public.handoff_fact (
  report_id uuid not null, -- public.report (id); removed with it (trigger below)
  ordinal integer not null, -- the handoff's position in the case (1 = first), as report_flow
  org_id uuid not null,
  category_id uuid,
  batch_id uuid,
  from_department text not null,
  to_department text not null,
  left_at timestamptz not null, -- the last event in from_department
  arrived_at timestamptz not null, -- the first event in to_department
  left_local_date date not null, -- of left_at in the organisation's zone (agreement version)
  arrived_week date not null, -- ISO week (Monday) of arrived_at, organisation's zone
  wait_hours float8 not null,
  wait_working_days integer not null,
  primary key (report_id, ordinal)
);
create index handoff_fact_org_arrived_idx on public.handoff_fact (org_id, arrived_at);
create index handoff_fact_category_idx on public.handoff_fact (category_id, arrived_at);
alter table public.handoff_fact enable row level security;
create policy "case readers read handoff facts" on public.handoff_fact
  for select to authenticated
  using (
    org_id = (select private.org_id()) and (select private.can_see_cases())
    and (batch_id is null or batch_id not in (select private.hidden_batches()))
  );
revoke insert, update, delete, truncate on public.handoff_fact
  from public, anon, authenticated, service_role;
grant select on public.handoff_fact to authenticated, service_role;

-- The handoffs of removed cases go with them, whatever koers.importing says (as on delete
-- cascade would).
create function private.report_handoffs_gone() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if tg_op = 'TRUNCATE' then
    delete from public.handoff_fact;
  else
    delete from public.handoff_fact f using old_reports o where f.report_id = o.id;
  end if;
  return null;
end
$$;
revoke all on function private.report_handoffs_gone() from public;
create trigger report_handoffs_delete after delete on public.report
  referencing old table as old_reports
  for each statement execute function private.report_handoffs_gone();
create trigger report_handoffs_truncate after truncate on public.report
  for each statement execute function private.report_handoffs_gone();

-- Recomputes the handoff facts of the given cases (null: of every case) from report,
-- report_flow and the organisation's zone; cases without handoffs, or gone, have none.
-- The expressions are those of public.handoff_waits in 20261204220000_silence_cold.sql.
create function private.refresh_handoff_facts(p_cases uuid[]) returns void
language plpgsql security definer
set search_path = ''
set plan_cache_mode = force_custom_plan
as $$
begin
  if p_cases is null then
    delete from public.handoff_fact;
  else
    delete from public.handoff_fact f where f.report_id = any (p_cases);
  end if;
  insert into public.handoff_fact (report_id, ordinal, org_id, category_id, batch_id,
    from_department, to_department, left_at, arrived_at, left_local_date, arrived_week,
    wait_hours, wait_working_days)
  select w.report_id, h.ordinal::integer, w.org_id, r.category_id, r.batch_id, h.prev_dept,
    h.dept, h.prev_at, h.occurred_at, z.left_local::date,
    date_trunc('week', z.arrived_local)::date,
    extract(epoch from h.occurred_at - h.prev_at)::float8 / 3600,
    private.working_days(z.left_local::date, z.arrived_local::date)
  from public.report_flow w
  join public.report r on r.id = w.report_id
  join public.organisation o on o.id = w.org_id
  cross join lateral unnest(w.handoff_from, w.handoff_to, w.handoff_left, w.handoff_arrived)
    with ordinality as h (prev_dept, dept, prev_at, occurred_at, ordinal)
  cross join lateral (
    select h.prev_at at time zone o.timezone as left_local,
      h.occurred_at at time zone o.timezone as arrived_local
    offset 0
  ) z
  where w.handoffs > 0
    and (p_cases is null or w.report_id = any (p_cases));
end
$$;
revoke all on function private.refresh_handoff_facts(uuid[]) from public;

-- 20261204160000_case_facts.sql's refresh_case_rows, and then the handoff facts of its cases.
create or replace function private.refresh_case_rows(p_cases uuid[]) returns void
language plpgsql security definer
set search_path = ''
set plan_cache_mode = force_custom_plan
as $$
begin
  delete from public.case_fact f where f.report_id = any (p_cases);
  insert into public.case_fact (report_id, org_id, category_id, channel, department, source,
    batch_id, received_at, resolved_at, received_week, resolved_week, lead_hours,
    lead_working_days, source_repeat, by_rule, events, variant, handoffs, handoff_from, handoff_to)
  select r.id, r.org_id, r.category_id, r.channel, r.department, r.source, r.batch_id,
    r.received_at, r.resolved_at,
    date_trunc('week', z.received_local)::date, date_trunc('week', z.resolved_local)::date,
    extract(epoch from r.resolved_at - r.received_at)::float8 / 3600,
    private.working_days(z.received_local::date, z.resolved_local::date),
    (r.flagged_duplicate or r.duplicate_of is not null or r.reopened), null,
    coalesce(w.events, 0), w.variant, coalesce(w.handoffs, 0), coalesce(w.handoff_from, '{}'),
    coalesce(w.handoff_to, '{}')
  from public.report r
  join public.organisation o on o.id = r.org_id
  left join public.report_flow w on w.report_id = r.id
  cross join lateral (
    select r.received_at at time zone o.timezone as received_local,
      r.resolved_at at time zone o.timezone as resolved_local
    offset 0
  ) z
  where r.id = any (p_cases);
  perform private.refresh_handoff_facts(coalesce(p_cases, '{}'));
end
$$;

-- 20261204160000_case_facts.sql's report_event_flow, and the handoff facts of the cases.
create or replace function private.report_event_flow() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_cases uuid[];
begin
  if private.importing() then
    return null;
  end if;
  if tg_op = 'INSERT' then
    v_cases := array(select distinct n.report_id from new_events n);
  elsif tg_op = 'DELETE' then
    v_cases := array(select distinct o.report_id from old_events o);
  elsif tg_op = 'UPDATE' then
    v_cases := array(select n.report_id from new_events n union select o.report_id from old_events o);
  else -- TRUNCATE
    delete from public.report_flow;
    delete from public.handoff_fact;
    update public.case_fact set events = 0, variant = null, handoffs = 0, handoff_from = '{}',
      handoff_to = '{}';
    perform private.bump_figures_version(null);
    return null;
  end if;
  perform private.refresh_report_flow(v_cases);
  update public.case_fact f
  set events = coalesce(w.events, 0), variant = w.variant, handoffs = coalesce(w.handoffs, 0),
    handoff_from = coalesce(w.handoff_from, '{}'), handoff_to = coalesce(w.handoff_to, '{}')
  from unnest(v_cases) as c (id)
  left join public.report_flow w on w.report_id = c.id
  where f.report_id = c.id;
  perform private.refresh_handoff_facts(v_cases);
  perform private.bump_figures_version(array(
    select distinct f.org_id from public.case_fact f where f.report_id = any (v_cases)));
  return null;
end
$$;

-- public.handoff_waits (20261204220000_silence_cold.sql) over the facts: same signature, same
-- columns, same rows. The agreement version is still joined here (agreements are versioned and
-- few, and change without the handoff changing).
create or replace function public.handoff_waits(
  p_from timestamptz default null,
  p_to timestamptz default null,
  p_categories uuid[] default null,
  p_org uuid default null
)
returns table (
  report_id uuid,
  from_department text,
  to_department text,
  left_at timestamptz,
  arrived_at timestamptz,
  week date,
  wait_hours float8,
  wait_working_days integer,
  agreement_id uuid,
  from_department_id uuid,
  to_department_id uuid,
  limit_value float8,
  unit public.agreement_unit,
  within boolean
)
-- No SET clause, so that it is inlined into the query that calls it (every name in it is
-- schema-qualified): the caller's filters and aggregates are planned with it in one piece.
language sql stable
as $$
  -- the versions with the departments' names and the day the next version starts (a few rows)
  with version as materialized (
    select s.id, s.org_id, fd.name as from_name, td.name as to_name, s.from_department_id,
      s.to_department_id, s.limit_value, s.unit, s.valid_from,
      lead(s.valid_from) over (partition by s.from_department_id, s.to_department_id
                               order by s.valid_from) as valid_to
    from public.service_agreement s
    join public.department fd on fd.id = s.from_department_id
    join public.department td on td.id = s.to_department_id
    where p_org is null or s.org_id = p_org
  )
  select h.report_id, h.from_department, h.to_department, h.left_at, h.arrived_at,
    h.arrived_week, h.wait_hours, h.wait_working_days,
    v.id, v.from_department_id, v.to_department_id, v.limit_value::float8, v.unit,
    case
      when v.id is null then null
      when v.unit = 'hours' then h.wait_hours <= v.limit_value
      else h.wait_working_days <= v.limit_value
    end
  from public.handoff_fact h
  left join version v on v.org_id = h.org_id and v.from_name = h.from_department
    and v.to_name = h.to_department and v.valid_from <= h.left_local_date
    and (v.valid_to is null or h.left_local_date < v.valid_to)
  where (p_org is null or h.org_id = p_org)
    and (p_categories is null or h.category_id = any (p_categories))
    and (p_from is null or h.arrived_at >= p_from)
    and (p_to is null or h.arrived_at < p_to)
$$;

-- The handoff facts of what is already there.
select private.refresh_handoff_facts(null);
