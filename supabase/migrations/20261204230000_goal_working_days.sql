-- Goals and working days (issue 11, section 3: assurance; units and words).
--
-- 1. A cycle's plan may set a goal: the value of its metric it aims for (in the metric's own
--    unit: a share 0-1, days or a count), drawn as the target line on its chart and read by the
--    assurance icon. The goal is evidence like the rest of the plan: once a cycle is adopted,
--    adapted or abandoned it changes only as a correction with a reason (cycle_frozen otherwise),
--    so private.improvement_cycle_check is redefined with goal in its frozen fields.
-- 2. public.case_weekly returns one more column, lead_p85_working_days: the p85 of the lead
--    time in working days (case_fact.lead_working_days) of the cases resolved that week, so a
--    trend of a category whose norm is in working days is drawn in working days, as its card is.
--    Same filters, parameters and rows as before; the return type changes, so it is dropped and
--    created again with its grants.

alter table public.improvement_cycle
  add column goal float8 check (goal is null or (goal >= 0 and goal < 1e9));

create or replace function private.improvement_cycle_check() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  latest public.request_status;
  mandate record;
begin
  -- every change stamps now; only the privileged path may set it (the demo backdates its
  -- cycles), so a team cannot hide a stagnant cycle from its coach
  if tg_op = 'UPDATE' and (new.updated_at is not distinct from old.updated_at
      or coalesce((select auth.role()), '') <> 'service_role') then
    new.updated_at := now();
  end if;
  -- a finished cycle is evidence: its plan changes only as a correction with a new reason
  if tg_op = 'UPDATE' and old.status in ('adopted', 'adapted', 'abandoned')
     and pg_trigger_depth() = 1
     and (new.problem, new.hypothesis, new.metric, new.better, new.scope_category_id,
          new.scope_touchpoint_id, new.scope_channel, new.baseline_from, new.baseline_to,
          new.change_date, new.test_from, new.test_to, new.learnings, new.expected_cost,
          new.touches_boundary, new.boundary, new.mandate_id, new.mandate_right, new.goal)
       is distinct from
         (old.problem, old.hypothesis, old.metric, old.better, old.scope_category_id,
          old.scope_touchpoint_id, old.scope_channel, old.baseline_from, old.baseline_to,
          old.change_date, old.test_from, old.test_to, old.learnings, old.expected_cost,
          old.touches_boundary, old.boundary, old.mandate_id, old.mandate_right, old.goal)
     and (length(trim(coalesce(new.correction, ''))) = 0
          or new.correction is not distinct from old.correction) then
    raise exception 'cycle_frozen' using errcode = 'P0001';
  end if;
  if new.status in ('test', 'evaluate', 'adopted', 'adapted')
     and (tg_op = 'INSERT' or old.status in ('idea', 'plan', 'abandoned')) then
    if new.baseline_from is null or new.baseline_to is null or new.change_date is null
       or new.test_from is null or new.test_to is null then
      raise exception 'cycle_windows_missing' using errcode = 'P0001';
    end if;
    select d.status into latest from public.decision_request d
     where d.cycle_id = new.id order by d.requested_at desc, d.id desc limit 1;
    if latest is distinct from 'approved' then
      if latest = 'open' then
        raise exception 'cycle_request_pending' using errcode = 'P0001';
      elsif latest = 'declined' then
        raise exception 'cycle_request_declined' using errcode = 'P0001';
      end if;
      select m.id, m.decision_rights, m.budget_limit into mandate from public.mandate m
       where m.team_id = new.team_id and m.approved_on is not null
       order by m.version desc limit 1;
      if new.touches_boundary then
        raise exception 'cycle_touches_boundary' using errcode = 'P0001';
      end if;
      if coalesce(new.expected_cost, 0) > coalesce(mandate.budget_limit, 0) then
        raise exception 'cycle_over_budget' using errcode = 'P0001';
      end if;
      if new.mandate_right is null or mandate.id is null or new.mandate_id is distinct from mandate.id
         or not (new.mandate_right = any (mandate.decision_rights)) then
        raise exception 'cycle_outside_mandate' using errcode = 'P0001';
      end if;
    end if;
  end if;
  if tg_op = 'UPDATE' and new.rebased_on is distinct from old.rebased_on then
    if new.status <> 'adopted' then
      raise exception 'cycle_rebase_needs_adoption' using errcode = 'P0001';
    end if;
    new.rebased_by := (select private.person_id());
  end if;
  return new;
end
$$;

drop function public.case_weekly(timestamptz, timestamptz, uuid[], text, text, uuid, text, uuid);

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
  handoffs integer,
  lead_p85_working_days float8
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
      cf.lead_working_days,
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
      percentile_cont(0.85) within group (order by s.lead_working_days) as p85_wd,
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
    v.p[1], v.p[2], v.within_norm, coalesce(r.handoffs, 0)::integer, v.p85_wd::float8
  from span
  cross join lateral generate_series(span.lo::timestamp, span.hi::timestamp, interval '7 days')
    as s (w)
  cross join lateral (select s.w::date as week) g
  left join by_received r on r.week = g.week
  left join by_resolved v on v.week = g.week
  order by g.week;
end
$$;

revoke all on function public.case_weekly(timestamptz, timestamptz, uuid[], text, text, uuid, text, uuid) from public, anon;
grant execute on function public.case_weekly(timestamptz, timestamptz, uuid[], text, text, uuid, text, uuid) to authenticated, service_role;
