-- E-mail notifications (issue 11, section 4): an outbox filled by triggers in the same
-- transaction as the event (a decision request raised or answered, an idea's status changed),
-- and by a daily sweep for evaluations that are due or overdue. A sender (server side, SMTP
-- from the environment) sends each row once and marks it sent; a failed send is retried with
-- backoff. Rows that were never sent expire after seven days (so without a mail server the
-- outbox does not grow for ever); sent rows are kept thirty days.

-- The language a person reads Koers (and its mails) in.
alter table public.person add column locale text not null default 'nl' check (locale in ('nl', 'en'));

create table private.mail_outbox (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organisation (id) on delete cascade,
  person_id uuid not null,
  kind text not null check (kind in ('request_raised', 'request_decided', 'idea_status',
                                     'evaluation_due', 'evaluation_overdue')),
  params jsonb not null default '{}'::jsonb,
  -- one mail per event that may be seen more than once (an evaluation's due date)
  dedupe_key text unique,
  created_at timestamptz not null default now(),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  sent_at timestamptz,
  last_error text check (length(last_error) <= 1000),
  unique (org_id, id),
  foreign key (org_id, person_id) references public.person (org_id, id) on delete cascade
);
create index mail_outbox_due_idx on private.mail_outbox (next_attempt_at) where sent_at is null;
create index mail_outbox_person_idx on private.mail_outbox (person_id);
alter table private.mail_outbox enable row level security;
-- Not for people: only the sender (service role) reads and writes the outbox; the triggers
-- below write it as their owner.
revoke all on private.mail_outbox from public, anon, authenticated;
grant select, insert, update, delete on private.mail_outbox to service_role;

-- A decision request raised: its team's coach hears of it. Answered: whoever asked.
create function private.mail_decision_request() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  v_cycle record;
begin
  select c.id, c.title, c.team_id, t.name as team_name, t.coach_id
    into v_cycle
    from public.improvement_cycle c join public.team t on t.id = c.team_id
   where c.id = new.cycle_id;
  if tg_op = 'INSERT' then
    if v_cycle.coach_id is not null and v_cycle.coach_id is distinct from new.requested_by then
      insert into private.mail_outbox (org_id, person_id, kind, params)
      values (new.org_id, v_cycle.coach_id, 'request_raised',
              jsonb_build_object('question', new.question, 'cycle', v_cycle.title,
                                 'team', v_cycle.team_name, 'teamId', v_cycle.team_id,
                                 'cycleId', v_cycle.id));
    end if;
  elsif old.status = 'open' and new.status <> 'open' and new.requested_by is not null then
    insert into private.mail_outbox (org_id, person_id, kind, params)
    values (new.org_id, new.requested_by, 'request_decided',
            jsonb_build_object('question', new.question, 'cycle', v_cycle.title,
                               'status', new.status::text, 'reason', coalesce(new.reason, ''),
                               'teamId', v_cycle.team_id, 'cycleId', v_cycle.id));
  end if;
  return null;
end $$;
revoke all on function private.mail_decision_request() from public;
create trigger decision_request_mail after insert or update of status on public.decision_request
  for each row execute function private.mail_decision_request();

-- An idea's status changed: its submitter hears of it.
create function private.mail_idea_status() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if new.status is distinct from old.status and new.submitter_id is not null then
    insert into private.mail_outbox (org_id, person_id, kind, params)
    values (new.org_id, new.submitter_id, 'idea_status',
            jsonb_build_object('idea', left(new.body, 200), 'status', new.status::text,
                               'reason', new.status_reason));
  end if;
  return null;
end $$;
revoke all on function private.mail_idea_status() from public;
create trigger idea_status_mail after update of status on public.idea
  for each row execute function private.mail_idea_status();

-- The daily sweep: each coached team whose next evaluation is tomorrow (due) or has passed
-- (overdue), on the organisation's local date (or p_today), gets one mail to its coach per due
-- date and kind. Answers how many were queued.
create function private.mail_evaluation_reminders(p_today date default null) returns integer
language plpgsql security definer set search_path = ''
as $$
declare
  v_count integer;
begin
  insert into private.mail_outbox (org_id, person_id, kind, params, dedupe_key)
  select t.org_id, t.coach_id,
         case when d.due < d.today then 'evaluation_overdue' else 'evaluation_due' end,
         jsonb_build_object('team', t.name, 'teamId', t.id, 'due', d.due::text),
         (case when d.due < d.today then 'evaluation_overdue:' else 'evaluation_due:' end)
           || t.id || ':' || d.due::text
    from public.team t
    join public.organisation o on o.id = t.org_id
   cross join lateral (
     select coalesce(p_today, (now() at time zone o.timezone)::date) as today,
            coalesce(
              (select e.next_on from public.evaluation e where e.team_id = t.id
                order by e.held_on desc, e.created_at desc limit 1),
              (t.created_at at time zone o.timezone)::date + t.cadence_days) as due
   ) d
   where t.coach_id is not null and d.due <= d.today + 1
  on conflict (dedupe_key) do nothing;
  get diagnostics v_count = row_count;
  return v_count;
end $$;
revoke all on function private.mail_evaluation_reminders(date) from public;
grant execute on function private.mail_evaluation_reminders(date) to service_role;

-- The signed-in person's language (the language switch), for their mails.
create function public.set_my_locale(p_locale text) returns void
language sql security definer set search_path = ''
as $$
  update public.person set locale = p_locale
   where user_id = (select auth.uid()) and p_locale in ('nl', 'en');
$$;
revoke all on function public.set_my_locale(text) from public, anon;
grant execute on function public.set_my_locale(text) to authenticated;
