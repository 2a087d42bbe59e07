-- The audit trail follows the read rules of the tables it records (issue 15, finding 6).
-- private.audit() copies the changed columns of a row into audit.changes, so an audit row holds
-- what the audited row holds. Until now every member of the organisation read every audit row:
-- a coach's evaluation, which only the team, its coach and admins may read, was readable by all
-- through the audit trail (wherever the database is reached with a user's token, e.g. Supabase's
-- REST API).
-- Now an audit row is read by whoever may read the audited table's rows of that team, with the
-- same helpers as that table's select policy:
-- - evaluation: the team's editors (its members, its coach, admins): private.can_edit_team;
-- - mandate, improvement_cycle, decision_request, idea: the organisation (their select
--   policies are the organisation's too).
-- An entity not named here is read by nobody: a table that starts writing to the audit trail
-- must name its read rule here first (src/lib/server/db/audit-rls.test.ts checks every table
-- whose trigger calls private.audit()).

drop policy "members read the audit trail" on public.audit;
create policy "readers of the audited rows read their trail" on public.audit
  for select to authenticated
  using (org_id = (select private.org_id()) and (
    entity in ('mandate', 'improvement_cycle', 'decision_request', 'idea')
    or (entity = 'evaluation' and (select private.can_edit_team(team_id)))));
