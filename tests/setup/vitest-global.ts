import type { TestProject } from 'vitest/node';
import { startThrowawayPostgres } from './throwaway-postgres';

declare module 'vitest' {
	export interface ProvidedContext {
		/** A PostgreSQL server URL whose role may create databases and roles (a superuser). */
		pgUrl: string;
	}
}

/**
 * Gives the tests a real PostgreSQL server: TEST_DATABASE_URL if set (CI, a developer's own
 * server), otherwise a throwaway cluster started here and stopped when the run ends.
 * Tests read it with `inject('pgUrl')` and make their own databases on it.
 */
export default async function setup(project: TestProject) {
	const given = process.env.TEST_DATABASE_URL;
	if (given) {
		project.provide('pgUrl', given);
		return;
	}
	const pg = await startThrowawayPostgres();
	project.provide('pgUrl', pg.url);
	return async () => {
		await pg.stop();
	};
}
