-- The baseline window, the change date and the test window must not overlap: a week counted in
-- the baseline must not count after the change too, or the chart compares a period with itself.
-- cycle_change_after_baseline (20261123100000_cycles) let the change date fall on the baseline's
-- last day, and nothing kept the test window out of the baseline when no change date was set.
--
-- A trigger, not a check constraint, so that rows written before this rule stay readable and
-- changeable in their other fields: it judges the windows when a row is inserted or when one of
-- its dates changes. Refusals carry the form's error key as message (P0001), which the cycle
-- module translates into the user's language.
create function private.cycle_windows_apart() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if tg_op = 'UPDATE'
     and new.baseline_from is not distinct from old.baseline_from
     and new.baseline_to is not distinct from old.baseline_to
     and new.change_date is not distinct from old.change_date
     and new.test_from is not distinct from old.test_from
     and new.test_to is not distinct from old.test_to then
    return new;
  end if;
  if new.baseline_to is not null and new.change_date is not null
     and new.change_date <= new.baseline_to then
    raise exception 'cycle_change_after_baseline' using errcode = 'P0001';
  end if;
  -- with a test start, cycle_test_order keeps its end after it; without one, the end itself
  if new.baseline_to is not null
     and (new.test_from <= new.baseline_to
          or (new.test_from is null and new.test_to <= new.baseline_to)) then
    raise exception 'cycle_test_after_baseline' using errcode = 'P0001';
  end if;
  if new.change_date is not null and new.test_from is null and new.test_to < new.change_date then
    raise exception 'cycle_test_after_change' using errcode = 'P0001';
  end if;
  return new;
end;
$$;

create trigger improvement_cycle_windows_apart
  before insert or update on public.improvement_cycle
  for each row execute function private.cycle_windows_apart();
