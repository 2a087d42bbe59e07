/**
 * Every row of an event log is an event (as in PM4Py and Disco), and importing the same rows
 * again — the same file, or an API batch that re-sends events — adds nothing. On PGlite and on
 * PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOrg, forEachDriver, type Org } from '../db/test-helpers';
import { summary } from '../figures/metrics';
import { importRecords, importStream, type EventRecord } from './index';

const SECRET = 'event-identity-test-secret-0123456789ab';
const MAPPING = {
	caseId: 'case',
	activity: 'activity',
	timestamp: 'timestamp',
	department: 'department'
};

// Case A: two rows with the same activity and time, different departments (X then Y).
// Case B: the same, in the other order (Y then X): ties stay in file order.
// Case C: two rows alike in everything: both kept.
const LOG = [
	'case,activity,timestamp,department',
	'A,Intake,2025-03-03T10:00:00Z,X',
	'A,Intake,2025-03-03T10:00:00Z,Y',
	'B,Intake,2025-03-03T10:00:00Z,Y',
	'B,Intake,2025-03-03T10:00:00Z,X',
	'C,Call,2025-03-04T09:00:00Z,X',
	'C,Call,2025-03-04T09:00:00Z,X'
].join('\n');

const event = (line: number, department: string): EventRecord => ({
	line,
	externalId: 'D',
	category: null,
	channel: null,
	customerKey: null,
	locationKey: null,
	receivedAt: null,
	resolvedAt: null,
	status: null,
	department,
	flaggedDuplicate: false,
	reopened: false,
	occurredAt: new Date('2025-03-05T08:00:00Z'),
	activity: 'Intake',
	resource: null,
	lifecycle: null
});

forEachDriver('event identity: every row kept, nothing twice', (t) => {
	let org: Org;
	const figures = () => t().db.asService((tx) => summary(tx, { orgId: org.id }));
	const eventCount = async () => {
		const [row] = await t().db.asService((tx) =>
			tx.query<{ n: number }>('select count(*) as n from report_event where org_id = $1', [org.id])
		);
		return row.n;
	};

	beforeAll(async () => {
		org = await createOrg(t().db, `ident-${randomBytes(3).toString('hex')}`);
	});

	describe('a file', () => {
		const importLog = () =>
			importStream((fn) => t().db.asService(fn), Readable.from([Buffer.from(LOG)]), {
				orgId: org.id,
				via: 'cli',
				source: 'log',
				mapping: MAPPING,
				pseudonymSecret: SECRET
			});

		it('keeps both rows of one time and activity, and counts the handoff between them', async () => {
			const result = await importLog();
			expect(result).toMatchObject({ rowsRead: 6, casesAdded: 3, eventsAdded: 6 });
			const f = await figures();
			expect(f.events).toBe(6);
			expect(f.handoffs).toBe(2);
			expect(f.casesWithHandoff).toBe(2);
			// A: X → Y, B: Y → X (file order); C stays in X
			expect(f.handoffMatrix).toEqual([
				{ from: 'X', to: 'Y', count: 1 },
				{ from: 'Y', to: 'X', count: 1 }
			]);
			expect(f.variants.top).toEqual([
				{ activities: ['Intake', 'Intake'], cases: 2 },
				{ activities: ['Call', 'Call'], cases: 1 }
			]);
		});

		it('importing it again adds nothing', async () => {
			const again = await importLog();
			expect(again).toMatchObject({ rowsRead: 6, casesAdded: 0, eventsAdded: 0, batchId: null });
			expect(await eventCount()).toBe(6);
			expect((await figures()).handoffs).toBe(2);
		});

		it('a later file with new events of a case moves its first and last times, beside a new case', async () => {
			const later = [
				'case,activity,timestamp,department',
				'C,Call,2025-03-01T08:00:00Z,X',
				'C,Close,2025-03-09T17:00:00Z,Y',
				'E,Call,2025-03-02T08:00:00Z,X'
			].join('\n');
			const result = await importStream(
				(fn) => t().db.asService(fn),
				Readable.from([Buffer.from(later)]),
				{ orgId: org.id, via: 'cli', source: 'log', mapping: MAPPING, pseudonymSecret: SECRET }
			);
			expect(result).toMatchObject({ casesAdded: 1, eventsAdded: 3 });
			const [c] = await t().db.asService((tx) =>
				tx.query<{ received: Date; resolved: Date }>(
					`select received_at as received, resolved_at as resolved from report
					  where org_id = $1 and source = 'log' and external_id = 'C'`,
					[org.id]
				)
			);
			expect(c.received.toISOString()).toBe('2025-03-01T08:00:00.000Z');
			expect(c.resolved.toISOString()).toBe('2025-03-09T17:00:00.000Z');
		});
	});

	describe('API batches', () => {
		const send = (events: EventRecord[]) =>
			t().db.asService((tx) =>
				importRecords(
					tx,
					{ orgId: org.id, via: 'api', format: 'json', shape: 'event', source: 'api' },
					events
				)
			);

		it('a batch that re-sends an event with a new one adds only the new one', async () => {
			const before = await eventCount();
			expect(await send([event(1, 'X'), event(2, 'Y')])).toMatchObject({ eventsAdded: 2 });
			// Y again (resent) and Z (new), at the same time and activity as X and Y
			expect(await send([event(1, 'Y'), event(2, 'Z')])).toMatchObject({ eventsAdded: 1 });
			expect(await send([event(1, 'X'), event(2, 'Y'), event(3, 'Z')])).toMatchObject({
				eventsAdded: 0
			});
			expect(await eventCount()).toBe(before + 3);
		});
	});
});
