/**
 * Ideas on PGlite and PostgreSQL: idempotent submission with an id made on the phone (also when
 * the same submission arrives several times at once), votes, who may triage what, photos, the
 * Dutch similar-ideas search, and that another organisation sees none of it.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import * as cycles from './cycles';
import { db, useDb } from './db';
import type { Db } from './db/port';
import { claimsFor, createTwoOrgs, forEachDriver, type Member, type Org } from './db/test-helpers';
import { seedDemoIdeas } from './demo/ideas';
import * as ideas from './ideas';
import { PHOTO_MAX_BYTES, triageInput, type IdeaInput } from '$lib/schemas/ideas';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72]);
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70]);
const WEBP = new Uint8Array([0x52, 0x49, 0x46, 0x46, 1, 0, 0, 0, 0x57, 0x45, 0x42, 0x50, 86, 80]);
const TEXT = new TextEncoder().encode('dit is geen foto, maar tekst');

async function addPerson(db: Db, org: Org, label: string, email?: string): Promise<Member> {
	return db.asService(async (tx) => {
		const userId = randomUUID();
		const mail = email ?? `${label}@${org.slug}.test`;
		await tx.query('insert into auth.users (id, email) values ($1, $2)', [userId, mail]);
		const [p] = await tx.query<{ id: string }>(
			`insert into person (org_id, user_id, name, email, department_id, role)
			 values ($1, $2, $3, $4, $5, 'staff') returning id`,
			[org.id, userId, `${label} of ${org.slug}`, mail, org.departmentId]
		);
		return { personId: p.id, userId, email: mail, role: 'staff', claims: claimsFor(userId, mail) };
	});
}

async function addTeam(db: Db, org: Org, name: string, members: Member[]) {
	return db.asService(async (tx) => {
		const [team] = await tx.query<{ id: string }>(
			'insert into team (org_id, name, coach_id) values ($1, $2, $3) returning id',
			[org.id, name, org.coach.personId]
		);
		for (const m of members)
			await tx.query('insert into team_member (team_id, person_id, org_id) values ($1, $2, $3)', [
				team.id,
				m.personId,
				org.id
			]);
		const [journey] = await tx.query<{ id: string }>(
			`insert into journey (org_id, team_id, name) values ($1, $2, 'Melden') returning id`,
			[org.id, team.id]
		);
		const [stage] = await tx.query<{ id: string }>(
			`insert into stage (org_id, journey_id, position, name) values ($1, $2, 1, 'Melden') returning id`,
			[org.id, journey.id]
		);
		const [touchpoint] = await tx.query<{ id: string }>(
			`insert into touchpoint (org_id, journey_id, stage_id, position, name)
			 values ($1, $2, $3, 1, 'Melding via de app') returning id`,
			[org.id, journey.id, stage.id]
		);
		return { id: team.id, journeyId: journey.id, touchpointId: touchpoint.id };
	});
}

const idea = (body: string, extra: Partial<IdeaInput> = {}): IdeaInput => ({
	id: randomUUID(),
	body,
	teamId: null,
	journeyId: null,
	touchpointId: null,
	personId: null,
	...extra
});

forEachDriver('ideas', (t) => {
	let a: Org;
	let b: Org;
	let member: Member; // staff, member of team "waste"
	let outsider: Member; // staff, in no team
	let waste: Awaited<ReturnType<typeof addTeam>>;
	let parks: Awaited<ReturnType<typeof addTeam>>;
	let teamB: Awaited<ReturnType<typeof addTeam>>;

	const count = async (id: string) =>
		(
			await t().db.asService((tx) =>
				tx.query<{ n: number }>('select count(*)::int as n from idea where id = $1', [id])
			)
		)[0].n;
	const statusOf = async (id: string) =>
		(
			await t().db.asService((tx) =>
				tx.query<{ status: string; reason: string }>(
					'select status, status_reason as reason from idea where id = $1',
					[id]
				)
			)
		)[0];

	beforeAll(async () => {
		useDb(t().db);
		({ a, b } = await createTwoOrgs(t().db, 'ideas'));
		member = await addPerson(t().db, a, 'member');
		outsider = await addPerson(t().db, a, 'outsider');
		waste = await addTeam(t().db, a, 'Afval', [member]);
		parks = await addTeam(t().db, a, 'Groen', []);
		teamB = await addTeam(t().db, b, 'Afval B', [b.staff]);
	});

	it('stores one idea when the same submission arrives several times at once', async () => {
		const input = idea('Containers vaker legen in de zomer', { teamId: waste.id });
		const results = await Promise.all(
			Array.from({ length: 5 }, () => ideas.submit(outsider.claims, input))
		);
		expect(results.every((r) => r.ok)).toBe(true);
		expect(results.filter((r) => r.ok && r.created)).toHaveLength(1);
		expect(await count(input.id)).toBe(1);
		// and once more later, as the outbox would after a lost answer
		expect(await ideas.submit(outsider.claims, input)).toEqual({ ok: true, created: false });
		expect(await count(input.id)).toBe(1);
	});

	it('refuses an id that belongs to someone else, in the organisation or outside it', async () => {
		const input = idea('Een bank bij de bushalte');
		expect((await ideas.submit(outsider.claims, input)).ok).toBe(true);
		const copy = { ...input, body: 'Iets heel anders' };
		expect(await ideas.submit(member.claims, copy)).toEqual({ ok: false, error: 'idea_id_taken' });
		expect(await ideas.submit(b.staff.claims, copy)).toEqual({ ok: false, error: 'idea_id_taken' });
		const [row] = await t().db.asService((tx) =>
			tx.query<{ body: string; submitter_id: string }>(
				'select body, submitter_id from idea where id = $1',
				[input.id]
			)
		);
		expect(row).toEqual({ body: 'Een bank bij de bushalte', submitter_id: outsider.personId });
	});

	it('refuses a submission made for another person (a shared phone)', async () => {
		const input = idea('Een idee van iemand anders', { personId: member.personId });
		expect(await ideas.submit(outsider.claims, input)).toEqual({
			ok: false,
			error: 'idea_wrong_person'
		});
		expect(await count(input.id)).toBe(0);
	});

	it('rejects a team id from another organisation and stores nothing', async () => {
		const spoofed = idea('Over een team van een andere organisatie', { teamId: teamB.id });
		expect(await ideas.submit(outsider.claims, spoofed)).toEqual({
			ok: false,
			error: 'idea_about_unknown'
		});
		expect(await count(spoofed.id)).toBe(0);
		const viaTouchpoint = idea('Via een klantcontactmoment elders', {
			touchpointId: teamB.touchpointId
		});
		expect((await ideas.submit(outsider.claims, viaTouchpoint)).ok).toBe(false);
		expect(await count(viaTouchpoint.id)).toBe(0);
	});

	it('takes team and journey from the touchpoint, and refuses links that disagree', async () => {
		const input = idea('Bevestig de melding per sms', { touchpointId: waste.touchpointId });
		expect(await ideas.submit(outsider.claims, input)).toEqual({ ok: true, created: true });
		const detail = await ideas.get(outsider.claims, input.id);
		expect(detail).toMatchObject({
			teamName: 'Afval',
			journeyName: 'Melden',
			touchpointName: 'Melding via de app'
		});
		const wrong = idea('Touchpoint van het ene team, team van het andere', {
			touchpointId: waste.touchpointId,
			teamId: parks.id
		});
		expect(await ideas.submit(outsider.claims, wrong)).toEqual({
			ok: false,
			error: 'idea_about_mismatch'
		});
		expect(await count(wrong.id)).toBe(0);
	});

	it('counts a vote twice as once, and takes it back', async () => {
		const input = idea('Meer prullenbakken in het park');
		await ideas.submit(outsider.claims, input);
		expect(await ideas.vote(member.claims, input.id)).toEqual({ ok: true, votes: 1, voted: true });
		expect(await ideas.vote(member.claims, input.id)).toEqual({ ok: true, votes: 1, voted: true });
		expect(await ideas.vote(a.coach.claims, input.id)).toEqual({ ok: true, votes: 2, voted: true });
		expect(await ideas.unvote(member.claims, input.id)).toEqual({
			ok: true,
			votes: 1,
			voted: false
		});
		expect(await ideas.vote(b.staff.claims, input.id)).toEqual({ ok: false, error: 'not_found' });
		expect((await ideas.get(outsider.claims, input.id))?.votes).toBe(1);
	});

	describe('triage', () => {
		let aboutWaste: IdeaInput;
		let aboutParks: IdeaInput;
		let aboutNothing: IdeaInput;

		beforeAll(async () => {
			aboutWaste = idea('Route-app waarschuwt bij een overgeslagen container', {
				teamId: waste.id
			});
			aboutParks = idea('Bladblazers pas na negen uur', { teamId: parks.id });
			aboutNothing = idea('Koffie bij de balie voor wachtende inwoners');
			for (const i of [aboutWaste, aboutParks, aboutNothing])
				expect((await ideas.submit(outsider.claims, i)).ok).toBe(true);
		});

		it('is not for staff outside the team: nothing changes', async () => {
			const r = await ideas.triage(outsider.claims, aboutWaste.id, {
				status: 'reviewing',
				reason: 'Ik kijk er zelf naar'
			});
			expect(r).toEqual({ ok: false, error: 'forbidden' });
			const rows = await t().db.asUser(outsider.claims, (tx) =>
				tx.query(
					`update idea set status = 'declined', status_reason = 'nee' where id = $1 returning id`,
					[aboutWaste.id]
				)
			);
			expect(rows).toHaveLength(0);
			expect(await statusOf(aboutWaste.id)).toEqual({ status: 'new', reason: '' });
			expect((await ideas.get(outsider.claims, aboutWaste.id))?.canTriage).toBe(false);
		});

		it('is for members of the team the idea is about, and only that team', async () => {
			expect(
				await ideas.triage(member.claims, aboutWaste.id, {
					status: 'reviewing',
					reason: 'We bespreken het dinsdag'
				})
			).toEqual({ ok: true, cycleId: null });
			expect(await statusOf(aboutWaste.id)).toEqual({
				status: 'reviewing',
				reason: 'We bespreken het dinsdag'
			});
			for (const other of [aboutParks, aboutNothing]) {
				expect(
					await ideas.triage(member.claims, other.id, { status: 'declined', reason: 'Nee' })
				).toEqual({ ok: false, error: 'forbidden' });
				expect((await statusOf(other.id)).status).toBe('new');
			}
			const list = await ideas.triageList(member.claims, { status: 'all' });
			expect(list.map((i) => i.id)).toContain(aboutWaste.id);
			expect(list.map((i) => i.id)).not.toContain(aboutParks.id);
		});

		it('is for a coach, and makes a cycle of the idea for its team', async () => {
			const r = await ideas.triage(a.coach.claims, aboutWaste.id, {
				status: 'in_cycle',
				reason: 'We testen dit in de volgende cyclus',
				cycle: 'new'
			});
			expect(r.ok).toBe(true);
			const cycleId = r.ok ? r.cycleId : null;
			const [cycle] = await t().db.asService((tx) =>
				tx.query<{ team_id: string; status: string; title: string }>(
					'select team_id, status, title from improvement_cycle where id = $1',
					[cycleId]
				)
			);
			expect(cycle).toEqual({
				team_id: waste.id,
				status: 'idea',
				title: 'Route-app waarschuwt bij een overgeslagen container'
			});
			const detail = await ideas.get(outsider.claims, aboutWaste.id);
			expect(detail).toMatchObject({ status: 'in_cycle', cycleId, cycleTitle: cycle.title });
			const steps = await ideas.history(outsider.claims, aboutWaste.id);
			expect(steps.map((s) => [s.status, s.reason])).toEqual([
				['reviewing', 'We bespreken het dinsdag'],
				['in_cycle', 'We testen dit in de volgende cyclus']
			]);
			expect(steps[1].actor).toBe('coach of ' + a.slug);
		});

		it('joins an open cycle of the same team only', async () => {
			const [other] = await t().db.asService((tx) =>
				tx.query<{ id: string }>(
					`insert into improvement_cycle (org_id, team_id, title) values ($1, $2, 'Groen') returning id`,
					[a.id, parks.id]
				)
			);
			const wrong = await ideas.triage(a.coach.claims, aboutNothing.id, {
				status: 'in_cycle',
				reason: 'Past bij Groen',
				cycle: other.id,
				teamId: waste.id
			});
			expect(wrong).toEqual({ ok: false, error: 'idea_cycle_other_team' });
			const noTeam = await ideas.triage(a.coach.claims, aboutNothing.id, {
				status: 'in_cycle',
				reason: 'Nieuwe cyclus'
			});
			expect(noTeam).toEqual({ ok: false, error: 'idea_needs_team' });
			const right = await ideas.triage(a.coach.claims, aboutParks.id, {
				status: 'in_cycle',
				reason: 'Past bij de lopende cyclus',
				cycle: other.id
			});
			expect(right).toEqual({ ok: true, cycleId: other.id });
			expect((await cycles.unfinished(a.coach.claims, parks.id)).map((c) => c.id)).toContain(
				other.id
			);
			// a member of another team cannot put an idea into that cycle by moving it to its team
			const mine = idea('Ook de bladkorven legen', { teamId: waste.id });
			expect((await ideas.submit(member.claims, mine)).ok).toBe(true);
			expect(
				await ideas.triage(member.claims, mine.id, {
					status: 'in_cycle',
					reason: 'Past bij Groen',
					cycle: other.id,
					teamId: parks.id
				})
			).toEqual({ ok: false, error: 'idea_cycle_forbidden' });
			expect(await statusOf(mine.id)).toEqual({ status: 'new', reason: '' });
		});

		it('needs a reason, and follows the order of statuses', async () => {
			expect(
				triageInput.safeParse({ status: 'declined', reason: '   ' }).error?.issues[0].message
			).toBe('idea_reason_required');
			await expect(
				t().db.asUser(a.coach.claims, (tx) =>
					tx.query(`update idea set status = 'declined', status_reason = '' where id = $1`, [
						aboutNothing.id
					])
				)
			).rejects.toMatchObject({ code: '23514' });
			expect(
				await ideas.triage(a.coach.claims, aboutParks.id, {
					status: 'reviewing',
					reason: 'Terug naar af'
				})
			).toEqual({ ok: false, error: 'idea_bad_transition' });
			expect((await statusOf(aboutParks.id)).status).toBe('in_cycle');
		});

		it('shows the submitter what changed since they last looked, once', async () => {
			expect(await ideas.unseenCount(outsider.claims)).toBe(2);
			const before = await ideas.mine(outsider.claims, { markSeen: true });
			expect(before.filter((i) => i.changed).map((i) => i.id)).toEqual(
				expect.arrayContaining([aboutWaste.id, aboutParks.id])
			);
			expect(before.find((i) => i.id === aboutWaste.id)).toMatchObject({
				status: 'in_cycle',
				reason: 'We testen dit in de volgende cyclus'
			});
			expect(await ideas.unseenCount(outsider.claims)).toBe(0);
			expect((await ideas.mine(outsider.claims)).some((i) => i.changed)).toBe(false);
		});

		it('lists waiting ideas for a team page and unreviewed ones for the coach', async () => {
			const fresh = idea('Vuilniszakken ophalen op zaterdag', { teamId: waste.id });
			await ideas.submit(member.claims, fresh);
			const waiting = (await db().asUser(a.coach.claims, (tx) => ideas.waiting(tx, waste.id))).map(
				(i) => i.id
			);
			expect(waiting).toContain(fresh.id);
			expect(waiting).not.toContain(aboutWaste.id); // in a cycle: no longer waiting
			const unreviewed = await ideas.unreviewedIdeas(a.coach.claims);
			expect(unreviewed.map((i) => i.id)).toEqual(
				expect.arrayContaining([fresh.id, aboutNothing.id])
			);
			expect(unreviewed.map((i) => i.id)).not.toContain(aboutWaste.id);
			expect(await ideas.unreviewedIdeas(a.coach.claims, { olderThanDays: 3 })).toEqual([]);
			const coachList = await ideas.triageList(a.coach.claims, { status: 'open' });
			expect(coachList[0].status).toBe('new');
			expect(coachList.map((i) => i.id)).not.toContain(aboutWaste.id);
		});
	});

	it('finds similar ideas by Dutch word stems, in the own organisation only', async () => {
		const input = idea('Container niet geleegd, melding komt steeds terug');
		await ideas.submit(member.claims, input);
		await ideas.submit(b.staff.claims, idea('Container niet geleegd in organisatie B'));
		const found = await ideas.similar(outsider.claims, 'containers worden niet geleegd');
		expect(found[0]).toMatchObject({ id: input.id, status: 'new', votes: 0, voted: false });
		expect(found.map((f) => f.body)).not.toContain('Container niet geleegd in organisatie B');
		expect(await ideas.similar(outsider.claims, 'het de een')).toEqual([]);
		expect(await ideas.similar(outsider.claims, "o'neill \\ & | ! ( ) :*")).toBeInstanceOf(Array);
	});

	it('shows another organisation nothing', async () => {
		const input = idea('Alleen voor organisatie A', { teamId: waste.id });
		await ideas.submit(member.claims, input, PNG);
		expect(await ideas.get(b.coach.claims, input.id)).toBeNull();
		expect(await ideas.photo(b.coach.claims, input.id)).toBeNull();
		expect(await ideas.history(b.coach.claims, input.id)).toEqual([]);
		expect(
			(await ideas.triageList(b.coach.claims, { status: 'all' })).map((i) => i.id)
		).not.toContain(input.id);
		expect(
			await ideas.triage(b.coach.claims, input.id, { status: 'declined', reason: 'x' })
		).toEqual({
			ok: false,
			error: 'not_found'
		});
		const aboutB = await ideas.aboutOptions(b.staff.claims);
		expect(aboutB.teams.map((x) => x.name)).toEqual(['Afval B']);
	});

	describe('photos', () => {
		it('are recognised by their first bytes, not by their name or type', () => {
			expect(ideas.checkPhoto(JPEG)).toEqual({ ok: true, mime: 'image/jpeg' });
			expect(ideas.checkPhoto(PNG)).toEqual({ ok: true, mime: 'image/png' });
			expect(ideas.checkPhoto(WEBP)).toEqual({ ok: true, mime: 'image/webp' });
			expect(ideas.checkPhoto(TEXT)).toEqual({ ok: false, error: 'idea_photo_not_image' });
			expect(ideas.checkPhoto(new Uint8Array())).toEqual({ ok: false, error: 'idea_photo_empty' });
			const big = new Uint8Array(PHOTO_MAX_BYTES + 1);
			big.set(JPEG);
			expect(ideas.checkPhoto(big)).toEqual({ ok: false, error: 'idea_photo_too_large' });
			const limit = new Uint8Array(PHOTO_MAX_BYTES);
			limit.set(JPEG);
			expect(ideas.checkPhoto(limit).ok).toBe(true);
		});

		it('are stored with their idea, or neither is stored', async () => {
			const bad = idea('Met een tekstbestand als foto');
			expect(await ideas.submit(outsider.claims, bad, TEXT)).toEqual({
				ok: false,
				error: 'idea_photo_not_image'
			});
			expect(await count(bad.id)).toBe(0);
			const good = idea('Met een echte foto');
			expect(await ideas.submit(outsider.claims, good, JPEG)).toEqual({ ok: true, created: true });
			const stored = await ideas.photo(member.claims, good.id);
			expect(stored?.mime).toBe('image/jpeg');
			expect([...(stored?.bytes ?? [])]).toEqual([...JPEG]);
			expect((await ideas.get(member.claims, good.id))?.hasPhoto).toBe(true);
		});
	});
});

describe('what a request brings', () => {
	const id = '2f1c8a54-5b1e-4c36-9a55-2d4a3f6b7c81';

	it('reads a form post, an empty file input meaning no photo', async () => {
		const form = new FormData();
		form.set('id', id);
		form.set('body', '  Een idee met spaties  ');
		form.set('teamId', '');
		form.set('photo', new File([], ''));
		expect(await ideas.readSubmission(form)).toMatchObject({
			ok: true,
			input: { id, body: 'Een idee met spaties', teamId: null },
			photo: null
		});
		form.set('photo', new File([TEXT], 'foto.jpg', { type: 'image/jpeg' }));
		expect(await ideas.readSubmission(form)).toMatchObject({
			ok: false,
			error: 'idea_photo_not_image',
			field: 'photo',
			status: 400
		});
		form.set('photo', new File([new Uint8Array(PHOTO_MAX_BYTES + 1)], 'groot.jpg'));
		expect(await ideas.readSubmission(form)).toMatchObject({ ok: false, status: 413 });
	});

	it('makes the id on the server only for the form without JavaScript', async () => {
		const form = new FormData();
		form.set('body', 'Zonder JavaScript');
		expect(await ideas.readSubmission(form)).toMatchObject({ ok: false, error: 'idea_id_invalid' });
		const made = await ideas.readSubmission(form, { serverId: true });
		expect(made.ok && made.input.id).toMatch(/^[0-9a-f-]{36}$/);
	});

	it('reads JSON, the photo as base64', async () => {
		const photo = Buffer.from(PNG).toString('base64');
		const ok = await ideas.readJsonSubmission({ id, body: 'Met foto', photo });
		expect(ok.ok && [...(ok.photo ?? [])]).toEqual([...PNG]);
		for (const [data, error] of [
			[null, 'bad_request'],
			[[1, 2], 'bad_request'],
			[{ id: 'kapot', body: 'Een idee' }, 'idea_id_invalid'],
			[{ id, body: 'ab' }, 'idea_body_short'],
			[{ id, body: 'x'.repeat(1001) }, 'idea_body_long'],
			[{ id, body: 42 }, 'idea_body_required'],
			[{ id, body: 'Een idee', teamId: 'geen-uuid' }, 'invalid_choice'],
			[{ id, body: 'Een idee', photo: 12 }, 'idea_photo_not_image'],
			[
				{ id, body: 'Een idee', photo: Buffer.from(TEXT).toString('base64') },
				'idea_photo_not_image'
			]
		] as const)
			expect(await ideas.readJsonSubmission(data), JSON.stringify(data)).toMatchObject({
				ok: false,
				error
			});
	});
});

forEachDriver('demo ideas', (t) => {
	it('seeds Dutch ideas with votes, a triaged one and one in a cycle of the demo team', async () => {
		const { a } = await createTwoOrgs(t().db, 'demo-ideas');
		const people: Record<string, Member> = {};
		for (const name of ['kim', 'sam', 'noor', 'ravi'])
			people[name] = await addPerson(t().db, a, name, `${name}@voorbeeld.nl`);
		await t().db.asService((tx) =>
			tx.query(`update person set email = 'coach@voorbeeld.nl' where id = $1`, [a.coach.personId])
		);
		const team = await addTeam(t().db, a, 'Afval & Buitenruimte', [people.kim, people.sam]);
		await t().db.asService((tx) => seedDemoIdeas(tx, a.id));
		useDb(t().db);
		const mineRavi = await ideas.mine(people.ravi.claims);
		expect(mineRavi.length).toBeGreaterThanOrEqual(2);
		expect(mineRavi.some((i) => i.changed && i.reason.length > 0)).toBe(true);
		const all = await ideas.triageList(a.coach.claims, { status: 'all' });
		expect(all.length).toBeGreaterThanOrEqual(5);
		expect(all.some((i) => i.votes >= 2)).toBe(true);
		const inCycle = all.find((i) => i.status === 'in_cycle');
		expect(inCycle?.teamId).toBe(team.id);
		expect((await ideas.get(a.coach.claims, inCycle!.id))?.cycleTitle).toBeTruthy();
		expect(all.some((i) => !['new', 'in_cycle'].includes(i.status) && i.reason)).toBe(true);
		expect(await ideas.similar(people.sam.claims, 'containers worden niet geleegd')).not.toEqual(
			[]
		);
	});

	it('skips the team links when the demo team is missing', async () => {
		const { a } = await createTwoOrgs(t().db, 'demo-ideas-bare');
		await addPerson(t().db, a, 'ravi', `ravi@bare-${a.slug}.test`);
		await t().db.asService((tx) => seedDemoIdeas(tx, a.id));
		const rows = await t().db.asService((tx) =>
			tx.query<{ team_id: string | null }>('select team_id from idea where org_id = $1', [a.id])
		);
		expect(rows.length).toBeGreaterThan(0);
		expect(rows.every((r) => r.team_id === null)).toBe(true);
	});
});
