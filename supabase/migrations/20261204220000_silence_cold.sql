-- Cold figures pages (issue 10 §4): where the time went at 1M events on PostgreSQL (auto_explain
-- of every figures page after a start), and two cheap fixes.
-- 1. public.case_silence read every event of the organisation (a sequential scan of all of
--    report_event, ~0.3 s at 1M) whatever the period, and joined the contact activities after:
--    each silence figure on each page paid it. The contact events are now found through an index
--    on the event's normalised activity and time, bounded by the period of the selected cases.
-- 2. public.silence_weekly asked public.case_silence for every case received before the period's
--    end (all 106k cases at 1M) and kept the ~4k resolved in the period (1.05 s of the team
--    page's 1.2 s cold). private.case_silence takes the lower bound of resolved_at as well, so
--    only the cases the weekly series shows are computed.
-- 3. public.handoff_waits unnested the handoffs of every case (report_flow joined with report,
--    ~105k cases at 1M) to keep the ~6k that arrived in the period (0.17–0.3 s per agreement
--    matrix). The period is now also asked of the case's last and first arrival, which an index
--    answers; handoff_arrived is in time order (private.refresh_report_flow).
-- Same signatures, same results.

create index report_event_contact_idx on public.report_event
  (lower(btrim(activity)), occurred_at) include (report_id, org_id, batch_id);

-- public.case_silence (20261204080000_silence.sql) with p_resolved_from: when set, only cases
-- resolved at or after it (closed cases only). Security invoker: the reader's policies apply.
create function private.case_silence(
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
  with c as materialized (
    select r.id, r.org_id, r.category_id, r.received_at, r.resolved_at, o.timezone as tz,
      coalesce(r.resolved_at, greatest(coalesce(p_now, now()), r.received_at)) as ends,
      coalesce(cat.silence_norm_days, 5)::float8 as norm_days
    from public.report r
    join public.organisation o on o.id = r.org_id
    left join public.category cat on cat.id = r.category_id
    where r.received_at is not null
      and (p_from is null or r.received_at >= p_from)
      and (p_to is null or r.received_at < p_to)
      and (p_categories is null or r.category_id = any (p_categories))
      and (p_channel is null or r.channel = p_channel)
      and (p_department is null or r.department = p_department)
      and (p_org is null or r.org_id = p_org)
      and (not p_open_only or r.resolved_at is null)
      and (p_resolved_from is null or r.resolved_at >= p_resolved_from)
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
  select p.id, p.org_id, p.category_id, p.received_at, p.resolved_at, p.hours, p.working_days,
    p.last_contact,
    case when p.resolved_at is null then
      extract(epoch from p.ends - p.last_contact)::float8 / 3600 end,
    case when p.resolved_at is null then
      private.working_days((p.last_contact at time zone p.tz)::date,
        (p.ends at time zone p.tz)::date) end,
    p.norm_days,
    p.working_days > p.norm_days
  from per_case p
$$;
revoke all on function private.case_silence(timestamptz, timestamptz, uuid[], text, text, uuid,
  timestamptz, boolean, timestamptz) from public;
grant execute on function private.case_silence(timestamptz, timestamptz, uuid[], text, text, uuid,
  timestamptz, boolean, timestamptz) to authenticated, service_role;

create or replace function public.case_silence(
  p_from timestamptz default null,
  p_to timestamptz default null,
  p_categories uuid[] default null,
  p_channel text default null,
  p_department text default null,
  p_org uuid default null,
  p_now timestamptz default null,
  p_open_only boolean default false
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
as $$
  select * from private.case_silence(p_from, p_to, p_categories, p_channel, p_department, p_org,
    p_now, p_open_only, null)
$$;

create or replace function public.silence_weekly(
  p_from timestamptz default null,
  p_to timestamptz default null,
  p_categories uuid[] default null,
  p_channel text default null,
  p_department text default null,
  p_org uuid default null
)
returns table (week date, cases integer, median_hours float8, p85_hours float8, over_norm float8)
language sql stable
set search_path = ''
set work_mem = '64MB'
set jit = off
as $$
  select date_trunc('week', s.resolved_at at time zone o.timezone)::date,
    count(*)::integer,
    percentile_cont(0.5) within group (order by s.silence_hours),
    percentile_cont(0.85) within group (order by s.silence_hours),
    (count(*) filter (where s.over_norm))::float8 / count(*)
  from private.case_silence(null, p_to, p_categories, p_channel, p_department, p_org, null, false,
    p_from) s
  join public.organisation o on o.id = s.org_id
  where s.resolved_at is not null
    and (p_from is null or s.resolved_at >= p_from)
    and (p_to is null or s.resolved_at < p_to)
  group by 1
  order by 1
$$;

-- 3. (20261204090000_agreements.sql, with the two conditions on the case's arrivals)
create index report_flow_last_arrival_idx on public.report_flow
  ((handoff_arrived[handoffs])) where handoffs > 0;

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
  ),
  -- the handoffs of each case as report_flow keeps them, in order
  handoff as (
    select w.report_id, w.org_id, h.prev_dept, h.dept, h.prev_at, h.occurred_at,
      h.prev_at at time zone o.timezone as left_local,
      h.occurred_at at time zone o.timezone as arrived_local
    from public.report_flow w
    join public.report r on r.id = w.report_id
    join public.organisation o on o.id = w.org_id
    cross join lateral unnest(w.handoff_from, w.handoff_to, w.handoff_left, w.handoff_arrived)
      as h (prev_dept, dept, prev_at, occurred_at)
    where w.handoffs > 0
      and (p_org is null or w.org_id = p_org)
      and (p_categories is null or r.category_id = any (p_categories))
      and (p_from is null or h.occurred_at >= p_from)
      and (p_to is null or h.occurred_at < p_to)
      -- the same period on the case's first and last arrival (handoff_arrived is in time
      -- order), which report_flow_last_arrival_idx answers without unnesting every case
      and (p_from is null or w.handoff_arrived[w.handoffs] >= p_from)
      and (p_to is null or w.handoff_arrived[1] < p_to)
  )
  -- each expression written where it is used (no lateral that would force it): a caller that
  -- does not ask for a column does not compute it, and working days are counted only for the
  -- handoffs held to an agreement in working days, or when asked for
  select h.report_id, h.prev_dept, h.dept, h.prev_at, h.occurred_at,
    date_trunc('week', h.arrived_local)::date,
    extract(epoch from h.occurred_at - h.prev_at)::float8 / 3600,
    private.working_days(h.left_local::date, h.arrived_local::date),
    v.id, v.from_department_id, v.to_department_id, v.limit_value::float8, v.unit,
    case
      when v.id is null then null
      when v.unit = 'hours' then extract(epoch from h.occurred_at - h.prev_at)::float8 / 3600
        <= v.limit_value
      else private.working_days(h.left_local::date, h.arrived_local::date) <= v.limit_value
    end
  from handoff h
  left join version v on v.org_id = h.org_id and v.from_name = h.prev_dept
    and v.to_name = h.dept and v.valid_from <= h.left_local::date
    and (v.valid_to is null or h.left_local::date < v.valid_to)
$$;
