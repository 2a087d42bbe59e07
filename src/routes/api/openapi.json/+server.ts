import { json } from '@sveltejs/kit';
import { openApiDocument } from '$lib/server/openapi';
import type { RequestHandler } from './$types';

/** GET /api/openapi.json — the description of the machine endpoints (public, like any API docs). */
export const GET: RequestHandler = ({ url }) =>
	json(openApiDocument(url.origin), { headers: { 'cache-control': 'public, max-age=300' } });
