/**
 * How large a request body may be, by the route SvelteKit matched and who is signed in: 1 MB
 * everywhere, more only where a large body is the point and the sender is allowed to send it
 * (an admin's file on the import page, a signed-in person's idea photo, an API batch, whose
 * endpoint checks its token before reading). adapter-node's BODY_SIZE_LIMIT stays the outer cap.
 */
import { MAX_BYTES as API_MAX_BYTES } from './case-data/api';
import { MAX_UPLOAD } from './case-data/upload';
import { MAX_REQUEST_BYTES as IDEA_MAX_BYTES } from './ideas';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
/** Room for the multipart framing around an uploaded file. */
const FORM_SLACK = 1024 * 1024;

/** The largest body a request to `routeId` by a person of `role` (null: signed out) may send. */
export function bodyLimit(routeId: string | null, role: string | null): number {
	if (routeId === '/(app)/admin/import' && role === 'admin') return MAX_UPLOAD + FORM_SLACK;
	if (routeId?.startsWith('/api/v1/')) return API_MAX_BYTES;
	if (role && (routeId === '/(app)/ideas' || routeId === '/api/ideas')) return IDEA_MAX_BYTES;
	return DEFAULT_BODY_LIMIT;
}

/** A body too large for its route, told by its content-length or while it streams. */
export class BodyTooLarge extends Error {
	constructor(readonly limit: number) {
		super(`request body larger than ${limit} bytes`);
	}
}

/**
 * Whether a request's declared length is over `limit` ('over'), absent (a chunked body:
 * 'unknown', to be counted as it streams) or within it.
 */
export function declared(request: Request, limit: number): 'over' | 'unknown' | 'within' {
	const length = request.headers.get('content-length');
	if (length === null) return request.body ? 'unknown' : 'within';
	const n = Number(length);
	return !Number.isFinite(n) || n < 0 || n > limit ? 'over' : 'within';
}

/** The same request with a body that fails (BodyTooLarge) once more than `limit` bytes arrive. */
export function limitBody(request: Request, limit: number): Request {
	if (!request.body) return request;
	let seen = 0;
	const counted = request.body.pipeThrough(
		new TransformStream<Uint8Array, Uint8Array>({
			transform(chunk, controller) {
				seen += chunk.byteLength;
				if (seen > limit) controller.error(new BodyTooLarge(limit));
				else controller.enqueue(chunk);
			}
		})
	);
	return new Request(request, { body: counted, duplex: 'half' } as RequestInit);
}
