import { hashPassword, insertAccount, type SignedInUser } from './auth/accounts';
import { db, type Claims, type Queryable } from './db';

let setUp = false;

/** True while the database has no organisation yet (first run). */
export async function needsSetup(): Promise<boolean> {
	if (setUp) return false;
	const [row] = await db().asService((tx) =>
		tx.query<{ n: number }>('select count(*) as n from public.organisation')
	);
	setUp = row.n > 0;
	return !setUp;
}

/** The time zone of the signed-in person's organisation. */
export async function timezone(claims: Claims): Promise<string> {
	const [row] = await db().asUser(claims, (tx) =>
		tx.query<{ timezone: string }>('select timezone from organisation')
	);
	return row?.timezone ?? 'Europe/Amsterdam';
}

export function slugify(name: string) {
	const slug = name
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 60)
		.replace(/-+$/, '');
	return slug || 'organisatie';
}

/** Creates an organisation with its first admin (in one transaction; the caller holds the lock). */
export async function insertOrganisation(
	tx: Queryable,
	input: { orgName: string; name: string; email: string; passwordHash: string }
) {
	const [org] = await tx.query<{ id: string }>(
		'insert into public.organisation (name, slug) values ($1, $2) returning id',
		[input.orgName, slugify(input.orgName)]
	);
	const userId = await insertAccount(tx, input.email, input.passwordHash);
	await tx.query(
		`insert into public.person (org_id, user_id, name, email, role) values ($1, $2, $3, $4, 'admin')`,
		[org.id, userId, input.name, input.email]
	);
	return { orgId: org.id, userId };
}

/**
 * First-run setup: only on an empty database, and only once even when two people submit
 * at the same moment (an advisory lock serialises them).
 */
export async function setup(input: {
	orgName: string;
	name: string;
	email: string;
	password: string;
}): Promise<SignedInUser | null> {
	const passwordHash = await hashPassword(input.password);
	const result = await db().asService(async (tx) => {
		await tx.query('select pg_advisory_xact_lock(20261124)');
		const [row] = await tx.query<{ n: number }>('select count(*) as n from public.organisation');
		if (row.n > 0) return null;
		return insertOrganisation(tx, { ...input, passwordHash });
	});
	if (!result) return null;
	setUp = true;
	return { id: result.userId, email: input.email, orgId: result.orgId };
}
