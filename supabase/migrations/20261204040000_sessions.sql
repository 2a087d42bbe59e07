-- Sessions that can be ended, and a sign-in throttle that two instances share (issue 15,
-- findings 8 and 9). Both tables live in schema private: no user reads or writes them; only
-- the privileged path (service_role, the sign-in code) and the functions below do.

-- A session version per account. A local session token carries the version it was issued with
-- and is refused once the account's version has moved on. No row: version 0.
create table private.session_version (
  user_id uuid primary key references auth.users (id) on delete cascade,
  version integer not null default 0
);
alter table private.session_version enable row level security;
revoke all on private.session_version from public, anon, authenticated;
grant select on private.session_version to service_role;

-- Ends every session of an account: sign-out (everywhere), a password change, and the person
-- triggers below. An account that is being deleted has no sessions left to end.
create function private.end_sessions(p_user uuid) returns void
language sql security definer set search_path = ''
as $$
  insert into private.session_version (user_id, version)
  select p_user, 1 where exists (select 1 from auth.users where id = p_user)
  on conflict (user_id) do update set version = private.session_version.version + 1
$$;
revoke all on function private.end_sessions(uuid) from public;
grant execute on function private.end_sessions(uuid) to service_role;

-- A person removed, unlinked from their account, or given a lower organisation role
-- (admin > coach > staff, the enum's order) is signed out everywhere.
create function private.person_ends_sessions() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if old.user_id is not null and (tg_op = 'DELETE'
      or new.user_id is distinct from old.user_id or new.role < old.role) then
    perform private.end_sessions(old.user_id);
  end if;
  return null;
end
$$;
revoke all on function private.person_ends_sessions() from public;
create trigger person_ends_sessions after update of role, user_id or delete on public.person
  for each row execute function private.person_ends_sessions();

-- Failed sign-ins per key ('address:<ip>', 'pair:<email> <ip>'), counted within a window by
-- the sign-in code (src/lib/server/auth/limiter.ts). Rows past the window are swept.
create table private.sign_in_failure (
  key text primary key check (length(key) <= 400),
  count integer not null default 0 check (count >= 0),
  last_at timestamptz not null default now()
);
create index sign_in_failure_last_idx on private.sign_in_failure (last_at);
alter table private.sign_in_failure enable row level security;
revoke all on private.sign_in_failure from public, anon, authenticated;
grant select, insert, update, delete on private.sign_in_failure to service_role;
