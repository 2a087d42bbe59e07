/**
 * Sessions that end (issue 15, finding 8) and a throttle that keeps the stranger out but not the
 * owner (finding 9), through what the request hook and the sign-in form call: `authenticate`
 * reads the session cookie exactly as `hooks.server.ts` does. On PGlite and on PostgreSQL.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { useDb } from '../db';
import { createOrg, forEachDriver, type Member, type Org } from '../db/test-helpers';
import * as people from '../people';
import { hashPassword } from './accounts';
import { authenticate, changePassword, configureAuth, signIn, signOut } from './index';
import { SESSION_COOKIE } from './session';

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a brand new password';

/** A browser: its cookie jar, its address, and the request event the hook would see. */
function device(ip = '192.0.2.1', token?: string) {
	const jar = new Map<string, string>(token ? [[SESSION_COOKIE, token]] : []);
	const event = {
		cookies: {
			get: (name: string) => jar.get(name),
			getAll: () => [...jar].map(([name, value]) => ({ name, value })),
			set: (name: string, value: string) => jar.set(name, value),
			delete: (name: string) => jar.delete(name)
		},
		getClientAddress: () => ip,
		locals: { claims: null, user: null }
	} as unknown as RequestEvent;
	return {
		event,
		token: () => jar.get(SESSION_COOKIE),
		/** A request: the hook's sign-in (null when the session is refused). */
		async request() {
			event.locals.claims = await authenticate(event);
			return event.locals.claims;
		}
	};
}

forEachDriver('sessions and sign-in throttling', (t) => {
	let n = 0;
	let passwordHash: string;

	/** A new organisation whose people all sign in with PASSWORD. */
	async function org(): Promise<Org> {
		const o = await createOrg(t().db, `sessions-${++n}-${Date.now()}`);
		await t().db.asService((tx) =>
			tx.query('update auth.users set encrypted_password = $2 where id = any($1::uuid[])', [
				[o.admin.userId, o.coach.userId, o.staff.userId],
				passwordHash
			])
		);
		return o;
	}

	async function signedIn(who: Member, ip = '192.0.2.1') {
		const d = device(ip);
		expect(await signIn(d.event, who.email, PASSWORD)).toMatchObject({ ok: true });
		expect(await d.request()).toMatchObject({ sub: who.userId });
		return d;
	}

	/** The same token presented again later (a copied cookie, another tab). */
	const replay = (d: ReturnType<typeof device>) => device('192.0.2.99', d.token()).request();

	const edit = (o: Org, who: Member, role: Member['role'], name = `${who.role} of ${o.slug}`) =>
		people.update(o.admin.claims, who.personId, {
			name,
			email: who.email,
			departmentId: o.departmentId,
			role
		});

	beforeAll(async () => {
		useDb(t().db);
		configureAuth({ sessionSecret: 'a-local-session-secret-of-32-chars!!', secureCookies: false });
		passwordHash = await hashPassword(PASSWORD);
	});
	afterAll(() => useDb(undefined));

	it('signing out ends every session of the person, on every device', async () => {
		const o = await org();
		const laptop = await signedIn(o.staff);
		const tablet = await signedIn(o.staff, '192.0.2.2');
		const colleague = await signedIn(o.coach);
		await signOut(laptop.event);
		expect(laptop.token()).toBeUndefined();
		expect(await replay(laptop)).toBeNull(); // the copied cookie no longer signs in
		expect(await tablet.request()).toBeNull();
		expect(await colleague.request()).not.toBeNull(); // only that person's sessions
		expect(await (await signedIn(o.staff)).request()).not.toBeNull(); // and they can return
	});

	it('a new password ends the other sessions and keeps this device signed in', async () => {
		const o = await org();
		const here = await signedIn(o.staff);
		const old = here.token();
		const elsewhere = await signedIn(o.staff, '192.0.2.2');
		expect(
			await changePassword(here.event, here.event.locals.claims!, PASSWORD, NEW_PASSWORD)
		).toBe(true);
		expect(await elsewhere.request()).toBeNull();
		expect(await device('192.0.2.3', old).request()).toBeNull();
		expect(here.token()).not.toBe(old);
		expect(await here.request()).toMatchObject({ sub: o.staff.userId });
	});

	it('a wrong current password changes nothing and ends nothing', async () => {
		const o = await org();
		const here = await signedIn(o.staff);
		const elsewhere = await signedIn(o.staff, '192.0.2.2');
		const claims = here.event.locals.claims!;
		expect(await changePassword(here.event, claims, 'not my password', NEW_PASSWORD)).toBe(false);
		expect(await elsewhere.request()).not.toBeNull();
		expect(await here.request()).not.toBeNull();
	});

	it('a lower organisation role ends the sessions; a higher one or a new name does not', async () => {
		const o = await org();
		const coach = await signedIn(o.coach);
		const staff = await signedIn(o.staff);
		expect(await edit(o, o.staff, 'staff', 'Een nieuwe naam')).toMatchObject({ ok: true });
		expect(await edit(o, o.staff, 'coach')).toMatchObject({ ok: true });
		expect(await staff.request()).not.toBeNull();
		expect(await edit(o, o.coach, 'staff')).toMatchObject({ ok: true });
		expect(await coach.request()).toBeNull();
		expect(await replay(coach)).toBeNull();
	});

	it('removing a person ends their sessions, deleted or anonymised, with their account', async () => {
		const o = await org();
		const staff = await signedIn(o.staff);
		const admin = await signedIn(o.admin);
		expect(await people.remove(o.admin.claims, o.staff.personId)).toBe('deleted');
		expect(await staff.request()).toBeNull();
		expect(await replay(staff)).toBeNull();
		expect(await admin.request()).not.toBeNull();
		// a coach who recorded an evaluation stays in the evidence, anonymised
		const coach = await signedIn(o.coach);
		await t().db.asService((tx) =>
			tx.query(
				`with t as (insert into team (org_id, name) values ($1, 'Noord') returning id)
				 insert into evaluation (org_id, team_id, next_on, coach_id)
				 select $1, t.id, current_date + 14, $2 from t`,
				[o.id, o.coach.personId]
			)
		);
		expect(await people.remove(o.admin.claims, o.coach.personId)).toBe('anonymised');
		expect(await coach.request()).toBeNull();
		expect(await replay(coach)).toBeNull();
		expect(await signIn(device().event, o.coach.email, PASSWORD)).toMatchObject({ ok: false });
	});

	it('still deletes an account, or a whole organisation, with its people', async () => {
		const o = await org();
		await signedIn(o.staff);
		await t().db.asService(async (tx) => {
			await tx.query('delete from auth.users where id = $1', [o.staff.userId]);
			await tx.query('delete from organisation where id = $1', [o.id]);
		});
		const left = await t().db.asService((tx) =>
			tx.query('select 1 from person where org_id = $1', [o.id])
		);
		expect(left).toEqual([]);
	});

	it('lets no user read or change the session versions and the counters', async () => {
		const o = await org();
		for (const sql of [
			'select * from private.session_version',
			'select * from private.sign_in_failure',
			'delete from private.sign_in_failure',
			'select private.end_sessions(gen_random_uuid())'
		])
			await expect(
				t().db.asUser(o.admin.claims, (tx) => tx.query(sql)),
				sql
			).rejects.toThrow(/permission denied/);
	});

	it('keeps a stranger out after 5 wrong passwords, but lets the owner in from elsewhere', async () => {
		const o = await org();
		const attacker = device('203.0.113.7');
		const tries = [];
		for (let i = 0; i < 5; i++)
			tries.push(await signIn(attacker.event, o.staff.email, `wrong ${i}`));
		expect(tries.slice(0, 4).map((r) => r.ok || r.reason)).toEqual(Array(4).fill('invalid'));
		expect(tries[4]).toEqual({ ok: false, reason: 'throttled', wait: 30 });
		// the right password from the attacker's address waits too
		expect(await signIn(attacker.event, o.staff.email, PASSWORD)).toMatchObject({
			reason: 'throttled'
		});
		expect(attacker.token()).toBeUndefined();
		// the owner, from her own address, signs in at once
		const owner = device('192.0.2.50');
		expect(await signIn(owner.event, o.staff.email, PASSWORD)).toMatchObject({ ok: true });
		expect(await owner.request()).toMatchObject({ sub: o.staff.userId });
		// and a colleague behind the attacker's address is not locked out by 5 failures
		expect(await signIn(device('203.0.113.7').event, o.coach.email, PASSWORD)).toMatchObject({
			ok: true
		});
	});

	it('slows down an address after 20 failures, for every account, but not other addresses', async () => {
		const o = await org();
		const office = device('203.0.113.20');
		for (let i = 0; i < 20; i++)
			await signIn(office.event, `guess-${i}@${o.slug}.test`, 'wrong password');
		const refused = await signIn(office.event, o.admin.email, PASSWORD);
		expect(refused).toMatchObject({ ok: false, reason: 'throttled' });
		expect((refused as { wait: number }).wait).toBeGreaterThan(0);
		expect(await signIn(device('203.0.113.21').event, o.admin.email, PASSWORD)).toMatchObject({
			ok: true
		});
	});
});
