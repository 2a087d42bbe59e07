import * as outbox from './outbox';

/** A new idea id made on the phone (crypto.randomUUID needs a secure context; this does not). */
export function newId(): string {
	if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
	const b = crypto.getRandomValues(new Uint8Array(16));
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The outbox as a page shows it: the waiting entries, whether the browser is online, whether
 * the session ended. Sends on start, when the browser comes online, and on request; calls
 * `onSent` after the server confirmed at least one idea (the page reloads its list then).
 */
export class OutboxState {
	entries = $state.raw<outbox.OutboxEntry[]>([]);
	online = $state(true);
	signedOut = $state(false);
	sending = $state(false);
	/** IndexedDB works here (not in some private modes): otherwise the form posts normally. */
	available = $state(false);
	personId: string | null;
	#onSent: () => void;

	constructor(personId: string | null, onSent: () => void = () => {}) {
		this.personId = personId;
		this.#onSent = onSent;
	}

	/** Entries of the signed-in person (and those made before anyone was known). */
	get mine() {
		return this.entries.filter(
			(e) => !this.personId || !e.personId || e.personId === this.personId
		);
	}
	get othersWaiting() {
		return this.entries.length - this.mine.length;
	}

	async refresh() {
		try {
			this.entries = await outbox.list();
			this.available = true;
		} catch {
			this.available = false;
		}
	}

	/** Keeps the idea on the phone first, then tries to send it. True when it was sent. */
	async add(entry: outbox.OutboxEntry): Promise<boolean> {
		await outbox.put(entry);
		await this.refresh();
		if (this.online) await this.flush();
		else await outbox.requestSync();
		return !this.entries.some((e) => e.id === entry.id);
	}

	async flush() {
		if (this.sending || !this.available) return;
		this.sending = true;
		try {
			const r = await outbox.flush(this.personId);
			this.signedOut = r.signedOut;
			if (r.sent) this.#onSent();
			if (r.retry) await outbox.requestSync();
		} catch {
			// IndexedDB trouble: the entries stay; the next attempt may work
		} finally {
			this.sending = false;
			await this.refresh();
		}
	}

	async discard(id: string) {
		await outbox.remove(id);
		await this.refresh();
	}

	/** Starts listening (online/offline, other tabs and the service worker); returns a stop. */
	start(): () => void {
		this.online = navigator.onLine;
		const online = () => {
			this.online = true;
			void this.flush();
		};
		const offline = () => (this.online = false);
		addEventListener('online', online);
		addEventListener('offline', offline);
		const channel =
			typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel(outbox.CHANNEL);
		if (channel)
			channel.onmessage = async () => {
				// another tab or the service worker changed the outbox: sent ones are gone
				const before = this.entries.map((e) => e.id);
				await this.refresh();
				if (before.some((id) => !this.entries.some((e) => e.id === id))) this.#onSent();
			};
		void this.refresh().then(() => (this.online ? this.flush() : undefined));
		return () => {
			removeEventListener('online', online);
			removeEventListener('offline', offline);
			channel?.close();
		};
	}
}
