import { error } from '@sveltejs/kit';
import { requireAdmin } from '$lib/server/forms';
import * as people from '$lib/server/people';
import type { RequestHandler } from './$types';

/** Everything Koers holds about one person (AVG right of access), as a JSON download. */
export const GET: RequestHandler = async ({ params, locals }) => {
	const { claims } = requireAdmin(locals);
	const data = await people.exportData(claims, params.id);
	if (!data) error(404, 'not_found');
	return new Response(JSON.stringify(data, null, 2), {
		headers: {
			'content-type': 'application/json; charset=utf-8',
			'content-disposition': `attachment; filename="koers-person-${params.id}.json"`,
			'cache-control': 'no-store'
		}
	});
};
