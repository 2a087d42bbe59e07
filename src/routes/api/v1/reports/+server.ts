import * as caseData from '$lib/server/case-data';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = ({ request }) => caseData.handleApiImport(request, 'case');
