-- The importer refreshes the per-case facts itself (issue 10 §2; contract in
-- 20261204160000_case_facts.sql): once per step, for the cases the step added or changed. Its
-- repeat pass is keyed by the customer and location keys of those cases, and runs right after the
-- step's rows were inserted, before any statistics know them: the planner then estimates one
-- keyed report and rescans the window that finds each report's predecessor once per case (a
-- nested loop): 40 s in PGlite and seconds on PostgreSQL for 3,000 cases and 72 keys, against
-- 18 ms with hash joins. The same happened through the statement triggers before. With more than
-- 16 keys the keyed pass now runs without nested loops; the result is the same (the definition
-- is 20261204200000_repeat_facts_keys.sql, unchanged apart from that).
create or replace function private.refresh_repeat_facts(
  p_org uuid, p_customer_keys text[], p_location_keys text[]
) returns void
language plpgsql security definer
set search_path = ''
set plan_cache_mode = force_custom_plan
set work_mem = '64MB'
set enable_nestloop = on
as $$
declare
  v_all boolean := p_customer_keys is null and p_location_keys is null;
  v_keys integer := coalesce(cardinality(p_customer_keys), 0)
    + coalesce(cardinality(p_location_keys), 0);
begin
  -- many keys: one pass over the organisation (0.4 s for Boston's 2,607 requests) beats the
  -- keyed pass, whose cost grows with keys × reports (8.1 s for the same requests)
  if v_keys > 200 then
    v_all := true;
  elsif v_keys > 16 then
    -- the keyed pass right after a bulk insert (an import step): without statistics of the new
    -- rows the planner takes the keyed reports for one row and rescans the window of flags per
    -- case (40 s in PGlite for 3,000 cases and 72 keys); hash joins take 18 ms. Few keys (a
    -- report edited) keep the nested loops that suit them. Only inside this function.
    perform set_config('enable_nestloop', 'off', true);
  end if;
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
