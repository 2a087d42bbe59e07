import { beforeAll, expect, it } from 'vitest';
import { createOrg, forEachDriver, type Org } from './test-helpers';

// Case data across organisations: an admin may import events only into cases of their own
// organisation, even when naming another organisation's case id directly.
forEachDriver('events stay in their organisation', (t) => {
	let a: Org;
	let b: Org;
	let bReport: string;
	beforeAll(async () => {
		a = await createOrg(t().db, 'case-rls-a');
		b = await createOrg(t().db, 'case-rls-b');
		[{ id: bReport }] = await t().db.asService((tx) =>
			tx.query<{ id: string }>(
				`insert into report (org_id, source, external_id, received_at)
				 values ($1, 'x', 'B-1', now()) returning id`,
				[b.id]
			)
		);
	});

	const eventsOf = (report: string) =>
		t().db.asService(async (tx) => {
			const [row] = await tx.query<{ n: number }>(
				'select count(*) as n from report_event where report_id = $1',
				[report]
			);
			return row.n;
		});

	it("refuses an event of org A on org B's case", async () => {
		await expect(
			t().db.asUser(a.admin.claims, (tx) =>
				tx.query(
					`insert into report_event (org_id, report_id, occurred_at, activity, seq)
					 values ($1, $2, now(), 'sneak', 1)`,
					[a.id, bReport]
				)
			)
		).rejects.toThrow();
		expect(await eventsOf(bReport)).toBe(0);
	});

	it("lets org B's admin add it", async () => {
		await t().db.asUser(b.admin.claims, (tx) =>
			tx.query(
				`insert into report_event (org_id, report_id, occurred_at, activity, seq)
				 values ($1, $2, now(), 'ok', 1)`,
				[b.id, bReport]
			)
		);
		expect(await eventsOf(bReport)).toBe(1);
	});
});
