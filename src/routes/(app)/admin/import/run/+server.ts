import { json } from '@sveltejs/kit';
import * as caseData from '$lib/server/case-data';
import { requireAdmin } from '$lib/server/forms';
import { importRequestSchema } from '$lib/schemas/case-data';
import type { RequestHandler } from './$types';

/**
 * The import page's progress channel: runs an uploaded file's import and streams progress as
 * newline-delimited JSON ({rows, bytes, total} … then {done: result}). Same work as the form
 * action; the form action is the path without JavaScript.
 */
export const POST: RequestHandler = async ({ request, locals }) => {
	const { claims, user } = requireAdmin(locals);
	const parsed = importRequestSchema.safeParse(await request.json().catch(() => null));
	if (!parsed.success) return json({ error: parsed.error.issues[0].message }, { status: 400 });
	const encoder = new TextEncoder();
	const stream = new ReadableStream<Uint8Array>({
		async start(controller) {
			const send = (o: unknown) => controller.enqueue(encoder.encode(JSON.stringify(o) + '\n'));
			try {
				const result = await caseData.runUpload(claims, user, parsed.data, (p) => send(p));
				send({ done: result.ok ? result.outcome : result });
			} catch (e) {
				console.error(e);
				send({ done: { ok: false, error: 'err_unknown' } });
			}
			controller.close();
		}
	});
	return new Response(stream, {
		headers: { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' }
	});
};
