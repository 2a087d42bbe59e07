-- Contact moments, silence time and the case story (issue 12, sections 1 and 2).
--
-- A contact moment is an event whose activity the organisation marks as contact with the
-- customer (inbound or outbound), plus the report's received time (DESIGN.md, "Metric
-- definitions"). The silence time of a case is the longest interval between consecutive contact
-- moments while the case is open: points = received, every contact moment strictly inside the
-- window, then resolved (or now for an open case); silence = the largest gap between
-- neighbouring points. Contacts at the same instant are one point; a contact before receipt or
-- after the window is ignored. Working days: the gap from local date a to local date b counts
-- the working days d with a < d ≤ b (private.working_days, as working-day lead time counts them,
-- same Dutch holidays, the organisation's zone).
--
-- Everything here runs with the caller's rights (security invoker): row level security on
-- report, report_event, category and contact_activity decides what counts.
--
-- Public API (read-only):
--   public.case_silence(p_from, p_to, p_categories, p_channel, p_department, p_org, p_now, p_open_only)
--   public.silence_summary(p_from, p_to, p_categories, p_channel, p_department, p_org, p_now) → jsonb
--   public.silence_weekly(p_from, p_to, p_categories, p_channel, p_department, p_org) → table
--   public.silent_now(p_categories, p_channel, p_department, p_org, p_now, p_limit) → table
--   public.case_silence_gaps(p_report, p_now) → table
--   public.case_variants(p_from, p_to, p_categories, p_channel, p_department, p_org) → table

-- The "keep the customer informed" norm of a category, in working days (default 5): a case whose
-- silence exceeds it (more working days than the norm) is over the norm.
alter table public.category
  add column silence_norm_days numeric not null default 5
    check (silence_norm_days > 0 and silence_norm_days <= 365);

-- The activities that count as contact with the customer, per organisation. An activity matches
-- an event when they are equal after trimming and ignoring case. Confirmed by an admin or a
-- coach (who and when are kept); read by whoever may read case data.
create table public.contact_activity (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organisation (id) on delete cascade,
  activity text not null check (length(btrim(activity)) between 1 and 300),
  activity_key text not null generated always as (lower(btrim(activity))) stored,
  direction text not null check (direction in ('inbound', 'outbound')),
  confirmed_by uuid references public.person (id) on delete set null,
  confirmed_at timestamptz not null default now(),
  unique (org_id, activity_key)
);
alter table public.contact_activity enable row level security;
create policy "case readers read contact activities" on public.contact_activity
  for select to authenticated
  using (org_id = (select private.org_id()) and (select private.can_see_cases()));
create policy "admins and coaches confirm contact activities" on public.contact_activity
  for insert to authenticated
  with check (
    org_id = (select private.org_id())
    and coalesce((select private.org_role()) in ('admin', 'coach'), false)
    and confirmed_by = (select private.person_id())
  );
create policy "admins and coaches remove contact activities" on public.contact_activity
  for delete to authenticated
  using (
    org_id = (select private.org_id())
    and coalesce((select private.org_role()) in ('admin', 'coach'), false)
  );
revoke update on public.contact_activity from authenticated;

-- ---------------------------------------------------------------------------------------------
-- One row per case received in [p_from, p_to) (and the other filters, as public.case_summary
-- takes them) that has a received time:
--   silence_hours           the largest gap in hours (0 when the window has no length)
--   silence_working_days    the largest gap in working days (each gap counted on its own)
--   last_contact            the last point before the window's end (received or a contact)
--   current_hours, current_working_days
--                           for an open case, the gap from last_contact to now: how long the
--                           customer has heard nothing right now; null for a closed case
--   norm_days               the category's silence norm (5 working days without a category)
--   over_norm               silence_working_days > norm_days
-- p_now stands for now() (for tests and reproducible figures); p_open_only keeps open cases.
create function public.case_silence(
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
-- hash joins: under row level security the planner's estimates for report_event are tiny, and
-- it chose nested loops over every case for every contact event (minutes instead of a second)
set enable_nestloop = off
set work_mem = '64MB'
set jit = off
as $$
  -- Every point carries its case's columns, so nothing is joined back (a join with a CTE can
  -- become a nested loop over all cases). Points at the same instant give gaps of 0, which
  -- change no maximum: they need no removing.
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

-- ---------------------------------------------------------------------------------------------
-- The silence figures over the cases public.case_silence selects, as one jsonb:
--   cases                       cases with a received time (open ones up to now)
--   silenceHours                {median, p85} of silence_hours (percentile_cont); null without cases
--   silenceWorkingDays          {median, p85} of silence_working_days
--   overNorm, overNormShare     cases with over_norm, and their share of cases (null without cases)
--   open, silentNow             open cases, and those silent longer than their norm right now
--                               (current_working_days > norm_days)
--   contactActivities           how many activities the organisation counts as contact
create function public.silence_summary(
  p_from timestamptz default null,
  p_to timestamptz default null,
  p_categories uuid[] default null,
  p_channel text default null,
  p_department text default null,
  p_org uuid default null,
  p_now timestamptz default null
)
returns jsonb
language sql stable
set search_path = ''
set work_mem = '64MB'
set jit = off
as $$
  select jsonb_build_object(
    'cases', count(*),
    'silenceHours', jsonb_build_object(
      'median', percentile_cont(0.5) within group (order by s.silence_hours),
      'p85', percentile_cont(0.85) within group (order by s.silence_hours)),
    'silenceWorkingDays', jsonb_build_object(
      'median', percentile_cont(0.5) within group (order by s.silence_working_days),
      'p85', percentile_cont(0.85) within group (order by s.silence_working_days)),
    'overNorm', count(*) filter (where s.over_norm),
    'overNormShare', (count(*) filter (where s.over_norm))::float8 / nullif(count(*), 0),
    'open', count(*) filter (where s.resolved_at is null),
    'silentNow', count(*) filter (where s.current_working_days > s.norm_days),
    'contactActivities', (
      select count(*) from public.contact_activity a
      where p_org is null or a.org_id = p_org)
  )
  from public.case_silence(p_from, p_to, p_categories, p_channel, p_department, p_org, p_now) s
$$;

-- ---------------------------------------------------------------------------------------------
-- The weekly series for an XmR chart: per ISO week (Monday, the organisation's zone) of the
-- cases RESOLVED that week — a closed case's silence is final, so a week's figure does not move
-- afterwards — the median and p85 silence in hours and the share over the norm. Only weeks with
-- closed cases; p_from / p_to select resolved_at in [p_from, p_to).
create function public.silence_weekly(
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
  from public.case_silence(null, p_to, p_categories, p_channel, p_department, p_org) s
  join public.organisation o on o.id = s.org_id
  where s.resolved_at is not null
    and (p_from is null or s.resolved_at >= p_from)
    and (p_to is null or s.resolved_at < p_to)
  group by 1
  order by 1
$$;

-- ---------------------------------------------------------------------------------------------
-- "Wie bellen we vandaag?": the open cases silent longer than their norm right now, the longest
-- silence (earliest last contact) first. Pseudonymised: no customer or location key, only the
-- source and the case's id there, so staff can find it in their own system.
create function public.silent_now(
  p_categories uuid[] default null,
  p_channel text default null,
  p_department text default null,
  p_org uuid default null,
  p_now timestamptz default null,
  p_limit integer default 50
)
returns table (
  report_id uuid,
  source text,
  external_id text,
  category text,
  channel text,
  received_at timestamptz,
  last_contact timestamptz,
  current_hours float8,
  current_working_days integer,
  norm_days float8
)
language sql stable
set search_path = ''
as $$
  select s.report_id, r.source, r.external_id, cat.name, r.channel, s.received_at,
    s.last_contact, s.current_hours, s.current_working_days, s.norm_days
  from public.case_silence(null, null, p_categories, p_channel, p_department, p_org, p_now, true) s
  join public.report r on r.id = s.report_id
  left join public.category cat on cat.id = s.category_id
  where s.current_working_days > s.norm_days
  order by s.last_contact, r.external_id
  limit greatest(coalesce(p_limit, 50), 0)
$$;

-- ---------------------------------------------------------------------------------------------
-- The gaps of one case, in order, for its story: each interval between neighbouring points (as
-- in public.case_silence) with its length in hours and working days. Its largest gap is the
-- case's silence.
create function public.case_silence_gaps(p_report uuid, p_now timestamptz default null)
returns table (gap_from timestamptz, gap_to timestamptz, hours float8, working_days integer)
language sql stable
set search_path = ''
as $$
  with c as (
    select r.id, r.received_at, o.timezone as tz,
      coalesce(r.resolved_at, greatest(coalesce(p_now, now()), r.received_at)) as ends
    from public.report r
    join public.organisation o on o.id = r.org_id
    where r.id = p_report and r.received_at is not null
  ),
  points as (
    select c.received_at as t from c
    union
    select c.ends from c
    union
    select e.occurred_at
    from c
    join public.report_event e on e.report_id = c.id
    join public.contact_activity a
      on a.org_id = e.org_id and a.activity_key = lower(btrim(e.activity))
    where e.occurred_at > c.received_at and e.occurred_at < c.ends
  ),
  gaps as (select p.t, lag(p.t) over (order by p.t) as prev from points p)
  select g.prev, g.t, extract(epoch from g.t - g.prev)::float8 / 3600,
    private.working_days((g.prev at time zone c.tz)::date, (g.t at time zone c.tz)::date)
  from gaps g cross join c
  where g.prev is not null
  order by g.prev
$$;

-- ---------------------------------------------------------------------------------------------
-- The variants (distinct activity sequences, report_flow.variant) of the cases the filters
-- select, most frequent first (ties by the sequence), at most 50: number of cases, their share
-- of the cases with events, the median lead time in hours of the closed ones (percentile_cont),
-- the mean number of handoffs per case, and up to 5 example cases (latest received first).
create function public.case_variants(
  p_from timestamptz default null,
  p_to timestamptz default null,
  p_categories uuid[] default null,
  p_channel text default null,
  p_department text default null,
  p_org uuid default null
)
returns table (
  activities text[],
  cases integer,
  share float8,
  median_lead_hours float8,
  mean_handoffs float8,
  examples uuid[]
)
language sql stable
set search_path = ''
set work_mem = '64MB'
set jit = off
as $$
  with f as materialized (
    select w.report_id, w.variant, w.handoffs, w.activities, r.received_at,
      extract(epoch from r.resolved_at - r.received_at)::float8 / 3600 as lead_hours
    from public.report_flow w
    join public.report r on r.id = w.report_id
    where (p_from is null or r.received_at >= p_from)
      and (p_to is null or r.received_at < p_to)
      and (p_categories is null or r.category_id = any (p_categories))
      and (p_channel is null or r.channel = p_channel)
      and (p_department is null or r.department = p_department)
      and (p_org is null or r.org_id = p_org)
  ),
  v as (
    select f.variant, count(*) as n, min(f.activities) as activities,
      percentile_cont(0.5) within group (order by f.lead_hours) as median_lead,
      avg(f.handoffs)::float8 as mean_handoffs,
      (array_agg(f.report_id order by f.received_at desc nulls last, f.report_id))[1:5] as examples
    from f
    group by f.variant
  )
  select v.activities, v.n::integer, v.n::float8 / (select count(*) from f), v.median_lead,
    v.mean_handoffs, v.examples
  from v
  order by v.n desc, v.activities
  limit 50
$$;

revoke all on function
  public.case_silence(timestamptz, timestamptz, uuid[], text, text, uuid, timestamptz, boolean),
  public.silence_summary(timestamptz, timestamptz, uuid[], text, text, uuid, timestamptz),
  public.silence_weekly(timestamptz, timestamptz, uuid[], text, text, uuid),
  public.silent_now(uuid[], text, text, uuid, timestamptz, integer),
  public.case_silence_gaps(uuid, timestamptz),
  public.case_variants(timestamptz, timestamptz, uuid[], text, text, uuid)
  from public, anon;
grant execute on function
  public.case_silence(timestamptz, timestamptz, uuid[], text, text, uuid, timestamptz, boolean),
  public.silence_summary(timestamptz, timestamptz, uuid[], text, text, uuid, timestamptz),
  public.silence_weekly(timestamptz, timestamptz, uuid[], text, text, uuid),
  public.silent_now(uuid[], text, text, uuid, timestamptz, integer),
  public.case_silence_gaps(uuid, timestamptz),
  public.case_variants(timestamptz, timestamptz, uuid[], text, text, uuid)
  to authenticated, service_role;

-- The silence p85 (days) as a cycle's metric (better direction: lower).
alter type public.cycle_metric add value 'silence_p85';
