-- A mandate gate that holds, and evidence that stays put (issue 11, section 2).
--
-- - A cycle records its expected cost and whether its change touches one of the mandate's
--   boundaries (and which). Going to test:
--   - while the cycle's latest decision request is open or declined, no self-declared decision
--     right starts the test: the coach's answer comes first (cycle_request_pending,
--     cycle_request_declined);
--   - a cost above the budget limit of the team's mandate in force (no limit: no budget, so any
--     cost) or a change that touches a boundary needs an approved request, whatever right is
--     named (cycle_over_budget, cycle_touches_boundary);
--   - a self-declared right must be one of the mandate in force (the latest approved version).
-- - Adopted, adapted and abandoned cycles are frozen: their problem, hypothesis, metric, scope,
--   windows, change date, cost, boundary, mandate cover and learnings change only as a
--   correction — the same statement sets a new reason in `correction`, and the audit trail
--   records the change with its reason and who made it (cycle_frozen otherwise). Their actions
--   are no longer added, changed or removed (the privileged path still seeds the demo's), and a
--   frozen cycle is not deleted. Only statements
--   run directly are held (pg_trigger_depth() = 1): the database's own follow-ups (a removed
--   category's scope set to null, a team removed with its cycles, updated_at stamps) still run.
-- - An evaluation keeps the effect of each cycle as it was when the coach recorded it
--   (evaluation.effects, a snapshot): later data, and later edits of the evaluation, leave it.

alter table public.improvement_cycle
  add column expected_cost numeric(12, 2) check (expected_cost >= 0 and expected_cost < 10000000000),
  add column touches_boundary boolean not null default false,
  add column boundary text check (length(boundary) <= 1000),
  add column correction text check (length(correction) <= 2000),
  add constraint cycle_boundary_named check (not touches_boundary or length(trim(coalesce(boundary, ''))) > 0);

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
          new.touches_boundary, new.boundary, new.mandate_id, new.mandate_right)
       is distinct from
         (old.problem, old.hypothesis, old.metric, old.better, old.scope_category_id,
          old.scope_touchpoint_id, old.scope_channel, old.baseline_from, old.baseline_to,
          old.change_date, old.test_from, old.test_to, old.learnings, old.expected_cost,
          old.touches_boundary, old.boundary, old.mandate_id, old.mandate_right)
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

-- A finished cycle is not deleted (its evidence would go with it), except with its team.
create function private.improvement_cycle_keep() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if old.status in ('adopted', 'adapted', 'abandoned') and pg_trigger_depth() = 1 then
    raise exception 'cycle_frozen' using errcode = 'P0001';
  end if;
  return old;
end
$$;
create trigger improvement_cycle_keep before delete on public.improvement_cycle
  for each row execute function private.improvement_cycle_keep();

-- The actions of a finished cycle stay as they were.
create function private.cycle_action_frozen() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if pg_trigger_depth() = 1 and not (select private.is_service()) and exists (
      select 1 from public.improvement_cycle c
      where c.id in (new.cycle_id, old.cycle_id) and c.status in ('adopted', 'adapted', 'abandoned')) then
    raise exception 'cycle_frozen' using errcode = 'P0001';
  end if;
  return coalesce(new, old);
end
$$;
create trigger cycle_action_frozen before insert or update or delete on public.cycle_action
  for each row execute function private.cycle_action_frozen();

-- The effects of the team's cycles as they stood when the evaluation was recorded:
-- [{cycleId, title, status, metric, unit, before, after, weeks, signal}], set once.
alter table public.evaluation
  add column effects jsonb not null default '[]'::jsonb
    check (jsonb_typeof(effects) = 'array' and length(effects::text) <= 20000);

create function private.evaluation_effects_fixed() returns trigger
language plpgsql set search_path = ''
as $$
begin
  new.effects := old.effects;
  return new;
end
$$;
create trigger evaluation_effects_fixed before update on public.evaluation
  for each row execute function private.evaluation_effects_fixed();

revoke all on function private.improvement_cycle_keep(), private.cycle_action_frozen(),
  private.evaluation_effects_fixed() from public;
