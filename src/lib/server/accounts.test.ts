/**
 * The domain behind sign-in, first-run setup, invitations, people and departments, against a
 * migrated database (PGlite; the first-run race also on a real PostgreSQL server).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Claims } from './db';
import { useDb } from './db';
import {
	adminSql,
	claimsFor,
	createOrg,
	openTestDb,
	type Org,
	type TestDb
} from './db/test-helpers';
import * as accounts from './auth/accounts';
import type { SignedInUser } from './auth/accounts';
import * as departments from './departments';
import * as people from './people';
import type { PersonInput } from '$lib/schemas/people';

const PASSWORD = 'correct horse battery';

/** A documentation address (RFC 5737) per call: failures count per address in the database. */
let addresses = 0;
const ip = () => `192.0.2.${++addresses}`;

/** Fresh copies of the modules, so organisations.ts's "already set up" memo starts empty. */
async function freshModules(db: TestDb) {
	vi.resetModules();
	const dbModule = await import('./db');
	dbModule.useDb(db.db);
	return {
		organisations: await import('./organisations'),
		accounts: await import('./auth/accounts')
	};
}

/**
 * Runs `n` concurrent calls so that they truly overlap. On PostgreSQL a separate connection
 * holds the organisation table locked until all n are waiting on a lock (on the table, or on
 * whatever the code serialises them with), then lets them go at once; without serialisation
 * they would all count 0 organisations. PGlite runs one transaction at a time anyway.
 */
async function together<T>(t: TestDb, n: number, call: (i: number) => Promise<T>): Promise<T[]> {
	const run = () => Promise.all(Array.from({ length: n }, (_, i) => call(i)));
	if (t.kind !== 'postgres') return run();
	const gate = adminSql(t.url);
	const watch = adminSql(t.url);
	try {
		let open = () => {};
		const opened = new Promise<void>((resolve) => (open = resolve));
		let locked = () => {};
		const isLocked = new Promise<void>((resolve) => (locked = resolve));
		const holding = gate.begin(async (tx) => {
			await tx`lock table public.organisation in access exclusive mode`;
			locked();
			await opened;
		});
		await isLocked;
		const running = run();
		for (let i = 0; i < 500; i++) {
			const [{ waiting }] = await watch<{ waiting: number }[]>`
				select count(*)::int as waiting from pg_locks
				 where not granted and database = (select oid from pg_database where datname = current_database())`;
			if (waiting >= n) break;
			await new Promise((resolve) => setTimeout(resolve, 10));
		}
		open();
		await holding;
		return await running;
	} finally {
		await Promise.all([gate.end({ timeout: 5 }), watch.end({ timeout: 5 })]);
	}
}

const countOf = (t: TestDb, table: string) =>
	t.db
		.asService((tx) => tx.query<{ n: number }>(`select count(*) as n from ${table}`))
		.then(([row]) => row.n);

/**
 * First-run setup on the empty database t(): one organisation and admin, even under a race.
 * Hands the admin to `created`.
 */
function firstRunSetup(t: () => TestDb, created: (admin: SignedInUser) => void = () => {}) {
	afterAll(() => {
		vi.resetModules();
	});

	it('creates one organisation with its admin, even when several submit at once', async () => {
		const { organisations, accounts } = await freshModules(t());
		expect(await organisations.needsSetup()).toBe(true);

		const results = await together(t(), 3, (i) => {
			const name = ['Eerste', 'Tweede', 'Derde'][i];
			return organisations.setup({
				orgName: `Gemeente ${name} Één`,
				name,
				email: `${name.toLowerCase()}@race.nl`,
				password: PASSWORD
			});
		});
		const winners = results.filter((r) => r !== null);
		expect(winners).toHaveLength(1);
		const admin = winners[0];
		expect(admin).toEqual({
			id: expect.any(String),
			email: expect.stringMatching(/@race\.nl$/),
			orgId: expect.any(String)
		});
		expect(await organisations.needsSetup()).toBe(false);

		expect(await countOf(t(), 'organisation')).toBe(1);
		expect(await countOf(t(), 'public.person')).toBe(1);
		expect(await countOf(t(), 'auth.users')).toBe(1);
		const [org] = await t().db.asService((tx) =>
			tx.query<{ id: string; slug: string }>('select id, slug from organisation')
		);
		expect(org.id).toBe(admin.orgId);
		expect(org.slug).toMatch(/^gemeente-(eerste|tweede|derde)-een$/);
		const [person] = await t().db.asService((tx) =>
			tx.query('select user_id, role, email from person where org_id = $1', [org.id])
		);
		expect(person).toEqual({ user_id: admin.id, role: 'admin', email: admin.email });

		// the admin signs in with the chosen password
		expect(await accounts.signIn(admin.email, PASSWORD, ip())).toEqual({
			ok: true,
			user: { id: admin.id, email: admin.email, orgId: org.id }
		});
		created(admin);
	});

	it('refuses a later setup, also after a restart (a fresh process)', async () => {
		const { organisations } = await freshModules(t());
		expect(await organisations.needsSetup()).toBe(false);
		expect(
			await organisations.setup({
				orgName: 'Overname BV',
				name: 'Eve',
				email: 'eve@overname.nl',
				password: PASSWORD
			})
		).toBeNull();
		expect(await countOf(t(), 'organisation')).toBe(1);
		expect(await countOf(t(), 'auth.users')).toBe(1);
	});
}

describe('first-run setup [postgres]', () => {
	let t: TestDb;
	beforeAll(async () => {
		t = await openTestDb('postgres');
	});
	afterAll(async () => {
		await t?.close();
	});
	firstRunSetup(() => t);
});

/** On PGlite, the default database: the first run, then everything in the organisation it made. */
describe('[pglite]', () => {
	let t: TestDb;
	let first: SignedInUser | undefined;
	let orgId: string;
	let orgName: string;
	let admin: Claims;
	let other: Org;

	const input = (name: string, email: string, extra: Partial<PersonInput> = {}): PersonInput => ({
		name,
		email,
		departmentId: null,
		role: 'staff',
		...extra
	});

	/** Adds a person as the admin and returns their invitation token. */
	async function invite(name: string, email: string, extra: Partial<PersonInput> = {}) {
		const result = await people.create(admin, input(name, email, extra));
		if (!result.ok) throw new Error(`could not invite ${email}: ${result.error}`);
		return result;
	}

	/** An invited person who accepted: an account with PASSWORD, and its claims. */
	async function member(name: string, email: string, extra: Partial<PersonInput> = {}) {
		const { id, token } = await invite(name, email, extra);
		const accepted = await accounts.acceptInvitation(token, PASSWORD);
		if (!accepted.ok) throw new Error(`could not accept for ${email}: ${accepted.reason}`);
		return { personId: id, user: accepted.user, claims: claimsFor(accepted.user.id, email) };
	}

	const personRow = (id: string) =>
		t.db
			.asService((tx) =>
				tx.query<{ name: string; email: string; role: string; user_id: string | null }>(
					'select name, email, role, user_id from person where id = $1',
					[id]
				)
			)
			.then(([row]) => row);

	beforeAll(async () => {
		t = await openTestDb('pglite');
		useDb(t.db);
	});
	afterAll(async () => {
		useDb(undefined);
		await t?.close();
	});

	describe('first-run setup', () => {
		firstRunSetup(
			() => t,
			(admin) => (first = admin)
		);
	});

	describe('accounts, invitations, people and departments', () => {
		beforeAll(async () => {
			if (!first) throw new Error('these tests work in the organisation of the first-run setup');
			orgId = first.orgId!;
			[{ name: orgName }] = await t.db.asService((tx) =>
				tx.query<{ name: string }>('select name from organisation where id = $1', [orgId])
			);
			admin = claimsFor(first.id, first.email);
			other = await createOrg(t.db, 'elders');
		});

		describe('signIn', () => {
			it('signs in with the right password', async () => {
				const { user } = await member('Kim de Vries', 'kim@test.nl');
				expect(await accounts.signIn('kim@test.nl', PASSWORD, ip())).toEqual({
					ok: true,
					user: { id: user.id, email: 'kim@test.nl', orgId }
				});
			});

			it('ignores the case of the email address', async () => {
				await member('Sam Bakker', 'sam@test.nl');
				expect(await accounts.signIn('Sam@Test.NL', PASSWORD, ip())).toMatchObject({ ok: true });
			});

			it('refuses a wrong password and an unknown email alike', async () => {
				await member('Noor Jansen', 'noor@test.nl');
				expect(await accounts.signIn('noor@test.nl', 'wrong password', ip())).toEqual({
					ok: false,
					reason: 'invalid'
				});
				expect(await accounts.signIn('nobody@test.nl', PASSWORD, ip())).toEqual({
					ok: false,
					reason: 'invalid'
				});
			});

			it('refuses an account without a password, and a person without an account', async () => {
				// the other organisation's people have accounts without a password set
				expect(await accounts.signIn(other.admin.email, '', ip())).toMatchObject({ ok: false });
				await invite('Nog Niet', 'nognietaangemeld@test.nl');
				expect(await accounts.signIn('nognietaangemeld@test.nl', PASSWORD, ip())).toEqual({
					ok: false,
					reason: 'invalid'
				});
			});

			// The stranger kept out and the owner let in (per account and address), on both
			// drivers: auth/sessions.test.ts.
			it('forgets the failures of an account at an address after a successful sign-in', async () => {
				await member('Fay Forget', 'fay@test.nl');
				const address = ip();
				for (let i = 0; i < 4; i++) await accounts.signIn('fay@test.nl', 'wrong', address);
				expect(await accounts.signIn('fay@test.nl', PASSWORD, address)).toMatchObject({ ok: true });
				for (let i = 0; i < 4; i++)
					expect(await accounts.signIn('fay@test.nl', 'wrong', address)).toMatchObject({
						reason: 'invalid'
					});
			});

			it('slows down an address after 20 failures, for every account', async () => {
				const address = ip();
				for (let i = 0; i < 10; i++)
					await accounts.signIn(`guess-${i}@test.nl`, 'wrong password', address);
				// one good sign-in from the address does not wipe its count (else a guesser with
				// one account of their own could reset it at will)
				expect(await accounts.signIn('kim@test.nl', PASSWORD, address)).toMatchObject({ ok: true });
				for (let i = 10; i < 20; i++)
					await accounts.signIn(`guess-${i}@test.nl`, 'wrong password', address);
				expect(await accounts.signIn('kim@test.nl', PASSWORD, address)).toMatchObject({
					ok: false,
					reason: 'throttled'
				});
				expect(await accounts.signIn('kim@test.nl', PASSWORD, ip())).toMatchObject({ ok: true });
			});
		});

		describe('invitations', () => {
			it('lets an invited person see the invitation and sign up once', async () => {
				const { id, token } = await invite('Ravi Peters', 'ravi@test.nl', { role: 'coach' });
				expect(token).toMatch(/^[\w-]{32}$/);
				expect(await accounts.findInvitation(token)).toEqual({
					name: 'Ravi Peters',
					email: 'ravi@test.nl',
					org_name: orgName
				});

				const accepted = await accounts.acceptInvitation(token, PASSWORD);
				expect(accepted).toEqual({
					ok: true,
					user: { id: expect.any(String), email: 'ravi@test.nl', orgId }
				});
				expect((await personRow(id)).user_id).toBe((accepted as { user: { id: string } }).user.id);
				expect(await accounts.signIn('ravi@test.nl', PASSWORD, ip())).toMatchObject({ ok: true });

				// the link is used up
				expect(await accounts.findInvitation(token)).toBeNull();
				expect(await accounts.acceptInvitation(token, 'another password')).toEqual({
					ok: false,
					reason: 'invalid'
				});
				expect(await accounts.signIn('ravi@test.nl', 'another password', ip())).toMatchObject({
					ok: false
				});
			});

			it('does not know made-up tokens', async () => {
				expect(await accounts.findInvitation('not-a-real-token')).toBeNull();
				expect(await accounts.acceptInvitation('not-a-real-token', PASSWORD)).toEqual({
					ok: false,
					reason: 'invalid'
				});
			});

			it('stops an old link when the admin invites again', async () => {
				const { id, token: first } = await invite('Rik Reinvite', 'rik@test.nl');
				const second = await people.reinvite(admin, id);
				expect(second).toEqual(expect.any(String));
				expect(second).not.toBe(first);

				expect(await accounts.findInvitation(first)).toBeNull();
				expect(await accounts.acceptInvitation(first, PASSWORD)).toEqual({
					ok: false,
					reason: 'invalid'
				});
				expect(await accounts.findInvitation(second!)).toMatchObject({ email: 'rik@test.nl' });
				expect(await accounts.acceptInvitation(second!, PASSWORD)).toMatchObject({ ok: true });
				// someone with an account gets no new invitation
				expect(await people.reinvite(admin, id)).toBeNull();
			});

			it('refuses an expired invitation', async () => {
				const { id, token } = await invite('Eva Expired', 'eva@test.nl');
				await t.db.asService((tx) =>
					tx.query(
						`update invitation set expires_at = now() - interval '1 minute' where person_id = $1`,
						[id]
					)
				);
				expect(await accounts.findInvitation(token)).toBeNull();
				expect(await accounts.acceptInvitation(token, PASSWORD)).toEqual({
					ok: false,
					reason: 'invalid'
				});
				expect((await personRow(id)).user_id).toBeNull();
			});

			it('refuses to sign up an email that already has an account elsewhere', async () => {
				await member('Kees Dubbel', 'kees@test.nl');
				const elsewhere = await people.create(other.admin.claims, input('Kees', 'kees@test.nl'));
				if (!elsewhere.ok) throw new Error(elsewhere.error);
				expect(await accounts.acceptInvitation(elsewhere.token, 'a different password')).toEqual({
					ok: false,
					reason: 'email_taken'
				});
				expect(await accounts.signIn('kees@test.nl', PASSWORD, ip())).toMatchObject({
					ok: true,
					user: { orgId }
				});
			});
		});

		describe('people', () => {
			it('changes the email of someone still invited, and the invitation follows', async () => {
				const { id, token } = await invite('Ingrid', 'ingrid@test.nl');
				expect(await people.update(admin, id, input('Ingrid Invited', 'ingrid.i@test.nl'))).toEqual(
					{
						ok: true
					}
				);
				expect(await personRow(id)).toMatchObject({
					name: 'Ingrid Invited',
					email: 'ingrid.i@test.nl'
				});
				expect(await accounts.findInvitation(token)).toMatchObject({ email: 'ingrid.i@test.nl' });
				const accepted = await accounts.acceptInvitation(token, PASSWORD);
				expect(accepted).toMatchObject({ ok: true, user: { email: 'ingrid.i@test.nl' } });
				expect(await accounts.signIn('ingrid.i@test.nl', PASSWORD, ip())).toMatchObject({
					ok: true
				});
			});

			it('keeps the email (the sign-in name) once someone has an account', async () => {
				const { personId } = await member('Anna Account', 'anna@test.nl');
				expect(
					await people.update(
						admin,
						personId,
						input('Anna Renamed', 'anna.new@test.nl', { role: 'coach' })
					)
				).toEqual({ ok: true });
				expect(await personRow(personId)).toMatchObject({
					name: 'Anna Renamed',
					email: 'anna@test.nl',
					role: 'coach'
				});
				expect(await accounts.signIn('anna@test.nl', PASSWORD, ip())).toMatchObject({ ok: true });
			});

			it('does not let an admin change their own role', async () => {
				const [self] = await t.db.asService((tx) =>
					tx.query<{ id: string }>('select id from person where user_id = $1', [admin.sub])
				);
				expect(
					await people.update(admin, self.id, input('Ada Admin', admin.email!, { role: 'coach' }))
				).toEqual({
					ok: false,
					error: 'own_role'
				});
				expect((await personRow(self.id)).role).toBe('admin');
				// but they can change their own name
				expect(
					await people.update(admin, self.id, input('Ada A.', admin.email!, { role: 'admin' }))
				).toEqual({
					ok: true
				});
				expect((await personRow(self.id)).name).toBe('Ada A.');
			});

			it('answers email_taken for an email already in the organisation', async () => {
				expect(await people.create(admin, input('Kim again', 'kim@test.nl'))).toEqual({
					ok: false,
					error: 'email_taken'
				});
				const { id } = await invite('Tom', 'tom@test.nl');
				expect(await people.update(admin, id, input('Tom', 'kim@test.nl'))).toEqual({
					ok: false,
					error: 'email_taken'
				});
			});

			it('answers department_unknown for a department of another organisation', async () => {
				expect(
					await people.create(
						admin,
						input('Dirk', 'dirk@test.nl', { departmentId: other.departmentId })
					)
				).toEqual({ ok: false, error: 'department_unknown' });
			});

			it('answers not_found for a person of another organisation, and leaves them be', async () => {
				expect(
					await people.update(admin, other.staff.personId, input('Hacked', 'x@test.nl'))
				).toEqual({
					ok: false,
					error: 'not_found'
				});
				expect(await people.reinvite(admin, other.staff.personId)).toBeNull();
				expect(await people.remove(admin, other.staff.personId)).toBeNull();
				expect(await personRow(other.staff.personId)).toMatchObject({ name: 'staff of elders' });
			});

			it('answers forbidden to a staff member who adds, changes or invites people', async () => {
				const { claims: staff, personId } = await member('Stijn Staff', 'stijn@test.nl');
				const { id: invited, token: inviteToken } = await invite('Iris Invited', 'iris@test.nl');
				const before = await t.db.asService((tx) => tx.query('select * from person order by id'));
				expect(await people.create(staff, input('Mallory', 'mallory@test.nl'))).toEqual({
					ok: false,
					error: 'forbidden'
				});
				// rows a staff member may read but not change are not found for them
				expect(await people.update(staff, invited, input('Iris', 'iris@test.nl'))).toEqual({
					ok: false,
					error: 'not_found'
				});
				expect(
					await people.update(staff, personId, input('Stijn', 'stijn@test.nl', { role: 'admin' }))
				).toEqual({ ok: false, error: 'own_role' });
				// no new link for them (today reinvite rejects with the database's RLS error: see report)
				const link = await people.reinvite(staff, invited).catch(() => null);
				expect(link).toBeNull();
				expect(await accounts.findInvitation(inviteToken)).toMatchObject({ email: 'iris@test.nl' });
				expect(await people.remove(staff, invited)).toBeNull();
				expect(await t.db.asService((tx) => tx.query('select * from person order by id'))).toEqual(
					before
				);
			});
		});

		describe('departments', () => {
			it('answers name_taken for a duplicate name, on create and on rename', async () => {
				expect(await departments.create(admin, { name: 'KCC', kind: 'contact_centre' })).toEqual({
					ok: true
				});
				expect(
					await departments.create(admin, { name: 'Vergunningen', kind: 'specialist' })
				).toEqual({
					ok: true
				});
				expect(await departments.create(admin, { name: 'KCC', kind: 'back_office' })).toEqual({
					ok: false,
					error: 'name_taken'
				});
				const list = await departments.list(admin);
				expect(list.map((d) => d.name)).toEqual(['KCC', 'Vergunningen']);
				const vergunningen = list.find((d) => d.name === 'Vergunningen')!;
				expect(
					await departments.update(admin, vergunningen.id, { name: 'KCC', kind: 'specialist' })
				).toEqual({
					ok: false,
					error: 'name_taken'
				});
				expect(
					await departments.update(admin, vergunningen.id, {
						name: 'Vergunning',
						kind: 'specialist'
					})
				).toEqual({
					ok: true
				});
			});

			it('allows the same name in another organisation', async () => {
				expect(
					await departments.create(admin, { name: 'Front office', kind: 'front_office' })
				).toEqual({
					ok: true
				});
			});

			it('answers forbidden to a staff member, and changes nothing', async () => {
				const { claims: staff } = await member('Sara Staff', 'sara@test.nl');
				const [kcc] = (await departments.list(staff)).filter((d) => d.name === 'KCC');
				expect(await departments.create(staff, { name: 'Schaduw', kind: 'specialist' })).toEqual({
					ok: false,
					error: 'forbidden'
				});
				expect(
					await departments.update(staff, kcc.id, { name: 'Gekaapt', kind: 'specialist' })
				).toMatchObject({ ok: false });
				expect(await departments.remove(staff, kcc.id)).toBe(false);
				expect((await departments.list(admin)).map((d) => d.name)).not.toContain('Schaduw');
				expect((await departments.list(admin)).map((d) => d.name)).toContain('KCC');
			});

			it('answers not_found for a department of another organisation', async () => {
				expect(
					await departments.update(admin, other.departmentId, {
						name: 'Hacked',
						kind: 'specialist'
					})
				).toEqual({ ok: false, error: 'not_found' });
			});
		});

		describe('changePassword', () => {
			it('keeps the password when the current one is wrong', async () => {
				const { claims } = await member('Piet Password', 'piet@test.nl');
				expect(
					await accounts.changePassword(claims, 'not my password', 'a brand new password')
				).toBe(false);
				expect(await accounts.signIn('piet@test.nl', PASSWORD, ip())).toMatchObject({ ok: true });
				expect(await accounts.signIn('piet@test.nl', 'a brand new password', ip())).toMatchObject({
					ok: false
				});
			});

			it('changes it when the current one is right: the new one signs in, the old one not', async () => {
				const { claims } = await member('Pim Password', 'pim@test.nl');
				expect(await accounts.changePassword(claims, PASSWORD, 'a brand new password')).toBe(true);
				expect(await accounts.signIn('pim@test.nl', 'a brand new password', ip())).toMatchObject({
					ok: true
				});
				expect(await accounts.signIn('pim@test.nl', PASSWORD, ip())).toEqual({
					ok: false,
					reason: 'invalid'
				});
			});
		});
	});
});
