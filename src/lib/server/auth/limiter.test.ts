import { describe, expect, it } from 'vitest';
import { FailureLimiter } from './limiter';

const MINUTE = 60_000;

/** A limiter (5 free, 30 s doubling to 15 min, 15 min window) on a clock the test moves. */
function setup(free = 5, baseSeconds = 30, maxSeconds = 15 * 60, windowMs = 15 * MINUTE) {
	let now = Date.UTC(2026, 10, 24, 9, 0, 0);
	const limiter = new FailureLimiter(free, baseSeconds, maxSeconds, windowMs, () => now);
	return {
		limiter,
		advance(ms: number) {
			now += ms;
		},
		failTimes(n: number, keys = ['kim@voorbeeld.nl']) {
			for (let i = 0; i < n; i++) limiter.fail(keys);
		}
	};
}

describe('FailureLimiter', () => {
	it('lets the free failures through without waiting', () => {
		const { limiter, failTimes } = setup();
		expect(limiter.wait(['kim@voorbeeld.nl'])).toBe(0);
		for (let i = 1; i <= 4; i++) {
			failTimes(1);
			expect(limiter.wait(['kim@voorbeeld.nl']), `after ${i} failures`).toBe(0);
		}
	});

	it('makes the attempt after the free failures wait baseSeconds', () => {
		const { limiter, failTimes } = setup();
		failTimes(5);
		expect(limiter.wait(['kim@voorbeeld.nl'])).toBe(30);
	});

	it('counts the wait down as time passes, and lets the caller try again when it is over', () => {
		const { limiter, failTimes, advance } = setup();
		failTimes(5);
		advance(10_000);
		expect(limiter.wait(['kim@voorbeeld.nl'])).toBe(20);
		advance(19_500);
		expect(limiter.wait(['kim@voorbeeld.nl'])).toBe(1); // rounds up: never says 0 too early
		advance(500);
		expect(limiter.wait(['kim@voorbeeld.nl'])).toBe(0);
	});

	it('doubles the wait with each further failure, up to maxSeconds', () => {
		const { limiter, failTimes } = setup();
		failTimes(5);
		const waits = [limiter.wait(['kim@voorbeeld.nl'])];
		for (let i = 0; i < 7; i++) {
			failTimes(1);
			waits.push(limiter.wait(['kim@voorbeeld.nl']));
		}
		expect(waits).toEqual([30, 60, 120, 240, 480, 900, 900, 900]);
	});

	it('forgets the failures of a key after a success', () => {
		const { limiter, failTimes } = setup();
		failTimes(7);
		expect(limiter.wait(['kim@voorbeeld.nl'])).toBeGreaterThan(0);
		limiter.succeed(['kim@voorbeeld.nl']);
		expect(limiter.wait(['kim@voorbeeld.nl'])).toBe(0);
		// and the count starts over: four more failures are free again
		failTimes(4);
		expect(limiter.wait(['kim@voorbeeld.nl'])).toBe(0);
	});

	it('forgets failures older than the window', () => {
		const { limiter, failTimes, advance } = setup(5, 30, 15 * 60, 15 * MINUTE);
		failTimes(4);
		advance(15 * MINUTE + 1);
		failTimes(1); // the fifth failure, but the first four are too old to count
		expect(limiter.wait(['kim@voorbeeld.nl'])).toBe(0);
	});

	it('keeps failures within the window, measured from the last failure', () => {
		const { limiter, failTimes, advance } = setup(5, 30, 15 * 60, 15 * MINUTE);
		failTimes(4);
		advance(10 * MINUTE);
		failTimes(1);
		expect(limiter.wait(['kim@voorbeeld.nl'])).toBe(30);
	});

	it('starts counting again from zero once a long wait and its window are over', () => {
		const { limiter, failTimes, advance } = setup();
		failTimes(12); // capped at 15 minutes
		expect(limiter.wait(['kim@voorbeeld.nl'])).toBe(900);
		advance(15 * MINUTE + 1);
		expect(limiter.wait(['kim@voorbeeld.nl'])).toBe(0);
		failTimes(1);
		expect(limiter.wait(['kim@voorbeeld.nl'])).toBe(0);
	});

	it('keeps keys independent', () => {
		const { limiter, failTimes } = setup();
		failTimes(6, ['kim@voorbeeld.nl']);
		expect(limiter.wait(['kim@voorbeeld.nl'])).toBe(60);
		expect(limiter.wait(['sam@voorbeeld.nl'])).toBe(0);
		limiter.succeed(['sam@voorbeeld.nl']);
		expect(limiter.wait(['kim@voorbeeld.nl'])).toBe(60);
	});

	it('answers the longest wait of several keys, and fails and clears them all', () => {
		const { limiter, failTimes } = setup();
		failTimes(5, ['a']);
		failTimes(7, ['b']);
		expect(limiter.wait(['b', 'a', 'c'])).toBe(120);
		failTimes(1, ['a', 'c']);
		expect(limiter.wait(['a'])).toBe(60);
		expect(limiter.wait(['c'])).toBe(0);
		limiter.succeed(['a', 'b']);
		expect(limiter.wait(['a', 'b'])).toBe(0);
	});

	it('uses its own thresholds (an address limiter allows 20 free failures)', () => {
		const { limiter, failTimes } = setup(20);
		failTimes(19, ['10.0.0.1']);
		expect(limiter.wait(['10.0.0.1'])).toBe(0);
		failTimes(1, ['10.0.0.1']);
		expect(limiter.wait(['10.0.0.1'])).toBe(30);
	});
});
