import { hash, verify } from '@node-rs/argon2';
import { createHash } from 'node:crypto';
import { db, type Claims, type Queryable } from '../db';
import * as limiter from './limiter';

/** Local accounts (the default without Supabase): argon2id hashes in auth.users. */

export interface SignedInUser {
	id: string;
	email: string;
	orgId?: string;
}

const DUMMY_HASH = hash('not a real password, for constant-time misses');

export function hashPassword(password: string) {
	return hash(password); // argon2id with the library's recommended cost
}

export function hashToken(token: string) {
	return createHash('sha256').update(token).digest('hex');
}

/** Creates an auth user; the caller links it to a person in the same transaction. */
export async function insertAccount(tx: Queryable, email: string, passwordHash: string) {
	const [row] = await tx.query<{ id: string }>(
		`insert into auth.users (email, encrypted_password, email_confirmed_at, raw_app_meta_data)
		 values ($1, $2, now(), '{"provider":"koers"}'::jsonb) returning id`,
		[email.toLowerCase(), passwordHash]
	);
	return row.id;
}

export type SignInResult =
	| { ok: true; user: SignedInUser }
	| { ok: false; reason: 'invalid' }
	| { ok: false; reason: 'throttled'; wait: number };

/**
 * Signs in with a password, slowed down per address and per account and address (limiter.ts):
 * a stranger's wrong guesses do not keep the owner out, who signs in from another address.
 */
export async function signIn(email: string, password: string, ip: string): Promise<SignInResult> {
	const start = await db().asService(async (tx) => {
		const wait = await limiter.attempt(tx, email, ip);
		if (wait > 0) return { wait };
		const [row] = await tx.query<{
			id: string;
			email: string;
			hash: string | null;
			org_id: string | null;
		}>(
			`select u.id, u.email, u.encrypted_password as hash, p.org_id
			   from auth.users u join public.person p on p.user_id = u.id
			  where lower(u.email) = lower($1)`,
			[email]
		);
		return { wait, row };
	});
	if (start.wait > 0) return { ok: false, reason: 'throttled', wait: start.wait };
	const { row } = start;
	const good = row?.hash
		? await verify(row.hash, password).catch(() => false)
		: await verify(await DUMMY_HASH, password).then(() => false);
	if (!row || !good) {
		const wait = await db().asService((tx) => limiter.waiting(tx, email, ip));
		return wait > 0 ? { ok: false, reason: 'throttled', wait } : { ok: false, reason: 'invalid' };
	}
	await db().asService(async (tx) => {
		await limiter.succeeded(tx, email, ip);
		await tx.query('update auth.users set last_sign_in_at = now() where id = $1', [row.id]);
	});
	return { ok: true, user: { id: row.id, email: row.email, orgId: row.org_id ?? undefined } };
}

/**
 * The account's session version: a session token issued with an older one is refused. A deleted
 * account (its person was removed) has -1, which no token carries.
 */
export async function sessionVersion(userId: string): Promise<number> {
	const [row] = await db().asService((tx) =>
		tx.query<{ version: number }>(
			`select case when exists (select 1 from auth.users where id = $1)
			        then coalesce((select version from private.session_version where user_id = $1), 0)
			        else -1 end as version`,
			[userId]
		)
	);
	return row.version;
}

/** Ends every session of the account (sign-out everywhere). */
export async function endSessions(userId: string) {
	await db().asService((tx) => tx.query('select private.end_sessions($1)', [userId]));
}

export type InvitationResult =
	{ ok: true; user: SignedInUser } | { ok: false; reason: 'invalid' | 'email_taken' };

/** The person an open invitation is for, or null when the token is unknown, used or expired. */
export async function findInvitation(token: string) {
	const [row] = await db().asService((tx) =>
		tx.query<{ name: string; email: string; org_name: string }>(
			`select p.name, p.email, o.name as org_name
			   from public.invitation i
			   join public.person p on p.id = i.person_id
			   join public.organisation o on o.id = i.org_id
			  where i.token_hash = $1 and i.accepted_at is null and i.expires_at > now()
			    and p.user_id is null`,
			[hashToken(token)]
		)
	);
	return row ?? null;
}

/** Sign-up by invitation: sets the password, links the account to the person, once. */
export async function acceptInvitation(token: string, password: string): Promise<InvitationResult> {
	const passwordHash = await hashPassword(password);
	return db().asService(async (tx) => {
		const [inv] = await tx.query<{ id: string; person_id: string; org_id: string; email: string }>(
			`select i.id, i.person_id, i.org_id, p.email
			   from public.invitation i join public.person p on p.id = i.person_id
			  where i.token_hash = $1 and i.accepted_at is null and i.expires_at > now()
			    and p.user_id is null
			  for update of i`,
			[hashToken(token)]
		);
		if (!inv) return { ok: false, reason: 'invalid' } as const;
		// An account nobody is linked to any more (left by a removal before removals deleted the
		// account too) is taken over.
		const [existing] = await tx.query<{ id: string; linked: boolean }>(
			`select u.id, exists (select 1 from public.person p where p.user_id = u.id) as linked
			   from auth.users u where lower(u.email) = $1`,
			[inv.email]
		);
		if (existing?.linked) return { ok: false, reason: 'email_taken' } as const;
		const id = existing?.id ?? (await insertAccount(tx, inv.email, passwordHash));
		if (existing)
			await tx.query(
				'update auth.users set encrypted_password = $2, updated_at = now() where id = $1',
				[id, passwordHash]
			);
		await tx.query('update public.person set user_id = $1 where id = $2', [id, inv.person_id]);
		await tx.query('update public.invitation set accepted_at = now() where id = $1', [inv.id]);
		return { ok: true, user: { id, email: inv.email, orgId: inv.org_id } } as const;
	});
}

/**
 * Changes the signed-in user's own password after checking the current one, and ends every
 * session of the account (the caller starts a new one on this device).
 */
export async function changePassword(claims: Claims, current: string, next: string) {
	const [row] = await db().asService((tx) =>
		tx.query<{ hash: string }>('select encrypted_password as hash from auth.users where id = $1', [
			claims.sub
		])
	);
	if (!row?.hash || !(await verify(row.hash, current).catch(() => false))) return false;
	const nextHash = await hashPassword(next);
	await db().asService(async (tx) => {
		await tx.query(
			'update auth.users set encrypted_password = $2, updated_at = now() where id = $1',
			[claims.sub, nextHash]
		);
		await tx.query('select private.end_sessions($1)', [claims.sub]);
	});
	return true;
}
