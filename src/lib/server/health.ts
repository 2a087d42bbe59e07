/**
 * Health for load balancers and container platforms: `/healthz` says the process answers,
 * `/readyz` that it has started (start-up applies the migrations and refuses to serve if one
 * fails) and that the database answers within a short time. Neither needs a sign-in or says
 * more than ok / not ok.
 */
import { db } from './db';

const TIMEOUT_MS = 2000;

export type Readiness = { ready: true } | { ready: false; reason: 'starting' | 'database' };

export async function readiness(timeoutMs = TIMEOUT_MS): Promise<Readiness> {
	let database;
	try {
		database = db();
	} catch {
		return { ready: false, reason: 'starting' };
	}
	let timer: ReturnType<typeof setTimeout> | undefined;
	const late = new Promise<false>((ok) => (timer = setTimeout(() => ok(false), timeoutMs)));
	const answered = database.ping().then(
		() => true,
		() => false
	);
	try {
		return (await Promise.race([answered, late]))
			? { ready: true }
			: { ready: false, reason: 'database' };
	} finally {
		clearTimeout(timer);
	}
}
