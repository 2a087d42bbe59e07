-- Case-data figures, computed in SQL so every deployment computes them the same way
-- (DESIGN.md, "Metric definitions"). Everything here runs with the caller's rights
-- (security invoker): row level security on report, report_event, category and organisation
-- decides which cases a figure covers. A staff member without access to case data gets
-- zeros, a person of another organisation sees nothing of this one.
--
-- Public API (read-only; the parameters of the last two default to null = "all"):
--   public.working_days_between(a date, b date) → integer
--   public.nl_public_holidays(p_year integer) → table (day date, name text)
--   public.case_lead_time                      (view: one row per case, lead times and norm)
--   public.case_summary(p_from, p_to, p_categories, p_channel, p_department, p_org) → jsonb
--   public.case_weekly(p_from, p_to, p_categories, p_channel, p_department, p_org) → table
-- They read each case's flow (events in order, variant, handoffs) from public.report_flow,
-- which triggers keep (20261123070000_case_data.sql).
-- Filters: p_from / p_to select cases by received_at in [p_from, p_to); p_categories (an array:
-- a touchpoint, a journey or a team covers several report categories, and their medians and
-- percentiles cannot be combined from per-category figures), p_channel, p_department
-- (report.department) narrow them; p_org narrows to one organisation (for the service path,
-- which sees every organisation; a signed-in user sees only their own).

-- ---------------------------------------------------------------------------------------------
-- Working days: Dutch public holidays as the Algemene termijnenwet lists them (art. 3):
-- Nieuwjaarsdag, Tweede Paasdag, Hemelvaartsdag, Tweede Pinksterdag, the King's birthday
-- (Koningsdag), Bevrijdingsdag (5 May, every year), Eerste and Tweede Kerstdag.
-- Saturdays and Sundays are not working days either. Goede Vrijdag is not a holiday.

-- Easter Sunday (Gregorian calendar), by the anonymous algorithm (Meeus/Jones/Butcher).
create function private.easter(y integer) returns date
language sql immutable strict parallel safe
set search_path = ''
as $$
  select make_date(y, (h + l - 7 * m + 114) / 31, (h + l - 7 * m + 114) % 31 + 1)
  from (select y % 19 as a, y / 100 as b, y % 100 as c) s1
  cross join lateral (select b / 4 as d, b % 4 as e, (b - (b + 8) / 25 + 1) / 3 as g) s2
  cross join lateral (select (19 * a + b - d - g + 15) % 30 as h) s3
  cross join lateral (select (32 + 2 * e + 2 * (c / 4) - h - c % 4) % 7 as l) s4
  cross join lateral (select (a + 11 * h + 22 * l) / 451 as m) s5
$$;

-- The public holidays of one year. Koningsdag is 27 April, or 26 April when the 27th is a
-- Sunday (since 2014); before 2014 Koninginnedag was 30 April, or 29 April when the 30th was a
-- Sunday (1949–2013). Two holidays can fall on one day (Hemelvaartsdag on 5 May in 2016).
create function public.nl_public_holidays(p_year integer)
returns table (day date, name text)
language sql immutable strict parallel safe
rows 8
set search_path = ''
as $$
  select v.day, v.name
  from (select private.easter(p_year) as easter,
               make_date(p_year, 4, case when p_year >= 2014 then 27 else 30 end) as kings) s
  cross join lateral (values
    (make_date(p_year, 1, 1), 'Nieuwjaarsdag'),
    (s.easter + 1, 'Tweede Paasdag'),
    (case when extract(isodow from s.kings) = 7 then s.kings - 1 else s.kings end,
     case when p_year >= 2014 then 'Koningsdag' else 'Koninginnedag' end),
    (make_date(p_year, 5, 5), 'Bevrijdingsdag'),
    (s.easter + 39, 'Hemelvaartsdag'),
    (s.easter + 50, 'Tweede Pinksterdag'),
    (make_date(p_year, 12, 25), 'Eerste Kerstdag'),
    (make_date(p_year, 12, 26), 'Tweede Kerstdag')
  ) as v (day, name)
  order by v.day, v.name
$$;

-- Counting day by day (any dates): the working days d with a < d ≤ b, negative when b < a.
create function private.working_days_slow(a date, b date) returns integer
language sql immutable strict parallel safe
set search_path = ''
as $$
  select (sign(b - a) * count(*))::integer
  from generate_series(1, abs(b - a)) as g (i)
  cross join lateral (select least(a, b) + g.i as d) x
  where extract(isodow from x.d) < 6
    and x.d <> all (array(
      select h.day
      from generate_series(extract(year from least(a, b))::integer,
                           extract(year from greatest(a, b))::integer) as y (year)
      cross join lateral public.nl_public_holidays(y.year) h))
$$;

-- The working-day number of a date in 1990–2100: the weekdays from 1900-01-01 (a Monday) up to
-- and including d, by arithmetic, minus the holidays on a weekday up to and including d
-- (width_bucket counts the entries of the sorted array that are ≤ d). The array is written
-- into the function here, generated from public.nl_public_holidays for 1990–2100, so the
-- function is immutable, is inlined into queries and reads no table.
-- The number of working days d with a < d ≤ b is then workday_number(b) − workday_number(a).
do $do$
begin
  execute format($f$
    create function private.workday_number(d date) returns integer
    language sql immutable parallel safe
    as $$
      select 5 * ((d - date '1900-01-01' + 1) / 7) + least((d - date '1900-01-01' + 1) %% 7, 5)
        - width_bucket(d, %L::date[])
    $$$f$,
    (select array_agg(distinct h.day order by h.day)::text
     from generate_series(1990, 2100) as y (year)
     cross join lateral public.nl_public_holidays(y.year) h
     where extract(isodow from h.day) < 6));
end
$do$;

-- Working days between two dates, inlined into the queries that use it (no SET clause, so
-- that it can be: every name in it is schema-qualified).
create function private.working_days(a date, b date) returns integer
language sql immutable parallel safe
as $$
  select case
    when a is null or b is null then null
    when a between date '1990-01-01' and date '2100-12-31'
      and b between date '1990-01-01' and date '2100-12-31'
      then private.workday_number(b) - private.workday_number(a)
    else private.working_days_slow(a, b)
  end
$$;

-- The number of working days d with a < d ≤ b: the day of receipt does not count, the day of
-- resolution does (when it is a working day). Same day → 0; received Friday, resolved the
-- next Monday → 1; received Friday, resolved Saturday → 0. When b < a the result is negative:
-- −working_days_between(b, a). Null when either is null.
create function public.working_days_between(a date, b date) returns integer
language sql immutable parallel safe
set search_path = ''
as $$ select private.working_days(a, b) $$;

-- ---------------------------------------------------------------------------------------------
-- One row per case: lead time in hours and in working days, the category's norm and whether
-- the case met it, and whether the source marks it as a repeat (flagged as a duplicate, a
-- duplicate of another case, or reopened). Open cases (resolved_at null) have null lead times
-- and within_norm. Working days count local dates in the organisation's zone
-- (organisation.timezone); weeks are ISO weeks (Monday) in that zone.
-- Within norm: calendar_days → lead hours / 24 ≤ norm_days; working_days → working days ≤
-- norm_days; null when the case is open or its category has no norm.
create view public.case_lead_time with (security_invoker = true) as
select
  r.id as report_id,
  r.org_id,
  r.category_id,
  r.channel,
  r.department,
  r.received_at,
  r.resolved_at,
  date_trunc('week', z.received_local)::date as received_week,
  date_trunc('week', z.resolved_local)::date as resolved_week,
  x.lead_hours,
  x.lead_working_days,
  c.norm_days,
  c.norm_unit,
  (r.flagged_duplicate or r.duplicate_of is not null or r.reopened) as source_repeat,
  case
    when x.lead_hours is null or c.norm_days is null then null
    when c.norm_unit = 'working_days' then x.lead_working_days <= c.norm_days
    else x.lead_hours / 24 <= c.norm_days
  end as within_norm
from public.report r
join public.organisation o on o.id = r.org_id
left join public.category c on c.id = r.category_id
-- "offset 0" keeps each of these a subquery evaluated once per row; flattened, every use of a
-- column would repeat its expression (the zone conversion, the working-day arithmetic).
cross join lateral (
  select
    r.received_at at time zone o.timezone as received_local,
    r.resolved_at at time zone o.timezone as resolved_local
  offset 0
) z
cross join lateral (
  select
    extract(epoch from r.resolved_at - r.received_at)::float8 / 3600 as lead_hours,
    private.working_days(z.received_local::date, z.resolved_local::date) as lead_working_days
  offset 0
) x;
revoke all on public.case_lead_time from public, anon;
grant select on public.case_lead_time to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Repeats found by the rule. A report R is a repeat when an earlier report E — strictly
-- earlier received_at; the same instant is not earlier — with the same key was received at
-- most N days before it, N = R's category.repeat_window_days. "N days" is reckoned in local
-- time in the organisation's zone: E at 09:00 and R at 09:00 thirty local days later is a
-- repeat for N = 30, across a DST change too. The key comes from R's category.repeat_key:
--   customer_category → same customer_key and category,
--   location_category → same location_key and category,
--   customer_journey  → same customer_key and the same journey (category.journey_id), so E may
--                       be in another category of that journey, whatever that category's rule.
-- A report with a null key part (no category, no customer/location key, no journey) is never a
-- repeat by the rule. Channel and department play no part in the key.
-- The period selects the reports R that are judged, not the earlier reports E that are looked
-- at: E may lie before p_from (up to 366 days, more than the longest window allowed).
-- Returns the reports received in [p_from, p_to) that have a key; those missing are not
-- repeats by the rule.
-- How: every report goes into the "stream" of each key it can be matched on (a report in a
-- category with a journey also goes into the journey stream, as a possible E). In each stream
-- one window over (key, received_at) gives the latest received_at strictly before the row's
-- own (a range frame ending 1 microsecond before, the resolution of timestamptz, so a tie is
-- not earlier); R is a repeat when that lies within its window.
create function private.repeat_flags(p_from timestamptz, p_to timestamptz, p_org uuid)
returns table (report_id uuid, by_rule boolean)
language plpgsql stable
rows 100000
set search_path = ''
set plan_cache_mode = force_custom_plan
as $$
#variable_conflict use_column
begin
  return query
  with stream as (
    -- sort keys: the key text first (C collation: only equality matters, and it sorts fast)
    select r.customer_key collate "C" as key, r.category_id as grp, 1 as kind, r.org_id, r.id,
      r.received_at, c.repeat_window_days, true as judged
    from public.report r
    join public.category c on c.id = r.category_id
    where c.repeat_key = 'customer_category' and r.customer_key is not null
      and r.received_at is not null
      and (p_org is null or r.org_id = p_org)
      and (p_to is null or r.received_at < p_to)
      and (p_from is null or r.received_at >= p_from - interval '366 days')
    union all
    select r.location_key collate "C", r.category_id, 2, r.org_id, r.id, r.received_at,
      c.repeat_window_days, true
    from public.report r
    join public.category c on c.id = r.category_id
    where c.repeat_key = 'location_category' and r.location_key is not null
      and r.received_at is not null
      and (p_org is null or r.org_id = p_org)
      and (p_to is null or r.received_at < p_to)
      and (p_from is null or r.received_at >= p_from - interval '366 days')
    union all
    select r.customer_key collate "C", c.journey_id, 3, r.org_id, r.id, r.received_at,
      c.repeat_window_days, c.repeat_key = 'customer_journey'
    from public.report r
    join public.category c on c.id = r.category_id
    where c.journey_id is not null and r.customer_key is not null
      and r.received_at is not null
      and (p_org is null or r.org_id = p_org)
      and (p_to is null or r.received_at < p_to)
      and (p_from is null or r.received_at >= p_from - interval '366 days')
  ),
  previous as (
    select id, org_id, received_at, repeat_window_days, judged,
      max(received_at) over (
        partition by key, grp, kind, org_id order by received_at
        range between unbounded preceding and interval '1 microsecond' preceding
      ) as earlier
    from stream
  )
  select p.id,
    coalesce((p.received_at at time zone o.timezone) - (p.earlier at time zone o.timezone)
      <= make_interval(days => p.repeat_window_days), false)
  from previous p
  join public.organisation o on o.id = p.org_id
  where p.judged and (p_from is null or p.received_at >= p_from);
end
$$;

-- ---------------------------------------------------------------------------------------------
-- All figures over the cases received in [p_from, p_to) (and the other filters), as one jsonb:
--   cases, events                  the cases and their events
--   leadTimeHours                  {count, mean, median, p85, p95} of resolved_at − received_at
--                                  in hours, over closed cases; percentiles are percentile_cont
--                                  (linear interpolation: the median of an even count is the
--                                  mean of the two middle values); null values without cases
--   leadTimeWorkingDays            the same in working days (working_days_between of the local
--                                  dates of receipt and resolution)
--   withinNorm                     closed cases within their category's norm ÷ closed cases whose
--                                  category has a norm; null when there are none
--   openCases                      {total, buckets}: cases with resolved_at null (and a
--                                  received_at), by age in whole days (24 h) at p_to, or at now()
--                                  when p_to is null or later: 0-7, 8-30, 31-90, >90
--   repeats                        {byRule, bySource, total}: by the rule (private.repeat_flags),
--                                  flagged by the source (case_lead_time.source_repeat), and the
--                                  union (a case counted once)
--   repeatRate                     repeats.total ÷ cases; null without cases
--   handoffs, casesWithHandoff     the handoffs of these cases (see report_flow) and the cases
--                                  with at least one
--   variants                       {count, top}: distinct activity sequences over the cases that
--                                  have events; the 10 most frequent with their number of cases
--                                  (ties by the sequence)
--   handoffMatrix                  [{from, to, count}] of those handoffs, most frequent first
create function public.case_summary(
  p_from timestamptz default null,
  p_to timestamptz default null,
  p_categories uuid[] default null,
  p_channel text default null,
  p_department text default null,
  p_org uuid default null
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
    select l.report_id, l.received_at, l.resolved_at, l.lead_hours, l.lead_working_days,
      l.within_norm, l.source_repeat
    from public.case_lead_time l
    where (p_from is null or l.received_at >= p_from)
      and (p_to is null or l.received_at < p_to)
      and (p_categories is null or l.category_id = any (p_categories))
      and (p_channel is null or l.channel = p_channel)
      and (p_department is null or l.department = p_department)
      and (p_org is null or l.org_id = p_org)
  ),
  flow as materialized (
    -- the same filters on report again (rather than a join with f): the planner knows how
    -- many rows they leave
    select w.report_id, w.events, w.variant, w.handoffs, w.handoff_from, w.handoff_to
    from public.report_flow w
    join public.report r on r.id = w.report_id
    where (p_from is null or r.received_at >= p_from)
      and (p_to is null or r.received_at < p_to)
      and (p_categories is null or r.category_id = any (p_categories))
      and (p_channel is null or r.channel = p_channel)
      and (p_department is null or r.department = p_department)
      and (p_org is null or r.org_id = p_org)
  ),
  totals as (
    select count(*) as cases,
      count(*) filter (where rf.by_rule) as by_rule,
      count(*) filter (where f.source_repeat) as by_source,
      count(*) filter (where rf.by_rule or f.source_repeat) as repeats,
      (count(*) filter (where f.within_norm))::float8 / nullif(count(f.within_norm), 0)
        as within_norm
    from f
    left join private.repeat_flags(p_from, p_to, p_org) rf on rf.report_id = f.report_id
  ),
  flow_totals as (
    select coalesce(sum(events), 0) as events, coalesce(sum(handoffs), 0) as handoffs,
      count(*) filter (where handoffs > 0) as cases_with_handoff
    from flow
  ),
  lead_h as (
    select count(*) as n, avg(lead_hours) as mean,
      percentile_cont(array[0.5, 0.85, 0.95]) within group (order by lead_hours) as p
    from f where lead_hours is not null
  ),
  lead_wd as (
    select count(*) as n, avg(lead_working_days)::float8 as mean,
      percentile_cont(array[0.5, 0.85, 0.95]) within group (order by lead_working_days) as p
    from f where lead_working_days is not null
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
    -- one case of each variant stands for it: its activities are looked up below
    select variant, count(*) as cases, (array_agg(report_id))[1] as sample
    from flow
    group by variant
  ),
  top_variant as (
    -- the 10 most frequent, ties by the activity sequence: every variant at least as frequent
    -- as the 10th is a candidate
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
      -- unnest in the select list zips the two arrays (and is faster than a lateral join)
      select unnest(handoff_from) as from_dept, unnest(handoff_to) as to_dept
      from flow
      where handoffs > 0
    ) h
    group by h.from_dept, h.to_dept
  )
  select jsonb_build_object(
    'cases', t.cases,
    'events', ft.events,
    'leadTimeHours', (
      select jsonb_build_object('count', n, 'mean', mean, 'median', p[1], 'p85', p[2], 'p95', p[3])
      from lead_h),
    'leadTimeWorkingDays', (
      select jsonb_build_object('count', n, 'mean', mean, 'median', p[1], 'p85', p[2], 'p95', p[3])
      from lead_wd),
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
    'handoffs', ft.handoffs,
    'casesWithHandoff', ft.cases_with_handoff,
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
  from totals t, flow_totals ft;
  return result;
end
$$;

-- ---------------------------------------------------------------------------------------------
-- The weekly series: ISO weeks (starting Monday) in the organisation's zone, one row per week
-- from the week of p_from (or of the first data) to the week of p_to (or of the last data,
-- never past the current week when p_to is later), weeks without data included. Per week:
--   cases, repeats, repeat_rate  the reports RECEIVED that week; repeats = the union of rule and
--                                source repeats; repeat_rate null when no cases
--   handoffs                     the handoffs of the cases received that week
--   lead_median_hours, lead_p85_hours, within_norm
--                                the cases RESOLVED that week. A lead time is known only when a
--                                case closes, so it belongs to the week it closed in: a week's
--                                figure is final once the week is over and does not move as
--                                older cases close (which an XmR chart needs).
-- So p_from / p_to select the weeks: received_at in [p_from, p_to) for the first group,
-- resolved_at in [p_from, p_to) for the second (a case received before p_from and resolved
-- inside the period counts in the week it was resolved). The other filters apply to both.
-- Pass week boundaries (Monday 00:00 local) to have whole weeks at both ends.
create function public.case_weekly(
  p_from timestamptz default null,
  p_to timestamptz default null,
  p_categories uuid[] default null,
  p_channel text default null,
  p_department text default null,
  p_org uuid default null
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
    select l.report_id, l.received_at, l.resolved_at, l.received_week, l.resolved_week,
      l.lead_hours, l.within_norm, l.source_repeat
    from public.case_lead_time l
    where (p_categories is null or l.category_id = any (p_categories))
      and (p_channel is null or l.channel = p_channel)
      and (p_department is null or l.department = p_department)
      and (p_org is null or l.org_id = p_org)
      and (
        ((p_from is null or l.received_at >= p_from) and (p_to is null or l.received_at < p_to))
        or ((p_from is null or l.resolved_at >= p_from) and (p_to is null or l.resolved_at < p_to))
      )
  ),
  by_received as (
    select s.received_week as week, count(*) as cases,
      count(*) filter (where s.source_repeat or rf.by_rule) as repeats,
      coalesce(sum(w.handoffs), 0) as handoffs
    from scope s
    left join private.repeat_flags(p_from, p_to, p_org) rf on rf.report_id = s.report_id
    left join public.report_flow w on w.report_id = s.report_id
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
    -- the zone for the ends of the period: the organisation's (for the service path across
    -- organisations in different zones there is none, and the data decides the ends)
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

revoke all on function
  private.easter(integer),
  private.repeat_flags(timestamptz, timestamptz, uuid)
  from public;
grant execute on function
  private.easter(integer),
  private.repeat_flags(timestamptz, timestamptz, uuid)
  to authenticated, service_role;
revoke all on function
  public.nl_public_holidays(integer),
  public.working_days_between(date, date),
  public.case_summary(timestamptz, timestamptz, uuid[], text, text, uuid),
  public.case_weekly(timestamptz, timestamptz, uuid[], text, text, uuid)
  from public, anon;
grant execute on function
  public.nl_public_holidays(integer),
  public.working_days_between(date, date),
  public.case_summary(timestamptz, timestamptz, uuid[], text, text, uuid),
  public.case_weekly(timestamptz, timestamptz, uuid[], text, text, uuid)
  to authenticated, service_role;
