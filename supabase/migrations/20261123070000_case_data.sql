-- Case data: report categories, reports (cases) and their events (the process memory), the
-- flow of each case kept from its events, import batches, mapping presets and API tokens.
-- Who sees case data: the organisation's coaches and admins and the members of its customer
-- teams (private.can_see_cases()). Other staff do not. Only admins import (API tokens go through
-- the service path with their organisation).
-- Reading: case data for those who may see it; admins manage imports, presets and tokens.

create type public.norm_unit as enum ('calendar_days', 'working_days');
create type public.repeat_key as enum ('customer_category', 'location_category', 'customer_journey');

-- Case data: coaches, admins and the members of any customer team.
create function private.can_see_cases() returns boolean
language sql stable security definer set search_path = ''
as $$
  select coalesce((select private.org_role()) in ('coach', 'admin'), false)
    or exists (select 1 from public.team_member tm where tm.person_id = (select private.person_id()))
$$;
revoke all on function private.can_see_cases() from public;
grant execute on function private.can_see_cases() to authenticated, service_role;

create table public.category (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organisation (id) on delete cascade,
  name text not null check (length(trim(name)) between 1 and 200),
  norm_days numeric check (norm_days > 0),
  norm_unit public.norm_unit not null default 'calendar_days',
  repeat_key public.repeat_key not null default 'location_category',
  repeat_window_days integer not null default 30 check (repeat_window_days between 1 and 365),
  journey_id uuid,
  created_at timestamptz not null default now(),
  unique (org_id, name),
  unique (org_id, id)
);
alter table public.category enable row level security;
create policy "case readers read categories" on public.category
  for select to authenticated using (org_id = (select private.org_id()));
create policy "admins manage categories" on public.category
  for all to authenticated
  using (org_id = (select private.org_id()) and (select private.is_admin()))
  with check (org_id = (select private.org_id()) and (select private.is_admin()));

create table public.import_batch (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organisation (id) on delete cascade,
  created_by uuid references public.person (id) on delete set null,
  via text not null check (via in ('upload', 'cli', 'api', 'demo')),
  file_name text,
  file_sha256 text,
  format text not null check (format in ('csv', 'xes', 'json')),
  shape text not null check (shape in ('case', 'event')),
  rows_read integer not null default 0,
  rows_skipped integer not null default 0,
  cases_added integer not null default 0,
  events_added integer not null default 0,
  errors jsonb not null default '[]'::jsonb,
  created_at timestamptz not null default now(),
  unique (org_id, id)
);
alter table public.import_batch enable row level security;
create policy "case readers read import batches" on public.import_batch
  for select to authenticated
  using (org_id = (select private.org_id()) and (select private.can_see_cases()));
create policy "admins record import batches" on public.import_batch
  for insert to authenticated
  with check (org_id = (select private.org_id()) and (select private.is_admin()));
create policy "admins complete import batches" on public.import_batch
  for update to authenticated
  using (org_id = (select private.org_id()) and (select private.is_admin()))
  with check (org_id = (select private.org_id()));
create policy "admins remove import batches" on public.import_batch
  for delete to authenticated
  using (org_id = (select private.org_id()) and (select private.is_admin()));

create table public.report (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organisation (id) on delete cascade,
  source text not null check (length(source) between 1 and 200),
  external_id text not null check (length(external_id) between 1 and 200),
  category_id uuid,
  channel text,
  customer_key text,
  location_key text,
  received_at timestamptz,
  resolved_at timestamptz,
  status text,
  department text,
  duplicate_of text,
  flagged_duplicate boolean not null default false,
  reopened boolean not null default false,
  attributes jsonb,
  batch_id uuid,
  unique (org_id, source, external_id),
  unique (org_id, id),
  foreign key (org_id, category_id) references public.category (org_id, id) on delete set null (category_id),
  foreign key (org_id, batch_id) references public.import_batch (org_id, id) on delete set null (batch_id),
  check (resolved_at is null or received_at is null or resolved_at >= received_at)
);
create index report_org_received_idx on public.report (org_id, received_at);
create index report_category_idx on public.report (category_id, received_at);
create index report_location_idx on public.report (org_id, location_key, received_at) where location_key is not null;
create index report_customer_idx on public.report (org_id, customer_key, received_at) where customer_key is not null;
alter table public.report enable row level security;
create policy "case readers read reports" on public.report
  for select to authenticated
  using (org_id = (select private.org_id()) and (select private.can_see_cases()));
create policy "admins import reports" on public.report
  for insert to authenticated
  with check (org_id = (select private.org_id()) and (select private.is_admin()));
create policy "admins change reports" on public.report
  for update to authenticated
  using (org_id = (select private.org_id()) and (select private.is_admin()))
  with check (org_id = (select private.org_id()));
create policy "admins remove reports" on public.report
  for delete to authenticated
  using (org_id = (select private.org_id()) and (select private.is_admin()));

create table public.report_event (
  id bigint generated always as identity primary key,
  org_id uuid not null,
  report_id uuid not null,
  occurred_at timestamptz not null,
  activity text not null check (length(activity) between 1 and 300),
  department text,
  resource text,
  lifecycle text,
  seq integer not null,
  batch_id uuid,
  -- Referencing the primary key alone keeps this check a primary-key lookup whatever the
  -- planner's statistics say (a composite key once picked a wrong index and crawled). That an
  -- event's case is of the same organisation is checked by the insert policy below for users;
  -- the importer joins on the organisation for the service path.
  foreign key (report_id) references public.report (id) on delete cascade,
  unique (report_id, occurred_at, activity)
);
create index report_event_org_idx on public.report_event (org_id);
alter table public.report_event enable row level security;
create policy "case readers read events" on public.report_event
  for select to authenticated
  using (org_id = (select private.org_id()) and (select private.can_see_cases()));
create policy "admins import events" on public.report_event
  for insert to authenticated
  with check (
    org_id = (select private.org_id()) and (select private.is_admin())
    and exists (select 1 from public.report r where r.id = report_id and r.org_id = report_event.org_id)
  );
create policy "admins remove events" on public.report_event
  for delete to authenticated
  using (org_id = (select private.org_id()) and (select private.is_admin()));

-- The flow of each case, kept up to date from its events: how many there are, the activity
-- sequence (the case's variant) and its handoffs in order. A case's events are ordered by
-- occurred_at, ties by seq (the source order), then by id (the order they were stored). A
-- handoff is a pair of consecutive events whose departments are both non-empty (after
-- trimming) and differ: handoff_from[i] → handoff_to[i].
-- Why a table: ordering a million events on every request costs seconds, and a case's order
-- only changes when its events do. Statement-level triggers on report_event recompute the
-- cases a statement touched (once per INSERT, COPY, UPDATE or DELETE statement). Nobody writes
-- it directly; readers are those who may read the events.
create table public.report_flow (
  report_id uuid primary key,
  org_id uuid not null,
  events integer not null,
  activities text[] not null,
  variant uuid not null, -- md5 of the activity sequence: equal sequences, equal variant
  handoffs integer not null,
  handoff_from text[] not null,
  handoff_to text[] not null,
  foreign key (report_id) references public.report (id) on delete cascade
);
create index report_flow_org_idx on public.report_flow (org_id);
alter table public.report_flow enable row level security;
create policy "case readers read case flows" on public.report_flow
  for select to authenticated
  using (org_id = (select private.org_id()) and (select private.can_see_cases()));
revoke insert, update, delete, truncate on public.report_flow from public, anon, authenticated, service_role;
grant select on public.report_flow to authenticated, service_role;

-- The recomputation finds a case's events through report_event's unique index on (report_id,
-- occurred_at, activity); no index of its own (another index keyed by a random uuid would
-- double the cost of loading events).

-- Recomputes the flow of the given cases (null: of every case).
create function private.refresh_report_flow(p_reports uuid[]) returns void
language plpgsql security definer
set search_path = ''
set plan_cache_mode = force_custom_plan
as $$
begin
  delete from public.report_flow w where p_reports is null or w.report_id = any (p_reports);
  insert into public.report_flow
    (report_id, org_id, events, activities, variant, handoffs, handoff_from, handoff_to)
  select a.report_id, a.org_id, a.events, a.activities, md5(a.activities::text)::uuid,
    cardinality(a.handoff_from), a.handoff_from, a.handoff_to
  from (
  select s.report_id, s.org_id, count(*)::integer as events,
    array_agg(s.activity order by s.occurred_at, s.seq, s.id) as activities,
    coalesce(array_agg(s.prev_dept order by s.occurred_at, s.seq, s.id)
      filter (where s.prev_dept <> s.dept), '{}') as handoff_from,
    coalesce(array_agg(s.dept order by s.occurred_at, s.seq, s.id)
      filter (where s.prev_dept <> s.dept), '{}') as handoff_to
  from (
    select e.id, e.report_id, e.org_id, e.occurred_at, e.seq, e.activity, d.dept,
      lag(d.dept) over (partition by e.report_id order by e.occurred_at, e.seq, e.id) as prev_dept
    from public.report_event e
    cross join lateral (select nullif(btrim(e.department), '') as dept) d
    where p_reports is null or e.report_id = any (p_reports)
  ) s
  group by s.report_id, s.org_id
  ) a;
end
$$;

create function private.report_event_flow() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform private.refresh_report_flow(array(select distinct n.report_id from new_events n));
  elsif tg_op = 'DELETE' then
    perform private.refresh_report_flow(array(select distinct o.report_id from old_events o));
  elsif tg_op = 'UPDATE' then
    perform private.refresh_report_flow(array(
      select n.report_id from new_events n union select o.report_id from old_events o));
  else -- TRUNCATE
    delete from public.report_flow;
  end if;
  return null;
end
$$;
revoke all on function private.refresh_report_flow(uuid[]), private.report_event_flow() from public;

create trigger report_event_flow_insert after insert on public.report_event
  referencing new table as new_events
  for each statement execute function private.report_event_flow();
create trigger report_event_flow_update after update on public.report_event
  referencing old table as old_events new table as new_events
  for each statement execute function private.report_event_flow();
create trigger report_event_flow_delete after delete on public.report_event
  referencing old table as old_events
  for each statement execute function private.report_event_flow();
create trigger report_event_flow_truncate after truncate on public.report_event
  for each statement execute function private.report_event_flow();

create table public.mapping_preset (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organisation (id) on delete cascade,
  name text not null check (length(trim(name)) between 1 and 100),
  shape text not null check (shape in ('case', 'event')),
  mapping jsonb not null,
  timezone text,
  created_at timestamptz not null default now(),
  unique (org_id, name)
);
alter table public.mapping_preset enable row level security;
create policy "admins manage mapping presets" on public.mapping_preset
  for all to authenticated
  using (org_id = (select private.org_id()) and (select private.is_admin()))
  with check (org_id = (select private.org_id()) and (select private.is_admin()));

create table public.api_token (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organisation (id) on delete cascade,
  name text not null check (length(trim(name)) between 1 and 100),
  token_hash text not null unique,
  prefix text not null,
  created_by uuid references public.person (id) on delete set null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
alter table public.api_token enable row level security;
create policy "admins manage api tokens" on public.api_token
  for all to authenticated
  using (org_id = (select private.org_id()) and (select private.is_admin()))
  with check (org_id = (select private.org_id()) and (select private.is_admin()));
