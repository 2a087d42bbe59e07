/**
 * Slows down repeated failed sign-ins for one key (an account, or an address). After `free`
 * failures within the window, each further attempt must wait, doubling from `baseSeconds` up
 * to `maxSeconds`. In memory: one server process (see README for several instances).
 */
export class FailureLimiter {
	#failures = new Map<string, { count: number; last: number }>();

	constructor(
		private free = 5,
		private baseSeconds = 30,
		private maxSeconds = 15 * 60,
		private windowMs = 15 * 60 * 1000,
		private now = () => Date.now()
	) {}

	/** Seconds the caller must still wait before another attempt with these keys (0: go). */
	wait(keys: string[]): number {
		let wait = 0;
		for (const key of keys) {
			const f = this.#live(key);
			if (!f || f.count < this.free) continue;
			const delay = Math.min(this.baseSeconds * 2 ** (f.count - this.free), this.maxSeconds);
			wait = Math.max(wait, Math.ceil((f.last + delay * 1000 - this.now()) / 1000));
		}
		return Math.max(0, wait);
	}

	fail(keys: string[]) {
		for (const key of keys) {
			const f = this.#live(key);
			this.#failures.set(key, { count: (f?.count ?? 0) + 1, last: this.now() });
		}
	}

	succeed(keys: string[]) {
		for (const key of keys) this.#failures.delete(key);
	}

	#live(key: string) {
		const f = this.#failures.get(key);
		if (f && this.now() - f.last > this.windowMs) {
			this.#failures.delete(key);
			return undefined;
		}
		return f;
	}
}
