-- The undo step of a journey map: the journey as it was before its last change (stages,
-- touchpoints and their category mappings, as JSON), so that a team in a meeting can take back
-- a move or a delete — also after a reload, and from another tablet. One step per journey: each
-- change replaces it and undoing it removes it. Kept only for the team's editors; deleting the
-- journey removes it.
create table public.journey_undo (
  journey_id uuid primary key,
  org_id uuid not null,
  -- what the change was (e.g. 'touchpoint_move') and the name of what it changed, to label the
  -- Undo button
  change text not null check (length(change) between 1 and 40),
  subject text not null default '' check (length(subject) <= 200),
  snapshot jsonb not null,
  created_by uuid default private.person_id(),
  created_at timestamptz not null default now(),
  foreign key (org_id, journey_id) references public.journey (org_id, id) on delete cascade,
  foreign key (org_id, created_by) references public.person (org_id, id) on delete set null (created_by)
);

alter table public.journey_undo enable row level security;

create policy "team editors keep the undo step" on public.journey_undo
  for all to authenticated
  using (org_id = (select private.org_id()) and (select private.can_edit_journey(journey_id)))
  with check (org_id = (select private.org_id()) and (select private.can_edit_journey(journey_id)));
