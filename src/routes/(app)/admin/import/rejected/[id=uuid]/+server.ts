import { error } from '@sveltejs/kit';
import * as caseData from '$lib/server/case-data';
import { requireAdmin } from '$lib/server/forms';
import type { RequestHandler } from './$types';

/** The rows an import skipped, with line numbers and reasons, as CSV. */
export const GET: RequestHandler = async ({ params, locals }) => {
	const { user } = requireAdmin(locals);
	const body = await caseData.rejectedRows(user.orgId, params.id);
	if (!body) error(404, 'not_found');
	return new Response(body, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="koers-rejected-rows.csv"`
		}
	});
};
