import { z } from 'zod';
import { eventBatch, reportBatch } from '../../schemas/case-data';
import { db } from '../db';
import { importRecords, pseudonymiser, type CaseRecord, type EventRecord } from '../import';
import { runtime } from '../runtime';
import { authenticateToken } from './tokens';
import * as valueMaps from './value-maps';

export const MAX_BYTES = 20 * 1024 * 1024;

const json = (status: number, body: unknown) =>
	new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json' }
	});

/**
 * POST /api/v1/reports and /api/v1/events: a JSON batch from a system that holds an
 * organisation API token. Validated whole (any bad item: 400, nothing stored); idempotent.
 */
export async function handleApiImport(
	request: Request,
	shape: 'case' | 'event',
	pseudonymSecret = runtime().pseudonymSecret
): Promise<Response> {
	const token = await authenticateToken(request.headers.get('authorization'));
	if (!token)
		return json(401, { error: 'unauthorized', message: 'A valid API token is required.' });
	if (Number(request.headers.get('content-length') ?? 0) > MAX_BYTES)
		return json(413, { error: 'too_large', message: `At most ${MAX_BYTES} bytes per request.` });
	let body: unknown;
	try {
		body = await request.json();
	} catch {
		return json(400, { error: 'invalid_json', message: 'The body is not valid JSON.' });
	}
	const schema = shape === 'case' ? reportBatch : eventBatch;
	const parsed = schema.safeParse(body);
	if (!parsed.success) {
		return json(400, {
			error: 'invalid',
			message: 'Nothing was stored: fix these items and send the batch again.',
			issues: parsed.error.issues.slice(0, 100).map((i) => ({
				path: i.path.join('.'),
				message: i.message
			})),
			issueCount: parsed.error.issues.length
		});
	}
	const pseudonym = pseudonymiser(pseudonymSecret, token.orgId);
	const records = parsed.data.items.map((item, i) =>
		shape === 'case'
			? caseRecord(item as z.infer<typeof reportBatch>['items'][number], i, pseudonym)
			: eventRecord(item as z.infer<typeof eventBatch>['items'][number], i, pseudonym)
	);
	const result = await db().asService(async (tx) => {
		const map = await valueMaps.forOrg(tx, token.orgId);
		return importRecords(
			tx,
			{ orgId: token.orgId, via: 'api', format: 'json', shape, source: parsed.data.source },
			records.map((r) => valueMaps.applyTo(map, r))
		);
	});
	return json(200, { ...result, items: records.length });
}

type Pseudonym = ReturnType<typeof pseudonymiser>;

function caseRecord(
	r: z.infer<typeof reportBatch>['items'][number],
	i: number,
	pseudonym: Pseudonym
): CaseRecord {
	return {
		line: i + 1,
		externalId: r.id,
		category: r.category ?? null,
		channel: r.channel ?? null,
		customerKey: pseudonym(r.customer ?? undefined),
		locationKey: pseudonym(r.location ?? undefined),
		receivedAt: new Date(r.received),
		resolvedAt: r.resolved ? new Date(r.resolved) : null,
		status: r.status ?? null,
		department: r.department ?? null,
		flaggedDuplicate: r.duplicate ?? false,
		reopened: r.reopened ?? false
	};
}

function eventRecord(
	e: z.infer<typeof eventBatch>['items'][number],
	i: number,
	pseudonym: Pseudonym
): EventRecord {
	return {
		line: i + 1,
		externalId: e.caseId,
		category: e.category ?? null,
		channel: e.channel ?? null,
		customerKey: pseudonym(e.customer ?? undefined),
		locationKey: pseudonym(e.location ?? undefined),
		receivedAt: null,
		resolvedAt: null,
		status: null,
		department: e.department ?? null,
		flaggedDuplicate: false,
		reopened: false,
		occurredAt: new Date(e.timestamp),
		activity: e.activity,
		resource: e.resource ?? null,
		lifecycle: e.lifecycle ?? null
	};
}
