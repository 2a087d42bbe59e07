/**
 * The mail loop of a running server: with SMTP configured (KOERS_SMTP_URL, KOERS_MAIL_FROM) it
 * sends what the outbox holds every minute and queues the evaluation reminders once an hour;
 * with or without it, mails that could not be sent for EXPIRE_DAYS are dropped.
 */
import nodemailer from 'nodemailer';
import type { Db } from '../db';
import { expire, queueEvaluationReminders, sendDue } from './outbox';

export interface MailConfig {
	smtpUrl: string;
	from: string;
	origin?: string;
}

const MINUTE = 60_000;

/** Starts the loop; answers a function that stops it. */
export function startMail(db: Db, config: MailConfig | undefined): () => void {
	// short timeouts: an unreachable mail server costs a tick, not minutes (nodemailer's default)
	const transport = config
		? nodemailer.createTransport({
				url: config.smtpUrl,
				connectionTimeout: 10_000,
				greetingTimeout: 10_000,
				socketTimeout: 30_000
			})
		: undefined;
	let ticks = 0;
	let busy = false;
	const tick = async () => {
		if (busy) return;
		busy = true;
		try {
			if (ticks % 60 === 0) {
				await expire(db);
				if (transport) await queueEvaluationReminders(db);
			}
			if (transport && config) {
				const r = await sendDue(db, transport, { from: config.from, origin: config.origin });
				if (r.failed) console.warn(`Koers mail: ${r.failed} not sent (will retry), ${r.sent} sent`);
			}
		} catch (e) {
			console.warn(`Koers mail: ${String((e as Error).message ?? e)}`);
		} finally {
			ticks++;
			busy = false;
		}
	};
	const timer = setInterval(() => void tick(), MINUTE);
	timer.unref();
	void tick();
	return () => clearInterval(timer);
}
