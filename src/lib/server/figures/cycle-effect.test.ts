/**
 * The effect of a cycle on hand-made case data with a known repeat pattern, on PGlite and on
 * PostgreSQL. Every week has 10 reports of "Container niet geleegd" (received on the Wednesday);
 * r of them are repeats at the address of that week's first report, the others are at addresses
 * never seen before. So a week's repeat rate is r / 10:
 *   baseline, 8 weeks from Mon 2025-09-01:  r = 3, 4, 3, 4, 3, 4, 3, 4  → 0.3 / 0.4
 *   after the change, 8 weeks from Mon 2025-10-27:  r = 1, 2, 1, 2, …    → 0.1 / 0.2
 * By hand: centre = mean(0.3, 0.4, …) = 0.35; moving ranges all 0.1, so mR̄ = 0.1; limits
 * 0.35 ± 2.66 × 0.1 = 0.084 … 0.616. After the change all 8 weeks lie below 0.35: a run of 8
 * (≥ 7) below the centre line, an improvement when lower is better. Medians: before 0.35 (mean of
 * the middle 0.3 and 0.4), after 0.15; difference −0.2.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { useDb } from '../db';
import { createOrg, forEachDriver, type Org } from '../db/test-helpers';
import { recordEvaluation, teamPage } from '../coach';
import {
	cycleEffect,
	effectOf,
	MAX_WEEKS,
	type CycleEffect,
	type EffectInput
} from './cycle-effect';

const BASELINE = [3, 4, 3, 4, 3, 4, 3, 4];
const AFTER = [1, 2, 1, 2, 1, 2, 1, 2];
const FIRST_MONDAY = '2025-09-01';

const addDays = (date: string, days: number) => {
	const d = new Date(`${date}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + days);
	return d.toISOString().slice(0, 10);
};

const INPUT: EffectInput = {
	metric: 'repeat_rate',
	better: 'lower',
	scopeCategoryId: null,
	scopeTouchpointId: null,
	scopeChannel: null,
	baselineFrom: '2025-09-01',
	baselineTo: '2025-10-26', // a Sunday: the Mondays 09-01 … 10-20 are in, 8 weeks
	changeDate: '2025-10-27',
	testTo: '2025-12-21', // the Mondays 10-27 … 12-15, 8 weeks
	rebasedOn: null,
	status: 'evaluate'
};
const TODAY = '2025-12-21';

function ok(effect: CycleEffect) {
	if (effect.state !== 'ok') throw new Error(`expected an effect, got ${effect.state}`);
	return effect;
}

forEachDriver('cycle effect', (t) => {
	let org: Org;
	let category: string;
	let emptyCategory: string;
	let touchpoint: string;
	let cycleId: string;
	let outsider: Org['staff'];

	beforeAll(async () => {
		const { db } = t();
		useDb(db);
		org = await createOrg(db, `eff-${randomBytes(3).toString('hex')}`);
		outsider = org.staff; // staff in no team: sees no case data
		await db.asService(async (tx) => {
			[{ id: category }] = await tx.query<{ id: string }>(
				`insert into category (org_id, name) values ($1, 'Container niet geleegd') returning id`,
				[org.id]
			);
			[{ id: emptyCategory }] = await tx.query<{ id: string }>(
				`insert into category (org_id, name) values ($1, 'Zwerfafval') returning id`,
				[org.id]
			);
			// another category, all repeats: it must not leak into the scoped figures
			const [{ id: noise }] = await tx.query<{ id: string }>(
				`insert into category (org_id, name) values ($1, 'Grofvuil') returning id`,
				[org.id]
			);
			const rows: unknown[][] = [];
			[...BASELINE, ...AFTER].forEach((repeats, week) => {
				const wednesday = addDays(FIRST_MONDAY, 7 * week + 2);
				for (let i = 0; i < 10; i++) {
					const at = `${wednesday}T10:${String(i).padStart(2, '0')}:00Z`;
					// report 0 opens the week's address; reports 1..repeats come back to it
					const location = i <= repeats ? `w${week}-a0` : `w${week}-a${i}`;
					const channel = i >= 1 && i <= repeats ? 'telefoon' : 'web';
					rows.push([`c-${week}-${i}`, category, channel, location, at]);
				}
				rows.push([`n-${week}-0`, noise, 'web', 'noise', `${wednesday}T09:00:00Z`]);
			});
			for (const [ext, cat, channel, location, at] of rows) {
				await tx.query(
					`insert into report (org_id, source, external_id, category_id, channel, location_key,
					   received_at) values ($1, 'test', $2, $3, $4, $5, $6)`,
					[org.id, ext, cat, channel, location, at]
				);
			}
			const [team] = await tx.query<{ id: string }>(
				`insert into team (org_id, name) values ($1, 'Afval') returning id`,
				[org.id]
			);
			const [journey] = await tx.query<{ id: string }>(
				`insert into journey (org_id, team_id, name) values ($1, $2, 'Melding') returning id`,
				[org.id, team.id]
			);
			const [stage] = await tx.query<{ id: string }>(
				`insert into stage (org_id, journey_id, position, name) values ($1, $2, 1, 'Melden')
				 returning id`,
				[org.id, journey.id]
			);
			[{ id: touchpoint }] = await tx.query<{ id: string }>(
				`insert into touchpoint (org_id, journey_id, stage_id, position, name)
				 values ($1, $2, $3, 1, 'Melding ontvangen') returning id`,
				[org.id, journey.id, stage.id]
			);
			await tx.query(
				'insert into touchpoint_category (category_id, touchpoint_id, org_id) values ($1, $2, $3)',
				[category, touchpoint, org.id]
			);
			[{ id: cycleId }] = await tx.query<{ id: string }>(
				`insert into improvement_cycle (org_id, team_id, title, metric, better, scope_category_id,
				   baseline_from, baseline_to, change_date)
				 values ($1, $2, 'Terugmelden', 'repeat_rate', 'lower', $3, $4, $5, $6) returning id`,
				[org.id, team.id, category, INPUT.baselineFrom, INPUT.baselineTo, INPUT.changeDate]
			);
		});
	});
	afterAll(() => useDb(undefined));

	const effect = (input: Partial<EffectInput>) =>
		t().db.asUser(org.admin.claims, async (tx) =>
			cycleEffect(tx, { ...INPUT, ...input }, { today: TODAY })
		);

	it('draws the centre line and limits from the baseline weeks and marks the change', async () => {
		const e = ok(await effect({ scopeCategoryId: category }));
		expect(e.series.map((p) => p.week)).toEqual(
			Array.from({ length: 16 }, (_, i) => addDays(FIRST_MONDAY, 7 * i))
		);
		expect(e.series.map((p) => p.value)).toEqual(
			[...BASELINE, ...AFTER].map((r) => expect.closeTo(r / 10, 10))
		);
		expect(e.baseline).toEqual([0, 8]);
		expect(e.changeIndex).toBe(8);
		expect(e.segments).toHaveLength(1);
		const limits = e.segments[0].limits!;
		expect(limits.centre).toBeCloseTo(0.35, 10);
		expect(limits.mrBar).toBeCloseTo(0.1, 10);
		expect(limits.upper).toBeCloseTo(0.616, 10);
		expect(limits.lower).toBeCloseTo(0.084, 10);
	});

	it('finds the improvement after the change and compares the medians', async () => {
		const e = ok(await effect({ scopeCategoryId: category }));
		expect(e.headline).toMatchObject({ rule: 'run', kind: 'improvement', side: 'below' });
		expect(e.headline?.points).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
		expect(e.latest?.kind).toBe('improvement');
		// nothing signals in the baseline itself
		expect(e.signals.filter((s) => s.start < 8)).toEqual([]);
		expect(e.beforeAfter?.before).toEqual({ median: expect.closeTo(0.35, 10), weeks: 8 });
		expect(e.beforeAfter?.after).toEqual({ median: expect.closeTo(0.15, 10), weeks: 8 });
		expect(e.beforeAfter?.difference).toBeCloseTo(-0.2, 10);
		expect(e.beforeAfter?.kind).toBe('improvement');
	});

	it('reads a goal against the limits: met every week, never, or some weeks', async () => {
		// limits 0.084 … 0.616 (see above); lower is better
		const assurance = async (goal: number | null, better: 'lower' | 'higher' = 'lower') => {
			const e = ok(await effect({ scopeCategoryId: category, goal, better }));
			expect(e.goal).toBe(goal);
			return e.assurance;
		};
		expect(await assurance(0.7)).toBe('pass');
		expect(await assurance(0.05)).toBe('fail');
		expect(await assurance(0.3)).toBe('hit_and_miss');
		expect(await assurance(0.05, 'higher')).toBe('pass');
		expect(await assurance(null)).toBeNull();
	});

	it('calls the same fall a concern when higher is better', async () => {
		const e = ok(await effect({ scopeCategoryId: category, better: 'higher' }));
		expect(e.headline).toMatchObject({ rule: 'run', kind: 'concern' });
		expect(e.beforeAfter?.kind).toBe('concern');
	});

	it('reads a touchpoint scope as the categories mapped to it', async () => {
		const byTouchpoint = ok(await effect({ scopeTouchpointId: touchpoint }));
		const byCategory = ok(await effect({ scopeCategoryId: category }));
		expect(byTouchpoint.series).toEqual(byCategory.series);
		// a touchpoint and a category: the category must be one of the touchpoint's
		expect(
			await effect({ scopeTouchpointId: touchpoint, scopeCategoryId: emptyCategory })
		).toMatchObject({ state: 'no_data' });
		expect(
			ok(await effect({ scopeTouchpointId: touchpoint, scopeCategoryId: category })).series
		).toEqual(byCategory.series);
		// without a scope, the other category's reports count too: one more report a week
		const all = ok(await effect({}));
		expect(all.series[0]).toMatchObject({ cases: 11 });
	});

	it('narrows to a report channel', async () => {
		// the phone reports are exactly the repeats
		const e = ok(await effect({ scopeCategoryId: category, scopeChannel: 'telefoon' }));
		expect(e.series.map((p) => p.cases)).toEqual([...BASELINE, ...AFTER]);
		expect(e.series.every((p) => p.value === 1)).toBe(true);
		expect(await effect({ scopeCategoryId: category, scopeChannel: 'post' })).toMatchObject({
			state: 'no_data'
		});
	});

	it('says so when the scope has no reports, or the windows are not set', async () => {
		expect(await effect({ scopeCategoryId: emptyCategory })).toMatchObject({ state: 'no_data' });
		expect(await effect({ baselineFrom: null })).toEqual({ state: 'no_windows' });
		// staff outside any team see no case data at all
		expect(await effectOf(outsider.claims, cycleId)).toMatchObject({ state: 'no_data' });
	});

	it('rebases the limits from the change date only for an adopted cycle that recorded it', async () => {
		const notAdopted = ok(
			await effect({ scopeCategoryId: category, rebasedOn: INPUT.changeDate, status: 'evaluate' })
		);
		expect(notAdopted.rebaseIndex).toBeNull();
		const e = ok(
			await effect({ scopeCategoryId: category, rebasedOn: INPUT.changeDate, status: 'adopted' })
		);
		expect(e.rebaseIndex).toBe(8);
		expect(e.segments.map((s) => [s.from, s.to, s.rebased])).toEqual([
			[0, 8, false],
			[8, 16, true]
		]);
		// by hand: the 8 weeks after, 0.1 / 0.2 alternating: centre 0.15, mR̄ 0.1
		expect(e.segments[1].limits?.centre).toBeCloseTo(0.15, 10);
		expect(e.segments[1].limits?.upper).toBeCloseTo(0.416, 10);
		// against its own limits the new level is stable: no run any more
		expect(e.signals).toEqual([]);
		expect(e.latest).toBeNull();
		// the before/after comparison, and the signal it names, still judge against the baseline
		expect(e.beforeAfter?.difference).toBeCloseTo(-0.2, 10);
		expect(e.headline).toMatchObject({ rule: 'run', kind: 'improvement', start: 8, end: 15 });
	});

	it('claims no signal before the change: in idea or plan, or with the change date ahead', async () => {
		for (const input of [
			{ status: 'idea' as const },
			{ status: 'plan' as const },
			{ status: 'test' as const, changeDate: null },
			// the change is planned for after today: the fall is there, but not the change yet
			{ status: 'test' as const, changeDate: '2025-12-22', testTo: '2026-02-01' }
		]) {
			const e = ok(await effect({ scopeCategoryId: category, ...input }));
			expect(e.signalsFrom).toBeNull();
			expect(e.signals).toEqual([]);
			expect(e.headline).toBeNull();
			expect(e.latest).toBeNull();
			expect(e.beforeAfter).toBeNull();
			// the baseline limits are still drawn
			expect(e.segments[0].limits?.centre).toBeCloseTo(0.35, 10);
		}
		// once in test with the change date passed, the run after it counts
		const e = ok(await effect({ scopeCategoryId: category, status: 'test' }));
		expect(e.signalsFrom).toBe(8);
		expect(e.headline).toMatchObject({ rule: 'run', kind: 'improvement' });
	});

	it('claims no week before the change week', async () => {
		// the change a week later than the fall: the run of 8 begins in week 8, before the change
		// (week 9); from the change on it still holds 7 weeks, so it counts from there
		const e = ok(await effect({ scopeCategoryId: category, changeDate: '2025-11-03' }));
		expect(e.signalsFrom).toBe(9);
		expect(e.signals.every((s) => s.start >= 9)).toBe(true);
		expect(e.headline).toMatchObject({ rule: 'run', start: 9, end: 15 });
		// two weeks later, 6 weeks remain: too few for a run; what is claimed is the weeks at 0.1
		// beyond two thirds of the way to the lower limit (2 of 3), all from week 10 on
		const late = ok(await effect({ scopeCategoryId: category, changeDate: '2025-11-10' }));
		expect(late.signals.map((s) => s.rule)).not.toContain('run');
		expect(late.signals.every((s) => s.start >= 10)).toBe(true);
		expect(late.headline).toMatchObject({ rule: 'two_of_three', points: [10, 12, 14] });
	});

	it('flags a baseline that holds signals and suggests a stable one', async () => {
		// baseline of 12 weeks: the 8 weeks at 0.3 / 0.4 and 4 weeks after the fall (0.1 / 0.2);
		// the first 8 are all above its centre line (≈ 0.283): a run in the baseline itself
		const unstable = {
			scopeCategoryId: category,
			baselineTo: '2025-11-23',
			changeDate: '2025-11-24'
		};
		const e = ok(await effect(unstable));
		expect(e.baselineSignals.map((s) => s.rule)).toContain('run');
		expect(e.suggestedBaseline).not.toBeNull();
		const { from, to } = e.suggestedBaseline!;
		expect(from >= INPUT.baselineFrom!).toBe(true);
		expect(to < unstable.changeDate).toBe(true);
		// following the suggestion gives a baseline without signals of its own
		const fixed = ok(await effect({ ...unstable, baselineFrom: from, baselineTo: to }));
		expect(fixed.baselineSignals).toEqual([]);
		expect(fixed.suggestedBaseline).toBeNull();
		// the stable example has nothing to flag
		const stable = ok(await effect({ scopeCategoryId: category }));
		expect(stable.baselineSignals).toEqual([]);
		expect(stable.suggestedBaseline).toBeNull();
	});

	it('has no chart for dates outside the window, and never more than MAX_WEEKS weeks', async () => {
		for (const baselineFrom of ['0001-01-01', '1000-01-01', '1989-12-31'])
			expect(await effect({ baselineFrom, baselineTo: '2025-10-26' })).toEqual({
				state: 'out_of_range'
			});
		expect(await effect({ changeDate: '0226-10-27' })).toEqual({ state: 'out_of_range' });
		// an adopted cycle's chart runs on to today, but not over ten years of weeks
		expect(
			await effect({
				baselineFrom: '2015-01-07',
				baselineTo: '2015-03-01',
				changeDate: null,
				testTo: null,
				status: 'adopted'
			})
		).toEqual({ state: 'no_data', weeks: MAX_WEEKS });
	});

	it('reads the cycle through effectOf as a signed-in user', async () => {
		const e = await effectOf(org.admin.claims, cycleId);
		expect(e).toMatchObject({ state: 'ok', baseline: [0, 8], changeIndex: 8 });
	});

	it("keeps each cycle's effect with the coach's evaluation, as it was when recorded", async () => {
		const { db } = t();
		const teamId = await db.asService(async (tx) => {
			const [request] = await tx.query<{ id: string }>(
				`insert into decision_request (org_id, cycle_id, question) values ($1, $2, 'Mag het?') returning id`,
				[org.id, cycleId]
			);
			await tx.query(
				`update decision_request set status = 'approved', reason = 'Ja' where id = $1`,
				[request.id]
			);
			const [c] = await tx.query<{ team_id: string }>(
				`update improvement_cycle set test_from = $2, test_to = $3, status = 'evaluate', goal = 0.05
				  where id = $1 returning team_id`,
				[cycleId, INPUT.changeDate, INPUT.testTo]
			);
			return c.team_id;
		});
		const brief = {
			cycleId,
			title: 'Terugmelden',
			status: 'evaluate',
			metric: 'repeat_rate',
			unit: 'share',
			before: expect.closeTo(0.35, 6),
			after: expect.closeTo(0.15, 6),
			weeks: 8,
			signal: 'improvement',
			baselineUnstable: false,
			// the goal (5 %) lies below the lower limit (8.4 %): not met without a change
			assurance: 'fail'
		};
		const before = await teamPage(org.admin.claims, teamId);
		if (!before.ok) throw new Error(before.error);
		expect(before.page.effects).toEqual([brief]);

		const held = new Date().toISOString().slice(0, 10);
		const next = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
		const recorded = await recordEvaluation(org.admin.claims, teamId, {
			held_on: held,
			next_on: next,
			results: 'Herhaalmeldingen gehalveerd',
			blockers: '',
			decisions: '',
			next_step: ''
		});
		expect(recorded.ok).toBe(true);

		// the data changes afterwards: the repeats after the change are gone
		await db.asService((tx) =>
			tx.query(
				`delete from report where org_id = $1 and external_id like 'c-%' and channel = 'telefoon'
			          and received_at >= $2`,
				[org.id, INPUT.changeDate]
			)
		);
		const after = await teamPage(org.admin.claims, teamId);
		if (!after.ok) throw new Error(after.error);
		expect(after.page.evaluations[0].effects).toEqual([brief]);
		expect(await effectOf(org.admin.claims, cycleId)).toMatchObject({
			beforeAfter: { after: { median: 0 } }
		});
	});
});
