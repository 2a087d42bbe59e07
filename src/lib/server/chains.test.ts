/**
 * Chains (customer groups): who keeps them, what is refused, and the chain's figures computed
 * over the cases of all its teams' journeys together, on PGlite and on PostgreSQL.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chainSchema } from '$lib/schemas/chains';
import * as chains from './chains';
import { useDb } from './db';
import { createTwoOrgs, forEachDriver, type Org } from './db/test-helpers';
import type { Row } from './db/types';

forEachDriver('chains', (t) => {
	let a: Org;
	let b: Org;
	const team: Record<string, string> = {};
	let inwoners: string;

	const service = (sql: string, params: unknown[] = []) =>
		t().db.asService((tx) => tx.query<Row>(sql, params));
	const one = async (sql: string, params: unknown[]) => String((await service(sql, params))[0].id);

	beforeAll(async () => {
		useDb(t().db);
		({ a, b } = await createTwoOrgs(t().db, 'chain'));
		// two teams, each with a journey whose one touchpoint has a category with closed cases:
		// lead times 1, 2 and 3 hours for Noord, 100 hours for Zuid (received this week − 2)
		const hours: Record<string, number[]> = { Noord: [1, 2, 3], Zuid: [100] };
		for (const name of ['Noord', 'Zuid']) {
			team[name] = await one(`insert into team (org_id, name) values ($1, $2) returning id`, [
				a.id,
				name
			]);
			const journey = await one(
				`insert into journey (org_id, team_id, name) values ($1, $2, 'Melding') returning id`,
				[a.id, team[name]]
			);
			const stage = await one(
				`insert into stage (org_id, journey_id, position, name) values ($1, $2, 1, 'Melden') returning id`,
				[a.id, journey]
			);
			const tp = await one(
				`insert into touchpoint (org_id, journey_id, stage_id, position, name) values ($1, $2, $3, 1, 'Bellen') returning id`,
				[a.id, journey, stage]
			);
			const cat = await one(`insert into category (org_id, name) values ($1, $2) returning id`, [
				a.id,
				`Categorie ${name}`
			]);
			await service(
				`insert into touchpoint_category (category_id, touchpoint_id, org_id) values ($1, $2, $3)`,
				[cat, tp, a.id]
			);
			for (const [i, h] of hours[name].entries())
				await service(
					`insert into report (org_id, source, external_id, category_id, received_at, resolved_at)
					 values ($1, 'chain', $2, $3, date_trunc('week', now()) - interval '10 days',
					         date_trunc('week', now()) - interval '10 days' + make_interval(hours => $4))`,
					[a.id, `${name}-${i}`, cat, h]
				);
		}
	});
	afterAll(() => useDb(undefined));

	it('coaches and admins add chains; staff and a taken name are refused, nothing saved', async () => {
		const made = await chains.create(a.coach.claims, { name: 'Inwoners' });
		expect(made.ok).toBe(true);
		inwoners = (made as { id: string }).id;
		expect((await chains.create(a.admin.claims, { name: 'Ondernemers' })).ok).toBe(true);
		expect(await chains.create(a.admin.claims, { name: 'Inwoners' })).toEqual({
			ok: false,
			error: 'name_taken'
		});
		expect(await chains.create(a.staff.claims, { name: 'Werkgevers' })).toEqual({
			ok: false,
			error: 'forbidden'
		});
		// a chain without a name: the form says so, and the database refuses it too
		expect(chainSchema.safeParse({ name: '   ' }).error?.issues[0].message).toBe('required');
		const raw = await t()
			.db.asUser(a.admin.claims, (tx) =>
				tx.query(`insert into chain (org_id, name) values ((select private.org_id()), ' ')`)
			)
			.catch((e: Error) => e.message);
		expect(raw).toMatch(/check constraint/);
		const names = await service('select name from chain where org_id = $1 order by name', [a.id]);
		expect(names.map((r) => r.name)).toEqual(['Inwoners', 'Ondernemers']);
	});

	it('places teams; another organisation and staff reach nothing', async () => {
		expect(await chains.placeTeam(a.coach.claims, team.Noord, inwoners)).toEqual({ ok: true });
		expect(await chains.placeTeam(a.admin.claims, team.Zuid, inwoners)).toEqual({ ok: true });
		expect(await chains.placeTeam(a.staff.claims, team.Zuid, null)).toEqual({
			ok: false,
			error: 'forbidden'
		});
		expect(await chains.placeTeam(b.admin.claims, team.Zuid, null)).toEqual({
			ok: false,
			error: 'not_found'
		});
		expect(await chains.page(b.admin.claims, inwoners)).toBeNull();
		const seen = await t().db.asUser(b.admin.claims, (tx) =>
			tx.query<Row>(
				'select (select count(*) from chain)::int as c, (select count(*) from chain_team)::int as t'
			)
		);
		expect(seen[0]).toEqual({ c: 0, t: 0 });
	});

	it("computes the chain's figures over all its cases, not as an average of its teams", async () => {
		const p = (await chains.page(a.coach.claims, inwoners))!;
		expect(p.chain.teams.map((x) => x.name)).toEqual(['Noord', 'Zuid']);
		expect(p.journeys.map((j) => j.teamName)).toEqual(['Noord', 'Zuid']);
		expect(p.categories).toBe(2);
		// lead times 1, 2, 3, 100 h: p85 at position 0.85 × 3 = 2.55 → 3 + 0.55 × 97 = 56.35
		// (the teams' own p85s, 2.7 and 100, average 51.35)
		expect(p.figures!.cases).toBe(4);
		expect(p.figures!.leadTimeHours.p85).toBeCloseTo(56.35);
		// silence over the same four cases: without contact activities a case's silence is its
		// lead time, so its p85 is the same 56.35 h; none is over the norm of 5 working days (the
		// longest, 100 h from a Friday 00:00, ends on Tuesday: 2 working days)
		expect(p.silence!.cases).toBe(4);
		expect(p.silence!.silenceHours.p85).toBeCloseTo(56.35);
		expect(p.silence!.silenceWorkingDays.p85).not.toBeNull();
		expect(p.silence!.overNormShare).toBe(0);
		// staff outside the teams see the chain, but no case figures
		const staff = (await chains.page(a.staff.claims, inwoners))!;
		expect(staff.figures?.cases ?? 0).toBe(0);
	});
});
