import { randomBytes } from 'node:crypto';
import { hashToken } from './auth/accounts';
import { db, type Claims, type Queryable } from './db';
import { attempt, refuse, type DbRefusal, type Result } from './result';
import type { OrgRole, PersonInput } from '$lib/schemas/people';

export interface Profile {
	id: string;
	orgId: string;
	orgName: string;
	name: string;
	email: string;
	role: OrgRole;
	departmentId: string | null;
	departmentName: string | null;
	/** May see case data (private.can_see_cases(): coaches, admins, members of a team). */
	canSeeCases: boolean;
}

export interface PersonRow {
	id: string;
	name: string;
	email: string;
	role: OrgRole;
	departmentId: string | null;
	departmentName: string | null;
	hasAccount: boolean;
}

/** The signed-in user's own profile (null when the account has no person in any organisation). */
export async function me(claims: Claims): Promise<Profile | null> {
	const [row] = await db().asUser(claims, (tx) =>
		tx.query<Profile>(
			`select p.id, p.org_id as "orgId", o.name as "orgName", p.name, p.email, p.role,
			        p.department_id as "departmentId", d.name as "departmentName",
			        private.can_see_cases() as "canSeeCases"
			   from person p join organisation o on o.id = p.org_id
			   left join department d on d.id = p.department_id
			  where p.user_id = (select auth.uid())`
		)
	);
	return row ?? null;
}

export function list(claims: Claims): Promise<PersonRow[]> {
	return db().asUser(claims, (tx) =>
		tx.query<PersonRow>(
			`select p.id, p.name, p.email, p.role, p.department_id as "departmentId",
			        d.name as "departmentName", p.user_id is not null as "hasAccount"
			   from person p left join department d on d.id = p.department_id
			  where p.erased_at is null
			  order by lower(p.name)`
		)
	);
}

export type PersonError =
	'email_taken' | 'department_unknown' | 'not_found' | 'own_role' | 'forbidden';

async function newInvitation(tx: Queryable, personId: string) {
	const token = randomBytes(24).toString('base64url');
	await tx.query('delete from invitation where person_id = $1 and accepted_at is null', [personId]);
	await tx.query(
		`insert into invitation (org_id, person_id, token_hash, created_by)
		 select p.org_id, p.id, $2, (select id from person where user_id = (select auth.uid()))
		   from person p where p.id = $1`,
		[personId, hashToken(token)]
	);
	return token;
}

/** What the database refused, as a PersonError. */
const personRefusal = (_e: unknown, kind: DbRefusal | undefined): PersonError | undefined =>
	kind === 'unique'
		? 'email_taken'
		: kind === 'foreign_key'
			? 'department_unknown'
			: kind === 'forbidden'
				? 'forbidden'
				: undefined;

/** Adds a person (admins only, by row level security) and returns a one-time invitation token. */
export function create(
	claims: Claims,
	input: PersonInput
): Promise<Result<{ id: string; token: string }, PersonError>> {
	return attempt(
		() =>
			db().asUser(claims, async (tx) => {
				const [row] = await tx.query<{ id: string }>(
					`insert into person (org_id, name, email, department_id, role)
					 values ((select private.org_id()), $1, $2, $3, $4) returning id`,
					[input.name, input.email, input.departmentId, input.role]
				);
				return { id: row.id, token: await newInvitation(tx, row.id) };
			}),
		personRefusal
	);
}

export function update(
	claims: Claims,
	id: string,
	input: PersonInput
): Promise<Result<object, PersonError>> {
	return attempt(
		() =>
			db().asUser(claims, async (tx) => {
				// Admins cannot change their own role: an organisation always keeps an admin.
				const own = await tx.query(
					'select 1 from person where id = $1 and user_id = (select auth.uid()) and role <> $2',
					[id, input.role]
				);
				if (own.length) return refuse<PersonError>('own_role');
				// The email is the sign-in name once someone has an account; it stays as it is then.
				const rows = await tx.query(
					`update person set name = $2, department_id = $4, role = $5,
				        email = case when user_id is null then $3 else email end
				  where id = $1 and erased_at is null returning id`,
					[id, input.name, input.email, input.departmentId, input.role]
				);
				return rows.length ? {} : refuse<PersonError>('not_found');
			}),
		personRefusal
	);
}

/** A fresh invitation for someone who has no account yet (the old link stops working). */
export async function reinvite(claims: Claims, id: string): Promise<string | null> {
	return db().asUser(claims, async (tx) => {
		const [p] = await tx.query(
			`select id from person
			  where id = $1 and user_id is null and erased_at is null and (select private.is_admin())`,
			[id]
		);
		return p ? newInvitation(tx, id) : null;
	});
}

/**
 * Removes a person (admins only, never themselves) with their sign-in account. Someone who
 * appears in the evidence — mandates, decision requests, evaluations, cycles, ideas, imports,
 * the audit trail — is anonymised instead of deleted, so that evidence stays as it was
 * (public.remove_person in 20261204070000_person_erasure.sql). Null: no such person to remove.
 */
export async function remove(claims: Claims, id: string): Promise<'deleted' | 'anonymised' | null> {
	const [row] = await db().asUser(claims, (tx) =>
		tx.query<{ outcome: 'deleted' | 'anonymised' | null }>(
			'select public.remove_person($1) as outcome',
			[id]
		)
	);
	return row.outcome;
}

/**
 * Everything Koers holds about one person of the organisation (AVG right of access), as one
 * JSON document; null when the caller is no admin or there is no such person.
 */
export async function exportData(claims: Claims, id: string): Promise<object | null> {
	const [row] = await db().asUser(claims, (tx) =>
		tx.query<{ data: object | null }>('select public.person_export($1) as data', [id])
	);
	return row.data;
}

/** The organisation's people by name, to choose one from (a journey's owner), in the caller's transaction. */
export function choices(tx: Queryable): Promise<{ id: string; name: string }[]> {
	return tx.query<{ id: string; name: string }>(
		'select id, name from person where erased_at is null order by lower(name)'
	);
}

/** The signed-in person's language, kept for the mails Koers sends them. */
export async function setMyLocale(claims: Claims, locale: 'nl' | 'en'): Promise<void> {
	await db().asUser(claims, (tx) => tx.query('select public.set_my_locale($1)', [locale]));
}
