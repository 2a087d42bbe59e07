-- The figures over a set of categories: a touchpoint, a journey or a team covers several report
-- categories, and their medians and percentiles cannot be combined from per-category figures.
-- case_summary and case_weekly take p_categories uuid[] (null: all) instead of one p_category;
-- the bodies are those of 20261123070000_metrics.sql otherwise.
drop function public.case_summary(timestamptz, timestamptz, uuid, text, text, uuid);
drop function public.case_weekly(timestamptz, timestamptz, uuid, text, text, uuid);

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
  public.case_summary(timestamptz, timestamptz, uuid[], text, text, uuid),
  public.case_weekly(timestamptz, timestamptz, uuid[], text, text, uuid)
  from public, anon;
grant execute on function
  public.case_summary(timestamptz, timestamptz, uuid[], text, text, uuid),
  public.case_weekly(timestamptz, timestamptz, uuid[], text, text, uuid)
  to authenticated, service_role;
