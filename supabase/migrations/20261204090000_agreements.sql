-- Service agreements between departments (DVO, issue 12 section 3), measured on every handoff,
-- and arrivals per hour of the week (section 4). Definitions: README, "Service agreements" and
-- "Peak and avoidable load".
--
-- Public API (read-only, with the caller's rights: row level security on report, report_event,
-- department and service_agreement decides what a figure covers):
--   public.handoff_waits(p_from, p_to, p_categories, p_org) → one row per handoff
--   public.arrivals(p_from, p_to, p_categories, p_org)      → arrivals per channel × weekday × hour

create type public.agreement_unit as enum ('hours', 'working_days');

-- An agreement: from department A to department B, B picks up within `limit_value` hours or
-- working days, from `valid_from` (a local date in the organisation's zone) until the next
-- version's valid_from. Append-only versions, like the mandate: a change is a new version with
-- a later valid_from; nothing is changed or removed (a removed department takes its agreements
-- with it). Everyone in the organisation reads them; coaches and admins record them.
create table public.service_agreement (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null,
  from_department_id uuid not null,
  to_department_id uuid not null,
  version integer not null,
  limit_value numeric not null check (limit_value > 0 and limit_value <= 10000),
  unit public.agreement_unit not null,
  valid_from date not null check (valid_from between date '1990-01-01' and date '2100-12-31'),
  created_by uuid default private.person_id(),
  created_at timestamptz not null default now(),
  unique (from_department_id, to_department_id, version),
  unique (from_department_id, to_department_id, valid_from),
  unique (org_id, id),
  check (from_department_id <> to_department_id),
  foreign key (org_id, from_department_id) references public.department (org_id, id)
    on delete cascade,
  foreign key (org_id, to_department_id) references public.department (org_id, id)
    on delete cascade,
  foreign key (org_id, created_by) references public.person (org_id, id)
    on delete set null (created_by)
);
alter table public.service_agreement enable row level security;

-- The next version number of the pair, who recorded it, and no overlap: a new version starts
-- after every earlier version of the pair (otherwise two versions would claim the same days).
create function private.service_agreement_version() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  perform pg_advisory_xact_lock(
    hashtext('service_agreement:' || new.from_department_id::text || new.to_department_id::text));
  if exists (select 1 from public.service_agreement a
             where a.from_department_id = new.from_department_id
               and a.to_department_id = new.to_department_id
               and a.valid_from >= new.valid_from) then
    raise exception 'agreement_overlap: a version of this agreement is valid from that date or later'
      using errcode = 'P0001';
  end if;
  select coalesce(max(a.version), 0) + 1 into new.version
  from public.service_agreement a
  where a.from_department_id = new.from_department_id and a.to_department_id = new.to_department_id;
  new.created_by := coalesce((select private.person_id()), new.created_by);
  new.created_at := now();
  return new;
end
$$;
create trigger service_agreement_version before insert on public.service_agreement
  for each row execute function private.service_agreement_version();
revoke all on function private.service_agreement_version() from public;

create policy "members read service agreements" on public.service_agreement
  for select to authenticated using (org_id = (select private.org_id()));
create policy "coaches and admins record service agreements" on public.service_agreement
  for insert to authenticated
  with check (org_id = (select private.org_id())
    and coalesce((select private.org_role()) in ('coach', 'admin'), false));
revoke update, delete, truncate on public.service_agreement from public, anon, authenticated;

-- ---------------------------------------------------------------------------------------------
-- The times of each handoff, kept in report_flow beside its departments, so that the waits are
-- read from one row per case instead of sorting every event again (a million events: seconds):
-- handoff_left[i] is the time of the last event in handoff_from[i], handoff_arrived[i] of the
-- first event in handoff_to[i]. The recomputation is the one of 20261123070000_case_data.sql
-- with these two arrays added; the existing flows are recomputed once.
alter table public.report_flow
  add column handoff_left timestamptz[] not null default '{}',
  add column handoff_arrived timestamptz[] not null default '{}';

create or replace function private.refresh_report_flow(p_reports uuid[]) returns void
language plpgsql security definer
set search_path = ''
set plan_cache_mode = force_custom_plan
as $$
begin
  delete from public.report_flow w where p_reports is null or w.report_id = any (p_reports);
  insert into public.report_flow
    (report_id, org_id, events, activities, variant, handoffs, handoff_from, handoff_to,
     handoff_left, handoff_arrived)
  select a.report_id, a.org_id, a.events, a.activities, md5(a.activities::text)::uuid,
    cardinality(a.handoff_from), a.handoff_from, a.handoff_to, a.handoff_left, a.handoff_arrived
  from (
  select s.report_id, s.org_id, count(*)::integer as events,
    array_agg(s.activity order by s.occurred_at, s.seq, s.id) as activities,
    coalesce(array_agg(s.prev_dept order by s.occurred_at, s.seq, s.id)
      filter (where s.prev_dept <> s.dept), '{}') as handoff_from,
    coalesce(array_agg(s.dept order by s.occurred_at, s.seq, s.id)
      filter (where s.prev_dept <> s.dept), '{}') as handoff_to,
    coalesce(array_agg(s.prev_at order by s.occurred_at, s.seq, s.id)
      filter (where s.prev_dept <> s.dept), '{}') as handoff_left,
    coalesce(array_agg(s.occurred_at order by s.occurred_at, s.seq, s.id)
      filter (where s.prev_dept <> s.dept), '{}') as handoff_arrived
  from (
    select e.id, e.report_id, e.org_id, e.occurred_at, e.seq, e.activity, d.dept,
      lag(d.dept) over w as prev_dept,
      lag(e.occurred_at) over w as prev_at
    from public.report_event e
    cross join lateral (select nullif(btrim(e.department), '') as dept) d
    where p_reports is null or e.report_id = any (p_reports)
    window w as (partition by e.report_id order by e.occurred_at, e.seq, e.id)
  ) s
  group by s.report_id, s.org_id
  ) a;
end
$$;
revoke all on function private.refresh_report_flow(uuid[]) from public;
select private.refresh_report_flow(null);

-- ---------------------------------------------------------------------------------------------
-- Every handoff of the cases (in p_categories; null = all) whose wait ended in [p_from, p_to).
-- A handoff is two consecutive events of a case (ordered by occurred_at, then seq, then id, as
-- report_flow orders them) whose departments — trimmed, empty = none — are both present and
-- differ: the first is the last event in A, the second the first event in B (report_flow keeps
-- them: handoff_from/_to, handoff_left/_arrived).
--   left_at, arrived_at   the two events' times; the period selects on arrived_at
--   week                  the ISO week (Monday, organisation's zone) of arrived_at: a wait is
--                         known when B picks up, so it belongs to that week
--   wait_hours            arrived_at − left_at in hours
--   wait_working_days     the working days d with local date(left_at) < d ≤ local date(arrived_at)
--                         (public.working_days_between: Dutch public holidays, weekends)
--   agreement_id, limit_value, unit
--                         the version of the agreement from A to B valid on the local date of
--                         left_at (the latest valid_from ≤ that date); the event departments are
--                         matched to department names exactly (after trimming); null when none
--   within                wait ≤ limit: wait_hours ≤ limit for hours, wait_working_days ≤ limit
--                         for working days; null without an agreement
create function public.handoff_waits(
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

-- ---------------------------------------------------------------------------------------------
-- Arrivals: the reports received in [p_from, p_to) (in p_categories; null = all), per channel
-- (null as it is), ISO weekday (1 = Monday … 7 = Sunday) and hour of the day (0–23) of
-- received_at in the organisation's zone, daylight saving included (on the autumn change the
-- hour 02:00–03:00 happens twice and counts both; in spring it does not exist). `repeats` are
-- those of them that are repeat reports (by the rule or flagged by the source, as
-- public.case_summary counts them): avoidable load = repeats ÷ arrivals.
create function public.arrivals(
  p_from timestamptz default null,
  p_to timestamptz default null,
  p_categories uuid[] default null,
  p_org uuid default null
)
returns table (channel text, weekday integer, hour integer, arrivals integer, repeats integer)
language sql stable
set search_path = ''
set plan_cache_mode = force_custom_plan
as $$
  select l.channel, extract(isodow from z.local)::integer, extract(hour from z.local)::integer,
    count(*)::integer,
    (count(*) filter (where l.source_repeat or coalesce(rf.by_rule, false)))::integer
  from public.case_lead_time l
  join public.organisation o on o.id = l.org_id
  cross join lateral (select l.received_at at time zone o.timezone as local offset 0) z
  left join private.repeat_flags(p_from, p_to, p_org) rf on rf.report_id = l.report_id
  where l.received_at is not null
    and (p_from is null or l.received_at >= p_from)
    and (p_to is null or l.received_at < p_to)
    and (p_categories is null or l.category_id = any (p_categories))
    and (p_org is null or l.org_id = p_org)
  group by 1, 2, 3
  order by 1, 2, 3
$$;

revoke all on function
  public.handoff_waits(timestamptz, timestamptz, uuid[], uuid),
  public.arrivals(timestamptz, timestamptz, uuid[], uuid)
  from public, anon;
grant execute on function
  public.handoff_waits(timestamptz, timestamptz, uuid[], uuid),
  public.arrivals(timestamptz, timestamptz, uuid[], uuid)
  to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Chains (issue 12 section 5): a customer group ("Inwoners", "Ondernemers", "Deelnemers",
-- "Werkgevers") that groups teams, and through them their journeys. A team belongs to one chain
-- at most. Its figures are computed over the cases of the categories mapped to its teams'
-- journeys, never averaged from the teams' figures. Everyone in the organisation reads chains;
-- coaches and admins keep them.
create table public.chain (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organisation (id) on delete cascade,
  name text not null check (length(trim(name)) between 1 and 120),
  created_at timestamptz not null default now(),
  unique (org_id, name),
  unique (org_id, id)
);
alter table public.chain enable row level security;
create policy "members read chains" on public.chain
  for select to authenticated using (org_id = (select private.org_id()));
create policy "coaches and admins keep chains" on public.chain
  for all to authenticated
  using (org_id = (select private.org_id())
    and coalesce((select private.org_role()) in ('coach', 'admin'), false))
  with check (org_id = (select private.org_id())
    and coalesce((select private.org_role()) in ('coach', 'admin'), false));

create table public.chain_team (
  team_id uuid primary key,
  chain_id uuid not null,
  org_id uuid not null,
  foreign key (org_id, team_id) references public.team (org_id, id) on delete cascade,
  foreign key (org_id, chain_id) references public.chain (org_id, id) on delete cascade
);
create index chain_team_chain_idx on public.chain_team (chain_id);
alter table public.chain_team enable row level security;
create policy "members read chain teams" on public.chain_team
  for select to authenticated using (org_id = (select private.org_id()));
create policy "coaches and admins place teams in chains" on public.chain_team
  for all to authenticated
  using (org_id = (select private.org_id())
    and coalesce((select private.org_role()) in ('coach', 'admin'), false))
  with check (org_id = (select private.org_id())
    and coalesce((select private.org_role()) in ('coach', 'admin'), false));
