import { json } from '@sveltejs/kit';
import { readiness } from '$lib/server/health';
import type { RequestHandler } from './$types';

/** Ready for traffic: started (migrations applied) and the database answers; else 503. */
export const GET: RequestHandler = async () => {
	const r = await readiness();
	return json(r.ready ? { status: 'ready' } : { status: 'not_ready', reason: r.reason }, {
		status: r.ready ? 200 : 503,
		headers: { 'cache-control': 'no-store' }
	});
};
