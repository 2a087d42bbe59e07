import { error } from '@sveltejs/kit';
import * as ideas from '$lib/server/ideas';
import type { RequestHandler } from './$types';

/** GET — an idea's photo, for people of the same organisation. */
export const GET: RequestHandler = async ({ params, locals }) => {
	if (!locals.claims || !locals.user) error(401, 'idea_signed_out');
	const photo = await ideas.photo(locals.claims, params.id);
	if (!photo) error(404, 'not_found');
	return new Response(photo.bytes as BodyInit, {
		headers: {
			'content-type': photo.mime,
			'content-length': String(photo.bytes.length),
			'cache-control': 'private, max-age=3600',
			'x-content-type-options': 'nosniff',
			'content-disposition': 'inline'
		}
	});
};
