-- Silence facts (issue 12, each figure over 1,000,000 events in ≤ 1 s): private.case_silence
-- found every selected case's contact events on every call, sorted them with the case's receipt
-- and end, and took the largest gap in hours and in working days per case: the all-time
-- silence_summary took 1.1–2.8 s at 1M events on PostgreSQL (two contact activities).
--
-- A CLOSED case's silence depends only on its received and resolved times, its events, the
-- organisation's contact activities and zone (holidays are fixed). public.case_fact now keeps it:
--   silence_hours, silence_working_days, last_contact
-- computed with the definition of 20261204220000_silence_cold.sql for every case with a received
-- and a resolved time (null for an open case, or one without a received time), by the paths that
-- keep case_fact and handoff_fact (20261204160000_case_facts.sql, 20261205010000_handoff_facts.sql):
--   * private.refresh_case_rows (statement triggers on report; the importer's
--     private.refresh_case_facts, so the importer's contract covers it; the organisation's zone
--     change, which calls refresh_case_facts for every case of the organisation);
--   * private.report_event_flow (statement triggers on report_event: the cases whose events
--     changed; TRUNCATE: every closed case);
--   * a statement trigger on public.contact_activity: every closed case of an organisation whose
--     contact activities changed (only the rows whose silence moved are written).
-- An open case's silence runs to now: private.case_silence still computes it live (there are few
-- open cases, and the contact index finds their events), so it is exactly as before. What changes
-- without the case changing — the category's norm, hence over_norm — is joined at query time.
-- Row level security: the columns are case_fact's, read under its policy (the reader's
-- organisation, case readers only, a loading batch hidden), as report's policy hid the cases.
-- private.case_silence and the figure functions keep their signatures, columns and rows.

alter table public.case_fact
  add column silence_hours float8,
  add column silence_working_days integer,
  add column last_contact timestamptz;

-- The silence of the closed cases among the given ones (p_cases null: every case; p_org null:
-- every organisation), as 20261204220000_silence_cold.sql's private.case_silence computes it
-- (points: received, each contact strictly inside the window, resolved; the largest gap).
create function private.silence_facts(p_org uuid, p_cases uuid[])
returns table (
  report_id uuid,
  silence_hours float8,
  silence_working_days integer,
  last_contact timestamptz
)
language plpgsql stable security definer
set search_path = ''
set plan_cache_mode = force_custom_plan
set work_mem = '64MB'
set jit = off
as $$
begin
  return query
  with c as materialized (
    select r.id, r.org_id, r.received_at, r.resolved_at as ends, o.timezone as tz
    from public.report r
    join public.organisation o on o.id = r.org_id
    where r.received_at is not null and r.resolved_at is not null
      and (p_org is null or r.org_id = p_org)
      and (p_cases is null or r.id = any (p_cases))
  ),
  points as (
    select c.id, c.received_at, c.ends, c.tz, c.received_at as t from c
    union all
    select c.id, c.received_at, c.ends, c.tz, c.ends from c
    union all
    select c.id, c.received_at, c.ends, c.tz, e.occurred_at
    from c
    join public.report_event e on e.report_id = c.id
    join public.contact_activity a
      on a.org_id = e.org_id and a.activity_key = lower(btrim(e.activity))
    where e.occurred_at > c.received_at and e.occurred_at < c.ends
      -- no contact activity at all (an import before they are defined): no event to look at
      and exists (select from public.contact_activity k)
  ),
  gaps as (
    select p.*, lag(p.t) over (partition by p.id order by p.t) as prev
    from points p
  )
  select g.id,
    coalesce(max(extract(epoch from g.t - g.prev)::float8 / 3600), 0),
    coalesce(max(private.working_days((g.prev at time zone g.tz)::date,
      (g.t at time zone g.tz)::date)), 0),
    coalesce(max(g.prev) filter (where g.t = g.ends), g.received_at)
  from gaps g
  group by g.id, g.received_at;
end
$$;
revoke all on function private.silence_facts(uuid, uuid[]) from public;

-- Writes the silence of the given closed cases into case_fact where it moved.
create function private.refresh_silence_facts(p_org uuid, p_cases uuid[]) returns void
language plpgsql security definer
set search_path = ''
set plan_cache_mode = force_custom_plan
as $$
begin
  update public.case_fact f
  set silence_hours = s.silence_hours, silence_working_days = s.silence_working_days,
    last_contact = s.last_contact
  from private.silence_facts(p_org, p_cases) s
  where f.report_id = s.report_id
    and (f.silence_hours, f.silence_working_days, f.last_contact)
      is distinct from (s.silence_hours, s.silence_working_days, s.last_contact);
end
$$;
revoke all on function private.refresh_silence_facts(uuid, uuid[]) from public;

-- 20261205010000_handoff_facts.sql's refresh_case_rows, with the silence of the closed cases.
create or replace function private.refresh_case_rows(p_cases uuid[]) returns void
language plpgsql security definer
set search_path = ''
set plan_cache_mode = force_custom_plan
as $$
begin
  delete from public.case_fact f where f.report_id = any (p_cases);
  insert into public.case_fact (report_id, org_id, category_id, channel, department, source,
    batch_id, received_at, resolved_at, received_week, resolved_week, lead_hours,
    lead_working_days, source_repeat, by_rule, events, variant, handoffs, handoff_from, handoff_to,
    silence_hours, silence_working_days, last_contact)
  select r.id, r.org_id, r.category_id, r.channel, r.department, r.source, r.batch_id,
    r.received_at, r.resolved_at,
    date_trunc('week', z.received_local)::date, date_trunc('week', z.resolved_local)::date,
    extract(epoch from r.resolved_at - r.received_at)::float8 / 3600,
    private.working_days(z.received_local::date, z.resolved_local::date),
    (r.flagged_duplicate or r.duplicate_of is not null or r.reopened), null,
    coalesce(w.events, 0), w.variant, coalesce(w.handoffs, 0), coalesce(w.handoff_from, '{}'),
    coalesce(w.handoff_to, '{}'),
    s.silence_hours, s.silence_working_days, s.last_contact
  from public.report r
  join public.organisation o on o.id = r.org_id
  left join public.report_flow w on w.report_id = r.id
  left join private.silence_facts(null, coalesce(p_cases, '{}')) s on s.report_id = r.id
  cross join lateral (
    select r.received_at at time zone o.timezone as received_local,
      r.resolved_at at time zone o.timezone as resolved_local
    offset 0
  ) z
  where r.id = any (p_cases);
  perform private.refresh_handoff_facts(coalesce(p_cases, '{}'));
end
$$;

-- 20261205010000_handoff_facts.sql's report_event_flow, and the silence of the cases.
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
    perform private.refresh_silence_facts(null, null);
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
  perform private.refresh_silence_facts(null, v_cases);
  perform private.bump_figures_version(array(
    select distinct f.org_id from public.case_fact f where f.report_id = any (v_cases)));
  return null;
end
$$;

-- Contact activities: the silence of every closed case of the organisations whose list changed.
-- (The row trigger contact_activity_figures still moves the figures version.) One function per
-- event: an INSERT trigger has no OLD TABLE to read, a DELETE trigger no NEW TABLE.
create function private.contact_activity_facts_update() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_org uuid;
begin
  for v_org in
    select n.org_id from new_rows n union select o.org_id from old_rows o
  loop
    perform private.refresh_silence_facts(v_org, null);
  end loop;
  return null;
end
$$;
create function private.contact_activity_facts_insert() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  perform private.refresh_silence_facts(g.org_id, null)
  from (select distinct n.org_id from new_rows n) g;
  return null;
end
$$;
create function private.contact_activity_facts_delete() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  perform private.refresh_silence_facts(g.org_id, null)
  from (select distinct o.org_id from old_rows o) g;
  return null;
end
$$;
create trigger contact_activity_facts_insert after insert on public.contact_activity
  referencing new table as new_rows
  for each statement execute function private.contact_activity_facts_insert();
create trigger contact_activity_facts_update after update on public.contact_activity
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.contact_activity_facts_update();
create trigger contact_activity_facts_delete after delete on public.contact_activity
  referencing old table as old_rows
  for each statement execute function private.contact_activity_facts_delete();
revoke all on function private.contact_activity_facts_update(), private.contact_activity_facts_insert(),
  private.contact_activity_facts_delete() from public;

-- public.case_silence's worker (20261204220000_silence_cold.sql): same signature, columns and
-- rows. Closed cases are read from case_fact; open cases are computed live as before.
create or replace function private.case_silence(
  p_from timestamptz,
  p_to timestamptz,
  p_categories uuid[],
  p_channel text,
  p_department text,
  p_org uuid,
  p_now timestamptz,
  p_open_only boolean,
  p_resolved_from timestamptz
)
returns table (
  report_id uuid,
  org_id uuid,
  category_id uuid,
  received_at timestamptz,
  resolved_at timestamptz,
  silence_hours float8,
  silence_working_days integer,
  last_contact timestamptz,
  current_hours float8,
  current_working_days integer,
  norm_days float8,
  over_norm boolean
)
language sql stable
set search_path = ''
set enable_nestloop = off
set work_mem = '64MB'
set jit = off
as $$
  -- the open cases (none when only cases resolved from p_resolved_from are asked for)
  with c as materialized (
    select r.id, r.org_id, r.category_id, r.received_at, r.resolved_at, o.timezone as tz,
      greatest(coalesce(p_now, now()), r.received_at) as ends,
      coalesce(cat.silence_norm_days, 5)::float8 as norm_days
    from public.report r
    join public.organisation o on o.id = r.org_id
    left join public.category cat on cat.id = r.category_id
    where r.received_at is not null
      and r.resolved_at is null
      and p_resolved_from is null
      and (p_from is null or r.received_at >= p_from)
      and (p_to is null or r.received_at < p_to)
      and (p_categories is null or r.category_id = any (p_categories))
      and (p_channel is null or r.channel = p_channel)
      and (p_department is null or r.department = p_department)
      and (p_org is null or r.org_id = p_org)
  ),
  points as (
    select c.*, c.received_at as t from c
    union all
    select c.*, c.ends from c
    union all
    select c.*, e.occurred_at
    from c
    join public.report_event e on e.report_id = c.id
    join public.contact_activity a
      on a.org_id = e.org_id and a.activity_key = lower(btrim(e.activity))
    where e.occurred_at > c.received_at and e.occurred_at < c.ends
      -- the same condition, in a form report_event_contact_idx answers (no join needed)
      and lower(btrim(e.activity)) = any (array(select k.activity_key from public.contact_activity k))
      and e.occurred_at > (select min(c2.received_at) from c c2)
      and e.occurred_at < (select max(c2.ends) from c c2)
  ),
  gaps as (
    select p.*, lag(p.t) over (partition by p.id order by p.t) as prev
    from points p
  ),
  per_case as (
    select g.id, g.org_id, g.category_id, g.received_at, g.resolved_at, g.tz, g.ends, g.norm_days,
      coalesce(max(extract(epoch from g.t - g.prev)::float8 / 3600), 0) as hours,
      coalesce(max(private.working_days((g.prev at time zone g.tz)::date,
        (g.t at time zone g.tz)::date)), 0) as working_days,
      coalesce(max(g.prev) filter (where g.t = g.ends), g.received_at) as last_contact
    from gaps g
    group by g.id, g.org_id, g.category_id, g.received_at, g.resolved_at, g.tz, g.ends, g.norm_days
  )
  select f.report_id, f.org_id, f.category_id, f.received_at, f.resolved_at, f.silence_hours,
    f.silence_working_days, f.last_contact, null::float8, null::integer, n.norm_days,
    f.silence_working_days > n.norm_days
  from public.case_fact f
  join public.organisation o on o.id = f.org_id
  left join public.category cat on cat.id = f.category_id
  cross join lateral (select coalesce(cat.silence_norm_days, 5)::float8 as norm_days) n
  where not p_open_only
    and f.received_at is not null
    and f.resolved_at is not null
    and (p_from is null or f.received_at >= p_from)
    and (p_to is null or f.received_at < p_to)
    and (p_categories is null or f.category_id = any (p_categories))
    and (p_channel is null or f.channel = p_channel)
    and (p_department is null or f.department = p_department)
    and (p_org is null or f.org_id = p_org)
    and (p_resolved_from is null or f.resolved_at >= p_resolved_from)
  union all
  select p.id, p.org_id, p.category_id, p.received_at, p.resolved_at, p.hours, p.working_days,
    p.last_contact,
    extract(epoch from p.ends - p.last_contact)::float8 / 3600,
    private.working_days((p.last_contact at time zone p.tz)::date, (p.ends at time zone p.tz)::date),
    p.norm_days,
    p.working_days > p.norm_days
  from per_case p
$$;

-- The silence of what is already there.
select private.refresh_silence_facts(null, null);
