-- An import in steps (issue 10 §3). On the embedded database an import held the only
-- connection until it finished, so every other page waited. Now a file import loads its batch
-- in short transactions (chunks of whole cases), each committed on its own so that other
-- requests are served in between, and a last step makes the batch visible at once:
--   loading  the batch is being loaded: its reports and events are hidden from every reader
--            (only the import itself, which names its batch in `koers.batch`, sees them);
--   done     visible (every batch before this migration, and every one-transaction import).
-- A batch left loading by a killed or failed import is removed (private.discard_batches) at
-- start-up, so all-or-nothing still holds and nothing of it is ever visible.

alter table public.import_batch
  add column state text not null default 'done' check (state in ('loading', 'done')),
  add column touched_at timestamptz not null default now();

create index import_batch_loading_idx on public.import_batch (id) where state = 'loading';

-- The batches still loading, except the one this transaction loads. security definer: the
-- policies below call it for every reader, who may not read import_batch.
create function private.hidden_batches() returns setof uuid
language sql stable security definer set search_path = ''
as $$
  select b.id from public.import_batch b
   where b.state = 'loading'
     and b.id is distinct from nullif(current_setting('koers.batch', true), '')::uuid
$$;
revoke all on function private.hidden_batches() from public;
grant execute on function private.hidden_batches() to authenticated, service_role;

drop policy "case readers read reports" on public.report;
create policy "case readers read reports" on public.report
  for select to authenticated
  using (
    org_id = (select private.org_id()) and (select private.can_see_cases())
    and (batch_id is null or batch_id not in (select private.hidden_batches()))
  );

drop policy "case readers read events" on public.report_event;
create policy "case readers read events" on public.report_event
  for select to authenticated
  using (
    org_id = (select private.org_id()) and (select private.can_see_cases())
    and (batch_id is null or batch_id not in (select private.hidden_batches()))
  );

-- Removes batches left loading that nobody has touched for p_idle (at start-up of the embedded
-- database: all of them), with their reports and events. The foreign keys would only unlink
-- them (on delete set null), which would make them visible, so they go first.
create function private.discard_batches(p_idle interval) returns integer
language plpgsql security definer set search_path = ''
as $$
declare
  gone uuid[];
begin
  select coalesce(array_agg(id), '{}') into gone from public.import_batch
   where state = 'loading' and touched_at <= now() - p_idle;
  if cardinality(gone) = 0 then
    return 0;
  end if;
  delete from public.report_event where batch_id = any (gone);
  delete from public.report where batch_id = any (gone);
  delete from public.import_batch where id = any (gone);
  return cardinality(gone);
end
$$;
revoke all on function private.discard_batches(interval) from public;
grant execute on function private.discard_batches(interval) to service_role;
