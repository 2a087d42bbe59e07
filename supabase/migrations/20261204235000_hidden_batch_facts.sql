-- A batch still loading stays out of every figure (issue 10 §3). Its reports and events were
-- already hidden (20261204170000_import_steps.sql), but the statement triggers compute its
-- per-case facts step by step, and the figure functions aggregate public.case_fact as the
-- reader: so counts, lead times and weekly series included a batch before it was visible.
-- 1. case_fact's policy hides the facts of loading batches as report's policy hides the rows;
--    every figure function runs as the reader (security invoker), so this is the one place.
-- 2. Making a batch visible (state loading → done) or removing it moves the organisation's
--    figures version, so the figures cache cannot keep what it computed without it.

drop policy "case readers read case facts" on public.case_fact;
create policy "case readers read case facts" on public.case_fact
  for select to authenticated
  using (
    org_id = (select private.org_id()) and (select private.can_see_cases())
    and (batch_id is null or batch_id not in (select private.hidden_batches()))
  );

create trigger import_batch_figures after update of state or delete on public.import_batch
  for each row execute function private.figures_changed();
