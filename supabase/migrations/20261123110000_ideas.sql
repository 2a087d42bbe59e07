-- Ideas from any staff member, with a photo and votes.
-- Everyone in the organisation reads ideas (an idea can be about any team), submits them and
-- votes once on each. The submitter withdraws an idea while it is new; the coaches, admins and
-- the members of the team an idea is about triage it.

create type public.idea_status as enum
  ('new', 'reviewing', 'in_cycle', 'parked', 'declined', 'done');

-- Ideas. The id is made on the phone, so a retried submission is the same row (idempotent).
create table public.idea (
  id uuid primary key,
  org_id uuid not null references public.organisation (id) on delete cascade,
  submitter_id uuid default private.person_id(),
  body text not null check (length(trim(body)) between 3 and 1000),
  team_id uuid,
  journey_id uuid,
  touchpoint_id uuid,
  status public.idea_status not null default 'new',
  status_reason text not null default '' check (length(status_reason) <= 1000),
  status_changed_at timestamptz,
  cycle_id uuid,
  -- when the submitter last looked at "my ideas": a later status change shows a badge
  seen_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  search tsvector generated always as (to_tsvector('dutch', body)) stored,
  unique (org_id, id),
  foreign key (org_id, submitter_id) references public.person (org_id, id) on delete set null (submitter_id),
  foreign key (org_id, team_id) references public.team (org_id, id) on delete set null (team_id),
  foreign key (org_id, journey_id) references public.journey (org_id, id) on delete set null (journey_id),
  foreign key (org_id, touchpoint_id) references public.touchpoint (org_id, id) on delete set null (touchpoint_id),
  foreign key (org_id, cycle_id) references public.improvement_cycle (org_id, id) on delete set null (cycle_id),
  constraint idea_triage_needs_reason check (status = 'new' or length(trim(status_reason)) > 0)
);
create index idea_org_created_idx on public.idea (org_id, created_at desc);
create index idea_search_idx on public.idea using gin (search);
create index idea_submitter_idx on public.idea (submitter_id);
alter table public.idea enable row level security;

-- Who may triage an idea: the coaches and admins, and the members of the team it is about.
create function private.can_triage_idea(p_team uuid) returns boolean
language sql stable security definer set search_path = ''
as $$
  select coalesce((select private.org_role()) in ('coach', 'admin'), false)
    or (p_team is not null and (select private.is_team_member(p_team)))
$$;
revoke all on function private.can_triage_idea(uuid) from public;
grant execute on function private.can_triage_idea(uuid) to authenticated, service_role;

create function private.idea_status_change() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    new.submitter_id := coalesce((select private.person_id()), new.submitter_id);
    new.status := 'new';
    new.status_reason := '';
    new.status_changed_at := null;
    new.cycle_id := null;
    new.seen_at := now();
  elsif (new.status, new.status_reason, new.cycle_id) is distinct from (old.status, old.status_reason, old.cycle_id) then
    new.status_changed_at := now();
  end if;
  return new;
end
$$;
create trigger idea_status_change before insert or update on public.idea
  for each row execute function private.idea_status_change();
create trigger idea_audit after update of status, status_reason, cycle_id, team_id on public.idea
  for each row execute function private.audit();
revoke all on function private.idea_status_change() from public;

create policy "members read ideas" on public.idea
  for select to authenticated using (org_id = (select private.org_id()));
create policy "members submit ideas" on public.idea
  for insert to authenticated
  with check (org_id = (select private.org_id()) and submitter_id = (select private.person_id()));
create policy "teams and coaches triage ideas" on public.idea
  for update to authenticated
  using (org_id = (select private.org_id()) and (select private.can_triage_idea(team_id)))
  with check (org_id = (select private.org_id()));
create policy "submitters withdraw new ideas" on public.idea
  for delete to authenticated
  using (org_id = (select private.org_id()) and submitter_id = (select private.person_id())
    and status = 'new');

-- Column grants where a row policy is not enough: nobody rewrites who submitted an idea or
-- when, and a submitter's own row changes only through mark_my_ideas_seen().
revoke update on public.idea from authenticated;
grant update (status, status_reason, cycle_id, team_id, journey_id, touchpoint_id)
  on public.idea to authenticated;

-- The submitter marks their ideas as seen (clears the badge); nothing else of the row changes.
create function public.mark_my_ideas_seen() returns void
language sql security definer set search_path = ''
as $$
  update public.idea set seen_at = now()
  where submitter_id = (select private.person_id()) and org_id = (select private.org_id())
$$;
revoke all on function public.mark_my_ideas_seen() from public, anon;
grant execute on function public.mark_my_ideas_seen() to authenticated, service_role;

create table public.idea_photo (
  idea_id uuid primary key,
  org_id uuid not null,
  mime text not null check (mime in ('image/jpeg', 'image/png', 'image/webp')),
  bytes bytea not null check (octet_length(bytes) between 1 and 5242880),
  foreign key (org_id, idea_id) references public.idea (org_id, id) on delete cascade
);
alter table public.idea_photo enable row level security;
create policy "members read idea photos" on public.idea_photo
  for select to authenticated using (org_id = (select private.org_id()));
create policy "submitters add a photo" on public.idea_photo
  for insert to authenticated
  with check (org_id = (select private.org_id()) and exists (
    select 1 from public.idea i
    where i.id = idea_id and i.submitter_id = (select private.person_id())));

create table public.idea_vote (
  idea_id uuid not null,
  person_id uuid not null default private.person_id(),
  org_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (idea_id, person_id),
  foreign key (org_id, idea_id) references public.idea (org_id, id) on delete cascade,
  foreign key (org_id, person_id) references public.person (org_id, id) on delete cascade
);
alter table public.idea_vote enable row level security;
create policy "members read votes" on public.idea_vote
  for select to authenticated using (org_id = (select private.org_id()));
create policy "members vote once" on public.idea_vote
  for insert to authenticated
  with check (org_id = (select private.org_id()) and person_id = (select private.person_id()));
create policy "members take back their vote" on public.idea_vote
  for delete to authenticated
  using (org_id = (select private.org_id()) and person_id = (select private.person_id()));
