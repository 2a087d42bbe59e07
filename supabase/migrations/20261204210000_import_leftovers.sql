-- What an unfinished import leaves behind (issue 10 §3). A batch left loading was removed with
-- its reports and events, but the categories its merge created stayed: named in the category
-- list, used by nothing. A category now remembers the batch that created it (null: made by an
-- admin, or before this migration), and removing an unfinished batch removes the categories it
-- created that no other row uses (no report, no touchpoint, no improvement cycle, no journey).

alter table public.category add column batch_id uuid;

create or replace function private.discard_batches(p_idle interval) returns integer
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
  delete from public.category c
   where c.batch_id = any (gone) and c.journey_id is null
     and not exists (select 1 from public.report r where r.category_id = c.id)
     and not exists (select 1 from public.touchpoint_category t where t.category_id = c.id)
     and not exists (select 1 from public.improvement_cycle i where i.scope_category_id = c.id);
  delete from public.import_batch where id = any (gone);
  return cardinality(gone);
end
$$;
