import { handleApiImport } from '$lib/server/import/api';
import { runtime } from '$lib/server/runtime';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = ({ request }) =>
	handleApiImport(request, 'case', runtime().pseudonymSecret);
