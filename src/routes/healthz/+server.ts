import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

/** The process is up and answering. */
export const GET: RequestHandler = () =>
	json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } });
