-- Customer teams and what they work on: members, the mandate (versioned, append-only), journeys
-- with stages and touchpoints (a service blueprint), improvement cycles with their actions and
-- decision requests, the coach's evaluations, ideas from any staff member with votes, and an
-- audit trail.
--
-- Who sees and changes what (row level security):
-- - Everyone in the organisation reads teams, members, mandates, journeys, cycles and ideas:
--   other teams learn from them, and an idea can be about any team. Individual self-assessed
--   profiles and the coach's evaluations are not public: a person reads only their own profile
--   (the team sees the spread through public.team_profile_spread), and evaluations are read by
--   the team, its coach and admins.
-- - A team's editors — its members, its coach and admins — change its journeys, cycles and
--   mandate drafts. Other teams' members read but do not change them.
-- - Only the team's coach or an admin approves a mandate version, decides a decision request
--   and records an evaluation. Admins and coaches create teams; the coach, a lead or an admin
--   manage the team's settings and members.
-- - Case data (reports, events, figures) becomes visible to members of any team too.

create type public.team_role as enum ('member', 'lead', 'expert');
create type public.channel as enum ('phone', 'counter', 'web', 'email', 'post', 'app', 'in_person');
create type public.office as enum ('front_office', 'back_office');
create type public.cycle_status as enum
  ('idea', 'plan', 'test', 'evaluate', 'adopted', 'adapted', 'abandoned');
create type public.cycle_metric as enum
  ('repeat_rate', 'lead_p85', 'lead_median', 'within_norm', 'cases', 'handoffs');
create type public.better_direction as enum ('higher', 'lower');
create type public.request_status as enum ('open', 'approved', 'declined');
create type public.idea_status as enum
  ('new', 'reviewing', 'in_cycle', 'parked', 'declined', 'done');

-- The signed-in person's profile id.
create function private.person_id() returns uuid
language sql stable security definer set search_path = ''
as $$ select id from public.person where user_id = (select auth.uid()) $$;

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

-- Case data: coaches, admins and the members of any customer team.
create or replace function private.can_see_cases() returns boolean
language sql stable security definer set search_path = ''
as $$
  select coalesce((select private.org_role()) in ('coach', 'admin'), false)
    or exists (select 1 from public.team_member tm where tm.person_id = (select private.person_id()))
$$;

revoke all on function private.person_id(), private.is_team_member(uuid),
  private.is_team_coach(uuid), private.can_edit_team(uuid), private.can_manage_team(uuid)
  from public;
grant execute on function private.person_id(), private.is_team_member(uuid),
  private.is_team_coach(uuid), private.can_edit_team(uuid), private.can_manage_team(uuid)
  to authenticated, service_role;

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

-- Journeys as service blueprints.
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

-- Improvement cycles.
create table public.improvement_cycle (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null,
  team_id uuid not null,
  title text not null check (length(trim(title)) between 1 and 200),
  status public.cycle_status not null default 'idea',
  problem text not null default '' check (length(problem) <= 4000),
  hypothesis text not null default '' check (length(hypothesis) <= 4000),
  metric public.cycle_metric not null default 'repeat_rate',
  better public.better_direction not null default 'lower',
  scope_category_id uuid,
  scope_touchpoint_id uuid,
  scope_channel text check (length(scope_channel) between 1 and 100),  -- a report.channel value
  baseline_from date,
  baseline_to date,
  change_date date,
  test_from date,
  test_to date,
  -- the mandate check: the decision right (text of the approved mandate) that covers the change
  mandate_id uuid,
  mandate_right text check (length(mandate_right) <= 1000),
  -- limits rebased from the change date after adoption: recorded, never automatic
  rebased_on date,
  rebased_by uuid,
  next_step text not null default '' check (length(next_step) <= 1000),
  learnings text not null default '' check (length(learnings) <= 4000),
  created_by uuid default private.person_id(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, id),
  foreign key (org_id, team_id) references public.team (org_id, id) on delete cascade,
  foreign key (org_id, scope_category_id) references public.category (org_id, id) on delete set null (scope_category_id),
  foreign key (org_id, scope_touchpoint_id) references public.touchpoint (org_id, id) on delete set null (scope_touchpoint_id),
  foreign key (org_id, mandate_id) references public.mandate (org_id, id),
  foreign key (org_id, created_by) references public.person (org_id, id) on delete set null (created_by),
  foreign key (org_id, rebased_by) references public.person (org_id, id) on delete set null (rebased_by),
  -- the windows in order: baseline, then the change, then the test
  constraint cycle_baseline_order check (baseline_from is null or baseline_to is null or baseline_from < baseline_to),
  constraint cycle_change_after_baseline check (change_date is null or baseline_to is null or change_date >= baseline_to),
  constraint cycle_test_after_change check (test_from is null or change_date is null or test_from >= change_date),
  constraint cycle_test_order check (test_from is null or test_to is null or test_from < test_to),
  constraint cycle_rebase_after_change check (rebased_on is null or (change_date is not null and rebased_on >= change_date))
);
create index improvement_cycle_team_idx on public.improvement_cycle (team_id, status);

create table public.cycle_action (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null,
  cycle_id uuid not null,
  who text not null check (length(trim(who)) between 1 and 120),
  what text not null check (length(trim(what)) between 1 and 1000),
  due_on date,
  done boolean not null default false,
  created_at timestamptz not null default now(),
  foreign key (org_id, cycle_id) references public.improvement_cycle (org_id, id) on delete cascade
);
create index cycle_action_cycle_idx on public.cycle_action (cycle_id);

create table public.decision_request (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null,
  cycle_id uuid not null,
  question text not null check (length(trim(question)) between 1 and 2000),
  status public.request_status not null default 'open',
  requested_by uuid default private.person_id(),
  requested_at timestamptz not null default now(),
  decided_by uuid,
  decided_at timestamptz,
  reason text check (length(reason) <= 2000),
  unique (org_id, id),
  foreign key (org_id, cycle_id) references public.improvement_cycle (org_id, id) on delete cascade,
  foreign key (org_id, requested_by) references public.person (org_id, id) on delete set null (requested_by),
  foreign key (org_id, decided_by) references public.person (org_id, id) on delete set null (decided_by),
  constraint decision_needs_reason check (status = 'open' or length(trim(coalesce(reason, ''))) > 0)
);
create index decision_request_cycle_idx on public.decision_request (cycle_id);

-- A decision is taken once, by whoever is signed in, with a reason.
create function private.decision_request_decide() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if old.status <> 'open' then
    raise exception 'this request has been decided' using errcode = 'P0001';
  end if;
  if (new.cycle_id, new.question, new.requested_by, new.requested_at)
     is distinct from (old.cycle_id, old.question, old.requested_by, old.requested_at) then
    raise exception 'a decision request cannot be reworded: raise a new one' using errcode = 'P0001';
  end if;
  if new.status <> 'open' then
    new.decided_by := coalesce((select private.person_id()), new.decided_by);
    new.decided_at := now();
  end if;
  return new;
end
$$;
create trigger decision_request_decide before update on public.decision_request
  for each row execute function private.decision_request_decide();

-- The mandate check, enforced where nobody can skip it: a cycle goes to test (or further) only
-- with its windows set and either a decision right of the team's approved mandate that covers
-- it, or an approved decision request. Also keeps updated_at (for stagnant cycles).
create function private.improvement_cycle_check() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  covered boolean;
begin
  -- every change stamps now; only the privileged path may set it (the demo backdates its
  -- cycles), so a team cannot hide a stagnant cycle from its coach
  if tg_op = 'UPDATE' and (new.updated_at is not distinct from old.updated_at
      or coalesce((select auth.role()), '') <> 'service_role') then
    new.updated_at := now();
  end if;
  if new.status in ('test', 'evaluate', 'adopted', 'adapted')
     and (tg_op = 'INSERT' or old.status in ('idea', 'plan', 'abandoned')) then
    if new.baseline_from is null or new.baseline_to is null or new.change_date is null
       or new.test_from is null or new.test_to is null then
      raise exception 'cycle_windows_missing' using errcode = 'P0001';
    end if;
    covered := exists (
      select 1 from public.decision_request d
      where d.cycle_id = new.id and d.status = 'approved')
    or (new.mandate_right is not null and exists (
      select 1 from public.mandate m
      where m.id = new.mandate_id and m.team_id = new.team_id and m.approved_on is not null
        and new.mandate_right = any (m.decision_rights)));
    if not covered then
      raise exception 'cycle_outside_mandate' using errcode = 'P0001';
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
create trigger improvement_cycle_check before insert or update on public.improvement_cycle
  for each row execute function private.improvement_cycle_check();

create function private.touch_cycle() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  update public.improvement_cycle set updated_at = now()
  where id = coalesce(new.cycle_id, old.cycle_id);
  return null;
end
$$;
create trigger cycle_action_touch after insert or update or delete on public.cycle_action
  for each row execute function private.touch_cycle();
create trigger decision_request_touch after insert or update on public.decision_request
  for each row execute function private.touch_cycle();

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

-- Ideas. The id is made on the phone, so a retried submission is the same row (idempotent).
create table public.idea (
  id uuid primary key,
  org_id uuid not null references public.organisation (id) on delete cascade,
  submitter_id uuid default private.person_id(),
  body text not null check (length(trim(body)) between 3 and 1000),
  team_id uuid,
  journey_id uuid,
  touchpoint_id uuid,
  status public.idea_status not null default 'new',
  status_reason text not null default '' check (length(status_reason) <= 1000),
  status_changed_at timestamptz,
  cycle_id uuid,
  -- when the submitter last looked at "my ideas": a later status change shows a badge
  seen_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  search tsvector generated always as (to_tsvector('dutch', body)) stored,
  unique (org_id, id),
  foreign key (org_id, submitter_id) references public.person (org_id, id) on delete set null (submitter_id),
  foreign key (org_id, team_id) references public.team (org_id, id) on delete set null (team_id),
  foreign key (org_id, journey_id) references public.journey (org_id, id) on delete set null (journey_id),
  foreign key (org_id, touchpoint_id) references public.touchpoint (org_id, id) on delete set null (touchpoint_id),
  foreign key (org_id, cycle_id) references public.improvement_cycle (org_id, id) on delete set null (cycle_id),
  constraint idea_triage_needs_reason check (status = 'new' or length(trim(status_reason)) > 0)
);
create index idea_org_created_idx on public.idea (org_id, created_at desc);
create index idea_search_idx on public.idea using gin (search);
create index idea_submitter_idx on public.idea (submitter_id);

create table public.idea_photo (
  idea_id uuid primary key,
  org_id uuid not null,
  mime text not null check (mime in ('image/jpeg', 'image/png', 'image/webp')),
  bytes bytea not null check (octet_length(bytes) between 1 and 5242880),
  foreign key (org_id, idea_id) references public.idea (org_id, id) on delete cascade
);

create table public.idea_vote (
  idea_id uuid not null,
  person_id uuid not null default private.person_id(),
  org_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (idea_id, person_id),
  foreign key (org_id, idea_id) references public.idea (org_id, id) on delete cascade,
  foreign key (org_id, person_id) references public.person (org_id, id) on delete cascade
);

-- Who may triage an idea: the coaches and admins, and the members of the team it is about.
create function private.can_triage_idea(p_team uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select coalesce((select private.org_role()) in ('coach', 'admin'), false)
    or (p_team is not null and (select private.is_team_member(p_team)))
$$;
revoke all on function private.can_triage_idea(uuid) from public;
grant execute on function private.can_triage_idea(uuid) to authenticated, service_role;

create function private.idea_status_change() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    new.submitter_id := coalesce((select private.person_id()), new.submitter_id);
    new.status := 'new';
    new.status_reason := '';
    new.status_changed_at := null;
    new.cycle_id := null;
    new.seen_at := now();
  elsif (new.status, new.status_reason, new.cycle_id) is distinct from (old.status, old.status_reason, old.cycle_id) then
    new.status_changed_at := now();
  end if;
  return new;
end
$$;
create trigger idea_status_change before insert or update on public.idea
  for each row execute function private.idea_status_change();

-- The submitter marks their ideas as seen (clears the badge); nothing else of the row changes.
create function public.mark_my_ideas_seen() returns void
language sql security definer set search_path = ''
as $$
  update public.idea set seen_at = now()
  where submitter_id = (select private.person_id()) and org_id = (select private.org_id())
$$;
revoke all on function public.mark_my_ideas_seen() from public, anon;
grant execute on function public.mark_my_ideas_seen() to authenticated, service_role;

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

-- The audit trail: who changed what, when, for mandates, cycles, decisions, evaluations and
-- the triage of ideas. Written by triggers only; read by the organisation.
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
create trigger mandate_audit after insert or update on public.mandate
  for each row execute function private.audit();
create trigger improvement_cycle_audit after insert or update or delete on public.improvement_cycle
  for each row execute function private.audit();
create trigger decision_request_audit after insert or update on public.decision_request
  for each row execute function private.audit();
create trigger evaluation_audit after insert or update or delete on public.evaluation
  for each row execute function private.audit();
create trigger idea_audit after update of status, status_reason, cycle_id, team_id on public.idea
  for each row execute function private.audit();

revoke all on function private.mandate_version(), private.mandate_append_only(),
  private.touchpoint_stage_check(), private.decision_request_decide(),
  private.improvement_cycle_check(), private.touch_cycle(), private.idea_status_change(),
  private.audit()
  from public;

-- Row level security.
alter table public.team enable row level security;
alter table public.team_member enable row level security;
alter table public.team_member_profile enable row level security;
alter table public.mandate enable row level security;
alter table public.journey enable row level security;
alter table public.stage enable row level security;
alter table public.touchpoint enable row level security;
alter table public.touchpoint_category enable row level security;
alter table public.improvement_cycle enable row level security;
alter table public.cycle_action enable row level security;
alter table public.decision_request enable row level security;
alter table public.evaluation enable row level security;
alter table public.idea enable row level security;
alter table public.idea_photo enable row level security;
alter table public.idea_vote enable row level security;
alter table public.audit enable row level security;

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

create policy "members read mandates" on public.mandate
  for select to authenticated using (org_id = (select private.org_id()));
create policy "team editors draft mandates" on public.mandate
  for insert to authenticated
  with check (org_id = (select private.org_id()) and (select private.can_edit_team(team_id)));
create policy "coaches approve mandates" on public.mandate
  for update to authenticated
  using (org_id = (select private.org_id()) and (select private.is_team_coach(team_id)))
  with check (org_id = (select private.org_id()));

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

create policy "members read stages" on public.stage
  for select to authenticated using (org_id = (select private.org_id()));
create policy "team editors manage stages" on public.stage
  for all to authenticated
  using (org_id = (select private.org_id()) and (select private.can_edit_journey(journey_id)))
  with check (org_id = (select private.org_id()) and (select private.can_edit_journey(journey_id)));

create policy "members read touchpoints" on public.touchpoint
  for select to authenticated using (org_id = (select private.org_id()));
create policy "team editors manage touchpoints" on public.touchpoint
  for all to authenticated
  using (org_id = (select private.org_id()) and (select private.can_edit_journey(journey_id)))
  with check (org_id = (select private.org_id()) and (select private.can_edit_journey(journey_id)));

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

create policy "members read cycles" on public.improvement_cycle
  for select to authenticated using (org_id = (select private.org_id()));
create policy "team editors manage cycles" on public.improvement_cycle
  for all to authenticated
  using (org_id = (select private.org_id()) and (select private.can_edit_team(team_id)))
  with check (org_id = (select private.org_id()) and (select private.can_edit_team(team_id)));

create function private.can_edit_cycle(p_cycle uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (select 1 from public.improvement_cycle c
    where c.id = p_cycle and (select private.can_edit_team(c.team_id)))
$$;
create function private.can_decide_for_cycle(p_cycle uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (select 1 from public.improvement_cycle c
    where c.id = p_cycle and (select private.is_team_coach(c.team_id)))
$$;
revoke all on function private.can_edit_cycle(uuid), private.can_decide_for_cycle(uuid) from public;
grant execute on function private.can_edit_cycle(uuid), private.can_decide_for_cycle(uuid)
  to authenticated, service_role;

create policy "members read cycle actions" on public.cycle_action
  for select to authenticated using (org_id = (select private.org_id()));
create policy "team editors manage cycle actions" on public.cycle_action
  for all to authenticated
  using (org_id = (select private.org_id()) and (select private.can_edit_cycle(cycle_id)))
  with check (org_id = (select private.org_id()) and (select private.can_edit_cycle(cycle_id)));

create policy "members read decision requests" on public.decision_request
  for select to authenticated using (org_id = (select private.org_id()));
create policy "team editors raise decision requests" on public.decision_request
  for insert to authenticated
  with check (org_id = (select private.org_id()) and status = 'open'
    and (select private.can_edit_cycle(cycle_id)));
create policy "coaches decide requests" on public.decision_request
  for update to authenticated
  using (org_id = (select private.org_id()) and (select private.can_decide_for_cycle(cycle_id)))
  with check (org_id = (select private.org_id()));

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

create policy "members read ideas" on public.idea
  for select to authenticated using (org_id = (select private.org_id()));
create policy "members submit ideas" on public.idea
  for insert to authenticated
  with check (org_id = (select private.org_id()) and submitter_id = (select private.person_id()));
create policy "teams and coaches triage ideas" on public.idea
  for update to authenticated
  using (org_id = (select private.org_id()) and (select private.can_triage_idea(team_id)))
  with check (org_id = (select private.org_id()));
create policy "submitters withdraw new ideas" on public.idea
  for delete to authenticated
  using (org_id = (select private.org_id()) and submitter_id = (select private.person_id())
    and status = 'new');

create policy "members read idea photos" on public.idea_photo
  for select to authenticated using (org_id = (select private.org_id()));
create policy "submitters add a photo" on public.idea_photo
  for insert to authenticated
  with check (org_id = (select private.org_id()) and exists (
    select 1 from public.idea i
    where i.id = idea_id and i.submitter_id = (select private.person_id())));

create policy "members read votes" on public.idea_vote
  for select to authenticated using (org_id = (select private.org_id()));
create policy "members vote once" on public.idea_vote
  for insert to authenticated
  with check (org_id = (select private.org_id()) and person_id = (select private.person_id()));
create policy "members take back their vote" on public.idea_vote
  for delete to authenticated
  using (org_id = (select private.org_id()) and person_id = (select private.person_id()));

create policy "members read the audit trail" on public.audit
  for select to authenticated using (org_id = (select private.org_id()));
revoke insert, update, delete, truncate on public.audit from public, anon, authenticated;

-- Column grants where a row policy is not enough: nobody rewrites who submitted an idea or
-- when, and a submitter's own row changes only through mark_my_ideas_seen().
revoke update on public.idea from authenticated;
grant update (status, status_reason, cycle_id, team_id, journey_id, touchpoint_id)
  on public.idea to authenticated;
