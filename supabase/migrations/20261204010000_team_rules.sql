-- Rules the row policies alone did not hold (issue 15, findings 1, 7 and 12):
-- - Only an admin appoints a team's coach, and only a person whose organisation role is coach
--   or admin can be one. A lead changes the team's name, cadence, size and purpose, never its
--   coach. A coach who creates a team may name only themselves. The privileged path (service
--   role: the demo, the importer) may appoint, but also only a coach or an admin.
-- - private.is_team_coach() trusts team.coach_id only while that person is still a coach or
--   an admin in the organisation.
-- - Four eyes: nobody decides a decision request they raised, and nobody approves a mandate
--   version they drafted.
-- - A membership never moves: its team, person and organisation are fixed (a lead cannot move
--   her own membership into another team). Likewise a team's id and organisation, and an
--   evaluation stays with the team whose coach wrote it (its update check was the
--   organisation only).
-- - An idea is attached to a cycle only by someone who may work on that cycle's team.
-- Refusals use SQLSTATE 42501 (insufficient privilege), which the app reads as 'forbidden'.

create function private.is_service() returns boolean
language sql stable set search_path = ''
as $$ select coalesce((select auth.role()), '') = 'service_role' $$;
revoke all on function private.is_service() from public;
grant execute on function private.is_service() to authenticated, service_role;

create or replace function private.is_team_coach(p_team uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select (select private.is_admin()) or (
    coalesce((select private.org_role()) = 'coach', false) and exists (
      select 1 from public.team t
      where t.id = p_team and t.coach_id = (select private.person_id())
        and t.org_id = (select private.org_id())))
$$;

create function private.team_coach_guard() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and (new.id, new.org_id) is distinct from (old.id, old.org_id) then
    raise exception 'permission denied: a team keeps its id and organisation'
      using errcode = '42501';
  end if;
  if new.coach_id is null and tg_op = 'INSERT' then
    return new;  -- a new team without a coach: an admin appoints one later
  end if;
  if tg_op = 'UPDATE' and new.coach_id is not distinct from old.coach_id then
    return new;
  end if;
  if new.coach_id is not null and not exists (
      select 1 from public.person p
      where p.id = new.coach_id and p.org_id = new.org_id and p.role in ('coach', 'admin')) then
    raise exception 'permission denied: a team''s coach must be a coach or an admin'
      using errcode = '42501';
  end if;
  if not (select private.is_service()) and not (select private.is_admin())
     and not (tg_op = 'INSERT' and new.coach_id is not distinct from (select private.person_id())) then
    raise exception 'permission denied: only an admin appoints a team''s coach'
      using errcode = '42501';
  end if;
  return new;
end
$$;
create trigger team_coach_guard before insert or update on public.team
  for each row execute function private.team_coach_guard();

create function private.team_member_fixed() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if (new.team_id, new.person_id, new.org_id) is distinct from (old.team_id, old.person_id, old.org_id) then
    raise exception 'permission denied: a membership keeps its team and person'
      using errcode = '42501';
  end if;
  return new;
end
$$;
create trigger team_member_fixed before update on public.team_member
  for each row execute function private.team_member_fixed();

alter policy "coaches correct evaluations" on public.evaluation
  with check (org_id = (select private.org_id()) and (select private.is_team_coach(team_id)));

-- Four eyes on decisions: the same checks as before, plus "not your own request".
create or replace function private.decision_request_decide() returns trigger
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
    if old.requested_by is not null and old.requested_by = (select private.person_id()) then
      raise exception 'permission denied: nobody decides a request they raised (four eyes)'
        using errcode = '42501';
    end if;
    new.decided_by := coalesce((select private.person_id()), new.decided_by);
    new.decided_at := now();
  end if;
  return new;
end
$$;

-- Four eyes on mandates: the same checks as before, plus "not your own draft".
create or replace function private.mandate_append_only() returns trigger
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
  if old.created_by is not null and old.created_by = (select private.person_id()) then
    raise exception 'permission denied: nobody approves a mandate version they drafted (four eyes)'
      using errcode = '42501';
  end if;
  new.approved_by := coalesce((select private.person_id()), new.approved_by);
  return new;
end
$$;

-- Triage attaches an idea to a cycle only for someone who may work on that cycle's team.
create or replace function private.idea_status_change() returns trigger
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
    if new.cycle_id is not null and new.cycle_id is distinct from old.cycle_id
       and not (select private.is_service()) and not (select private.can_edit_cycle(new.cycle_id)) then
      raise exception 'permission denied: an idea joins only a cycle of a team you work on'
        using errcode = '42501';
    end if;
    new.status_changed_at := now();
  end if;
  return new;
end
$$;

revoke all on function private.team_coach_guard(), private.team_member_fixed() from public;
