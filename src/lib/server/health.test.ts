/** /readyz's verdict: not before start-up, ready with a database, not ready once it is gone. */
import { afterAll, expect, it } from 'vitest';
import { useDb } from './db';
import { forEachDriver } from './db/test-helpers';
import { readiness } from './health';

afterAll(() => useDb(undefined));

it('is not ready before start-up has opened and migrated the database', async () => {
	useDb(undefined);
	expect(await readiness()).toEqual({ ready: false, reason: 'starting' });
});

forEachDriver('readiness', (t) => {
	it('is ready while the database answers, and says "database" once it does not', async () => {
		useDb(t().db);
		expect(await readiness()).toEqual({ ready: true });
		const stalled = { ...t().db, ping: () => new Promise<void>(() => {}) };
		useDb(stalled);
		expect(await readiness(50)).toEqual({ ready: false, reason: 'database' });
		useDb({ ...t().db, ping: () => Promise.reject(new Error('connection refused')) });
		expect(await readiness()).toEqual({ ready: false, reason: 'database' });
	});
});
