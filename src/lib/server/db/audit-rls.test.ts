/**
 * The audit trail follows the read rules of the tables it records (issue 15, finding 6): an
 * audit row copies the audited row's changed columns, so whoever may not read a row may not read
 * its trail either. For every table whose trigger writes to the audit trail, and for every kind
 * of reader, the audited rows a reader sees through the table's own policy are exactly the rows
 * whose trail they see. On PGlite and on PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { claimsFor, createTwoOrgs, forEachDriver, type Org } from './test-helpers';
import type { Claims, Queryable } from './types';

type Scope = 'A' | 'B' | 'X';

forEachDriver('the audit trail follows the read rules of what it records', (t) => {
	let a: Org;
	let b: Org;
	let readers: Record<string, Claims>;
	/** The audited rows, per table, per team (A and B of organisation a, X of organisation b). */
	const rows: Record<string, Record<Scope, string>> = {};
	let removedEvaluation: string;

	beforeAll(async () => {
		({ a, b } = await createTwoOrgs(t().db, 'audit'));
		const extra: Record<string, Claims> = {};
		await t().db.asService(async (tx) => {
			const one = async (sql: string, params: unknown[]) =>
				(await tx.query<{ id: string }>(sql, params))[0].id;
			const person = async (org: Org, name: string) => {
				const userId = randomUUID();
				const email = `${name}@${org.slug}.test`;
				await tx.query('insert into auth.users (id, email) values ($1, $2)', [userId, email]);
				extra[name] = claimsFor(userId, email);
				return one(
					`insert into person (org_id, user_id, name, email) values ($1, $2, $3, $4) returning id`,
					[org.id, userId, name, email]
				);
			};
			const team = async (org: Org, name: string, coach: string | null, member: string) => {
				const id = await one(
					`insert into team (org_id, name, coach_id) values ($1, $2, $3) returning id`,
					[org.id, name, coach]
				);
				await tx.query(`insert into team_member (team_id, person_id, org_id) values ($1, $2, $3)`, [
					id,
					member,
					org.id
				]);
				return id;
			};
			const teams: Record<Scope, { org: Org; id: string; member: string }> = {
				A: { org: a, id: '', member: await person(a, 'member-a') },
				B: { org: a, id: '', member: await person(a, 'member-b') },
				X: { org: b, id: '', member: b.staff.personId }
			};
			teams.A.id = await team(a, 'Afval', a.coach.personId, teams.A.member);
			teams.B.id = await team(a, 'Burgerzaken', null, teams.B.member);
			teams.X.id = await team(b, 'Elders', b.coach.personId, teams.X.member);
			for (const [scope, { org, id, member }] of Object.entries(teams) as [
				Scope,
				(typeof teams)['A']
			][]) {
				const add = (table: string, value: string) =>
					((rows[table] ??= {} as never)[scope] = value);
				const mandate = await one(
					`insert into mandate (org_id, team_id, decision_rights, created_by) values ($1, $2, '{"Openingstijden"}', $3) returning id`,
					[org.id, id, member]
				);
				add('mandate', mandate);
				add(
					'evaluation',
					await one(
						`insert into evaluation (org_id, team_id, held_on, next_on, results, blockers)
						 values ($1, $2, '2026-11-01', '2026-11-15', $3, 'Ziekteverzuim') returning id`,
						[org.id, id, `Kim functioneert niet (${scope})`]
					)
				);
				const cycle = await one(
					`insert into improvement_cycle (org_id, team_id, title) values ($1, $2, 'Sneller') returning id`,
					[org.id, id]
				);
				add('improvement_cycle', cycle);
				add(
					'decision_request',
					await one(
						`insert into decision_request (org_id, cycle_id, question, requested_by) values ($1, $2, 'Mag het?', $3) returning id`,
						[org.id, cycle, member]
					)
				);
				const idea = randomUUID();
				await tx.query(
					`insert into idea (id, org_id, submitter_id, body, team_id) values ($1, $2, $3, 'Meer bakken', $4)`,
					[idea, org.id, member, id]
				);
				await tx.query(
					`update idea set status = 'reviewing', status_reason = 'Bekijken' where id = $1`,
					[idea]
				);
				add('idea', idea);
			}
			// an evaluation that was recorded and then removed: its trail stays with its team
			removedEvaluation = await one(
				`insert into evaluation (org_id, team_id, next_on, results) values ($1, $2, current_date + 14, 'Weg') returning id`,
				[a.id, teams.A.id]
			);
			await tx.query('delete from evaluation where id = $1', [removedEvaluation]);
		});
		readers = {
			admin: a.admin.claims,
			'coach of team A': a.coach.claims,
			'member of team A': extra['member-a'],
			'member of team B': extra['member-b'],
			'staff outside the teams': a.staff.claims,
			'admin of another organisation': b.admin.claims
		};
	});

	const as = <T>(claims: Claims, fn: (tx: Queryable) => Promise<T>) => t().db.asUser(claims, fn);
	const scopesOf = (table: string, ids: string[]) =>
		(Object.entries(rows[table]) as [Scope, string][])
			.filter(([, id]) => ids.includes(id))
			.map(([scope]) => scope)
			.sort();

	/** The tables whose rows the audit trigger records, as the database says. */
	const auditedTables = () =>
		t().db.asService((tx) =>
			tx.query<{ name: string }>(
				`select distinct c.relname as name
				   from pg_trigger g join pg_class c on c.oid = g.tgrelid
				   join pg_namespace n on n.oid = c.relnamespace
				  where n.nspname = 'public' and g.tgfoid = 'private.audit()'::regprocedure
				  order by 1`
			)
		);

	it('has rows for every audited table, each with a trail', async () => {
		const tables = (await auditedTables()).map((r) => r.name);
		expect(tables).toEqual(Object.keys(rows).sort());
		const trail = await t().db.asService((tx) =>
			tx.query<{ entity: string; n: number }>(
				`select entity, count(distinct entity_id)::int as n from audit group by entity order by 1`
			)
		);
		expect(trail).toEqual([
			{ entity: 'decision_request', n: 3 },
			{ entity: 'evaluation', n: 4 },
			{ entity: 'idea', n: 3 },
			{ entity: 'improvement_cycle', n: 3 },
			{ entity: 'mandate', n: 3 }
		]);
	});

	for (const table of ['evaluation', 'mandate', 'improvement_cycle', 'decision_request', 'idea']) {
		it(`shows the trail of ${table} rows to exactly those who may read them`, async () => {
			const ids = Object.values(rows[table]);
			const seen: Record<string, { rows: Scope[]; trail: Scope[] }> = {};
			for (const [who, claims] of Object.entries(readers)) {
				const [own, trail] = await as(claims, (tx) =>
					Promise.all([
						tx.query<{ id: string }>(`select id from public."${table}" where id = any($1)`, [ids]),
						tx.query<{ id: string }>(
							`select distinct entity_id as id from audit where entity = $1 and entity_id = any($2)`,
							[table, ids]
						)
					])
				);
				seen[who] = {
					rows: scopesOf(
						table,
						own.map((r) => r.id)
					),
					trail: scopesOf(
						table,
						trail.map((r) => r.id)
					)
				};
			}
			for (const [who, { rows: readable, trail }] of Object.entries(seen))
				expect(trail, `${who} reads the trail of ${table} rows ${readable.join(', ')}`).toEqual(
					readable
				);
			// and the readers are who the table's policy names
			const readersOf = Object.fromEntries(Object.entries(seen).map(([w, s]) => [w, s.trail]));
			expect(readersOf).toEqual(
				table === 'evaluation'
					? {
							admin: ['A', 'B'],
							'coach of team A': ['A'],
							'member of team A': ['A'],
							'member of team B': ['B'],
							'staff outside the teams': [],
							'admin of another organisation': ['X']
						}
					: {
							admin: ['A', 'B'],
							'coach of team A': ['A', 'B'],
							'member of team A': ['A', 'B'],
							'member of team B': ['A', 'B'],
							'staff outside the teams': ['A', 'B'],
							'admin of another organisation': ['X']
						}
			);
		});
	}

	it("keeps a removed evaluation's trail, with its notes, for its team only", async () => {
		const trailOf = (claims: Claims) =>
			as(claims, (tx) =>
				tx.query<{ action: string }>(
					`select action from audit where entity = 'evaluation' and entity_id = $1 order by id`,
					[removedEvaluation]
				)
			);
		expect(await trailOf(readers['member of team A'])).toEqual([
			{ action: 'insert' },
			{ action: 'delete' }
		]);
		expect(await trailOf(readers['coach of team A'])).toHaveLength(2);
		expect(await trailOf(readers['staff outside the teams'])).toEqual([]);
		expect(await trailOf(readers['member of team B'])).toEqual([]);
		expect(await trailOf(readers['admin of another organisation'])).toEqual([]);
	});

	it('lets no reader find what an evaluation of another team said through the trail', async () => {
		const notes = (who: string) =>
			as(readers[who], (tx) =>
				tx.query<{ results: string }>(
					`select changes ->> 'results' as results from audit
					  where changes ->> 'results' like 'Kim functioneert niet%' order by 1`
				)
			);
		expect(await notes('staff outside the teams')).toEqual([]);
		expect(await notes('member of team B')).toEqual([{ results: 'Kim functioneert niet (B)' }]);
		expect(await notes('admin')).toEqual([
			{ results: 'Kim functioneert niet (A)' },
			{ results: 'Kim functioneert niet (B)' }
		]);
	});
});
