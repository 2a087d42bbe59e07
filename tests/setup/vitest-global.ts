import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startThrowawayPostgres } from './throwaway-postgres';

declare module 'vitest' {
	export interface ProvidedContext {
		/** A PostgreSQL server URL whose role may create databases and roles (a superuser). */
		pgUrl: string;
	}
}

const MESSAGES = 'src/lib/i18n';
const COMPILED = 'src/lib/paraglide/.compiled';

function newest(path: string): number {
	const s = statSync(path);
	if (!s.isDirectory()) return s.mtimeMs;
	return Math.max(s.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/**
 * Compiles the messages (src/lib/paraglide, git-ignored) when they changed since the last
 * compile: in build and dev Paraglide's Vite plugin does it, in vitest this does — with the
 * `i18n` script in a child process, as the compiler's timers would keep vitest from exiting.
 */
function compileMessages() {
	if (existsSync(COMPILED) && statSync(COMPILED).mtimeMs >= newest(MESSAGES)) return;
	const r = spawnSync('npm', ['run', '--silent', 'i18n'], { stdio: 'inherit' });
	if (r.status !== 0) throw new Error('Paraglide could not compile the messages (npm run i18n)');
	writeFileSync(COMPILED, '');
}

/**
 * Gives the tests a real PostgreSQL server: TEST_DATABASE_URL if set (CI, a developer's own
 * server), otherwise a throwaway cluster started here and stopped when the run ends.
 * Tests read it with `inject('pgUrl')` and make their own databases on it.
 */
export default async function setup(project: TestProject) {
	compileMessages();
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
