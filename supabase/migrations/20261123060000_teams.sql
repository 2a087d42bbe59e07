-- Customer teams: their members and the members' self-assessed profiles, the mandate
-- (versioned, append-only), the coach's evaluations, and the audit trail that the cycles and
-- ideas write to as well.
--
-- Who sees and changes what (row level security):
-- - Everyone in the organisation reads teams, members and mandates: other teams learn from
--   them. Individual self-assessed profiles and the coach's evaluations are not public: a person
--   reads only their own profile (the team sees the spread through public.team_profile_spread),
--   and evaluations are read by the team, its coach and admins.
-- - A team's editors — its members, its coach and admins (private.can_edit_team) — draft its
--   mandate versions and change its journeys and cycles (20261123090000_journeys.sql,
--   20261123100000_cycles.sql). Other teams' members read but do not change them.
-- - Only the team's coach or an admin approves a mandate version, decides a decision request
--   and records an evaluation. Admins and coaches create teams; the coach, a lead or an admin
--   manage the team's settings and members.
-- - Case data (reports, events, figures) becomes visible to members of any team too
--   (private.can_see_cases in 20261123070000_case_data.sql).

create type public.team_role as enum ('member', 'lead', 'expert');

-- The audit trail: who changed what, when, for mandates, cycles, decisions, evaluations and
-- the triage of ideas. Written by triggers only; read by the organisation.
-- Defined here, with the first tables it records; 20261123100000_cycles.sql and
-- 20261123110000_ideas.sql add triggers for their tables. (PL/pgSQL resolves the improvement_cycle
-- that private.audit() looks up when the trigger runs, so that table may come later.)
create table public.audit (
  id bigint generated always as identity primary key,
  org_id uuid not null references public.organisation (id) on delete cascade,
  team_id uuid,
  at timestamptz not null default now(),
  actor_id uuid,
  entity text not null,
  entity_id uuid not null,
  action text not null,
  changes jsonb not null default '{}'::jsonb
);
create index audit_entity_idx on public.audit (entity_id, at);
create index audit_team_idx on public.audit (team_id, at);
alter table public.audit enable row level security;
create policy "members read the audit trail" on public.audit
  for select to authenticated using (org_id = (select private.org_id()));
revoke insert, update, delete, truncate on public.audit from public, anon, authenticated;

create function private.audit() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  n jsonb := case when tg_op = 'DELETE' then '{}'::jsonb else to_jsonb(new) end;
  o jsonb := case when tg_op = 'INSERT' then '{}'::jsonb else to_jsonb(old) end;
  rec jsonb := case when tg_op = 'DELETE' then o else n end;
  changed jsonb;
  team uuid;
begin
  select coalesce(jsonb_object_agg(k, n -> k), '{}'::jsonb) into changed
  from jsonb_object_keys(n) k
  where k not in ('updated_at', 'search', 'seen_at', 'bytes') and (o -> k) is distinct from (n -> k);
  if tg_op = 'UPDATE' and changed = '{}'::jsonb then
    return null;
  end if;
  team := coalesce((rec ->> 'team_id')::uuid,
    (select c.team_id from public.improvement_cycle c where c.id = (rec ->> 'cycle_id')::uuid));
  insert into public.audit (org_id, team_id, actor_id, entity, entity_id, action, changes)
  values ((rec ->> 'org_id')::uuid, team, (select private.person_id()), tg_table_name,
    (rec ->> 'id')::uuid, lower(tg_op), changed);
  return null;
end
$$;
revoke all on function private.audit() from public;

create table public.team (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organisation (id) on delete cascade,
  name text not null check (length(trim(name)) between 1 and 120),
  customer_group text not null default '' check (length(customer_group) <= 200),
  purpose text not null default '' check (length(purpose) <= 2000),
  coach_id uuid,
  cadence_days integer not null default 14 check (cadence_days between 1 and 365),
  compact_size integer not null default 12 check (compact_size between 2 and 50),
  created_at timestamptz not null default now(),
  unique (org_id, name),
  unique (org_id, id),
  foreign key (org_id, coach_id) references public.person (org_id, id) on delete set null (coach_id)
);
alter table public.team enable row level security;

create table public.team_member (
  team_id uuid not null,
  person_id uuid not null,
  org_id uuid not null,
  team_role public.team_role not null default 'member',
  department_id uuid,
  created_at timestamptz not null default now(),
  primary key (team_id, person_id),
  foreign key (org_id, team_id) references public.team (org_id, id) on delete cascade,
  foreign key (org_id, person_id) references public.person (org_id, id) on delete cascade,
  foreign key (org_id, department_id) references public.department (org_id, id)
    on delete set null (department_id)
);
create index team_member_person_idx on public.team_member (person_id);
alter table public.team_member enable row level security;

-- Self-assessed, optional, 1..5 per trait; read by its owner only (the team sees the spread).
create table public.team_member_profile (
  team_id uuid not null,
  person_id uuid not null,
  org_id uuid not null,
  outside_in smallint check (outside_in between 1 and 5),
  proactive smallint check (proactive between 1 and 5),
  critical smallint check (critical between 1 and 5),
  analytical smallint check (analytical between 1 and 5),
  responsible smallint check (responsible between 1 and 5),
  contrarian smallint check (contrarian between 1 and 5),
  updated_at timestamptz not null default now(),
  primary key (team_id, person_id),
  foreign key (team_id, person_id) references public.team_member (team_id, person_id) on delete cascade
);
alter table public.team_member_profile enable row level security;

create function private.is_team_member(p_team uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.team_member tm
    where tm.team_id = p_team and tm.person_id = (select private.person_id()))
$$;

create function private.is_team_coach(p_team uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select (select private.is_admin()) or exists (
    select 1 from public.team t
    where t.id = p_team and t.coach_id = (select private.person_id())
      and t.org_id = (select private.org_id()))
$$;

-- Members, the coach and admins work on the team's journeys, cycles and mandate drafts.
create function private.can_edit_team(p_team uuid) returns boolean
language sql stable security definer set search_path = ''
as $$ select (select private.is_team_member(p_team)) or (select private.is_team_coach(p_team)) $$;

-- The coach, a lead or an admin change the team's settings and members.
create function private.can_manage_team(p_team uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select (select private.is_team_coach(p_team)) or exists (
    select 1 from public.team_member tm
    where tm.team_id = p_team and tm.person_id = (select private.person_id())
      and tm.team_role = 'lead')
$$;

revoke all on function private.is_team_member(uuid), private.is_team_coach(uuid),
  private.can_edit_team(uuid), private.can_manage_team(uuid)
  from public;
grant execute on function private.is_team_member(uuid), private.is_team_coach(uuid),
  private.can_edit_team(uuid), private.can_manage_team(uuid)
  to authenticated, service_role;

create policy "members read teams" on public.team
  for select to authenticated using (org_id = (select private.org_id()));
create policy "coaches and admins create teams" on public.team
  for insert to authenticated
  with check (org_id = (select private.org_id())
    and coalesce((select private.org_role()) in ('coach', 'admin'), false));
create policy "team managers change the team" on public.team
  for update to authenticated
  using (org_id = (select private.org_id()) and (select private.can_manage_team(id)))
  with check (org_id = (select private.org_id()));
create policy "admins remove teams" on public.team
  for delete to authenticated
  using (org_id = (select private.org_id()) and (select private.is_admin()));

create policy "members read team members" on public.team_member
  for select to authenticated using (org_id = (select private.org_id()));
create policy "team managers add members" on public.team_member
  for insert to authenticated
  with check (org_id = (select private.org_id()) and (select private.can_manage_team(team_id)));
create policy "team managers change members" on public.team_member
  for update to authenticated
  using (org_id = (select private.org_id()) and (select private.can_manage_team(team_id)))
  with check (org_id = (select private.org_id()));
create policy "team managers remove members, members leave" on public.team_member
  for delete to authenticated
  using (org_id = (select private.org_id())
    and ((select private.can_manage_team(team_id)) or person_id = (select private.person_id())));

create policy "people keep their own profile" on public.team_member_profile
  for all to authenticated
  using (org_id = (select private.org_id()) and person_id = (select private.person_id()))
  with check (org_id = (select private.org_id()) and person_id = (select private.person_id()));

-- The spread of a team's self-assessed profiles: per trait the number of answers, lowest,
-- highest and mean — never one person's answers, and nothing below three answers.
create function public.team_profile_spread(p_team uuid)
returns table (trait text, answers integer, lowest smallint, highest smallint, mean float8)
language sql stable security definer set search_path = ''
as $$
  select t.trait, count(t.score)::integer,
    case when count(t.score) >= 3 then min(t.score) end,
    case when count(t.score) >= 3 then max(t.score) end,
    case when count(t.score) >= 3 then avg(t.score)::float8 end
  from public.team_member_profile p
  join public.team tm on tm.id = p.team_id and tm.org_id = (select private.org_id())
  cross join lateral (values
    ('outside_in', p.outside_in), ('proactive', p.proactive), ('critical', p.critical),
    ('analytical', p.analytical), ('responsible', p.responsible), ('contrarian', p.contrarian)
  ) as t (trait, score)
  where p.team_id = p_team
  group by t.trait
$$;
revoke all on function public.team_profile_spread(uuid) from public, anon;
grant execute on function public.team_profile_spread(uuid) to authenticated, service_role;

-- Mandate: append-only versions. A version is drafted by the team and approved (once) by the
-- coach or an admin; nothing else about it changes afterwards, and none is deleted.
create table public.mandate (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null,
  team_id uuid not null,
  version integer not null,
  decision_rights text[] not null default '{}'
    check (cardinality(decision_rights) <= 50),
  boundaries text[] not null default '{}' check (cardinality(boundaries) <= 50),
  budget_limit numeric(12, 2) check (budget_limit >= 0),
  escalation_contact text not null default '' check (length(escalation_contact) <= 200),
  review_date date,
  note text not null default '' check (length(note) <= 2000),
  created_by uuid default private.person_id(),
  created_at timestamptz not null default now(),
  approved_by uuid,
  approved_on date,
  unique (team_id, version),
  unique (org_id, id),
  foreign key (org_id, team_id) references public.team (org_id, id) on delete cascade,
  foreign key (org_id, created_by) references public.person (org_id, id) on delete set null (created_by),
  foreign key (org_id, approved_by) references public.person (org_id, id) on delete set null (approved_by)
);
alter table public.mandate enable row level security;

create function private.mandate_version() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  perform pg_advisory_xact_lock(hashtext('mandate:' || new.team_id::text));
  select coalesce(max(m.version), 0) + 1 into new.version
  from public.mandate m where m.team_id = new.team_id;
  new.created_by := coalesce((select private.person_id()), new.created_by);
  new.approved_by := null;
  new.approved_on := null;
  return new;
end
$$;
create trigger mandate_version before insert on public.mandate
  for each row execute function private.mandate_version();

create function private.mandate_append_only() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if old.approved_on is not null then
    raise exception 'mandate % is approved and cannot change', old.id using errcode = 'P0001';
  end if;
  if (new.team_id, new.version, new.decision_rights, new.boundaries, new.budget_limit,
      new.escalation_contact, new.review_date, new.note, new.created_by, new.created_at)
     is distinct from
     (old.team_id, old.version, old.decision_rights, old.boundaries, old.budget_limit,
      old.escalation_contact, old.review_date, old.note, old.created_by, old.created_at) then
    raise exception 'a mandate version is append-only: draft a new version' using errcode = 'P0001';
  end if;
  if new.approved_on is null then
    raise exception 'approving a mandate needs a date' using errcode = 'P0001';
  end if;
  new.approved_by := coalesce((select private.person_id()), new.approved_by);
  return new;
end
$$;
create trigger mandate_append_only before update on public.mandate
  for each row execute function private.mandate_append_only();
create trigger mandate_audit after insert or update on public.mandate
  for each row execute function private.audit();
revoke all on function private.mandate_version(), private.mandate_append_only() from public;

create policy "members read mandates" on public.mandate
  for select to authenticated using (org_id = (select private.org_id()));
create policy "team editors draft mandates" on public.mandate
  for insert to authenticated
  with check (org_id = (select private.org_id()) and (select private.can_edit_team(team_id)));
create policy "coaches approve mandates" on public.mandate
  for update to authenticated
  using (org_id = (select private.org_id()) and (select private.is_team_coach(team_id)))
  with check (org_id = (select private.org_id()));

-- The coach's evaluations of a team.
create table public.evaluation (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null,
  team_id uuid not null,
  held_on date not null default current_date,
  results text not null default '' check (length(results) <= 4000),
  blockers text not null default '' check (length(blockers) <= 4000),
  decisions text not null default '' check (length(decisions) <= 4000),
  next_step text not null default '' check (length(next_step) <= 2000),
  next_on date not null,
  coach_id uuid default private.person_id(),
  created_at timestamptz not null default now(),
  foreign key (org_id, team_id) references public.team (org_id, id) on delete cascade,
  foreign key (org_id, coach_id) references public.person (org_id, id) on delete set null (coach_id),
  check (next_on > held_on)
);
create index evaluation_team_idx on public.evaluation (team_id, held_on desc);
alter table public.evaluation enable row level security;
create trigger evaluation_audit after insert or update or delete on public.evaluation
  for each row execute function private.audit();

create policy "the team and its coach read evaluations" on public.evaluation
  for select to authenticated
  using (org_id = (select private.org_id()) and (select private.can_edit_team(team_id)));
create policy "coaches record evaluations" on public.evaluation
  for insert to authenticated
  with check (org_id = (select private.org_id()) and (select private.is_team_coach(team_id)));
create policy "coaches correct evaluations" on public.evaluation
  for update to authenticated
  using (org_id = (select private.org_id()) and (select private.is_team_coach(team_id)))
  with check (org_id = (select private.org_id()));

-- When a team's next evaluation is due: the date the last evaluation set, or one cadence after
-- the team started. Public within the organisation (evaluations themselves are not).
create function public.team_next_evaluation(p_team uuid) returns date
language sql stable security definer set search_path = ''
as $$
  select coalesce(
    (select e.next_on from public.evaluation e where e.team_id = t.id
      order by e.held_on desc, e.created_at desc limit 1),
    (t.created_at at time zone o.timezone)::date + t.cadence_days)
  from public.team t join public.organisation o on o.id = t.org_id
  where t.id = p_team and t.org_id = (select private.org_id())
$$;
revoke all on function public.team_next_evaluation(uuid) from public, anon;
grant execute on function public.team_next_evaluation(uuid) to authenticated, service_role;
