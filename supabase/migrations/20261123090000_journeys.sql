-- Journeys as service blueprints: a team's journeys with their stages and touchpoints, the
-- report categories mapped to touchpoints, and the one-step undo of a journey map.
-- Everyone in the organisation reads journeys, stages, touchpoints and mappings: other teams
-- learn from them. The team's editors — its members, its coach and admins — change them; other
-- teams' members read but do not change them.

create type public.channel as enum ('phone', 'counter', 'web', 'email', 'post', 'app', 'in_person');
create type public.office as enum ('front_office', 'back_office');

create table public.journey (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null,
  team_id uuid not null,
  name text not null check (length(trim(name)) between 1 and 200),
  customer_group text not null default '' check (length(customer_group) <= 200),
  owner_id uuid,
  created_at timestamptz not null default now(),
  unique (org_id, id),
  foreign key (org_id, team_id) references public.team (org_id, id) on delete cascade,
  foreign key (org_id, owner_id) references public.person (org_id, id) on delete set null (owner_id)
);
create index journey_team_idx on public.journey (team_id);
alter table public.journey enable row level security;
create policy "members read journeys" on public.journey
  for select to authenticated using (org_id = (select private.org_id()));
create policy "team editors manage journeys" on public.journey
  for all to authenticated
  using (org_id = (select private.org_id()) and (select private.can_edit_team(team_id)))
  with check (org_id = (select private.org_id()) and (select private.can_edit_team(team_id)));

create function private.can_edit_journey(p_journey uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (select 1 from public.journey j
    where j.id = p_journey and (select private.can_edit_team(j.team_id)))
$$;
revoke all on function private.can_edit_journey(uuid) from public;
grant execute on function private.can_edit_journey(uuid) to authenticated, service_role;

create table public.stage (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null,
  journey_id uuid not null,
  position integer not null,
  name text not null check (length(trim(name)) between 1 and 120),
  -- the blueprint's top lane (what the customer does) and bottom lane (supporting systems)
  customer_action text not null default '' check (length(customer_action) <= 500),
  support text not null default '' check (length(support) <= 500),
  unique (org_id, id),
  foreign key (org_id, journey_id) references public.journey (org_id, id) on delete cascade
);
create index stage_journey_idx on public.stage (journey_id, position);
alter table public.stage enable row level security;
create policy "members read stages" on public.stage
  for select to authenticated using (org_id = (select private.org_id()));
create policy "team editors manage stages" on public.stage
  for all to authenticated
  using (org_id = (select private.org_id()) and (select private.can_edit_journey(journey_id)))
  with check (org_id = (select private.org_id()) and (select private.can_edit_journey(journey_id)));

create table public.touchpoint (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null,
  journey_id uuid not null,
  stage_id uuid not null,
  position integer not null,
  name text not null check (length(trim(name)) between 1 and 200),
  channel public.channel,
  department_id uuid,
  office public.office not null default 'front_office',
  line smallint check (line between 1 and 3),
  synchronous boolean not null default false,
  norm_days numeric check (norm_days > 0),
  norm_unit public.norm_unit not null default 'calendar_days',
  emotion smallint check (emotion between -2 and 2),
  pain_points text not null default '' check (length(pain_points) <= 2000),
  unique (org_id, id),
  foreign key (org_id, journey_id) references public.journey (org_id, id) on delete cascade,
  foreign key (org_id, stage_id) references public.stage (org_id, id) on delete cascade,
  foreign key (org_id, department_id) references public.department (org_id, id)
    on delete set null (department_id)
);
create index touchpoint_stage_idx on public.touchpoint (stage_id, position);
create index touchpoint_journey_idx on public.touchpoint (journey_id);
alter table public.touchpoint enable row level security;

-- A touchpoint's stage belongs to its journey.
create function private.touchpoint_stage_check() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if not exists (select 1 from public.stage s where s.id = new.stage_id and s.journey_id = new.journey_id) then
    raise exception 'the stage is not of this journey' using errcode = '23503';
  end if;
  return new;
end
$$;
create trigger touchpoint_stage_check before insert or update on public.touchpoint
  for each row execute function private.touchpoint_stage_check();
revoke all on function private.touchpoint_stage_check() from public;

create policy "members read touchpoints" on public.touchpoint
  for select to authenticated using (org_id = (select private.org_id()));
create policy "team editors manage touchpoints" on public.touchpoint
  for all to authenticated
  using (org_id = (select private.org_id()) and (select private.can_edit_journey(journey_id)))
  with check (org_id = (select private.org_id()) and (select private.can_edit_journey(journey_id)));

-- Report categories mapped to touchpoints: a category counts at one touchpoint at most, so a
-- journey's figures never count a case twice.
create table public.touchpoint_category (
  category_id uuid primary key,
  touchpoint_id uuid not null,
  org_id uuid not null,
  foreign key (org_id, category_id) references public.category (org_id, id) on delete cascade,
  foreign key (org_id, touchpoint_id) references public.touchpoint (org_id, id) on delete cascade
);
create index touchpoint_category_touchpoint_idx on public.touchpoint_category (touchpoint_id);
alter table public.touchpoint_category enable row level security;
create policy "members read category mappings" on public.touchpoint_category
  for select to authenticated using (org_id = (select private.org_id()));
create policy "team editors map categories" on public.touchpoint_category
  for all to authenticated
  using (org_id = (select private.org_id()) and exists (
    select 1 from public.touchpoint t
    where t.id = touchpoint_id and (select private.can_edit_journey(t.journey_id))))
  with check (org_id = (select private.org_id()) and exists (
    select 1 from public.touchpoint t
    where t.id = touchpoint_id and (select private.can_edit_journey(t.journey_id))));

-- The undo step of a journey map: the journey as it was before its last change (stages,
-- touchpoints and their category mappings, as JSON), so that a team in a meeting can take back
-- a move or a delete — also after a reload, and from another tablet. One step per journey: each
-- change replaces it and undoing it removes it. Kept only for the team's editors; deleting the
-- journey removes it.
create table public.journey_undo (
  journey_id uuid primary key,
  org_id uuid not null,
  -- what the change was (e.g. 'touchpoint_move') and the name of what it changed, to label the
  -- Undo button
  change text not null check (length(change) between 1 and 40),
  subject text not null default '' check (length(subject) <= 200),
  snapshot jsonb not null,
  created_by uuid default private.person_id(),
  created_at timestamptz not null default now(),
  foreign key (org_id, journey_id) references public.journey (org_id, id) on delete cascade,
  foreign key (org_id, created_by) references public.person (org_id, id) on delete set null (created_by)
);
alter table public.journey_undo enable row level security;
create policy "team editors keep the undo step" on public.journey_undo
  for all to authenticated
  using (org_id = (select private.org_id()) and (select private.can_edit_journey(journey_id)))
  with check (org_id = (select private.org_id()) and (select private.can_edit_journey(journey_id)));
