-- Koers foundation: organisations, departments, people (profiles of auth users), invitations,
-- and the private helpers that tell the policies who is asking.
-- Every table has row level security: people see only their own organisation, only admins
-- change people and departments, anonymous requests see nothing.

create schema if not exists private;
grant usage on schema private to authenticated, service_role;

create type public.org_role as enum ('staff', 'coach', 'admin');
create type public.department_kind as enum ('front_office', 'back_office', 'contact_centre', 'specialist');

create table public.organisation (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(trim(name)) between 1 and 120),
  slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  created_at timestamptz not null default now(),
  -- dates (weeks, working days, naive times in imports) are reckoned in the organisation's zone
  timezone text not null default 'Europe/Amsterdam'
);
alter table public.organisation enable row level security;

create table public.department (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organisation (id) on delete cascade,
  name text not null check (length(trim(name)) between 1 and 80),
  kind public.department_kind not null,
  created_at timestamptz not null default now(),
  unique (org_id, name),
  unique (org_id, id)
);
alter table public.department enable row level security;

create table public.person (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organisation (id) on delete cascade,
  user_id uuid unique references auth.users (id) on delete set null,
  name text not null check (length(trim(name)) between 1 and 120),
  email text not null check (email = lower(email) and email like '%_@_%'),
  department_id uuid,
  role public.org_role not null default 'staff',
  created_at timestamptz not null default now(),
  unique (org_id, email),
  unique (org_id, id),
  -- a person's department belongs to the same organisation
  foreign key (org_id, department_id) references public.department (org_id, id)
    on delete set null (department_id)
);
create index person_department_idx on public.person (department_id);
alter table public.person enable row level security;

-- The policies of these three tables follow the helpers below, which read person.

-- Who is asking: the signed-in user's organisation and role, from their profile.
-- security definer so that policies on person can use them without recursion.
create function private.org_id() returns uuid
language sql stable security definer set search_path = ''
as $$ select org_id from public.person where user_id = (select auth.uid()) $$;

create function private.org_role() returns public.org_role
language sql stable security definer set search_path = ''
as $$ select role from public.person where user_id = (select auth.uid()) $$;

create function private.is_admin() returns boolean
language sql stable security definer set search_path = ''
as $$ select coalesce((select private.org_role()) = 'admin', false) $$;

-- The signed-in person's profile id.
create function private.person_id() returns uuid
language sql stable security definer set search_path = ''
as $$ select id from public.person where user_id = (select auth.uid()) $$;

revoke all on function private.org_id(), private.org_role(), private.is_admin(), private.person_id()
  from public;
grant execute on function private.org_id(), private.org_role(), private.is_admin(),
  private.person_id()
  to authenticated, service_role;

create policy "members read their organisation" on public.organisation
  for select to authenticated using (id = (select private.org_id()));
create policy "admins rename their organisation" on public.organisation
  for update to authenticated
  using (id = (select private.org_id()) and (select private.is_admin()))
  with check (id = (select private.org_id()));

create policy "members read departments" on public.department
  for select to authenticated using (org_id = (select private.org_id()));
create policy "admins add departments" on public.department
  for insert to authenticated
  with check (org_id = (select private.org_id()) and (select private.is_admin()));
create policy "admins change departments" on public.department
  for update to authenticated
  using (org_id = (select private.org_id()) and (select private.is_admin()))
  with check (org_id = (select private.org_id()));
create policy "admins remove departments" on public.department
  for delete to authenticated
  using (org_id = (select private.org_id()) and (select private.is_admin()));

create policy "members read people" on public.person
  for select to authenticated using (org_id = (select private.org_id()));
create policy "admins add people" on public.person
  for insert to authenticated
  with check (org_id = (select private.org_id()) and (select private.is_admin()));
create policy "admins change people" on public.person
  for update to authenticated
  using (org_id = (select private.org_id()) and (select private.is_admin()))
  with check (org_id = (select private.org_id()));
create policy "admins remove people" on public.person
  for delete to authenticated
  using (org_id = (select private.org_id()) and (select private.is_admin()) and user_id is distinct from (select auth.uid()));

-- Nobody links a profile to an account as a user (accepting an invitation does, through the
-- privileged path). A column-level revoke would not do: the table-level grant that Supabase's
-- default privileges give covers every column. So users get column grants without user_id.
revoke insert, update on public.person from anon, authenticated;
grant insert (org_id, name, email, department_id, role) on public.person to authenticated;
grant update (name, email, department_id, role) on public.person to authenticated;

create table public.invitation (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organisation (id) on delete cascade,
  person_id uuid not null,
  token_hash text not null unique,
  created_by uuid,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '14 days',
  accepted_at timestamptz,
  -- the invited person and the inviter belong to the invitation's organisation
  foreign key (org_id, person_id) references public.person (org_id, id) on delete cascade,
  foreign key (org_id, created_by) references public.person (org_id, id)
    on delete set null (created_by)
);
create index invitation_person_idx on public.invitation (person_id);
alter table public.invitation enable row level security;

create policy "admins manage invitations" on public.invitation
  for all to authenticated
  using (org_id = (select private.org_id()) and (select private.is_admin()))
  with check (org_id = (select private.org_id()) and (select private.is_admin()));
