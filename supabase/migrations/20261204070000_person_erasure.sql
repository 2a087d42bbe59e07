-- AVG (GDPR): removing a person without breaking the evidence, and everything Koers holds about
-- one person (issue 13).
--
-- Deleting a person set their id to null in the rows that name them: an approved mandate, a
-- decided decision request (both refuse every change) — so an admin could not remove someone who
-- had drafted a mandate at all — and, silently, an evaluation, a cycle or an idea, whose record
-- of who did it was lost. Now public.remove_person() decides:
-- - a person who appears in the evidence (mandates, decision requests, evaluations, cycles,
--   ideas, import batches, API tokens, the audit trail) is anonymised: the row stays, so the
--   evidence keeps pointing at it, but name, email, department and role are replaced, the link to
--   the account is cut (which ends their sessions, 20261204040000_sessions.sql), memberships,
--   team profile answers, votes and invitations are deleted, and they stop being a team's coach or
--   a journey's owner. person.erased_at marks the row; Koers lists it no more.
-- - anyone else is deleted.
-- Either way the sign-in account (auth.users: email, password hash) is deleted too.
-- The audit trail copies rows of mandates, cycles, decision requests, evaluations and ideas,
-- which hold a person's id, never their name or email; person rows are not audited. So nothing
-- there needs scrubbing: the ids now point at the anonymised row.
--
-- public.person_export() gives an admin everything Koers holds about one person of the
-- organisation as one JSON document (their account, profile, memberships, self-assessed team
-- profiles, ideas, votes, and references to what they authored). It reads as the database
-- because a person's team profile is readable by that person only.

alter table public.person add column erased_at timestamptz;

create function public.remove_person(p_person uuid) returns text
language plpgsql security definer set search_path = ''
as $$
declare
  p public.person;
  evidence boolean;
begin
  -- an admin, in their own organisation, never themselves (an organisation keeps its admin)
  select * into p from public.person
  where id = p_person and org_id = (select private.org_id()) and erased_at is null
    and user_id is distinct from (select auth.uid());
  if not found or not (select private.is_admin()) then
    return null;
  end if;
  evidence := exists (select 1 from public.mandate where created_by = p.id or approved_by = p.id)
    or exists (select 1 from public.decision_request where requested_by = p.id or decided_by = p.id)
    or exists (select 1 from public.evaluation where coach_id = p.id)
    or exists (select 1 from public.improvement_cycle where created_by = p.id or rebased_by = p.id)
    or exists (select 1 from public.idea where submitter_id = p.id)
    or exists (select 1 from public.import_batch where created_by = p.id)
    or exists (select 1 from public.api_token where created_by = p.id)
    or exists (select 1 from public.audit where actor_id = p.id);
  if evidence then
    delete from public.team_member where person_id = p.id;  -- and their team profiles
    delete from public.idea_vote where person_id = p.id;
    delete from public.invitation where person_id = p.id;
    update public.team set coach_id = null where coach_id = p.id;
    update public.journey set owner_id = null where owner_id = p.id;
    update public.journey_undo set created_by = null where created_by = p.id;
    update public.person
       set name = 'Voormalig medewerker', email = p.id::text || '@verwijderd.invalid',
           department_id = null, role = 'staff', user_id = null, erased_at = now()
     where id = p.id;
  else
    delete from public.person where id = p.id;
  end if;
  delete from auth.users where id = p.user_id;
  return case when evidence then 'anonymised' else 'deleted' end;
end
$$;
revoke all on function public.remove_person(uuid) from public, anon;
grant execute on function public.remove_person(uuid) to authenticated, service_role;

create function public.person_export(p_person uuid) returns jsonb
language sql stable security definer set search_path = ''
as $$
  select jsonb_build_object(
    'exportedAt', now(),
    'organisation', o.name,
    'person', jsonb_build_object('id', p.id, 'name', p.name, 'email', p.email, 'role', p.role,
      'department', d.name, 'createdAt', p.created_at),
    'account', (select jsonb_build_object('email', u.email, 'createdAt', u.created_at,
        'lastSignInAt', u.last_sign_in_at)
      from auth.users u where u.id = p.user_id),
    'memberships', coalesce((select jsonb_agg(jsonb_build_object('teamId', t.id, 'team', t.name,
        'teamRole', m.team_role, 'department', md.name, 'since', m.created_at) order by t.name)
      from public.team_member m join public.team t on t.id = m.team_id
      left join public.department md on md.id = m.department_id
      where m.person_id = p.id), '[]'),
    'teamProfiles', coalesce((select jsonb_agg(jsonb_build_object('team', t.name,
        'outsideIn', f.outside_in, 'proactive', f.proactive, 'critical', f.critical,
        'analytical', f.analytical, 'responsible', f.responsible, 'contrarian', f.contrarian,
        'updatedAt', f.updated_at) order by t.name)
      from public.team_member_profile f join public.team t on t.id = f.team_id
      where f.person_id = p.id), '[]'),
    'ideas', coalesce((select jsonb_agg(jsonb_build_object('id', i.id, 'text', i.body,
        'status', i.status, 'statusReason', i.status_reason, 'team', t.name,
        'photo', exists (select 1 from public.idea_photo ph where ph.idea_id = i.id),
        'createdAt', i.created_at) order by i.created_at)
      from public.idea i left join public.team t on t.id = i.team_id
      where i.submitter_id = p.id), '[]'),
    'votes', coalesce((select jsonb_agg(jsonb_build_object('ideaId', v.idea_id,
        'votedAt', v.created_at) order by v.created_at)
      from public.idea_vote v where v.person_id = p.id), '[]'),
    'coachOf', coalesce((select jsonb_agg(jsonb_build_object('teamId', t.id, 'team', t.name)
        order by t.name)
      from public.team t where t.coach_id = p.id), '[]'),
    'journeysOwned', coalesce((select jsonb_agg(jsonb_build_object('journeyId', j.id,
        'journey', j.name) order by j.name)
      from public.journey j where j.owner_id = p.id), '[]'),
    'authored', jsonb_build_object(
      'mandates', coalesce((select jsonb_agg(jsonb_build_object('mandateId', m.id,
          'team', t.name, 'version', m.version,
          'as', case when m.created_by = p.id then 'drafted' else 'approved' end)
          order by t.name, m.version)
        from public.mandate m join public.team t on t.id = m.team_id
        where p.id in (m.created_by, m.approved_by)), '[]'),
      'cycles', coalesce((select jsonb_agg(jsonb_build_object('cycleId', c.id,
          'title', c.title, 'as', case when c.created_by = p.id then 'created' else 'rebased' end)
          order by c.created_at)
        from public.improvement_cycle c where p.id in (c.created_by, c.rebased_by)), '[]'),
      'decisionRequests', coalesce((select jsonb_agg(jsonb_build_object('requestId', r.id,
          'cycleId', r.cycle_id,
          'as', case when r.requested_by = p.id then 'raised' else 'decided' end)
          order by r.requested_at)
        from public.decision_request r where p.id in (r.requested_by, r.decided_by)), '[]'),
      'evaluations', coalesce((select jsonb_agg(jsonb_build_object('evaluationId', e.id,
          'team', t.name, 'heldOn', e.held_on) order by e.held_on)
        from public.evaluation e join public.team t on t.id = e.team_id
        where e.coach_id = p.id), '[]'),
      'importBatches', (select count(*) from public.import_batch b where b.created_by = p.id),
      'auditEntries', (select count(*) from public.audit a where a.actor_id = p.id)))
  from public.person p
  join public.organisation o on o.id = p.org_id
  left join public.department d on d.id = p.department_id
  where p.id = p_person and p.org_id = (select private.org_id()) and (select private.is_admin())
$$;
revoke all on function public.person_export(uuid) from public, anon;
grant execute on function public.person_export(uuid) to authenticated, service_role;
