-- An agreement's valid_from follows the date rule of every other date column
-- (20261204020000_sane_values.sql): from 1990-01-01, before 2100-01-01, in a constraint named
-- *_in_range (the form's own window is 1990 to five years from today).
alter table public.service_agreement drop constraint service_agreement_valid_from_check;
alter table public.service_agreement
  add constraint service_agreement_valid_from_in_range
  check (valid_from >= date '1990-01-01' and valid_from < date '2100-01-01');
