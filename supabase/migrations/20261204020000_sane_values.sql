-- Dates within a sane window, in the database as in the forms (saneDate in
-- src/lib/schemas/fields.ts). The forms take 1990-01-01 up to five years from today; a check
-- constraint cannot follow the calendar (it must give the same answer for a row forever, so no
-- current_date), so every date column a person writes is held to the fixed, wider window
-- [1990-01-01, 2100-01-01). A date outside it is a typing slip (0001, 2206) that once made a
-- team's cycle board fail for everyone and a chart run over centuries.
--
-- NOT VALID on purpose: the constraints hold for every row inserted or updated from now on, but
-- a database that already holds such a slip still migrates (validating would fail the migration
-- and keep the server from starting). The pages show such a cycle as out of range, and the team
-- corrects it in its form; once no odd row is left, `alter table … validate constraint …` makes
-- the constraint hold for the old rows too.

alter table public.improvement_cycle
  add constraint improvement_cycle_baseline_from_in_range
    check (baseline_from >= date '1990-01-01' and baseline_from < date '2100-01-01') not valid,
  add constraint improvement_cycle_baseline_to_in_range
    check (baseline_to >= date '1990-01-01' and baseline_to < date '2100-01-01') not valid,
  add constraint improvement_cycle_change_date_in_range
    check (change_date >= date '1990-01-01' and change_date < date '2100-01-01') not valid,
  add constraint improvement_cycle_test_from_in_range
    check (test_from >= date '1990-01-01' and test_from < date '2100-01-01') not valid,
  add constraint improvement_cycle_test_to_in_range
    check (test_to >= date '1990-01-01' and test_to < date '2100-01-01') not valid,
  add constraint improvement_cycle_rebased_on_in_range
    check (rebased_on >= date '1990-01-01' and rebased_on < date '2100-01-01') not valid;

alter table public.cycle_action
  add constraint cycle_action_due_on_in_range
    check (due_on >= date '1990-01-01' and due_on < date '2100-01-01') not valid;

alter table public.mandate
  add constraint mandate_review_date_in_range
    check (review_date >= date '1990-01-01' and review_date < date '2100-01-01') not valid,
  add constraint mandate_approved_on_in_range
    check (approved_on >= date '1990-01-01' and approved_on < date '2100-01-01') not valid;

alter table public.evaluation
  add constraint evaluation_held_on_in_range
    check (held_on >= date '1990-01-01' and held_on < date '2100-01-01') not valid,
  add constraint evaluation_next_on_in_range
    check (next_on >= date '1990-01-01' and next_on < date '2100-01-01') not valid;
