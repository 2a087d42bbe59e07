import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { configureAuth } from './auth';
import { loadConfig, type Config } from './config';
import { openDb, useDb } from './db';
import { guardDriverErrors } from './db/driver-guard';
import { setLogLevel } from './log';
import { seedDemo } from './demo';
import { startMail } from './mail';
import { discardUnfinished, removeLeftoverSpills } from './import';

let state: { config: Config; sessionSecret: string; pseudonymSecret: string } | undefined;

/** Configuration and secrets of this process, after start-up. */
export function runtime() {
	if (!state) throw new Error('Koers has not started yet.');
	return state;
}

/**
 * Start-up: validate the configuration, open the database, apply migrations, seed the demo on
 * an empty database. Any failure stops the server with a message that says what is wrong.
 */
export async function start(env: Record<string, string | undefined> = process.env) {
	const { config, db, ...secrets } = await openConfigured(env);
	setLogLevel(config.logLevel);
	if (config.databaseUrl) guardDriverErrors();
	useDb(db);
	// `node build` stops on SIGTERM/SIGINT once its connections are done, which an open pool of
	// PostgreSQL connections would hold off for ever: close the database when the adapter says so.
	process.once('sveltekit:shutdown', () => void db.close());
	configureAuth({
		supabase: config.supabase,
		sessionSecret: secrets.sessionSecret,
		secureCookies: config.origin?.startsWith('https:') ?? false
	});
	state = { config, ...secrets };
	if (config.demo) {
		const demo = await seedDemo(db, secrets.pseudonymSecret);
		if (demo) {
			console.log('\nKoers demo — Gemeente Voorbeeld. Sign in with:');
			for (const u of demo)
				console.log(`  ${u.role.padEnd(6)} ${u.email.padEnd(32)} ${u.password}`);
			console.log('');
		}
	}
	const stopMail = startMail(db, config.mail);
	process.once('sveltekit:shutdown', stopMail);
	const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.dataDir}`;
	console.log(
		`Koers: database ${where}; sign-in ${config.supabase ? 'Supabase Auth' : 'local accounts'}`
	);
	return state;
}

/** Configuration, secrets and the migrated database: shared by the server and the CLI. */
export async function openConfigured(env: Record<string, string | undefined> = process.env) {
	const config = loadConfig(env);
	const sessionSecret =
		config.sessionSecret ?? (await localSecret(config.dataDir, 'session-secret'));
	const pseudonymSecret =
		config.pseudonymSecret ?? (await localSecret(config.dataDir, 'pseudonym-secret'));
	const db = await openDb(config);
	const { applied } = await db.migrate(resolve('supabase'));
	if (applied.length) console.error(`Koers: applied migrations ${applied.join(', ')}`);
	// An import in steps that was killed left a hidden batch: remove it. The embedded database
	// has one process, so every such batch is dead now; on PostgreSQL another instance may still
	// be loading, so only batches idle for a while go.
	const discarded = await discardUnfinished(
		(fn) => db.asService(fn),
		db.kind === 'pglite' ? '0 seconds' : '15 minutes'
	);
	if (discarded) console.error(`Koers: removed ${discarded} unfinished import(s)`);
	// Their rows spilled to the temp folder on the way (spill.ts): remove what a killed import left.
	const spills = await removeLeftoverSpills();
	if (spills.length) console.error(`Koers: removed ${spills.length} leftover import folder(s)`);
	return { config, db, sessionSecret, pseudonymSecret };
}

/** Without the variable, a random secret kept in the data folder (one machine). */
async function localSecret(dataDir: string, name: string) {
	const file = join(dataDir, name);
	try {
		return (await readFile(file, 'utf8')).trim();
	} catch {
		await mkdir(dataDir, { recursive: true });
		const secret = randomBytes(32).toString('base64url');
		await writeFile(file, secret, { mode: 0o600 });
		return secret;
	}
}
