import { error } from '@sveltejs/kit';
import { readFile } from 'node:fs/promises';
import { uploads } from '$lib/server/import/uploads';
import { runtime } from '$lib/server/runtime';
import type { RequestHandler } from './$types';

/** The rows an import skipped, with line numbers and reasons, as CSV. */
export const GET: RequestHandler = async ({ params, locals }) => {
	if (locals.user?.role !== 'admin') error(403, 'forbidden');
	const file = uploads(runtime().config.dataDir, locals.user.orgId).rejectedPath(params.id);
	const body = await readFile(file).catch(() => null);
	if (!body) error(404, 'not_found');
	return new Response(body, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="koers-rejected-rows.csv"`
		}
	});
};
