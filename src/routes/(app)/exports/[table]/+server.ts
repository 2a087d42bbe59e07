import { error, type RequestHandler } from '@sveltejs/kit';
import { z } from 'zod';
import { exportCsv, TABLES } from '$lib/server/exports/tables';
import { signedIn } from '$lib/server/forms';
import { readFilter } from '../../figures/filter';

const querySchema = z.object({
	team: z.uuid().optional().catch(undefined),
	touchpoint: z.uuid().optional().catch(undefined)
});

/**
 * A figure table as a CSV download (/exports/figures-weeks?…the page's filter): the same server
 * function and permission as its page; 403 when the page would answer 403, 404 when it would 404.
 */
export const GET: RequestHandler = async ({ locals, params, url }) => {
	const { claims, user } = signedIn(locals);
	const table = z.enum(TABLES).safeParse(params.table);
	if (!table.success) error(404, 'not_found');
	const { team, touchpoint } = querySchema.parse(Object.fromEntries(url.searchParams));
	const result = await exportCsv(
		{ claims, canSeeCases: user.canSeeCases, role: user.role },
		{ table: table.data, filter: readFilter(url).filter, team, touchpoint }
	);
	if (!result.ok) error(result.error === 'forbidden' ? 403 : 404, result.error);
	return new Response(result.csv, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${result.fileName}"`,
			'cache-control': 'private, no-store'
		}
	});
};
