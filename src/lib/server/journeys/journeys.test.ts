/**
 * Journeys as service blueprints, on PGlite and on PostgreSQL: building a map as a team member,
 * moving stages and touchpoints, Undo, category mappings, the figures per touchpoint (checked by
 * hand and against summary() over the same categories), who may change what, and bad input.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { touchpointSchema, type TouchpointInput } from '$lib/schemas/journeys';
import { useDb, type Claims } from '../db';
import type { Db } from '../db/port';
import { claimsFor, createOrg, forEachDriver, type Org } from '../db/test-helpers';
import type { Period } from '../figures/period';
import * as teams from '../teams';
import * as journeys from '.';
import { summary } from '../figures/metrics';

/** A person added to an organisation (an auth user with a profile), through the service path. */
async function addPerson(db: Db, org: Org, name: string, role = 'staff') {
	return db.asService(async (tx) => {
		const userId = randomUUID();
		const email = `${name.toLowerCase()}-${randomBytes(3).toString('hex')}@${org.slug}.test`;
		await tx.query('insert into auth.users (id, email) values ($1, $2)', [userId, email]);
		const [p] = await tx.query<{ id: string }>(
			`insert into person (org_id, user_id, name, email, department_id, role)
			 values ($1, $2, $3, $4, $5, $6) returning id`,
			[org.id, userId, name, email, org.departmentId, role]
		);
		return { personId: p.id, claims: claimsFor(userId, email) };
	});
}

async function addTeam(db: Db, org: Org, name: string, members: string[]) {
	return db.asService(async (tx) => {
		const [team] = await tx.query<{ id: string }>(
			'insert into team (org_id, name, coach_id) values ($1, $2, $3) returning id',
			[org.id, name, org.coach.personId]
		);
		for (const person of members)
			await tx.query('insert into team_member (team_id, person_id, org_id) values ($1, $2, $3)', [
				team.id,
				person,
				org.id
			]);
		return team.id;
	});
}

async function addDepartment(db: Db, org: Org, name: string) {
	const [row] = await db.asService((tx) =>
		tx.query<{ id: string }>(
			`insert into department (org_id, name, kind) values ($1, $2, 'back_office') returning id`,
			[org.id, name]
		)
	);
	return row.id;
}

async function addCategory(db: Db, org: Org, name: string, normDays: number | null = null) {
	const [row] = await db.asService((tx) =>
		tx.query<{ id: string }>(
			`insert into category (org_id, name, norm_days) values ($1, $2, $3) returning id`,
			[org.id, name, normDays]
		)
	);
	return row.id;
}

const touchpoint = (stageId: string, name: string, more: Partial<TouchpointInput> = {}) =>
	touchpointSchema.parse({
		name,
		stageId,
		office: 'front_office',
		normUnit: 'calendar_days',
		...more
	});

function ok<T extends object>(result: journeys.JourneyResult<T>): T {
	if (!result.ok) throw new Error(`expected success, got ${result.error}`);
	return result;
}

/** Stage names with their touchpoints' names, in map order. */
async function layout(claims: Claims, teamId: string, journeyId: string) {
	const map = await journeys.get(claims, teamId, journeyId, { period: PERIOD });
	if (!map) throw new Error('map not visible');
	return map.stages.map((s) => [s.name, s.touchpoints.map((t) => t.name)]);
}

/** Everything a journey consists of, as the privileged path sees it (to prove nothing changed). */
function everything(db: Db, journeyId: string) {
	return db.asService(async (tx) => ({
		journey: await tx.query('select * from journey where id = $1', [journeyId]),
		stages: await tx.query('select * from stage where journey_id = $1 order by id', [journeyId]),
		touchpoints: await tx.query('select * from touchpoint where journey_id = $1 order by id', [
			journeyId
		]),
		mappings: await tx.query(
			`select tc.* from touchpoint_category tc join touchpoint t on t.id = tc.touchpoint_id
			  where t.journey_id = $1 order by tc.category_id`,
			[journeyId]
		),
		undo: await tx.query(
			'select change, subject, snapshot from journey_undo where journey_id = $1',
			[journeyId]
		)
	}));
}

/** Four weeks in January 2026 (the organisations are in Europe/Amsterdam: UTC+1). */
const PERIOD: Period = {
	weeks: 4,
	from: '2026-01-04T23:00:00.000Z',
	to: '2026-02-01T23:00:00.000Z',
	firstDay: '2026-01-05',
	lastDay: '2026-02-01'
};

forEachDriver('journeys', (t) => {
	let a: Org;
	let b: Org;
	let teamId: string;
	let otherTeamId: string;
	/** A member of the team; a member of another team; staff in no team. */
	let member: Claims;
	let otherMember: Claims;
	let outsider: Claims;
	let kcc: string;
	let collection: string;
	let journeyId: string;
	const stage: Record<string, string> = {};
	const tp: Record<string, string> = {};
	const cat: Record<string, string> = {};

	beforeAll(async () => {
		const db = t().db;
		useDb(db);
		const tag = randomBytes(3).toString('hex');
		a = await createOrg(db, `jr-a-${tag}`);
		b = await createOrg(db, `jr-b-${tag}`);
		const m = await addPerson(db, a, 'Kim');
		const o = await addPerson(db, a, 'Noor');
		const r = await addPerson(db, a, 'Ravi');
		member = m.claims;
		otherMember = o.claims;
		outsider = r.claims;
		teamId = await addTeam(db, a, 'Afval', [m.personId]);
		otherTeamId = await addTeam(db, a, 'Wijk', [o.personId]);
		kcc = a.departmentId;
		collection = await addDepartment(db, a, 'Afvalinzameling');
		cat.container = await addCategory(db, a, 'Container niet geleegd', 2);
		cat.bulky = await addCategory(db, a, 'Grofvuil', 2);
		cat.empty = await addCategory(db, a, 'Zonder meldingen', 5);
		cat.elsewhere = await addCategory(db, a, 'Bij een ander team');
	});

	afterAll(() => useDb(undefined));

	describe('building a map as a team member', () => {
		it('creates a journey in the team, owned by a person', async () => {
			const m = await t().db.asUser(member, (tx) =>
				tx.query<{ id: string }>(`select id from person where name = 'Kim'`)
			);
			journeyId = ok(
				await journeys.create(member, teamId, {
					name: 'Container niet geleegd',
					customerGroup: 'Inwoners',
					ownerId: m[0].id
				})
			).id;
			const list = await journeys.journeySummaries(member, teamId, { period: PERIOD });
			expect(list.journeys.map((j) => [j.name, j.ownerName, j.stages])).toEqual([
				['Container niet geleegd', 'Kim', 0]
			]);
		});

		it('adds stages in order and touchpoints at the end of their stage', async () => {
			for (const name of ['Melden', 'Beoordelen', 'Inzamelen'])
				stage[name] = ok(
					await journeys.addStage(member, journeyId, {
						name,
						customerAction: `klant: ${name}`,
						support: 'zaaksysteem'
					})
				).id;
			tp.report = ok(
				await journeys.addTouchpoint(
					member,
					journeyId,
					touchpoint(stage.Melden, 'Melding', {
						channel: 'app',
						departmentId: kcc,
						emotion: -2,
						normDays: 3,
						categories: [cat.container, cat.bulky]
					})
				)
			).id;
			tp.phone = ok(
				await journeys.addTouchpoint(
					member,
					journeyId,
					touchpoint(stage.Melden, 'Telefoon', { channel: 'phone', departmentId: kcc })
				)
			).id;
			tp.plan = ok(
				await journeys.addTouchpoint(
					member,
					journeyId,
					touchpoint(stage.Beoordelen, 'Inplannen', {
						departmentId: collection,
						office: 'back_office',
						line: 2
					})
				)
			).id;
			tp.collect = ok(
				await journeys.addTouchpoint(
					member,
					journeyId,
					touchpoint(stage.Inzamelen, 'Legen', {
						channel: 'in_person',
						departmentId: collection,
						categories: [cat.empty]
					})
				)
			).id;
			expect(await layout(member, teamId, journeyId)).toEqual([
				['Melden', ['Melding', 'Telefoon']],
				['Beoordelen', ['Inplannen']],
				['Inzamelen', ['Legen']]
			]);
			const map = await journeys.get(member, teamId, journeyId, { period: PERIOD });
			expect(map?.canEdit).toBe(true);
			expect(map?.stages[0].customerAction).toBe('klant: Melden');
			const plan = map?.stages[1].touchpoints[0];
			expect([plan?.office, plan?.line, plan?.departmentName]).toEqual([
				'back_office',
				2,
				'Afvalinzameling'
			]);
		});

		it('summarises the team’s journeys with handoffs, and lists the team’s categories', async () => {
			const list = await journeys.journeySummaries(member, teamId, { period: PERIOD });
			// KCC → KCC → Afvalinzameling → Afvalinzameling: one handoff.
			expect(list.journeys[0]).toMatchObject({ stages: 3, touchpoints: 4, mappedTouchpoints: 2 });
			expect(list.journeys[0].handoffs).toBe(1);
			const ids = await t().db.asUser(member, (tx) => journeys.teamCategoryIds(tx, teamId));
			expect(ids.sort()).toEqual([cat.container, cat.bulky, cat.empty].sort());
		});
	});

	describe('moving and Undo', () => {
		it('moves a touchpoint up and down within its stage', async () => {
			ok(await journeys.moveTouchpoint(member, journeyId, tp.phone, { direction: 'up' }));
			expect((await layout(member, teamId, journeyId))[0]).toEqual([
				'Melden',
				['Telefoon', 'Melding']
			]);
			const edge = await journeys.moveTouchpoint(member, journeyId, tp.phone, { direction: 'up' });
			expect(edge).toEqual({ ok: false, error: 'cannot_move' });
			ok(await journeys.moveTouchpoint(member, journeyId, tp.phone, { direction: 'down' }));
			expect((await layout(member, teamId, journeyId))[0]).toEqual([
				'Melden',
				['Melding', 'Telefoon']
			]);
		});

		it('moves a touchpoint to the next stage (first there) and back (last there)', async () => {
			ok(await journeys.moveTouchpoint(member, journeyId, tp.phone, { direction: 'right' }));
			expect(await layout(member, teamId, journeyId)).toEqual([
				['Melden', ['Melding']],
				['Beoordelen', ['Telefoon', 'Inplannen']],
				['Inzamelen', ['Legen']]
			]);
			ok(await journeys.moveTouchpoint(member, journeyId, tp.phone, { direction: 'left' }));
			expect((await layout(member, teamId, journeyId))[0]).toEqual([
				'Melden',
				['Melding', 'Telefoon']
			]);
		});

		it('drops a touchpoint at a place in another stage and lane; Undo puts it back', async () => {
			const before = await everything(t().db, journeyId);
			ok(
				await journeys.moveTouchpoint(member, journeyId, tp.report, {
					stageId: stage.Inzamelen,
					index: 1,
					office: 'back_office'
				})
			);
			expect(await layout(member, teamId, journeyId)).toEqual([
				['Melden', ['Telefoon']],
				['Beoordelen', ['Inplannen']],
				['Inzamelen', ['Legen', 'Melding']]
			]);
			const map = await journeys.get(member, teamId, journeyId, { period: PERIOD });
			expect(map?.stages[2].touchpoints[1].office).toBe('back_office');
			expect(map?.undo).toEqual({ change: 'touchpoint_move', subject: 'Melding' });

			expect(await journeys.undo(member, journeyId)).toEqual({
				ok: true,
				undone: { change: 'touchpoint_move', subject: 'Melding' }
			});
			const after = await everything(t().db, journeyId);
			expect({ ...after, undo: [] }).toEqual({ ...before, undo: [] });
			expect(after.undo).toEqual([]);
			expect(await journeys.undo(member, journeyId)).toEqual({
				ok: false,
				error: 'nothing_to_undo'
			});
		});

		it('reorders stages; Undo restores the order', async () => {
			ok(await journeys.moveStage(member, journeyId, stage.Inzamelen, { index: 0 }));
			ok(await journeys.moveStage(member, journeyId, stage.Melden, { direction: 'right' }));
			expect((await layout(member, teamId, journeyId)).map((s) => s[0])).toEqual([
				'Inzamelen',
				'Beoordelen',
				'Melden'
			]);
			expect(
				await journeys.moveStage(member, journeyId, stage.Melden, { direction: 'right' })
			).toEqual({ ok: false, error: 'cannot_move' });
			ok(await journeys.undo(member, journeyId));
			expect((await layout(member, teamId, journeyId)).map((s) => s[0])).toEqual([
				'Inzamelen',
				'Melden',
				'Beoordelen'
			]);
			ok(await journeys.moveStage(member, journeyId, stage.Inzamelen, { index: 2 }));
			expect((await layout(member, teamId, journeyId)).map((s) => s[0])).toEqual([
				'Melden',
				'Beoordelen',
				'Inzamelen'
			]);
		});

		it('Undo of a delete brings the touchpoint back with its id, place and categories', async () => {
			const before = await everything(t().db, journeyId);
			ok(await journeys.removeTouchpoint(member, journeyId, tp.report));
			const gone = await everything(t().db, journeyId);
			expect(gone.touchpoints.map((r) => r.id)).not.toContain(tp.report);
			expect(gone.mappings.map((r) => r.category_id)).not.toContain(cat.container);
			expect(await journeys.undo(member, journeyId)).toEqual({
				ok: true,
				undone: { change: 'touchpoint_remove', subject: 'Melding' }
			});
			const back = await everything(t().db, journeyId);
			expect({ ...back, undo: [] }).toEqual({ ...before, undo: [] });
		});

		it('Undo of a stage delete brings back its touchpoints and their categories', async () => {
			const before = await everything(t().db, journeyId);
			ok(await journeys.removeStage(member, journeyId, stage.Melden));
			expect((await layout(member, teamId, journeyId)).map((s) => s[0])).toEqual([
				'Beoordelen',
				'Inzamelen'
			]);
			ok(await journeys.undo(member, journeyId));
			const back = await everything(t().db, journeyId);
			expect({ ...back, undo: [] }).toEqual({ ...before, undo: [] });
		});

		it('Undo of an edit restores the fields', async () => {
			ok(
				await journeys.updateTouchpoint(
					member,
					journeyId,
					tp.plan,
					touchpoint(stage.Beoordelen, 'Herinzameling plannen', {
						departmentId: kcc,
						emotion: 1,
						painPoints: 'overtypen'
					})
				)
			);
			let map = await journeys.get(member, teamId, journeyId, { period: PERIOD });
			expect(map?.stages[1].touchpoints[0]).toMatchObject({
				name: 'Herinzameling plannen',
				departmentName: 'Front office',
				emotion: 1,
				painPoints: 'overtypen'
			});
			ok(await journeys.undo(member, journeyId));
			map = await journeys.get(member, teamId, journeyId, { period: PERIOD });
			expect(map?.stages[1].touchpoints[0]).toMatchObject({
				name: 'Inplannen',
				departmentName: 'Afvalinzameling',
				emotion: null,
				painPoints: '',
				line: 2,
				office: 'back_office'
			});
		});
	});

	describe('category mappings', () => {
		it('moves a category between touchpoints of the journey', async () => {
			ok(
				await journeys.updateTouchpoint(
					member,
					journeyId,
					tp.phone,
					touchpoint(stage.Melden, 'Telefoon', {
						channel: 'phone',
						departmentId: kcc,
						categories: [cat.bulky]
					})
				)
			);
			const map = await journeys.get(member, teamId, journeyId, { period: PERIOD });
			const [report, phone] = map!.stages[0].touchpoints;
			expect(report.categoryIds).toEqual([cat.container]);
			expect(phone.categoryIds).toEqual([cat.bulky]);
			expect(map!.categories.find((c) => c.id === cat.bulky)?.touchpointName).toBe('Telefoon');
			ok(await journeys.undo(member, journeyId));
			const back = await journeys.get(member, teamId, journeyId, { period: PERIOD });
			expect(back!.stages[0].touchpoints[0].categoryIds.sort()).toEqual(
				[cat.container, cat.bulky].sort()
			);
			expect(back!.stages[0].touchpoints[1].categoryIds).toEqual([]);
		});

		it('refuses a category mapped in another journey, and stores nothing of the change', async () => {
			const other = ok(
				await journeys.create(otherMember, otherTeamId, {
					name: 'Wijk',
					customerGroup: '',
					ownerId: null
				})
			).id;
			const otherStage = ok(
				await journeys.addStage(otherMember, other, {
					name: 'Melden',
					customerAction: '',
					support: ''
				})
			).id;
			ok(
				await journeys.addTouchpoint(
					otherMember,
					other,
					touchpoint(otherStage, 'Melding wijk', { categories: [cat.elsewhere] })
				)
			);
			const before = await everything(t().db, journeyId);
			const result = await journeys.updateTouchpoint(
				member,
				journeyId,
				tp.phone,
				touchpoint(stage.Melden, 'Andere naam', { categories: [cat.elsewhere] })
			);
			expect(result).toEqual({ ok: false, error: 'category_taken' });
			expect(await everything(t().db, journeyId)).toEqual(before);
		});
	});

	describe('figures per touchpoint', () => {
		// Container niet geleegd (norm 2 calendar days) and Grofvuil (norm 2) map to "Melding".
		// In the period: lead times 1, 2, 3, 5 days (Container) and 4 days (Grofvuil), one open
		// Container case, and a second Container report at the same address 4 days after the
		// first (a repeat by the default rule: location + category, 30 days).
		// Cases 6; closed 5 with lead hours 24, 48, 72, 96, 120:
		//   median 72 h = 3 d; p85 at rank 0.85 × 4 = 3.4: 96 + 0.4 × 24 = 105.6 h = 4.4 d.
		// Repeats 1 → rate 1/6. Within the category norm (≤ 2 days): 24 h and 48 h → 2/5.
		// The touchpoint's norm is 3 calendar days: 4.4 / 3 ≈ 1.47 → over the norm (≤ 1.5).
		// Outside the period (December 2025): one Container case that must not count.
		beforeAll(async () => {
			const reports: [string, string, string, number | null][] = [
				['c1', cat.container, '2026-01-06T09:00:00Z', 24],
				['c2', cat.container, '2026-01-10T09:00:00Z', 48],
				['c3', cat.container, '2026-01-12T09:00:00Z', 72],
				['c4', cat.container, '2026-01-14T09:00:00Z', 120],
				['b1', cat.bulky, '2026-01-15T09:00:00Z', 96],
				['c5', cat.container, '2026-01-20T09:00:00Z', null],
				['old', cat.container, '2025-12-10T09:00:00Z', 500]
			];
			const location: Record<string, string> = { c1: 'A', c2: 'A', b1: 'A' };
			await t().db.asService(async (tx) => {
				for (const [ext, category, received, hours] of reports)
					await tx.query(
						`insert into report (org_id, source, external_id, category_id, location_key,
						   received_at, resolved_at)
						 values ($1, 'test', $2, $3, $4, $5::timestamptz,
						   $5::timestamptz + make_interval(hours => $6::int))`,
						[a.id, ext, category, location[ext] ?? `L-${ext}`, received, hours]
					);
			});
		});

		it('shows volume, repeat rate, median and p85 lead time against the norm', async () => {
			const map = await journeys.get(member, teamId, journeyId, { period: PERIOD });
			expect(map?.canSeeCases).toBe(true);
			const report = map!.stages[0].touchpoints[0];
			expect(report.name).toBe('Melding');
			if (report.data.kind !== 'figures') throw new Error(`no figures: ${report.data.kind}`);
			const f = report.data.figures;
			expect([f.cases, f.repeats, f.closed, f.open]).toEqual([6, 1, 5, 1]);
			expect(f.repeatRate).toBeCloseTo(1 / 6, 9);
			expect(f.leadMedian).toBeCloseTo(3, 9);
			expect(f.leadP85).toBeCloseTo(4.4, 9);
			expect(f.withinNorm).toBeCloseTo(0.4, 9);
			expect(f.norm).toEqual({ days: 3, unit: 'calendar_days' });
			expect(f.status).toBe('over');
		});

		it('equals summary() over the same categories', async () => {
			const s = await t().db.asUser(member, (tx) =>
				summary(tx, { from: PERIOD.from, to: PERIOD.to, categories: [cat.container, cat.bulky] })
			);
			const map = await journeys.get(member, teamId, journeyId, { period: PERIOD });
			const data = map!.stages[0].touchpoints[0].data;
			if (data.kind !== 'figures') throw new Error('no figures');
			expect(data.figures.cases).toBe(s.cases);
			expect(data.figures.repeatRate).toBe(s.repeatRate);
			expect(data.figures.leadMedian).toBeCloseTo(s.leadTimeHours.median! / 24, 9);
			expect(data.figures.leadP85).toBeCloseTo(s.leadTimeHours.p85! / 24, 9);
			expect(data.figures.withinNorm).toBe(s.withinNorm);
		});

		it('tells "no categories mapped" from "no cases in the period"', async () => {
			const map = await journeys.get(member, teamId, journeyId, { period: PERIOD });
			const [phone] = map!.stages[0].touchpoints.slice(1);
			expect(phone.data).toEqual({ kind: 'unmapped' });
			const collect = map!.stages[2].touchpoints[0];
			expect(collect.data.kind).toBe('figures');
			if (collect.data.kind === 'figures') {
				expect(collect.data.figures.cases).toBe(0);
				// its category's norm (5 days) stands in for a touchpoint without one
				expect(collect.data.figures.norm).toEqual({ days: 5, unit: 'calendar_days' });
			}
		});

		it('names the worst touchpoint of each journey for the team page', async () => {
			const list = await journeys.journeySummaries(member, teamId, { period: PERIOD });
			expect(list.journeys[0].worst).toMatchObject({ name: 'Melding', reason: 'lead_time' });
		});

		it('gives the weekly trend of a touchpoint over the period', async () => {
			const trend = await journeys.trend(member, teamId, journeyId, tp.report, { period: PERIOD });
			expect(trend?.weeks.map((w) => [w.week, w.cases])).toEqual([
				['2026-01-05', 2],
				['2026-01-12', 3],
				['2026-01-19', 1],
				['2026-01-26', 0]
			]);
			expect(trend?.categories.map((c) => c.name)).toEqual(['Container niet geleegd', 'Grofvuil']);
			// p85 per week of resolution, in the card's unit (its norm: 3 calendar days):
			// c1 1 d; c2, c3 2 and 3 d → 2.85; b1, c4 4 and 5 d → 4.85
			expect(trend?.unit).toBe('calendar_days');
			expect(trend?.norm).toEqual({ days: 3, unit: 'calendar_days' });
			const p85 = trend!.weeks.map((w) =>
				w.leadP85 === null ? null : Number(w.leadP85.toFixed(9))
			);
			expect(p85).toEqual([1, 2.85, 4.85, null]);
		});

		it('draws the trend in working days when the touchpoint’s norm is in working days', async () => {
			const unit = (u: string) =>
				t().db.asService((tx) =>
					tx.query('update touchpoint set norm_unit = $2 where id = $1', [tp.report, u])
				);
			await unit('working_days');
			try {
				const trend = await journeys.trend(member, teamId, journeyId, tp.report, {
					period: PERIOD
				});
				expect(trend?.unit).toBe('working_days');
				expect(trend?.norm).toEqual({ days: 3, unit: 'working_days' });
				// working days in (received, resolved]: c1 Tue → Wed 1; c2 Sat → Mon 1, c3 Mon → Thu
				// 3 → 1 + 0.85 · 2 = 2.7; b1 Thu → Mon 2, c4 Wed → Mon 3 → 2.85
				const p85 = trend!.weeks.map((w) => w.leadP85);
				expect(p85[0]).toBe(1);
				expect(p85[1]).toBeCloseTo(2.7, 9);
				expect(p85[2]).toBeCloseTo(2.85, 9);
				expect(p85[3]).toBeNull();
				// the card says the same unit
				const card = trend!.touchpoint.data;
				expect(card.kind === 'figures' && card.figures.unit).toBe('working_days');
			} finally {
				await unit('calendar_days');
			}
		});

		it('shows staff outside the teams the map without case figures', async () => {
			const map = await journeys.get(outsider, teamId, journeyId, { period: PERIOD });
			expect(map?.canSeeCases).toBe(false);
			expect(map?.canEdit).toBe(false);
			const kinds = map!.stages.flatMap((s) => s.touchpoints.map((t) => t.data.kind));
			expect(new Set(kinds)).toEqual(new Set(['no_access']));
			const trend = await journeys.trend(outsider, teamId, journeyId, tp.report, {
				period: PERIOD
			});
			expect(trend?.weeks).toEqual([]);
		});
	});

	describe('who may change a journey', () => {
		it('a member of another team reads the map but changes nothing', async () => {
			const map = await journeys.get(otherMember, teamId, journeyId, { period: PERIOD });
			expect(map?.stages.length).toBe(3);
			expect(map?.canEdit).toBe(false);
			expect(map?.undo).toBeNull();
			const before = await everything(t().db, journeyId);
			expect(
				await journeys.addStage(otherMember, journeyId, {
					name: 'X',
					customerAction: '',
					support: ''
				})
			).toEqual({ ok: false, error: 'forbidden' });
			expect(
				await journeys.moveTouchpoint(otherMember, journeyId, tp.phone, { direction: 'up' })
			).toEqual({ ok: false, error: 'forbidden' });
			expect(await journeys.removeTouchpoint(otherMember, journeyId, tp.report)).toEqual({
				ok: false,
				error: 'forbidden'
			});
			expect(await journeys.undo(otherMember, journeyId)).toEqual({
				ok: false,
				error: 'forbidden'
			});
			expect(await journeys.remove(otherMember, journeyId)).toEqual({
				ok: false,
				error: 'forbidden'
			});
			expect(await everything(t().db, journeyId)).toEqual(before);
		});

		it('row level security refuses a direct write by staff outside the team', async () => {
			const before = await everything(t().db, journeyId);
			const rows = await t().db.asUser(outsider, (tx) =>
				tx.query(`update touchpoint set name = 'x' where journey_id = $1 returning id`, [journeyId])
			);
			expect(rows).toEqual([]);
			await expect(
				t().db.asUser(outsider, (tx) =>
					tx.query(
						`insert into stage (org_id, journey_id, position, name)
						 values ((select private.org_id()), $1, 9, 'x')`,
						[journeyId]
					)
				)
			).rejects.toThrow(/row-level security/);
			expect(
				await journeys.create(outsider, teamId, { name: 'X', customerGroup: '', ownerId: null })
			).toEqual({ ok: false, error: 'forbidden' });
			expect(await everything(t().db, journeyId)).toEqual(before);
		});

		it('the team’s coach and an admin may change it', async () => {
			const coachStage = ok(
				await journeys.addStage(a.coach.claims, journeyId, {
					name: 'Coach',
					customerAction: '',
					support: ''
				})
			).id;
			ok(await journeys.removeStage(a.admin.claims, journeyId, coachStage));
			expect((await layout(member, teamId, journeyId)).map((s) => s[0])).toEqual([
				'Melden',
				'Beoordelen',
				'Inzamelen'
			]);
		});

		it('another organisation sees nothing and changes nothing', async () => {
			expect(await journeys.get(b.admin.claims, teamId, journeyId)).toBeNull();
			expect(await t().db.asUser(b.admin.claims, (tx) => teams.get(tx, teamId))).toBeNull();
			const list = await journeys.journeySummaries(b.admin.claims, teamId);
			expect(list.journeys).toEqual([]);
			const before = await everything(t().db, journeyId);
			expect(
				await journeys.addStage(b.admin.claims, journeyId, {
					name: 'X',
					customerAction: '',
					support: ''
				})
			).toEqual({ ok: false, error: 'not_found' });
			expect(await journeys.removeTouchpoint(b.admin.claims, journeyId, tp.report)).toEqual({
				ok: false,
				error: 'not_found'
			});
			expect(
				await journeys.create(b.admin.claims, teamId, {
					name: 'X',
					customerGroup: '',
					ownerId: null
				})
			).toEqual({
				ok: false,
				error: 'not_found'
			});
			const seen = await t().db.asUser(b.admin.claims, (tx) =>
				tx.query(
					`select (select count(*) from journey where id = $1) as journeys,
					        (select count(*) from touchpoint where journey_id = $1) as touchpoints,
					        (select count(*) from journey_undo where journey_id = $1) as undo`,
					[journeyId]
				)
			);
			expect(seen).toEqual([{ journeys: 0, touchpoints: 0, undo: 0 }]);
			expect(await everything(t().db, journeyId)).toEqual(before);
		});
	});

	describe('bad input', () => {
		it('the form schema refuses an empty name and an emotion of 3', () => {
			const parsed = touchpointSchema.safeParse({
				name: '  ',
				stageId: stage.Melden,
				office: 'front_office',
				normUnit: 'calendar_days',
				emotion: '3'
			});
			expect(parsed.success).toBe(false);
			const issues = Object.fromEntries(
				parsed.error!.issues.map((i) => [String(i.path[0]), i.message])
			);
			expect(issues).toMatchObject({ name: 'required', emotion: 'invalid_choice' });
		});

		it('the server refuses them too, and a department of another organisation; nothing is stored', async () => {
			const before = await everything(t().db, journeyId);
			const bad: [Partial<TouchpointInput>, journeys.JourneyError][] = [
				[{ name: ' ' }, 'invalid'],
				[{ emotion: 3 }, 'invalid'],
				[{ departmentId: b.departmentId }, 'department_unknown'],
				[{ departmentId: randomUUID() }, 'department_unknown'],
				[{ stageId: randomUUID() }, 'stage_unknown'],
				[{ categories: [randomUUID()] }, 'category_unknown']
			];
			for (const [change, error] of bad) {
				const input = { ...touchpoint(stage.Melden, 'Nieuw'), ...change };
				expect(await journeys.addTouchpoint(member, journeyId, input)).toEqual({
					ok: false,
					error
				});
				expect(await journeys.updateTouchpoint(member, journeyId, tp.phone, input)).toEqual({
					ok: false,
					error
				});
			}
			expect(
				await journeys.addStage(member, journeyId, { name: '', customerAction: '', support: '' })
			).toEqual({ ok: false, error: 'invalid' });
			const owner = await journeys.update(member, journeyId, {
				name: 'X',
				customerGroup: '',
				ownerId: b.admin.personId
			});
			expect(owner).toEqual({ ok: false, error: 'owner_unknown' });
			expect(await everything(t().db, journeyId)).toEqual(before);
		});
	});
});
