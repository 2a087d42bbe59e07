import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from './port';
import { createTwoOrgs, forEachDriver, type Member, type Org } from './test-helpers';
import type { Claims, Row } from './types';

/** Everything in the four foundation tables, as the privileged path sees it. */
function snapshot(db: Db) {
	return db.asService(async (tx) => ({
		organisation: await tx.query('select * from organisation order by id'),
		department: await tx.query('select * from department order by id'),
		person: await tx.query('select * from person order by id'),
		invitation: await tx.query('select * from invitation order by id')
	}));
}

type Outcome = { rows: Row[] } | { error: string };

/** Runs one statement as a user; a refusal may be an error or simply no rows. */
async function as(db: Db, claims: Claims, sql: string, params: unknown[] = []): Promise<Outcome> {
	try {
		return { rows: await db.asUser(claims, (tx) => tx.query(sql, params)) };
	} catch (e) {
		return { error: (e as Error).message };
	}
}

const REFUSAL = /row-level security|permission denied|violates foreign key/;

/** The statement changed nothing: it failed (for the right reason) or reached no row. */
function expectRefused(outcome: Outcome) {
	if ('error' in outcome) expect(outcome.error).toMatch(REFUSAL);
	else expect(outcome.rows).toEqual([]);
}

/** The statement was refused, and the data is as it was before. */
async function expectNoChange(db: Db, attempt: () => Promise<Outcome>) {
	const before = await snapshot(db);
	const outcome = await attempt();
	expectRefused(outcome);
	expect(await snapshot(db)).toEqual(before);
}

function expectOk(outcome: Outcome): Row[] {
	if ('error' in outcome) throw new Error(`expected success, got: ${outcome.error}`);
	return outcome.rows;
}

forEachDriver('row level security', (t) => {
	let a: Org;
	let b: Org;
	/** An invitation in each organisation, for b's staff member (a not yet accepted one). */
	let invitationA: string;
	let invitationB: string;
	/** An auth user with no profile yet (signed up, not in any organisation). */
	let loneUserId: string;

	beforeAll(async () => {
		({ a, b } = await createTwoOrgs(t().db, 'rls'));
		[invitationA, invitationB] = await t().db.asService(async (tx) => {
			const ids: string[] = [];
			for (const org of [a, b]) {
				const [row] = await tx.query<{ id: string }>(
					`insert into invitation (org_id, person_id, token_hash, created_by)
					 values ($1, $2, $3, $4) returning id`,
					[org.id, org.staff.personId, randomBytes(16).toString('hex'), org.admin.personId]
				);
				ids.push(row.id);
			}
			loneUserId = randomUUID();
			await tx.query(`insert into auth.users (id, email) values ($1, 'lone@example.test')`, [
				loneUserId
			]);
			return ids;
		});
	});

	const members = (org: Org): Member[] => [org.admin, org.coach, org.staff];

	describe('members see their own organisation', () => {
		it.each(['admin', 'coach', 'staff'] as const)(
			'%s reads own organisation only',
			async (role) => {
				const me = a[role];
				const seen = await t().db.asUser(me.claims, async (tx) => ({
					organisation: (await tx.query<{ id: string }>('select id from organisation')).map(
						(r) => r.id
					),
					department: (await tx.query<{ org_id: string }>('select org_id from department')).map(
						(r) => r.org_id
					),
					person: (await tx.query<{ id: string }>('select id from person order by email')).map(
						(r) => r.id
					)
				}));
				expect(seen).toEqual({
					organisation: [a.id],
					department: [a.id],
					person: [a.admin.personId, a.coach.personId, a.staff.personId]
				});
			}
		);

		it('only admins read invitations, and only their own organisation’s', async () => {
			const read = (claims: Claims) =>
				t().db.asUser(claims, (tx) => tx.query<{ id: string }>('select id from invitation'));
			expect((await read(a.admin.claims)).map((r) => r.id)).toEqual([invitationA]);
			expect(await read(a.coach.claims)).toEqual([]);
			expect(await read(a.staff.claims)).toEqual([]);
		});
	});

	describe('a person of organisation A cannot reach organisation B', () => {
		it.each(['admin', 'coach', 'staff'] as const)('%s of A reads nothing of B', async (role) => {
			const [counts] = await t().db.asUser(a[role].claims, (tx) =>
				tx.query(
					`select
						(select count(*) from organisation where id = $1) as organisation,
						(select count(*) from department where org_id = $1) as department,
						(select count(*) from person where org_id = $1) as person,
						(select count(*) from invitation where org_id = $1) as invitation,
						(select count(*) from person where id = $2) as person_by_id,
						(select count(*) from invitation where id = $3) as invitation_by_id`,
					[b.id, b.staff.personId, invitationB]
				)
			);
			expect(counts).toEqual({
				organisation: 0,
				department: 0,
				person: 0,
				invitation: 0,
				person_by_id: 0,
				invitation_by_id: 0
			});
		});

		describe.each(['admin', 'coach', 'staff'] as const)('%s of A changes nothing of B', (role) => {
			const me = () => a[role].claims;
			it('cannot update B', async () => {
				const db = t().db;
				const attempts: [string, unknown[]][] = [
					[`update organisation set name = 'Hacked' where id = $1 returning id`, [b.id]],
					[`update department set name = 'Hacked' where org_id = $1 returning id`, [b.id]],
					[`update person set name = 'Hacked' where org_id = $1 returning id`, [b.id]],
					[`update person set role = 'staff' where id = $1 returning id`, [b.admin.personId]],
					[`update invitation set accepted_at = now() where org_id = $1 returning id`, [b.id]],
					[`update person set org_id = $1 where org_id = $1 returning id`, [b.id]]
				];
				for (const [sql, params] of attempts) {
					await expectNoChange(db, () => as(db, me(), sql, params));
				}
			});

			it('cannot delete from B', async () => {
				const db = t().db;
				for (const table of ['department', 'person', 'invitation']) {
					await expectNoChange(db, () =>
						as(db, me(), `delete from ${table} where org_id = $1 returning id`, [b.id])
					);
				}
				await expectNoChange(db, () =>
					as(db, me(), `delete from organisation where id = $1 returning id`, [b.id])
				);
			});

			it('cannot insert into B', async () => {
				const db = t().db;
				const attempts: [string, unknown[]][] = [
					[
						`insert into department (org_id, name, kind) values ($1, 'Planted', 'back_office') returning id`,
						[b.id]
					],
					[
						`insert into person (org_id, name, email) values ($1, 'Planted', 'planted@b.test') returning id`,
						[b.id]
					],
					[
						`insert into invitation (org_id, person_id, token_hash) values ($1, $2, 'planted') returning id`,
						[b.id, b.staff.personId]
					],
					[
						`insert into organisation (name, slug) values ('Planted', 'planted-${role}') returning id`,
						[]
					]
				];
				for (const [sql, params] of attempts) {
					await expectNoChange(db, () => as(db, me(), sql, params));
				}
			});
		});

		it('an admin of A cannot move A’s rows into B', async () => {
			const db = t().db;
			await expectNoChange(db, () =>
				as(db, a.admin.claims, `update person set org_id = $1 where id = $2 returning id`, [
					b.id,
					a.staff.personId
				])
			);
			await expectNoChange(db, () =>
				as(db, a.admin.claims, `update department set org_id = $1 where id = $2 returning id`, [
					b.id,
					a.departmentId
				])
			);
			await expectNoChange(db, () =>
				as(db, a.admin.claims, `update invitation set org_id = $1 where id = $2 returning id`, [
					b.id,
					invitationA
				])
			);
		});

		it('an admin of A cannot invite (into A) a person of B', async () => {
			const db = t().db;
			await expectNoChange(db, () =>
				as(
					db,
					a.admin.claims,
					`insert into invitation (org_id, person_id, token_hash) values ($1, $2, 'sneaky') returning id`,
					[a.id, b.staff.personId]
				)
			);
			await expectNoChange(db, () =>
				as(db, a.admin.claims, `update invitation set person_id = $1 where id = $2 returning id`, [
					b.staff.personId,
					invitationA
				])
			);
		});

		it('a department of B cannot be attached to a person of A, not even by the privileged path', async () => {
			const db = t().db;
			await expectNoChange(db, () =>
				as(db, a.admin.claims, `update person set department_id = $1 where id = $2 returning id`, [
					b.departmentId,
					a.staff.personId
				])
			);
			const before = await snapshot(db);
			await expect(
				db.asService((tx) =>
					tx.query('update person set department_id = $1 where id = $2', [
						b.departmentId,
						a.staff.personId
					])
				)
			).rejects.toThrow(/foreign key/);
			await expect(
				db.asService((tx) =>
					tx.query(
						`insert into person (org_id, name, email, department_id) values ($1, 'X', 'x@a.test', $2)`,
						[a.id, b.departmentId]
					)
				)
			).rejects.toThrow(/foreign key/);
			expect(await snapshot(db)).toEqual(before);
		});
	});

	describe('within their own organisation, staff and coaches only read', () => {
		describe.each(['coach', 'staff'] as const)('%s', (role) => {
			const me = () => a[role].claims;

			it('cannot add people or departments', async () => {
				const db = t().db;
				await expectNoChange(db, () =>
					as(
						db,
						me(),
						`insert into person (org_id, name, email) values ($1, 'New', 'new-${role}@a.test') returning id`,
						[a.id]
					)
				);
				await expectNoChange(db, () =>
					as(
						db,
						me(),
						`insert into department (org_id, name, kind) values ($1, 'New ${role}', 'specialist') returning id`,
						[a.id]
					)
				);
			});

			it('cannot change people, departments, the organisation or invitations', async () => {
				const db = t().db;
				const attempts: [string, unknown[]][] = [
					[`update person set name = 'Changed' where org_id = $1 returning id`, [a.id]],
					[`update person set department_id = null where org_id = $1 returning id`, [a.id]],
					[`update department set name = 'Changed' where org_id = $1 returning id`, [a.id]],
					[`update organisation set name = 'Changed' where id = $1 returning id`, [a.id]],
					[`update invitation set accepted_at = now() where org_id = $1 returning id`, [a.id]],
					[
						`insert into invitation (org_id, person_id, token_hash) values ($1, $2, 'mine') returning id`,
						[a.id, a[role].personId]
					]
				];
				for (const [sql, params] of attempts) {
					await expectNoChange(db, () => as(db, me(), sql, params));
				}
			});

			it('cannot remove people or departments', async () => {
				const db = t().db;
				for (const table of ['person', 'department', 'invitation']) {
					await expectNoChange(db, () =>
						as(db, me(), `delete from ${table} where org_id = $1 returning id`, [a.id])
					);
				}
			});

			it('cannot make themselves admin', async () => {
				const db = t().db;
				await expectNoChange(db, () =>
					as(db, me(), `update person set role = 'admin' where user_id = auth.uid() returning id`)
				);
				const [mine] = await db.asUser(me(), (tx) =>
					tx.query<{ role: string }>('select role from person where user_id = auth.uid()')
				);
				expect(mine.role).toBe(role);
			});
		});
	});

	describe('nobody changes person.user_id as a user', () => {
		it.each(['admin', 'coach', 'staff'] as const)('%s cannot relink a profile', async (role) => {
			const db = t().db;
			const me = a[role];
			// relink someone else's profile to an account without a profile
			await expectNoChange(db, () =>
				as(db, me.claims, `update person set user_id = $1 where id = $2 returning id`, [
					loneUserId,
					a.coach.personId
				])
			);
			// unlink one's own profile
			await expectNoChange(db, () =>
				as(db, me.claims, `update person set user_id = null where id = $1 returning id`, [
					me.personId
				])
			);
		});

		it('an admin cannot add a profile already linked to an account', async () => {
			const db = t().db;
			await expectNoChange(db, () =>
				as(
					db,
					a.admin.claims,
					`insert into person (org_id, user_id, name, email) values ($1, $2, 'Lone', 'lone@a.test') returning id`,
					[a.id, loneUserId]
				)
			);
		});
	});

	describe('admins manage their own organisation', () => {
		it('adds, renames and removes a department', async () => {
			const db = t().db;
			const [dept] = expectOk(
				await as(
					db,
					a.admin.claims,
					`insert into department (org_id, name, kind) values ($1, 'Back office', 'back_office') returning id`,
					[a.id]
				)
			) as { id: string }[];
			expect(
				expectOk(
					await as(
						db,
						a.admin.claims,
						`update department set name = 'Backstage' where id = $1 returning name`,
						[dept.id]
					)
				)
			).toEqual([{ name: 'Backstage' }]);
			expect(
				expectOk(
					await as(db, a.admin.claims, `delete from department where id = $1 returning id`, [
						dept.id
					])
				)
			).toHaveLength(1);
			const left = await db.asService((tx) =>
				tx.query('select 1 from department where id = $1', [dept.id])
			);
			expect(left).toEqual([]);
		});

		it('adds a person, changes their role and department, removes them', async () => {
			const db = t().db;
			const [person] = expectOk(
				await as(
					db,
					a.admin.claims,
					`insert into person (org_id, name, email) values ($1, 'Nieuw', 'nieuw@a.test') returning id, role`,
					[a.id]
				)
			) as { id: string; role: string }[];
			expect(person.role).toBe('staff');
			expect(
				expectOk(
					await as(
						db,
						a.admin.claims,
						`update person set role = 'coach', department_id = $2 where id = $1 returning role, department_id`,
						[person.id, a.departmentId]
					)
				)
			).toEqual([{ role: 'coach', department_id: a.departmentId }]);
			expect(
				expectOk(
					await as(db, a.admin.claims, `delete from person where id = $1 returning id`, [person.id])
				)
			).toHaveLength(1);
		});

		it('promotes a staff member and demotes them again', async () => {
			const db = t().db;
			for (const role of ['admin', 'staff']) {
				expect(
					expectOk(
						await as(
							db,
							a.admin.claims,
							`update person set role = $2 where id = $1 returning role`,
							[a.staff.personId, role]
						)
					)
				).toEqual([{ role }]);
			}
		});

		it('renames the organisation', async () => {
			const db = t().db;
			const rename = (name: string) =>
				as(db, a.admin.claims, `update organisation set name = $2 where id = $1 returning name`, [
					a.id,
					name
				]);
			expect(expectOk(await rename('Renamed'))).toEqual([{ name: 'Renamed' }]);
			expect(expectOk(await rename(`Organisation ${a.slug}`))).toHaveLength(1);
		});

		it('creates and revokes an invitation for one of their people', async () => {
			const db = t().db;
			const [inv] = expectOk(
				await as(
					db,
					a.admin.claims,
					`insert into invitation (org_id, person_id, token_hash, created_by) values ($1, $2, $3, $4) returning id`,
					[a.id, a.coach.personId, randomBytes(16).toString('hex'), a.admin.personId]
				)
			) as { id: string }[];
			expect(
				expectOk(
					await as(db, a.admin.claims, `delete from invitation where id = $1 returning id`, [
						inv.id
					])
				)
			).toHaveLength(1);
		});

		it('cannot remove themselves', async () => {
			const db = t().db;
			await expectNoChange(db, () =>
				as(db, a.admin.claims, `delete from person where id = $1 returning id`, [a.admin.personId])
			);
		});
	});

	describe('anonymous requests', () => {
		it('see zero rows in every table of schema public', async () => {
			const db = t().db;
			const tables = await db.asService((tx) =>
				tx.query<{ name: string }>(
					`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
					 where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm') order by 1`
				)
			);
			expect(tables.length).toBeGreaterThanOrEqual(4);
			for (const { name } of tables) {
				const [service] = await db.asService((tx) =>
					tx.query<{ n: number }>(`select count(*) as n from public."${name}"`)
				);
				const seen = await db
					.asAnon((tx) => tx.query<{ n: number }>(`select count(*) as n from public."${name}"`))
					.then(([r]) => r.n)
					.catch((e: Error) => e.message);
				if (typeof seen === 'string') expect(seen).toMatch(/permission denied/);
				else expect(seen, name).toBe(0);
				if (['organisation', 'department', 'person', 'invitation'].includes(name)) {
					expect(service.n, `${name} has rows to hide`).toBeGreaterThan(0);
				}
			}
		});

		it('cannot add, change or remove anything', async () => {
			const db = t().db;
			const attempts: [string, unknown[]][] = [
				[`insert into organisation (name, slug) values ('Anon', 'anon-org') returning id`, []],
				[
					`insert into person (org_id, name, email) values ($1, 'Anon', 'anon@a.test') returning id`,
					[a.id]
				],
				[`update person set role = 'admin' returning id`, []],
				[`update organisation set name = 'Anon' returning id`, []],
				[`delete from person returning id`, []],
				[`delete from invitation returning id`, []]
			];
			for (const [sql, params] of attempts) {
				await expectNoChange(db, async () => {
					try {
						return { rows: await db.asAnon((tx) => tx.query(sql, params)) };
					} catch (e) {
						return { error: (e as Error).message };
					}
				});
			}
		});
	});

	it('the fixtures are what the tests assume', () => {
		for (const org of [a, b]) {
			expect(members(org).map((m) => m.role)).toEqual(['admin', 'coach', 'staff']);
		}
	});
});
