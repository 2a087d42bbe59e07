/**
 * E-mail notifications (issue 11, section 4). The database fills `private.mail_outbox` in the same
 * transaction as the event (triggers on decision requests and ideas; a daily sweep for
 * evaluations due or overdue), so a mail is never lost when the mail server is down. This sender
 * takes the rows that are due, writes each mail in its recipient's language, sends it over SMTP
 * and marks it sent; a failed send waits (1, 2, 4 … minutes, at most 6 hours) and is tried again.
 * Rows never sent expire after seven days, so without a mail server the outbox stays small.
 */
import { m } from '$lib/paraglide/messages';
import type { Db } from '../db';

export interface MailTransport {
	sendMail(mail: { from: string; to: string; subject: string; text: string }): Promise<unknown>;
}

export interface MailSettings {
	from: string;
	/** The app's address, for links in the mail (ORIGIN). */
	origin?: string;
}

/** Unsent rows older than this are dropped; sent rows are kept this long ×4 for support. */
export const EXPIRE_DAYS = 7;
const MAX_BACKOFF_MINUTES = 360;
const BATCH = 20;

interface OutboxRow {
	id: string;
	kind:
		'request_raised' | 'request_decided' | 'idea_status' | 'evaluation_due' | 'evaluation_overdue';
	params: Record<string, string>;
	attempts: number;
	email: string;
	name: string;
	locale: 'nl' | 'en';
}

/** Minutes to wait after the n-th failed attempt (n ≥ 1). */
export const backoffMinutes = (attempts: number) =>
	Math.min(2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MINUTES);

const link = (origin: string | undefined, path: string) => (origin ? `${origin}${path}` : path);

/** One mail in its recipient's language. */
export function render(
	row: Pick<OutboxRow, 'kind' | 'params' | 'name' | 'locale'>,
	origin?: string
): { subject: string; text: string } {
	const o = { locale: row.locale };
	const p = row.params;
	const greet = m.mail_greeting({ name: row.name }, o);
	const sign = m.mail_signature({}, o);
	const body = (subject: string, lines: string[]) => ({
		subject,
		text: [greet, '', ...lines, '', sign].join('\n')
	});
	const cycleUrl = link(origin, `/teams/${p.teamId}/cycles/${p.cycleId}`);
	switch (row.kind) {
		case 'request_raised':
			return body(m.mail_request_raised_subject({ team: p.team }, o), [
				m.mail_request_raised_body({ team: p.team, cycle: p.cycle }, o),
				`“${p.question}”`,
				'',
				link(origin, '/coach')
			]);
		case 'request_decided': {
			const approved = p.status === 'approved';
			return body(
				approved
					? m.mail_request_approved_subject({ cycle: p.cycle }, o)
					: m.mail_request_declined_subject({ cycle: p.cycle }, o),
				[`“${p.question}”`, p.reason ? m.mail_reason({ reason: p.reason }, o) : '', '', cycleUrl]
			);
		}
		case 'idea_status':
			return body(m.mail_idea_subject({}, o), [
				m.mail_idea_body({ status: ideaStatus(p.status, row.locale) }, o),
				`“${p.idea}”`,
				p.reason ? m.mail_reason({ reason: p.reason }, o) : '',
				'',
				link(origin, '/ideas')
			]);
		case 'evaluation_due':
			return body(m.mail_evaluation_due_subject({ team: p.team }, o), [
				m.mail_evaluation_due_body({ team: p.team, date: p.due }, o),
				'',
				link(origin, `/coach/${p.teamId}`)
			]);
		default:
			return body(m.mail_evaluation_overdue_subject({ team: p.team }, o), [
				m.mail_evaluation_overdue_body({ team: p.team, date: p.due }, o),
				'',
				link(origin, `/coach/${p.teamId}`)
			]);
	}
}

function ideaStatus(status: string, locale: 'nl' | 'en'): string {
	const o = { locale };
	const words: Record<string, () => string> = {
		new: () => m.mail_idea_new({}, o),
		reviewing: () => m.mail_idea_reviewing({}, o),
		in_cycle: () => m.mail_idea_in_cycle({}, o),
		parked: () => m.mail_idea_parked({}, o),
		declined: () => m.mail_idea_declined({}, o),
		done: () => m.mail_idea_done({}, o)
	};
	return words[status]?.() ?? status;
}

/** How long a claimed mail is left to its sender before another tick or instance may try it. */
const LEASE_MINUTES = 10;

/**
 * Sends the mails that are due. They are claimed in one short transaction (a lease: another
 * instance, or the next tick, skips them meanwhile) and sent outside any transaction, so a slow or
 * unreachable mail server never holds a database connection — on the embedded database that
 * connection is everyone's. Each is then marked sent, or given a later attempt. Answers the counts.
 */
export async function sendDue(
	db: Db,
	transport: MailTransport,
	settings: MailSettings,
	now = new Date()
): Promise<{ sent: number; failed: number }> {
	const rows = await db.asService((tx) =>
		tx.query<OutboxRow>(
			`with due as (
			   select id from private.mail_outbox
			    where sent_at is null and next_attempt_at <= $1
			    order by created_at
			    limit $2
			    for update skip locked)
			 update private.mail_outbox o
			    set next_attempt_at = $1::timestamptz + make_interval(mins => $3)
			   from due, person p
			  where o.id = due.id and p.id = o.person_id
			 returning o.id, o.kind, o.params, o.attempts, p.email, p.name, p.locale`,
			[now, BATCH, LEASE_MINUTES]
		)
	);
	let sent = 0;
	let failed = 0;
	for (const row of rows) {
		const mail = render(row, settings.origin);
		try {
			await transport.sendMail({ from: settings.from, to: row.email, ...mail });
		} catch (e) {
			const attempts = row.attempts + 1;
			await db.asService((tx) =>
				tx.query(
					`update private.mail_outbox set attempts = $2, last_error = left($3, 1000),
					        next_attempt_at = $4::timestamptz + make_interval(mins => $5)
					  where id = $1`,
					[row.id, attempts, String((e as Error).message ?? e), now, backoffMinutes(attempts)]
				)
			);
			failed++;
			continue;
		}
		await db.asService((tx) =>
			tx.query(
				'update private.mail_outbox set sent_at = $2, attempts = attempts + 1 where id = $1',
				[row.id, now]
			)
		);
		sent++;
	}
	return { sent, failed };
}

/** The daily sweep: evaluations due tomorrow or overdue, one mail per team, due date and kind. */
export async function queueEvaluationReminders(db: Db, today?: string): Promise<number> {
	const [row] = await db.asService((tx) =>
		tx.query<{ n: number }>('select private.mail_evaluation_reminders($1::date) as n', [
			today ?? null
		])
	);
	return Number(row?.n ?? 0);
}

/** Drops unsent mails older than EXPIRE_DAYS and sent ones older than four times that. */
export async function expire(db: Db, now = new Date()): Promise<number> {
	const rows = await db.asService((tx) =>
		tx.query<{ id: string }>(
			`delete from private.mail_outbox
			  where (sent_at is null and created_at < $1::timestamptz - make_interval(days => $2))
			     or (sent_at is not null and sent_at < $1::timestamptz - make_interval(days => $2 * 4))
			  returning id`,
			[now, EXPIRE_DAYS]
		)
	);
	return rows.length;
}
