-- The Cijfers page and channel mapping at import (issue 11 section 3; issue 12 sections 2–3).
--
-- 1. public.import_value_map: per organisation, how the channel and department values of its
--    source files read in Koers's words ("Constituent Call" → telefoon, "BTDT" → Wijkbeheer).
--    The importer applies it when it builds each record, so figures by channel and department
--    use the organisation's words. Admins (who import) read and keep it.
-- 2. public.case_summary and public.case_weekly take two more filters: p_source (report.source,
--    the system a case came from) and p_batch (report.batch_id, the import that brought the
--    case). Every definition is unchanged (20261123080000_metrics.sql); only the cases counted
--    are narrowed.
-- 3. public.lead_time_histogram: the distribution of lead times over the same filters.

create table public.import_value_map (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organisation (id) on delete cascade,
  field text not null check (field in ('channel', 'department')),
  -- the value as the source writes it; matched trimmed and ignoring case
  source_value text not null check (length(btrim(source_value)) between 1 and 300),
  source_key text generated always as (lower(btrim(source_value))) stored,
  -- the value Koers stores instead
  value text not null check (length(btrim(value)) between 1 and 300),
  updated_at timestamptz not null default now(),
  unique (org_id, field, source_key)
);
alter table public.import_value_map enable row level security;
create policy "admins keep value maps" on public.import_value_map
  for all to authenticated
  using (org_id = (select private.org_id()) and (select private.is_admin()))
  with check (org_id = (select private.org_id()) and (select private.is_admin()));

drop function public.case_summary(timestamptz, timestamptz, uuid[], text, text, uuid);
drop function public.case_weekly(timestamptz, timestamptz, uuid[], text, text, uuid);

-- ---------------------------------------------------------------------------------------------
-- As in 20261123080000_metrics.sql, with p_source and p_batch: only cases whose report.source
-- equals p_source and whose report.batch_id equals p_batch count (null: any).
create function public.case_summary(
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
    select l.report_id, l.received_at, l.resolved_at, l.lead_hours, l.lead_working_days,
      l.within_norm, l.source_repeat
    from public.case_lead_time l
    where (p_from is null or l.received_at >= p_from)
      and (p_to is null or l.received_at < p_to)
      and (p_categories is null or l.category_id = any (p_categories))
      and (p_channel is null or l.channel = p_channel)
      and (p_department is null or l.department = p_department)
      and (p_org is null or l.org_id = p_org)
      and (p_source is null and p_batch is null or exists (
        select 1 from public.report s where s.id = l.report_id
          and (p_source is null or s.source = p_source)
          and (p_batch is null or s.batch_id = p_batch)))
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
      and (p_source is null or r.source = p_source)
      and (p_batch is null or r.batch_id = p_batch)
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
-- As in 20261123080000_metrics.sql, with p_source and p_batch (see case_summary above).
create function public.case_weekly(
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
    select l.report_id, l.received_at, l.resolved_at, l.received_week, l.resolved_week,
      l.lead_hours, l.within_norm, l.source_repeat
    from public.case_lead_time l
    where (p_categories is null or l.category_id = any (p_categories))
      and (p_channel is null or l.channel = p_channel)
      and (p_department is null or l.department = p_department)
      and (p_org is null or l.org_id = p_org)
      and (p_source is null and p_batch is null or exists (
        select 1 from public.report s where s.id = l.report_id
          and (p_source is null or s.source = p_source)
          and (p_batch is null or s.batch_id = p_batch)))
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
-- ---------------------------------------------------------------------------------------------
-- The distribution of lead times (resolved_at − received_at, closed cases received in
-- [p_from, p_to) and the other filters, as case_summary counts them) over fixed bins in hours:
-- [0, 4), [4, 8), [8, 24), [24, 48), [48, 72), [72, 120), [120, 168), [168, 336), [336, 504),
-- [504, 720), [720, 1440), [1440, 2160), [2160, ∞) — hours, then days, weeks and months, the
-- steps a team talks in. Every bin is returned, empty ones with 0; upper_hours null for the last.
create function public.lead_time_histogram(
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
  f as (
    select l.lead_hours
    from public.case_lead_time l
    where l.lead_hours is not null
      and (p_from is null or l.received_at >= p_from)
      and (p_to is null or l.received_at < p_to)
      and (p_categories is null or l.category_id = any (p_categories))
      and (p_channel is null or l.channel = p_channel)
      and (p_department is null or l.department = p_department)
      and (p_org is null or l.org_id = p_org)
      and (p_source is null and p_batch is null or exists (
        select 1 from public.report s where s.id = l.report_id
          and (p_source is null or s.source = p_source)
          and (p_batch is null or s.batch_id = p_batch)))
  ),
  counted as (
    -- width_bucket over the lower edges: 1 for [0, 4) … 13 for [2160, ∞)
    select width_bucket(greatest(f.lead_hours, 0), (select e from edges)) as bin, count(*) as n
    from f
    group by 1
  )
  select edges.e[i], case when i < array_length(edges.e, 1) then edges.e[i + 1] end,
    coalesce(c.n, 0)::integer
  from edges
  cross join lateral generate_subscripts(edges.e, 1) as i
  left join counted c on c.bin = i
  order by i
$$;

revoke all on function
  public.case_summary(timestamptz, timestamptz, uuid[], text, text, uuid, text, uuid),
  public.case_weekly(timestamptz, timestamptz, uuid[], text, text, uuid, text, uuid),
  public.lead_time_histogram(timestamptz, timestamptz, uuid[], text, text, uuid, text, uuid)
  from public, anon;
grant execute on function
  public.case_summary(timestamptz, timestamptz, uuid[], text, text, uuid, text, uuid),
  public.case_weekly(timestamptz, timestamptz, uuid[], text, text, uuid, text, uuid),
  public.lead_time_histogram(timestamptz, timestamptz, uuid[], text, text, uuid, text, uuid)
  to authenticated, service_role;
