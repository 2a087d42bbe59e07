-- Figures that stay fast at millions of events (issue 10 section 4).
--
-- 1. public.case_fact: one row per case with what every figure needs of it, computed once when
--    the case or its events change rather than on every request: lead time in hours and working
--    days, the weeks of receipt and resolution (organisation's zone), the source's repeat flag,
--    the repeat found by the rule (by_rule; null when the case has no key), and its flow (events,
--    variant, handoffs in order) copied from public.report_flow. Everything the filters of the
--    figure functions select on (category, channel, department, source, batch, received_at) is
--    on the row. What can change without the case changing — a category's norm — is joined at
--    query time. public.case_summary, case_weekly and lead_time_histogram aggregate from it; the
--    definitions are unchanged (20261123080000_metrics.sql, 20261204150000_cijfers.sql).
-- 2. private.figures_version: a number per organisation that changes (from one sequence, so it
--    never repeats) whenever anything a figure reads changes: cases, events, categories, contact
--    activities, service agreements, the organisation's zone. public.figures_scope() gives the
--    signed-in user's organisation, whether they may see cases and that number: the server's
--    in-process figures cache (src/lib/server/figures/cache.ts) keys on all three.
-- 3. public.group_figures and public.group_silence: the figures of many groups of categories
--    (the touchpoints of a journey map) in one query each.
--
-- Maintenance: statement-level triggers with transition tables (REFERENCING NEW/OLD TABLE) on
-- report and report_event recompute the facts of the cases a statement touched, set-based, once
-- per INSERT, COPY, UPDATE or DELETE statement; TRUNCATE of report empties case_fact (cascade).
--
-- CONTRACT WITH THE IMPORTER (src/lib/server/import/*):
--   * When the transaction-local setting koers.importing is 'on'
--     (`select set_config('koers.importing', 'on', true)`), the triggers on report and
--     report_event do nothing: no report_flow, no case_fact, no version bump.
--   * The importer then calls, once per step or batch, in the same transaction as the rows:
--       select private.refresh_case_facts(p_org, p_cases)
--     with the ids of the cases it inserted or changed (p_cases null: every case of p_org).
--     It recomputes report_flow and case_fact for those cases, the repeat flags of every case
--     that shares a customer or location key with them, and bumps the organisation's version.
--   * After removing cases with koers.importing on (an unfinished batch), call it with
--     p_cases null: the removed cases' neighbours by key are then recomputed too.
--   * A signed-in admin may call it for their own organisation only.
-- This area (report_flow, case_fact and every figure function) is maintained by the figures
-- code; the importer does not write these tables.

-- ---------------------------------------------------------------------------------------------
create table public.case_fact (
  report_id uuid primary key references public.report (id) on delete cascade,
  org_id uuid not null,
  category_id uuid,
  channel text,
  department text,
  source text not null,
  batch_id uuid,
  received_at timestamptz,
  resolved_at timestamptz,
  received_week date,
  resolved_week date,
  lead_hours float8,
  lead_working_days integer,
  source_repeat boolean not null,
  by_rule boolean,
  events integer not null default 0,
  variant uuid,
  handoffs integer not null default 0,
  handoff_from text[] not null default '{}',
  handoff_to text[] not null default '{}'
);
create index case_fact_org_received_idx on public.case_fact (org_id, received_at);
create index case_fact_category_idx on public.case_fact (category_id, received_at);
alter table public.case_fact enable row level security;
create policy "case readers read case facts" on public.case_fact
  for select to authenticated
  using (org_id = (select private.org_id()) and (select private.can_see_cases()));
revoke insert, update, delete, truncate on public.case_fact
  from public, anon, authenticated, service_role;
grant select on public.case_fact to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
create sequence private.figures_version_seq;
create table private.figures_version (
  org_id uuid primary key references public.organisation (id) on delete cascade,
  version bigint not null
);
revoke all on private.figures_version from public, anon, authenticated;

create function private.bump_figures_version(p_orgs uuid[]) returns void
language sql security definer
set search_path = ''
as $$
  insert into private.figures_version (org_id, version)
  select o.id, nextval('private.figures_version_seq')
  from public.organisation o
  where p_orgs is null or o.id = any (p_orgs)
  on conflict (org_id) do update set version = excluded.version
$$;

-- The signed-in user's organisation, whether they may see case data, and the organisation's
-- figures version (0 before anything changed). No row without a signed-in person.
create function public.figures_scope()
returns table (org_id uuid, sees_cases boolean, version bigint)
language sql stable security definer
set search_path = ''
as $$
  select o.org, private.can_see_cases(),
    coalesce((select v.version from private.figures_version v where v.org_id = o.org), 0)
  from (select private.org_id() as org) o
  where o.org is not null
$$;
revoke all on function public.figures_scope() from public, anon;
grant execute on function public.figures_scope() to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- The repeat flags (definition: private.repeat_flags in 20261123080000_metrics.sql) of every
-- case of p_org whose customer key is in p_customer_keys or whose location key is in
-- p_location_keys (both null: every case of p_org), written into case_fact.by_rule. Every case
-- that shares a key with one of them is in the same set, so each window sees all its earlier
-- reports. Without a period the look-back is unbounded, which gives the same flags: the window
-- is at most 365 days, and the latest earlier report decides.
create function private.refresh_repeat_facts(
  p_org uuid, p_customer_keys text[], p_location_keys text[]
) returns void
language plpgsql security definer
set search_path = ''
set plan_cache_mode = force_custom_plan
set work_mem = '64MB'
as $$
declare
  v_all boolean := p_customer_keys is null and p_location_keys is null;
begin
  with stream as (
    select r.customer_key collate "C" as key, r.category_id as grp, 1 as kind, r.id,
      r.received_at, c.repeat_window_days, true as judged
    from public.report r
    join public.category c on c.id = r.category_id
    where r.org_id = p_org and c.repeat_key = 'customer_category' and r.customer_key is not null
      and r.received_at is not null
      and (v_all or r.customer_key = any (p_customer_keys))
    union all
    select r.location_key collate "C", r.category_id, 2, r.id, r.received_at,
      c.repeat_window_days, true
    from public.report r
    join public.category c on c.id = r.category_id
    where r.org_id = p_org and c.repeat_key = 'location_category' and r.location_key is not null
      and r.received_at is not null
      and (v_all or r.location_key = any (p_location_keys))
    union all
    select r.customer_key collate "C", c.journey_id, 3, r.id, r.received_at,
      c.repeat_window_days, c.repeat_key = 'customer_journey'
    from public.report r
    join public.category c on c.id = r.category_id
    where r.org_id = p_org and c.journey_id is not null and r.customer_key is not null
      and r.received_at is not null
      and (v_all or r.customer_key = any (p_customer_keys))
  ),
  previous as (
    select id, received_at, repeat_window_days, judged,
      max(received_at) over (
        partition by key, grp, kind order by received_at
        range between unbounded preceding and interval '1 microsecond' preceding
      ) as earlier
    from stream
  ),
  flags as (
    select p.id,
      coalesce((p.received_at at time zone o.timezone) - (p.earlier at time zone o.timezone)
        <= make_interval(days => p.repeat_window_days), false) as by_rule
    from previous p
    cross join (select timezone from public.organisation where id = p_org) o
    where p.judged
  ),
  scope as (
    -- the cases whose flag may change: those whose own rule's key is in the sets (a case whose
    -- rule finds no key goes back to null)
    select f.report_id, fl.by_rule
    from public.case_fact f
    join public.report r on r.id = f.report_id
    left join public.category c on c.id = r.category_id
    left join flags fl on fl.id = f.report_id
    where f.org_id = p_org
      and (v_all
        or c.repeat_key in ('customer_category', 'customer_journey')
          and r.customer_key = any (p_customer_keys)
        or c.repeat_key = 'location_category' and r.location_key = any (p_location_keys))
  )
  update public.case_fact f set by_rule = s.by_rule
  from scope s
  where f.report_id = s.report_id and f.by_rule is distinct from s.by_rule;
end
$$;

-- Recomputes the case_fact rows (without the repeat flag) of the given cases from report and
-- report_flow; cases that no longer exist lose their row.
create function private.refresh_case_rows(p_cases uuid[]) returns void
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
end
$$;

-- The importer's entry point (see the contract at the top).
create function private.refresh_case_facts(p_org uuid, p_cases uuid[]) returns void
language plpgsql security definer
set search_path = ''
set plan_cache_mode = force_custom_plan
as $$
declare
  v_cases uuid[];
  v_customers text[];
  v_locations text[];
begin
  if p_org is null then
    raise exception 'refresh_case_facts: p_org is required';
  end if;
  if private.org_id() is not null and (p_org <> private.org_id() or not private.is_admin()) then
    raise exception 'refresh_case_facts: not allowed for this organisation'
      using errcode = '42501';
  end if;
  if p_cases is null then
    delete from public.case_fact f where f.org_id = p_org;
    v_cases := array(select r.id from public.report r where r.org_id = p_org);
  else
    v_cases := array(select r.id from public.report r
      where r.id = any (p_cases) and r.org_id = p_org);
  end if;
  perform private.refresh_report_flow(v_cases);
  perform private.refresh_case_rows(v_cases);
  if p_cases is null then
    perform private.refresh_repeat_facts(p_org, null, null);
  else
    select array_agg(distinct r.customer_key) filter (where r.customer_key is not null),
      array_agg(distinct r.location_key) filter (where r.location_key is not null)
    into v_customers, v_locations
    from public.report r where r.id = any (v_cases);
    perform private.refresh_repeat_facts(p_org, coalesce(v_customers, '{}'),
      coalesce(v_locations, '{}'));
  end if;
  perform private.bump_figures_version(array[p_org]);
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Triggers. koers.importing = 'on' → the importer refreshes itself (contract above).
create function private.importing() returns boolean
language sql stable
set search_path = ''
as $$ select coalesce(current_setting('koers.importing', true), '') = 'on' $$;

-- report: the facts of the inserted or changed cases, and the repeat flags of their key
-- neighbours (old keys too: a case that moves away from a key changes its neighbours' flags).
-- One function per event: an INSERT trigger has no OLD TABLE to read.
create function private.report_facts_insert() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if private.importing() then
    return null;
  end if;
  perform private.refresh_case_rows(array(select n.id from new_reports n));
  perform private.refresh_repeat_facts(g.org_id, g.customers, g.locations)
  from (
    select n.org_id,
      coalesce(array_agg(distinct n.customer_key) filter (where n.customer_key is not null), '{}')
        as customers,
      coalesce(array_agg(distinct n.location_key) filter (where n.location_key is not null), '{}')
        as locations
    from new_reports n group by n.org_id
  ) g;
  perform private.bump_figures_version(array(select distinct n.org_id from new_reports n));
  return null;
end
$$;

create function private.report_facts_delete() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if private.importing() then
    return null;
  end if;
  -- the deleted cases' rows went with them (on delete cascade)
  perform private.refresh_repeat_facts(g.org_id, g.customers, g.locations)
  from (
    select o.org_id,
      coalesce(array_agg(distinct o.customer_key) filter (where o.customer_key is not null), '{}')
        as customers,
      coalesce(array_agg(distinct o.location_key) filter (where o.location_key is not null), '{}')
        as locations
    from old_reports o group by o.org_id
  ) g;
  perform private.bump_figures_version(array(select distinct o.org_id from old_reports o));
  return null;
end
$$;

create function private.report_facts_update() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if private.importing() then
    return null;
  end if;
  perform private.refresh_case_rows(array(select n.id from new_reports n));
  perform private.refresh_repeat_facts(g.org_id, g.customers, g.locations)
  from (
    select x.org_id,
      coalesce(array_agg(distinct x.customer_key) filter (where x.customer_key is not null), '{}')
        as customers,
      coalesce(array_agg(distinct x.location_key) filter (where x.location_key is not null), '{}')
        as locations
    from (
      select n.org_id, n.customer_key, n.location_key from new_reports n
      union all
      select o.org_id, o.customer_key, o.location_key from old_reports o
    ) x group by x.org_id
  ) g;
  perform private.bump_figures_version(array(
    select n.org_id from new_reports n union select o.org_id from old_reports o));
  return null;
end
$$;

create function private.report_facts_truncate() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  perform private.bump_figures_version(null);
  return null;
end
$$;

create trigger report_facts_insert after insert on public.report
  referencing new table as new_reports
  for each statement execute function private.report_facts_insert();
create trigger report_facts_update after update on public.report
  referencing old table as old_reports new table as new_reports
  for each statement execute function private.report_facts_update();
create trigger report_facts_delete after delete on public.report
  referencing old table as old_reports
  for each statement execute function private.report_facts_delete();
create trigger report_facts_truncate after truncate on public.report
  for each statement execute function private.report_facts_truncate();

-- report_event: the flows of the cases a statement touched (as before), now also copied into
-- case_fact; skipped while importing.
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
  perform private.bump_figures_version(array(
    select distinct f.org_id from public.case_fact f where f.report_id = any (v_cases)));
  return null;
end
$$;

-- Categories: a changed repeat rule recomputes the organisation's flags; a changed norm only
-- changes what is joined at query time (the version still moves).
create function private.category_facts() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' then
    perform private.refresh_repeat_facts(g.org_id, null, null)
    from (
      select distinct n.org_id from new_categories n
      join old_categories o on o.id = n.id
      where (n.repeat_key, n.repeat_window_days, n.journey_id)
        is distinct from (o.repeat_key, o.repeat_window_days, o.journey_id)
    ) g;
    perform private.bump_figures_version(array(select distinct n.org_id from new_categories n));
  elsif tg_op = 'INSERT' then
    perform private.bump_figures_version(array(select distinct n.org_id from new_categories n));
  else
    perform private.bump_figures_version(array(select distinct o.org_id from old_categories o));
  end if;
  return null;
end
$$;
create trigger category_facts_insert after insert on public.category
  referencing new table as new_categories
  for each statement execute function private.category_facts();
create trigger category_facts_update after update on public.category
  referencing old table as old_categories new table as new_categories
  for each statement execute function private.category_facts();
create trigger category_facts_delete after delete on public.category
  referencing old table as old_categories
  for each statement execute function private.category_facts();

-- The organisation's zone: weeks and working days of every case move with it.
create function private.organisation_facts() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if new.timezone is distinct from old.timezone then
    perform private.refresh_case_facts(new.id, null);
  end if;
  return null;
end
$$;
create trigger organisation_facts after update of timezone on public.organisation
  for each row execute function private.organisation_facts();

-- What else figures read: contact activities (silence), service agreements (handoff waits).
create function private.figures_changed() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' then
    perform private.bump_figures_version(array[old.org_id]);
  else
    perform private.bump_figures_version(array[new.org_id]);
  end if;
  return null;
end
$$;
create trigger contact_activity_figures after insert or update or delete
  on public.contact_activity
  for each row execute function private.figures_changed();
create trigger service_agreement_figures after insert or update or delete
  on public.service_agreement
  for each row execute function private.figures_changed();

revoke all on function private.bump_figures_version(uuid[]),
  private.refresh_repeat_facts(uuid, text[], text[]), private.refresh_case_rows(uuid[]),
  private.refresh_case_facts(uuid, uuid[]), private.importing(),
  private.report_facts_insert(), private.report_facts_update(), private.report_facts_delete(),
  private.report_facts_truncate(), private.category_facts(), private.organisation_facts(),
  private.figures_changed()
  from public;
grant execute on function private.refresh_case_facts(uuid, uuid[]) to authenticated, service_role;
grant execute on function private.importing() to authenticated, service_role;

-- The facts of what is already there.
do $$
declare
  v_org uuid;
begin
  for v_org in select id from public.organisation loop
    perform private.refresh_case_facts(v_org, null);
  end loop;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- The figure functions, now over case_fact. Same signatures, same definitions and results as
-- in 20261204150000_cijfers.sql; only where they read changed. within_norm joins the category
-- (its norm may change without the case changing).
create or replace function public.case_summary(
  p_from timestamptz default null,
  p_to timestamptz default null,
  p_categories uuid[] default null,
  p_channel text default null,
  p_department text default null,
  p_org uuid default null,
  p_source text default null,
  p_batch uuid default null
)
returns jsonb
language plpgsql stable
set search_path = ''
set work_mem = '64MB'
set jit = off
set plan_cache_mode = force_custom_plan
as $$
declare
  result jsonb;
begin
  with f as materialized (
    select cf.report_id, cf.received_at, cf.resolved_at, cf.lead_hours, cf.lead_working_days,
      cf.source_repeat, coalesce(cf.by_rule, false) as by_rule, cf.events, cf.variant,
      cf.handoffs, cf.handoff_from, cf.handoff_to,
      case
        when cf.lead_hours is null or c.norm_days is null then null
        when c.norm_unit = 'working_days' then cf.lead_working_days <= c.norm_days
        else cf.lead_hours / 24 <= c.norm_days
      end as within_norm
    from public.case_fact cf
    left join public.category c on c.id = cf.category_id
    where (p_from is null or cf.received_at >= p_from)
      and (p_to is null or cf.received_at < p_to)
      and (p_categories is null or cf.category_id = any (p_categories))
      and (p_channel is null or cf.channel = p_channel)
      and (p_department is null or cf.department = p_department)
      and (p_org is null or cf.org_id = p_org)
      and (p_source is null or cf.source = p_source)
      and (p_batch is null or cf.batch_id = p_batch)
  ),
  totals as (
    select count(*) as cases,
      count(*) filter (where f.by_rule) as by_rule,
      count(*) filter (where f.source_repeat) as by_source,
      count(*) filter (where f.by_rule or f.source_repeat) as repeats,
      (count(*) filter (where f.within_norm))::float8 / nullif(count(f.within_norm), 0)
        as within_norm,
      coalesce(sum(f.events), 0) as events, coalesce(sum(f.handoffs), 0) as handoffs,
      count(*) filter (where f.handoffs > 0) as cases_with_handoff,
      count(f.lead_hours) as lead_n, avg(f.lead_hours) as lead_mean,
      percentile_cont(array[0.5, 0.85, 0.95]) within group (order by f.lead_hours) as lead_p,
      count(f.lead_working_days) as wd_n, avg(f.lead_working_days)::float8 as wd_mean,
      percentile_cont(array[0.5, 0.85, 0.95]) within group (order by f.lead_working_days)
        as wd_p
    from f
  ),
  ageing as (
    select case when a.days <= 7 then 1 when a.days <= 30 then 2 when a.days <= 90 then 3 else 4 end
        as bucket,
      count(*) as n
    from f
    cross join lateral (
      select floor(extract(epoch from least(coalesce(p_to, now()), now()) - f.received_at) / 86400)
        as days
    ) a
    where f.resolved_at is null and f.received_at is not null
    group by 1
  ),
  variant as (
    select f.variant, count(*) as cases, (array_agg(f.report_id))[1] as sample
    from f
    where f.variant is not null
    group by f.variant
  ),
  top_variant as (
    select v.cases, w.activities
    from variant v
    join public.report_flow w on w.report_id = v.sample
    where v.cases >= (select cases from variant order by cases desc offset 9 limit 1)
      or (select count(*) from variant) <= 10
    order by v.cases desc, w.activities
    limit 10
  ),
  matrix as (
    select h.from_dept, h.to_dept, count(*) as n
    from (
      select unnest(f.handoff_from) as from_dept, unnest(f.handoff_to) as to_dept
      from f
      where f.handoffs > 0
    ) h
    group by h.from_dept, h.to_dept
  )
  select jsonb_build_object(
    'cases', t.cases,
    'events', t.events,
    'leadTimeHours', jsonb_build_object('count', t.lead_n, 'mean', t.lead_mean,
      'median', t.lead_p[1], 'p85', t.lead_p[2], 'p95', t.lead_p[3]),
    'leadTimeWorkingDays', jsonb_build_object('count', t.wd_n, 'mean', t.wd_mean,
      'median', t.wd_p[1], 'p85', t.wd_p[2], 'p95', t.wd_p[3]),
    'withinNorm', t.within_norm,
    'openCases', jsonb_build_object(
      'total', coalesce((select sum(n) from ageing), 0),
      'buckets', (
        select jsonb_agg(jsonb_build_object('label', b.label, 'count', coalesce(a.n, 0))
          order by b.bucket)
        from (values (1, '0-7'), (2, '8-30'), (3, '31-90'), (4, '>90')) as b (bucket, label)
        left join ageing a on a.bucket = b.bucket)),
    'repeats', jsonb_build_object('byRule', t.by_rule, 'bySource', t.by_source, 'total', t.repeats),
    'repeatRate', t.repeats::float8 / nullif(t.cases, 0),
    'handoffs', t.handoffs,
    'casesWithHandoff', t.cases_with_handoff,
    'variants', jsonb_build_object(
      'count', (select count(*) from variant),
      'top', coalesce((
        select jsonb_agg(jsonb_build_object('activities', to_jsonb(v.activities), 'cases', v.cases)
          order by v.cases desc, v.activities)
        from top_variant v), '[]'::jsonb)),
    'handoffMatrix', coalesce((
      select jsonb_agg(jsonb_build_object('from', m.from_dept, 'to', m.to_dept, 'count', m.n)
        order by m.n desc, m.from_dept, m.to_dept)
      from matrix m), '[]'::jsonb)
  )
  into result
  from totals t;
  return result;
end
$$;

create or replace function public.case_weekly(
  p_from timestamptz default null,
  p_to timestamptz default null,
  p_categories uuid[] default null,
  p_channel text default null,
  p_department text default null,
  p_org uuid default null,
  p_source text default null,
  p_batch uuid default null
)
returns table (
  week date,
  cases integer,
  repeats integer,
  repeat_rate float8,
  lead_median_hours float8,
  lead_p85_hours float8,
  within_norm float8,
  handoffs integer
)
language plpgsql stable
set search_path = ''
set work_mem = '64MB'
set jit = off
set plan_cache_mode = force_custom_plan
as $$
#variable_conflict use_column
begin
  return query
  with scope as materialized (
    select cf.received_at, cf.resolved_at, cf.received_week, cf.resolved_week, cf.lead_hours,
      coalesce(cf.by_rule, false) or cf.source_repeat as repeat, cf.handoffs,
      case
        when cf.lead_hours is null or c.norm_days is null then null
        when c.norm_unit = 'working_days' then cf.lead_working_days <= c.norm_days
        else cf.lead_hours / 24 <= c.norm_days
      end as within_norm
    from public.case_fact cf
    left join public.category c on c.id = cf.category_id
    where (p_categories is null or cf.category_id = any (p_categories))
      and (p_channel is null or cf.channel = p_channel)
      and (p_department is null or cf.department = p_department)
      and (p_org is null or cf.org_id = p_org)
      and (p_source is null or cf.source = p_source)
      and (p_batch is null or cf.batch_id = p_batch)
      and (
        ((p_from is null or cf.received_at >= p_from) and (p_to is null or cf.received_at < p_to))
        or ((p_from is null or cf.resolved_at >= p_from) and (p_to is null or cf.resolved_at < p_to))
      )
  ),
  by_received as (
    select s.received_week as week, count(*) as cases,
      count(*) filter (where s.repeat) as repeats,
      coalesce(sum(s.handoffs), 0) as handoffs
    from scope s
    where s.received_at is not null
      and (p_from is null or s.received_at >= p_from) and (p_to is null or s.received_at < p_to)
    group by s.received_week
  ),
  by_resolved as (
    select s.resolved_week as week,
      percentile_cont(array[0.5, 0.85]) within group (order by s.lead_hours) as p,
      (count(*) filter (where s.within_norm))::float8 / nullif(count(s.within_norm), 0)
        as within_norm
    from scope s
    where s.lead_hours is not null
      and (p_from is null or s.resolved_at >= p_from) and (p_to is null or s.resolved_at < p_to)
    group by s.resolved_week
  ),
  zone as (
    select case when count(distinct o.timezone) = 1 then min(o.timezone) end as tz
    from public.organisation o
    where p_org is null or o.id = p_org
  ),
  span as (
    select
      coalesce(date_trunc('week', p_from at time zone z.tz)::date, d.lo) as lo,
      greatest(
        case when p_to is not null then
          date_trunc('week', (least(p_to, now()) - interval '1 microsecond') at time zone z.tz)::date
        end,
        d.hi) as hi
    from zone z
    cross join (
      select min(x.week) as lo, max(x.week) as hi
      from (select week from by_received union all select week from by_resolved) x
    ) d
  )
  select g.week, coalesce(r.cases, 0)::integer, coalesce(r.repeats, 0)::integer,
    r.repeats::float8 / nullif(r.cases, 0),
    v.p[1], v.p[2], v.within_norm, coalesce(r.handoffs, 0)::integer
  from span
  cross join lateral generate_series(span.lo::timestamp, span.hi::timestamp, interval '7 days')
    as s (w)
  cross join lateral (select s.w::date as week) g
  left join by_received r on r.week = g.week
  left join by_resolved v on v.week = g.week
  order by g.week;
end
$$;

create or replace function public.lead_time_histogram(
  p_from timestamptz default null,
  p_to timestamptz default null,
  p_categories uuid[] default null,
  p_channel text default null,
  p_department text default null,
  p_org uuid default null,
  p_source text default null,
  p_batch uuid default null
)
returns table (lower_hours float8, upper_hours float8, cases integer)
language sql stable
set search_path = ''
as $$
  with edges as (
    select array[0, 4, 8, 24, 48, 72, 120, 168, 336, 504, 720, 1440, 2160]::float8[] as e
  ),
  counted as (
    select width_bucket(greatest(cf.lead_hours, 0), (select e from edges)) as bin, count(*) as n
    from public.case_fact cf
    where cf.lead_hours is not null
      and (p_from is null or cf.received_at >= p_from)
      and (p_to is null or cf.received_at < p_to)
      and (p_categories is null or cf.category_id = any (p_categories))
      and (p_channel is null or cf.channel = p_channel)
      and (p_department is null or cf.department = p_department)
      and (p_org is null or cf.org_id = p_org)
      and (p_source is null or cf.source = p_source)
      and (p_batch is null or cf.batch_id = p_batch)
    group by 1
  )
  select edges.e[i], case when i < array_length(edges.e, 1) then edges.e[i + 1] end,
    coalesce(c.n, 0)::integer
  from edges
  cross join lateral generate_subscripts(edges.e, 1) as i
  left join counted c on c.bin = i
  order by i
$$;

-- ---------------------------------------------------------------------------------------------
-- The figures of many groups of categories at once (the touchpoints of a journey map): p_groups
-- and p_categories are parallel arrays, (group, category) pairs. Per group, over the cases
-- received in [p_from, p_to) in any of its categories, the figures public.case_summary gives for
-- those categories: cases, repeats (total), closed (lead-time count), open cases, median and p85
-- lead time in hours and in working days, within norm, handoffs, cases with a handoff. Groups
-- without cases are left out.
create function public.group_figures(
  p_from timestamptz,
  p_to timestamptz,
  p_groups uuid[],
  p_categories uuid[]
)
returns table (
  group_id uuid,
  cases integer,
  repeats integer,
  closed integer,
  open integer,
  lead_median_hours float8,
  lead_p85_hours float8,
  lead_median_working_days float8,
  lead_p85_working_days float8,
  within_norm float8,
  handoffs integer,
  cases_with_handoff integer
)
language sql stable
set search_path = ''
set work_mem = '64MB'
set jit = off
as $$
  with g as (
    select distinct u.grp, u.cat from unnest(p_groups, p_categories) as u (grp, cat)
  ),
  f as materialized (
    select cf.category_id, cf.received_at, cf.resolved_at, cf.lead_hours, cf.lead_working_days,
      coalesce(cf.by_rule, false) or cf.source_repeat as repeat, cf.handoffs,
      case
        when cf.lead_hours is null or c.norm_days is null then null
        when c.norm_unit = 'working_days' then cf.lead_working_days <= c.norm_days
        else cf.lead_hours / 24 <= c.norm_days
      end as within_norm
    from public.case_fact cf
    left join public.category c on c.id = cf.category_id
    where cf.category_id = any (p_categories)
      and (p_from is null or cf.received_at >= p_from)
      and (p_to is null or cf.received_at < p_to)
  )
  select g.grp, count(*)::integer, (count(*) filter (where f.repeat))::integer,
    count(f.lead_hours)::integer,
    (count(*) filter (where f.resolved_at is null and f.received_at is not null))::integer,
    percentile_cont(0.5) within group (order by f.lead_hours),
    percentile_cont(0.85) within group (order by f.lead_hours),
    percentile_cont(0.5) within group (order by f.lead_working_days),
    percentile_cont(0.85) within group (order by f.lead_working_days),
    (count(*) filter (where f.within_norm))::float8 / nullif(count(f.within_norm), 0),
    coalesce(sum(f.handoffs), 0)::integer,
    (count(*) filter (where f.handoffs > 0))::integer
  from g
  join f on f.category_id = g.cat
  group by g.grp
$$;

-- The silence figures of many groups of categories at once (as public.silence_summary gives
-- them per group): one public.case_silence over all the categories, split by group. Groups
-- without cases are left out.
create function public.group_silence(
  p_from timestamptz,
  p_to timestamptz,
  p_groups uuid[],
  p_categories uuid[],
  p_now timestamptz default null
)
returns table (
  group_id uuid,
  cases integer,
  silence_p85_working_days float8,
  over_norm_share float8,
  silent_now integer
)
language sql stable
set search_path = ''
set work_mem = '64MB'
set jit = off
as $$
  with g as (
    select distinct u.grp, u.cat from unnest(p_groups, p_categories) as u (grp, cat)
  ),
  s as materialized (
    select s.category_id, s.silence_working_days, s.over_norm, s.current_working_days, s.norm_days
    from public.case_silence(p_from, p_to, (select array_agg(distinct g.cat) from g), null, null,
      null, p_now) s
  )
  select g.grp, count(*)::integer,
    percentile_cont(0.85) within group (order by s.silence_working_days),
    (count(*) filter (where s.over_norm))::float8 / nullif(count(*), 0),
    (count(*) filter (where s.current_working_days > s.norm_days))::integer
  from g
  join s on s.category_id = g.cat
  group by g.grp
$$;

revoke all on function
  public.group_figures(timestamptz, timestamptz, uuid[], uuid[]),
  public.group_silence(timestamptz, timestamptz, uuid[], uuid[], timestamptz)
  from public, anon;
grant execute on function
  public.group_figures(timestamptz, timestamptz, uuid[], uuid[]),
  public.group_silence(timestamptz, timestamptz, uuid[], uuid[], timestamptz)
  to authenticated, service_role;
