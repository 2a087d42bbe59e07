-- Categories an import created go with it when the import is discarded (issue 10 §3): a
-- failed or killed import must leave nothing behind, but the categories named in its file were
-- created (and committed) by its first steps. When a batch that was still loading is removed
-- (by the import on failure, or by private.discard_batches at start-up), the categories of its
-- organisation created since the batch was opened go too if nothing uses them: no case, no
-- touchpoint, no cycle, no norm or journey set by someone since. A category someone else's
-- import or an admin created meanwhile and already uses stays.

create function private.drop_discarded_categories() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if old.state <> 'loading' then
    return null;
  end if;
  delete from public.category c
   where c.org_id = old.org_id
     and c.created_at >= old.created_at
     and c.norm_days is null and c.journey_id is null
     and not exists (select 1 from public.report r where r.category_id = c.id)
     and not exists (select 1 from public.touchpoint_category t where t.category_id = c.id)
     and not exists (select 1 from public.improvement_cycle y where y.scope_category_id = c.id);
  return null;
end
$$;
revoke all on function private.drop_discarded_categories() from public;

create trigger import_batch_categories after delete on public.import_batch
  for each row execute function private.drop_discarded_categories();
