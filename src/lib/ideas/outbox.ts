/**
 * The offline outbox for ideas, shared by the pages and the service worker (so: no Svelte, no
 * SvelteKit, no messages — only IndexedDB, fetch, Web Locks and BroadcastChannel).
 *
 * An idea goes into the outbox first, with an id made on the phone, and leaves it only after
 * the server confirmed it (201 stored, or 200 "already stored": the same id from the same
 * person). Sending is retried on page load, when the browser is online again, and by the
 * service worker's Background Sync where the browser has it; the server stores each id once,
 * so overlapping retries are harmless. A Web Lock keeps two senders (two tabs, or a tab and the
 * service worker) from sending the same entries at the same moment.
 */

export interface OutboxEntry {
	id: string;
	/** The person who typed it; it is sent only while that person is signed in. */
	personId: string | null;
	body: string;
	teamId: string | null;
	journeyId: string | null;
	touchpointId: string | null;
	photo: Blob | null;
	createdAt: string;
	/** A message key when the server refused it for good (it stays until the user acts). */
	error?: string | null;
}

export interface FlushResult {
	sent: number;
	/** Entries still in the outbox (for the signed-in person or anybody). */
	waiting: number;
	/** The server answered 401: sign in again. */
	signedOut: boolean;
	/** A network failure or a server error: worth trying again later. */
	retry: boolean;
}

export const SYNC_TAG = 'koers-ideas-outbox';
export const CHANNEL = 'koers-ideas';
const DB_NAME = 'koers-ideas';
const STORE = 'outbox';
const LOCK = 'koers-ideas-outbox';

function request<T>(r: IDBRequest<T>): Promise<T> {
	return new Promise((resolve, reject) => {
		r.onsuccess = () => resolve(r.result);
		r.onerror = () => reject(r.error);
	});
}

let opening: Promise<IDBDatabase> | undefined;
function open(): Promise<IDBDatabase> {
	opening ??= new Promise<IDBDatabase>((resolve, reject) => {
		const r = indexedDB.open(DB_NAME, 1);
		r.onupgradeneeded = () => {
			if (!r.result.objectStoreNames.contains(STORE))
				r.result.createObjectStore(STORE, { keyPath: 'id' });
		};
		r.onsuccess = () => {
			r.result.onversionchange = () => {
				r.result.close();
				opening = undefined;
			};
			resolve(r.result);
		};
		r.onerror = () => reject(r.error);
	}).catch((e) => {
		opening = undefined;
		throw e;
	});
	return opening;
}

async function store(mode: IDBTransactionMode) {
	return (await open()).transaction(STORE, mode).objectStore(STORE);
}

/** All entries, oldest first. */
export async function list(): Promise<OutboxEntry[]> {
	const all = await request((await store('readonly')).getAll() as IDBRequest<OutboxEntry[]>);
	return all.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export async function put(entry: OutboxEntry): Promise<void> {
	await request((await store('readwrite')).put(entry));
	announce();
}

export async function remove(id: string): Promise<void> {
	await request((await store('readwrite')).delete(id));
	announce();
}

/** Tells open pages that the outbox changed (they show it again). */
function announce() {
	if (typeof BroadcastChannel === 'undefined') return;
	const channel = new BroadcastChannel(CHANNEL);
	channel.postMessage('changed');
	channel.close();
}

/** Runs fn while no other page or the service worker is sending (where Web Locks exist). */
function exclusively<T>(fn: () => Promise<T>): Promise<T> {
	const locks = (globalThis.navigator as Navigator | undefined)?.locks;
	return locks ? locks.request(LOCK, fn) : fn();
}

type Outcome = 'sent' | 'refused' | 'other_person' | 'signed_out' | 'retry';

async function send(entry: OutboxEntry): Promise<{ outcome: Outcome; error?: string }> {
	const form = new FormData();
	form.set('id', entry.id);
	form.set('body', entry.body);
	for (const key of ['teamId', 'journeyId', 'touchpointId', 'personId'] as const)
		if (entry[key]) form.set(key, entry[key]);
	if (entry.photo) form.set('photo', entry.photo, 'photo.jpg');
	let res: Response;
	try {
		// Same origin: the session cookie goes along, also when the service worker sends it.
		res = await fetch('/api/ideas', {
			method: 'POST',
			body: form,
			credentials: 'same-origin',
			headers: { accept: 'application/json' }
		});
	} catch {
		return { outcome: 'retry' };
	}
	if (res.ok) return { outcome: 'sent' };
	if (res.status === 401) return { outcome: 'signed_out' };
	let error = 'bad_request';
	try {
		error = ((await res.json()) as { error?: string }).error ?? error;
	} catch {
		// not JSON: a proxy or the server in trouble
	}
	if (res.status >= 500 || res.status === 429) return { outcome: 'retry' };
	if (error === 'idea_wrong_person') return { outcome: 'other_person' };
	return { outcome: 'refused', error };
}

/**
 * Sends what waits in the outbox, oldest first; removes each entry the server confirmed. Stops
 * at the first network failure (the rest would fail too) or when the session has ended.
 * With `personId`, only that person's entries (and those made before anyone was known) go.
 */
export function flush(personId?: string | null): Promise<FlushResult> {
	return exclusively(async () => {
		const result: FlushResult = { sent: 0, waiting: 0, signedOut: false, retry: false };
		const entries = await list();
		for (const entry of entries) {
			const skip =
				entry.error ||
				result.signedOut ||
				result.retry ||
				(personId && entry.personId && entry.personId !== personId);
			if (skip) {
				result.waiting++;
				continue;
			}
			const { outcome, error } = await send(entry);
			if (outcome === 'sent') {
				await remove(entry.id);
				result.sent++;
				continue;
			}
			result.waiting++;
			if (outcome === 'signed_out') result.signedOut = true;
			else if (outcome === 'retry') result.retry = true;
			else if (outcome === 'refused') await put({ ...entry, error });
		}
		return result;
	});
}

interface SyncRegistration extends ServiceWorkerRegistration {
	sync?: { register(tag: string): Promise<void> };
}

/**
 * Asks the service worker to send the outbox when the connection is back (Background Sync,
 * Chromium). Returns false where the browser has no Background Sync: the pages then send on
 * their next load or `online` event.
 */
export async function requestSync(): Promise<boolean> {
	if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return false;
	try {
		const reg = (await Promise.race([
			navigator.serviceWorker.ready,
			new Promise<undefined>((r) => setTimeout(() => r(undefined), 2000))
		])) as SyncRegistration | undefined;
		if (!reg?.sync) return false;
		await reg.sync.register(SYNC_TAG);
		return true;
	} catch {
		return false;
	}
}
