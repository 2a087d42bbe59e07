/**
 * E-mail notifications: the outbox is filled in the same transaction as the event, and a mail
 * reaches a real SMTP server (started here) exactly once — also when that server was down at
 * the first attempt. On PGlite and on PostgreSQL.
 */
import { createServer, type AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { beforeAll, expect, it } from 'vitest';
import { createTwoOrgs, forEachDriver, type Org } from '../db/test-helpers';
import type { Row } from '../db/types';
import { backoffMinutes, expire, queueEvaluationReminders, sendDue } from './outbox';

interface Received {
	to: string;
	text: string;
}

/** A local SMTP server that keeps what it receives. */
function smtp(port: number, inbox: Received[]): Promise<SMTPServer> {
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS'],
		logger: false,
		onData(stream, session, done) {
			let text = '';
			stream.on('data', (c: Buffer) => (text += c.toString('utf8')));
			stream.on('end', () => {
				inbox.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), text });
				done();
			});
		}
	});
	return new Promise((ok) => server.listen(port, '127.0.0.1', () => ok(server)));
}

/** A free TCP port (nothing listens there until the test starts its server). */
function freePort(): Promise<number> {
	return new Promise((ok) => {
		const s = createServer().listen(0, '127.0.0.1', () => {
			const { port } = s.address() as AddressInfo;
			s.close(() => ok(port));
		});
	});
}

forEachDriver('e-mail notifications', (t) => {
	let a: Org;
	let port: number;
	const inbox: Received[] = [];
	const settings = { from: 'koers@voorbeeld.nl', origin: 'https://koers.voorbeeld.nl' };
	const service = (sql: string, params: unknown[] = []) =>
		t().db.asService((tx) => tx.query<Row>(sql, params));
	const outbox = () =>
		service(
			'select kind, person_id, attempts, sent_at, params from private.mail_outbox order by created_at'
		);

	beforeAll(async () => {
		({ a } = await createTwoOrgs(t().db, 'mail'));
		port = await freePort();
		await service(`update person set locale = 'en' where id = $1`, [a.staff.personId]);
	});

	it('queues a mail to the submitter when an idea changes status, in the same transaction', async () => {
		const idea = crypto.randomUUID();
		await service(`insert into idea (id, org_id, submitter_id, body) values ($1, $2, $3, $4)`, [
			idea,
			a.id,
			a.staff.personId,
			'Container-app met foto'
		]);
		expect(await outbox()).toEqual([]);
		// a change that is rolled back leaves no mail behind
		await expect(
			t().db.asService(async (tx) => {
				await tx.query(
					`update idea set status = 'reviewing', status_reason = 'kijken' where id = $1`,
					[idea]
				);
				throw new Error('undo');
			})
		).rejects.toThrow('undo');
		expect(await outbox()).toEqual([]);
		await service(`update idea set status = 'parked', status_reason = $2 where id = $1`, [
			idea,
			'Na de zomer'
		]);
		const rows = await outbox();
		expect(rows.map((r) => [r.kind, r.person_id])).toEqual([['idea_status', a.staff.personId]]);
	});

	it('while the mail server is down the mail waits; once it is back it arrives exactly once', async () => {
		const transport = nodemailer.createTransport({
			host: '127.0.0.1',
			port,
			secure: false,
			ignoreTLS: true,
			connectionTimeout: 2000
		});
		const t0 = new Date();
		expect(await sendDue(t().db, transport, settings, t0)).toEqual({ sent: 0, failed: 1 });
		const [waiting] = await outbox();
		expect(waiting.attempts).toBe(1);
		expect(waiting.sent_at).toBeNull();

		const server = await smtp(port, inbox);
		try {
			// not before its backoff
			expect(await sendDue(t().db, transport, settings, t0)).toEqual({ sent: 0, failed: 0 });
			const later = new Date(t0.getTime() + backoffMinutes(1) * 60_000 + 1000);
			expect(await sendDue(t().db, transport, settings, later)).toEqual({ sent: 1, failed: 0 });
			expect(
				await sendDue(t().db, transport, settings, new Date(later.getTime() + 3600_000))
			).toEqual({
				sent: 0,
				failed: 0
			});
		} finally {
			await new Promise<void>((ok) => server.close(() => ok()));
		}
		expect(inbox).toHaveLength(1);
		expect(inbox[0].to).toBe(a.staff.email);
		// in the recipient's language (English for this person), with the status in words
		expect(inbox[0].text).toContain('Subject: News about your improvement idea');
		expect(inbox[0].text).toContain('Your idea has a new status: parked.');
		expect(inbox[0].text).toContain('Reason: Na de zomer');
	});

	it("queues one reminder per team and due date for the team's coach, in their language", async () => {
		const [team] = await service(
			`insert into team (org_id, name, coach_id, cadence_days, created_at)
			 values ($1, 'Afval', $2, 14, '2026-11-01T10:00:00Z') returning id`,
			[a.id, a.coach.personId]
		);
		// due on 2026-11-15: the day before, a "due" mail; after it, one "overdue" mail
		expect(await queueEvaluationReminders(t().db, '2026-11-13')).toBe(0);
		expect(await queueEvaluationReminders(t().db, '2026-11-14')).toBe(1);
		expect(await queueEvaluationReminders(t().db, '2026-11-15')).toBe(0);
		expect(await queueEvaluationReminders(t().db, '2026-11-16')).toBe(1);
		expect(await queueEvaluationReminders(t().db, '2026-11-20')).toBe(0);
		const kinds = (await outbox()).filter((r) => (r.params as Row).teamId === team.id);
		expect(kinds.map((r) => r.kind)).toEqual(['evaluation_due', 'evaluation_overdue']);
	});

	it('drops mails that could not be sent for a week, so the outbox does not grow for ever', async () => {
		const before = (await outbox()).filter((r) => r.sent_at === null).length;
		expect(before).toBeGreaterThan(0);
		expect(await expire(t().db, new Date(Date.now() + 8 * 86_400_000))).toBeGreaterThanOrEqual(
			before
		);
		expect((await outbox()).filter((r) => r.sent_at === null)).toEqual([]);
	});

	it("a decision request raised mails the team's coach; its answer mails whoever asked", async () => {
		const [team] = await service(
			`insert into team (org_id, name, coach_id) values ($1, 'Meldingen', $2) returning id`,
			[a.id, a.coach.personId]
		);
		const [cycle] = await service(
			`insert into improvement_cycle (org_id, team_id, title) values ($1, $2, 'Sms-bevestiging') returning id`,
			[a.id, team.id]
		);
		const [request] = await service(
			`insert into decision_request (org_id, cycle_id, question, requested_by)
			 values ($1, $2, 'Mogen we sms sturen?', $3) returning id`,
			[a.id, cycle.id, a.staff.personId]
		);
		await service(
			`update decision_request set status = 'approved', reason = 'Akkoord', decided_by = $2 where id = $1`,
			[request.id, a.coach.personId]
		);
		const mails = (await outbox()).filter((r) => (r.params as Row).cycleId === cycle.id);
		expect(mails.map((r) => [r.kind, r.person_id])).toEqual([
			['request_raised', a.coach.personId],
			['request_decided', a.staff.personId]
		]);
	});

	it('the language switch keeps the language for the mails of whoever switched', async () => {
		const { setMyLocale } = await import('../people');
		const { useDb } = await import('../db');
		useDb(t().db);
		try {
			await setMyLocale(a.coach.claims, 'en');
		} finally {
			useDb(undefined);
		}
		const rows = await service('select id, locale from person where org_id = $1 order by id', [
			a.id
		]);
		expect(rows.find((r) => r.id === a.coach.personId)?.locale).toBe('en');
		expect(rows.find((r) => r.id === a.admin.personId)?.locale).toBe('nl');
	});

	it('nobody signed in can read the outbox', async () => {
		await expect(
			t().db.asUser(a.admin.claims, (tx) => tx.query('select * from private.mail_outbox'))
		).rejects.toThrow(/permission denied/);
	});
});
