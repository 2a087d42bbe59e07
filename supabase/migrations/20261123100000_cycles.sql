-- Improvement cycles of a team, with their actions and decision requests.
-- Everyone in the organisation reads them: other teams learn from them. The team's editors — its
-- members, its coach and admins — change its cycles and actions and raise decision requests;
-- only the team's coach or an admin decides a request. A cycle goes to test only within the
-- team's approved mandate or with an approved decision request (private.improvement_cycle_check).

create type public.cycle_status as enum
  ('idea', 'plan', 'test', 'evaluate', 'adopted', 'adapted', 'abandoned');
create type public.cycle_metric as enum
  ('repeat_rate', 'lead_p85', 'lead_median', 'within_norm', 'cases', 'handoffs');
create type public.better_direction as enum ('higher', 'lower');
create type public.request_status as enum ('open', 'approved', 'declined');

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
alter table public.improvement_cycle enable row level security;

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
create trigger improvement_cycle_audit after insert or update or delete on public.improvement_cycle
  for each row execute function private.audit();

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

create function private.touch_cycle() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  update public.improvement_cycle set updated_at = now()
  where id = coalesce(new.cycle_id, old.cycle_id);
  return null;
end
$$;

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
alter table public.cycle_action enable row level security;
create trigger cycle_action_touch after insert or update or delete on public.cycle_action
  for each row execute function private.touch_cycle();

create policy "members read cycle actions" on public.cycle_action
  for select to authenticated using (org_id = (select private.org_id()));
create policy "team editors manage cycle actions" on public.cycle_action
  for all to authenticated
  using (org_id = (select private.org_id()) and (select private.can_edit_cycle(cycle_id)))
  with check (org_id = (select private.org_id()) and (select private.can_edit_cycle(cycle_id)));

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
alter table public.decision_request enable row level security;

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
create trigger decision_request_touch after insert or update on public.decision_request
  for each row execute function private.touch_cycle();
create trigger decision_request_audit after insert or update on public.decision_request
  for each row execute function private.audit();

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

revoke all on function private.decision_request_decide(), private.improvement_cycle_check(),
  private.touch_cycle()
  from public;
