/**
 * Customer teams, their members, profiles and mandate, through the module the pages use, as the
 * people who use them — row level security decides. Runs on PGlite and on PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { db, useDb, type Claims } from './db';
import { claimsFor, createTwoOrgs, forEachDriver, type Org } from './db/test-helpers';
import { teamHeadlines } from './figures/headlines';
import { weekly } from './figures/metrics';
import { get as dataUpTo } from './figures/data-up-to';
import * as teams from './teams';

const team = (name: string) => ({
	name,
	customerGroup: 'Inwoners',
	purpose: '',
	coachId: null,
	cadenceDays: 14,
	compactSize: 2
});
const mandate = {
	decisionRights: ['Werkwijze KCC aanpassen', 'Teksten aan melders aanpassen'],
	boundaries: ['Geen formatiewijziging'],
	budgetLimit: 2500,
	escalationContact: 'Afdelingshoofd',
	reviewDate: '2027-01-31',
	note: ''
};

forEachDriver('customer teams', (t) => {
	let a: Org;
	let b: Org;
	let teamId: string;
	let otherTeamId: string;
	// a second staff member of a, who joins the other team only
	let outsider: { personId: string; claims: Claims };

	beforeAll(async () => {
		useDb(t().db);
		({ a, b } = await createTwoOrgs(t().db, 'teams'));
		outsider = await t().db.asService(async (tx) => {
			const userId = randomUUID();
			await tx.query('insert into auth.users (id, email) values ($1, $2)', [
				userId,
				`o@${a.slug}.test`
			]);
			const [p] = await tx.query<{ id: string }>(
				`insert into person (org_id, user_id, name, email, role) values ($1, $2, 'Olga', $3, 'staff') returning id`,
				[a.id, userId, `o@${a.slug}.test`]
			);
			return { personId: p.id, claims: claimsFor(userId) };
		});
	});

	it('lets coaches and admins create teams, not staff; the creating coach coaches it', async () => {
		const created = await teams.create(a.coach.claims, team('Afval'));
		expect(created.ok).toBe(true);
		teamId = created.ok ? created.id : '';
		const other = await teams.create(a.admin.claims, team('Belastingen'));
		otherTeamId = other.ok ? other.id : '';
		expect(await teams.create(a.staff.claims, team('Eigen team'))).toEqual({
			ok: false,
			error: 'forbidden'
		});
		expect(await teams.create(a.coach.claims, team('Afval'))).toEqual({
			ok: false,
			error: 'name_taken'
		});
		const row = await db().asUser(a.staff.claims, (tx) => teams.get(tx, teamId));
		expect(row).toMatchObject({
			name: 'Afval',
			coachId: a.coach.personId,
			canEdit: false,
			canManage: false
		});
		expect(await db().asUser(b.admin.claims, (tx) => teams.get(tx, teamId))).toBeNull();
	});

	it('lets the coach add members; a plain member cannot, a lead can', async () => {
		expect(
			await teams.addMember(a.coach.claims, teamId, {
				personId: a.staff.personId,
				teamRole: 'member',
				departmentId: null
			})
		).toEqual({ ok: true });
		expect(
			await teams.addMember(a.staff.claims, teamId, {
				personId: a.admin.personId,
				teamRole: 'member',
				departmentId: null
			})
		).toEqual({ ok: false, error: 'forbidden' });
		expect(
			await teams.addMember(a.coach.claims, teamId, {
				personId: a.staff.personId,
				teamRole: 'lead',
				departmentId: null
			})
		).toEqual({ ok: false, error: 'already_member' });
		await teams.updateMember(a.coach.claims, teamId, {
			personId: a.staff.personId,
			teamRole: 'lead',
			departmentId: a.departmentId
		});
		expect(
			await teams.addMember(a.staff.claims, teamId, {
				personId: a.admin.personId,
				teamRole: 'expert',
				departmentId: null
			})
		).toEqual({ ok: true });
		// a person of another organisation cannot be added
		expect(
			await teams.addMember(a.coach.claims, teamId, {
				personId: b.staff.personId,
				teamRole: 'member',
				departmentId: null
			})
		).toMatchObject({ ok: false });
		const members = await db().asUser(a.coach.claims, (tx) => teams.members(tx, teamId));
		expect(members.map((m) => [m.teamRole, m.departmentId])).toEqual([
			['lead', a.departmentId],
			['expert', a.departmentId] // the person's own department by default
		]);
		await teams.addMember(a.admin.claims, otherTeamId, {
			personId: outsider.personId,
			teamRole: 'member',
			departmentId: null
		});
	});

	it('lets a lead change the settings, never the coach; an admin appoints only a coach', async () => {
		const settings = { ...team('Afval'), coachId: a.coach.personId, cadenceDays: 21 };
		const coach = async () =>
			(await db().asUser(a.coach.claims, (tx) => teams.get(tx, teamId)))?.coachId;
		// the lead (organisation role staff) keeps the coach and changes the rest
		expect(await teams.update(a.staff.claims, teamId, settings)).toEqual({ ok: true });
		// ... but may not make herself (or nobody) the coach: refused, nothing changed
		for (const coachId of [a.staff.personId, null])
			expect(
				await teams.update(a.staff.claims, teamId, { ...settings, coachId, cadenceDays: 7 })
			).toEqual({ ok: false, error: 'forbidden' });
		expect(await db().asUser(a.coach.claims, (tx) => teams.get(tx, teamId))).toMatchObject({
			coachId: a.coach.personId,
			cadenceDays: 21,
			isCoach: true
		});
		// an admin cannot appoint a staff member either, only a coach or an admin
		expect(
			await teams.update(a.admin.claims, teamId, { ...settings, coachId: a.staff.personId })
		).toEqual({ ok: false, error: 'forbidden' });
		expect(await coach()).toBe(a.coach.personId);
		expect(
			await teams.update(a.admin.claims, teamId, { ...settings, coachId: a.admin.personId })
		).toEqual({ ok: true });
		expect(await coach()).toBe(a.admin.personId);
		expect(await teams.update(a.admin.claims, teamId, settings)).toEqual({ ok: true });
		expect(await coach()).toBe(a.coach.personId);
	});

	it('no longer names a demoted coach as the team coach, nor lets them act as one', async () => {
		const setRole = (role: string) =>
			t().db.asService((tx) =>
				tx.query('update person set role = $2 where id = $1', [a.coach.personId, role])
			);
		const seen = () => db().asUser(a.staff.claims, (tx) => teams.get(tx, teamId));
		expect(await seen()).toMatchObject({
			coachId: a.coach.personId,
			coachName: expect.any(String)
		});
		await setRole('staff');
		try {
			// the pointer stays (an admin appoints a new coach) but nobody is shown as coach
			expect(await seen()).toMatchObject({ coachId: a.coach.personId, coachName: null });
			expect((await teams.list(a.staff.claims)).find((x) => x.id === teamId)?.coachName).toBeNull();
			const asFormer = await db().asUser(a.coach.claims, (tx) => teams.get(tx, teamId));
			expect(asFormer?.isCoach ?? false).toBe(false);
		} finally {
			await setRole('coach');
		}
	});

	it('shows departments that own touchpoints but are not represented, and warns past the compact size', async () => {
		const [dept] = await t().db.asService((tx) =>
			tx.query<{ id: string }>(
				`insert into department (org_id, name, kind) values ($1, 'Afvalinzameling', 'back_office') returning id`,
				[a.id]
			)
		);
		await db().asUser(a.staff.claims, async (tx) => {
			const [j] = await tx.query<{ id: string }>(
				`insert into journey (org_id, team_id, name) values ($1, $2, 'Container') returning id`,
				[a.id, teamId]
			);
			const [s] = await tx.query<{ id: string }>(
				`insert into stage (org_id, journey_id, position, name) values ($1, $2, 0, 'Melden') returning id`,
				[a.id, j.id]
			);
			for (const [i, d] of [a.departmentId, dept.id, dept.id].entries()) {
				await tx.query(
					`insert into touchpoint (org_id, journey_id, stage_id, position, name, department_id)
					 values ($1, $2, $3, $4, $5, $6)`,
					[a.id, j.id, s.id, i, `Contact ${i}`, d]
				);
			}
		});
		let c = await db().asUser(a.coach.claims, (tx) => teams.composition(tx, teamId, 2));
		expect(c.gaps).toEqual([{ id: dept.id, name: 'Afvalinzameling', touchpoints: 2 }]);
		expect(c.size).toBe(2);
		await teams.addMember(a.coach.claims, teamId, {
			personId: a.coach.personId,
			teamRole: 'member',
			departmentId: dept.id
		});
		c = await db().asUser(a.coach.claims, (tx) => teams.composition(tx, teamId, 2));
		expect(c.gaps).toEqual([]);
		expect(c.size).toBeGreaterThan(c.compactSize);
	});

	it('keeps self-assessed profiles private and shows the spread from three answers', async () => {
		const scores = (n: number) => ({
			outside_in: n,
			proactive: n,
			critical: null,
			analytical: n,
			responsible: n,
			contrarian: n
		});
		expect(await teams.saveProfile(a.staff.claims, teamId, scores(2))).toEqual({ ok: true });
		expect(await teams.saveProfile(a.admin.claims, teamId, scores(4))).toEqual({ ok: true });
		// not a member of this team: nothing stored
		expect(await teams.saveProfile(outsider.claims, teamId, scores(5))).toEqual({
			ok: false,
			error: 'forbidden'
		});
		const others = await db().asUser(a.coach.claims, (tx) =>
			tx.query('select * from team_member_profile where team_id = $1', [teamId])
		);
		expect(others).toEqual([]);
		let spread = await db().asUser(a.coach.claims, (tx) => teams.composition(tx, teamId, 12));
		expect(spread.spread.find((s) => s.trait === 'proactive')).toMatchObject({
			answers: 2,
			lowest: null,
			mean: null
		});
		await teams.saveProfile(a.coach.claims, teamId, scores(3));
		spread = await db().asUser(a.staff.claims, (tx) => teams.composition(tx, teamId, 12));
		expect(spread.spread.find((s) => s.trait === 'proactive')).toMatchObject({
			answers: 3,
			lowest: 2,
			highest: 4,
			mean: 3
		});
		expect(spread.spread.find((s) => s.trait === 'critical')).toMatchObject({
			answers: 0,
			lowest: null
		});
		expect(await db().asUser(a.staff.claims, (tx) => teams.myProfile(tx, teamId))).toMatchObject({
			proactive: 2
		});
	});

	it('versions the mandate: the team drafts, only the coach approves, approved versions never change', async () => {
		const draft = await teams.draftMandate(a.staff.claims, teamId, mandate);
		expect(draft).toEqual({ ok: true, version: 1 });
		// a member of another team reads but does not draft
		expect(await teams.draftMandate(outsider.claims, teamId, mandate)).toEqual({
			ok: false,
			error: 'forbidden'
		});
		let versions = await db().asUser(outsider.claims, (tx) => teams.mandates(tx, teamId));
		expect(versions).toHaveLength(1);
		expect(teams.currentMandate(versions)).toBeNull();
		const id = versions[0].id;
		expect(await teams.approveMandate(a.staff.claims, teamId, id, '2026-11-20')).toEqual({
			ok: false,
			error: 'forbidden'
		});
		expect(await teams.approveMandate(a.coach.claims, teamId, id, '2026-11-20')).toEqual({
			ok: true
		});
		expect(await teams.approveMandate(a.coach.claims, teamId, id, '2026-11-21')).toEqual({
			ok: false,
			error: 'forbidden'
		});
		await expect(
			db().asUser(a.coach.claims, (tx) =>
				tx.query(`update mandate set decision_rights = '{alles}' where id = $1`, [id])
			)
		).rejects.toThrow(/approved|append-only/);
		await expect(
			db().asUser(a.admin.claims, (tx) =>
				tx.query('delete from mandate where id = $1 returning id', [id])
			)
		).resolves.toEqual([]);
		expect(
			await teams.draftMandate(a.staff.claims, teamId, { ...mandate, decisionRights: ['Alles'] })
		).toEqual({
			ok: true,
			version: 2
		});
		versions = await db().asUser(a.staff.claims, (tx) => teams.mandates(tx, teamId));
		const current = teams.currentMandate(versions);
		expect(current).toMatchObject({
			version: 1,
			approvedOn: '2026-11-20',
			decisionRights: mandate.decisionRights
		});
		expect(current?.approvedByName).toBe(`coach of ${a.slug}`);
		const audit = await db().asUser(a.staff.claims, (tx) =>
			teams.auditTrail(tx, teamId, 'mandate')
		);
		expect(audit.map((e) => [e.action, e.actor])).toEqual(
			[
				['insert', `staff of ${a.slug}`],
				['update', `coach of ${a.slug}`],
				['insert', `staff of ${a.slug}`]
			].reverse()
		);
		expect(await db().asUser(b.admin.claims, (tx) => teams.mandates(tx, teamId))).toEqual([]);
	});

	it('has four eyes on the mandate: nobody approves a version they drafted', async () => {
		const draft = await teams.draftMandate(a.coach.claims, teamId, {
			...mandate,
			decisionRights: ['Alles beslissen zonder coach'],
			budgetLimit: 1000000
		});
		if (!draft.ok) throw new Error(draft.error);
		const own = (await db().asUser(a.coach.claims, (tx) => teams.mandates(tx, teamId))).find(
			(m) => m.version === draft.version
		);
		expect(await teams.approveMandate(a.coach.claims, teamId, own!.id, '2026-11-20')).toEqual({
			ok: false,
			error: 'forbidden'
		});
		const after = await db().asUser(a.coach.claims, (tx) => teams.mandates(tx, teamId));
		expect(teams.currentMandate(after)?.version).not.toBe(draft.version);
	});

	it('lets team members see case data; staff outside every team do not', async () => {
		const [cat] = await t().db.asService(async (tx) => {
			const rows = await tx.query<{ id: string }>(
				`insert into category (org_id, name) values ($1, 'Container niet geleegd') returning id`,
				[a.id]
			);
			for (const [i, weeksAgo] of [1, 1, 2, 3].entries()) {
				await tx.query(
					`insert into report (org_id, source, external_id, category_id, received_at, resolved_at, location_key)
					 values ($1, 'test', $2, $3, now() - make_interval(weeks => $4), now() - make_interval(weeks => $4) + interval '1 day', 'adres')`,
					[a.id, `R${i}`, rows[0].id, weeksAgo]
				);
			}
			return rows;
		});
		const [tp] = await db().asUser(a.staff.claims, (tx) =>
			tx.query<{ id: string }>(`select id from touchpoint where name = 'Contact 0'`)
		);
		await db().asUser(a.staff.claims, (tx) =>
			tx.query(
				'insert into touchpoint_category (category_id, touchpoint_id, org_id) values ($1, $2, $3)',
				[cat.id, tp.id, a.id]
			)
		);
		const count = (claims: Claims) =>
			db().asUser(claims, async (tx) => (await tx.query('select id from report')).length);
		expect(await count(a.staff.claims)).toBe(4); // a team member
		expect(await count(outsider.claims)).toBe(4); // a member of another team
		await teams.removeMember(a.admin.claims, otherTeamId, outsider.personId);
		expect(await count(outsider.claims)).toBe(0);

		const figures = await db().asUser(a.staff.claims, (tx) => teamHeadlines(tx, teamId));
		expect(figures.categories).toBe(1);
		const cases = figures.headlines.find((h) => h.metric === 'repeat_rate')!;
		expect(cases.weeks).toHaveLength(26);
		// four reports at one address within 30 days: three repeats of four
		const repeats = await db().asUser(a.staff.claims, (tx) =>
			tx.query<{ n: number }>(
				`select (public.case_summary(null, null, $1::uuid[])->'repeats'->>'total')::int as n`,
				[[cat.id]]
			)
		);
		expect(repeats[0].n).toBe(3);
		// three weeks with reports; the last of them counts only when the data reaches its Sunday
		// (an incomplete week is left out, never drawn as a drop)
		const upTo = await dataUpTo(a.staff.claims);
		const lastWeekComplete = new Date(`${upTo.lastDay}T00:00:00Z`).getUTCDay() === 0;
		expect(cases.weeks.filter((w) => w.value !== null)).toHaveLength(lastWeekComplete ? 3 : 2);
		expect(cases.weeks.filter((w) => w.week >= upTo.incompleteFrom!).map((w) => w.value)).toEqual(
			cases.weeks.filter((w) => w.week >= upTo.incompleteFrom!).map(() => null)
		);
		// lead time in the unit of the team's one norm, with the norm as target (assurance icon)
		expect(figures.headlines.find((h) => h.metric === 'lead_p85')).toMatchObject({
			unit: 'calendar_days',
			target: null
		});
		const norm = (days: number, unit: string) =>
			t().db.asService((tx) =>
				tx.query('update category set norm_days = $2, norm_unit = $3 where id = $1', [
					cat.id,
					days,
					unit
				])
			);
		await norm(2, 'working_days');
		const inWorkingDays = await db().asUser(a.staff.claims, async (tx) => ({
			tiles: await teamHeadlines(tx, teamId),
			weeks: await weekly(tx, { categories: [cat.id] })
		}));
		const lead = inWorkingDays.tiles.headlines.find((h) => h.metric === 'lead_p85')!;
		expect(lead).toMatchObject({ unit: 'working_days', target: 2 });
		const byWeek = new Map(inWorkingDays.weeks.map((w) => [w.week, w.leadP85WorkingDays]));
		const shown = lead.weeks.filter((w) => w.value !== null);
		expect(shown.length).toBeGreaterThan(0);
		for (const w of shown) expect(w.value).toBe(byWeek.get(w.week));
		// the other tiles stay in calendar days
		expect(inWorkingDays.tiles.headlines.find((h) => h.metric === 'silence_p85')?.unit).toBe(
			'calendar_days'
		);
		await norm(3, 'calendar_days');
		const inDays = await db().asUser(a.staff.claims, (tx) => teamHeadlines(tx, teamId));
		expect(inDays.headlines.find((h) => h.metric === 'lead_p85')).toMatchObject({
			unit: 'calendar_days',
			target: 3
		});
		const none = await db().asUser(outsider.claims, (tx) => teamHeadlines(tx, teamId));
		expect(
			none.headlines.every((h) => h.weeks.every((w) => w.value === null || w.value === 0))
		).toBe(true);
	});

	it('lets members leave, and only the coach, a lead or an admin remove others', async () => {
		expect(await teams.removeMember(outsider.claims, teamId, a.coach.personId)).toEqual({
			ok: false,
			error: 'forbidden'
		});
		expect(await teams.removeMember(a.admin.claims, teamId, a.admin.personId)).toEqual({
			ok: true
		});
	});
});

describe('team schema', () => {
	it('reads mandate lines and rejects dates that do not exist', async () => {
		const { mandateSchema, approveSchema } = await import('$lib/schemas/teams');
		const parsed = mandateSchema.parse({
			decisionRights: ' a \r\n\r\nb\n',
			boundaries: '',
			budgetLimit: '1.500,50'.replace('.', ''),
			escalationContact: '',
			reviewDate: ''
		});
		expect(parsed).toMatchObject({
			decisionRights: ['a', 'b'],
			boundaries: [],
			budgetLimit: 1500.5
		});
		expect(mandateSchema.safeParse({ decisionRights: '  \n ' }).success).toBe(false);
		expect(approveSchema.safeParse({ id: randomUUID(), approvedOn: '2026-02-30' }).success).toBe(
			false
		);
		expect(approveSchema.safeParse({ id: randomUUID(), approvedOn: '2026-02-28' }).success).toBe(
			true
		);
	});
});
