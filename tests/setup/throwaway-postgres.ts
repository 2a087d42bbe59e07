import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where Debian puts the server binaries; PG_BIN overrides. */
const CANDIDATES = [
	process.env.PG_BIN,
	'/usr/lib/postgresql/17/bin',
	'/usr/lib/postgresql/16/bin',
	'/usr/lib/postgresql/15/bin'
].filter((d): d is string => !!d);

export interface ThrowawayPostgres {
	url: string;
	/** Stops the server as an operator would (`pg_ctl stop -m fast`), keeping its data. */
	halt(): Promise<void>;
	/** Starts it again on the same port. */
	resume(): Promise<void>;
	/** Stops it for good and removes its folder. */
	stop(): Promise<void>;
}

function findBinDir(): string {
	const dir = CANDIDATES.find(
		(d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl'))
	);
	if (!dir) {
		throw new Error(
			`PostgreSQL server binaries (initdb, pg_ctl) not found in ${CANDIDATES.join(', ')}. ` +
				'Install them with `apt-get install postgresql-15`, or set TEST_DATABASE_URL to a ' +
				'PostgreSQL server the tests may create databases on.'
		);
	}
	return dir;
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

/** Runs a command, as user `postgres` when we are root (PostgreSQL refuses to run as root). */
async function runAs(asPostgres: boolean, cmd: string, args: string[]) {
	const [file, argv] = asPostgres
		? ['runuser', ['-u', 'postgres', '--', cmd, ...args]]
		: [cmd, args];
	try {
		return await run(file, argv, { env: { ...process.env, LC_ALL: 'C' } });
	} catch (e) {
		const err = e as Error & { stderr?: string; stdout?: string };
		throw new Error(`${cmd} failed: ${err.stderr || err.stdout || err.message}`, { cause: e });
	}
}

/**
 * Starts a private PostgreSQL cluster in a temporary folder on a free port of 127.0.0.1 (trust
 * authentication, fsync off: for tests only) and returns its URL. stop() kills it and removes
 * the folder.
 */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
	const bin = findBinDir();
	const asRoot = process.getuid?.() === 0;
	const dir = await mkdtemp(join(tmpdir(), 'koers-pg-'));
	const data = join(dir, 'data');
	let started = false;
	try {
		if (asRoot) {
			const { stdout } = await run('id', ['-u', 'postgres']).catch(() => {
				throw new Error(
					'Running as root, but there is no user `postgres` to run the server as ' +
						'(`apt-get install postgresql-15` creates it), or set TEST_DATABASE_URL.'
				);
			});
			const { stdout: gid } = await run('id', ['-g', 'postgres']);
			await chown(dir, Number(stdout.trim()), Number(gid.trim()));
		}
		await runAs(asRoot, join(bin, 'initdb'), [
			'-D',
			data,
			'--auth=trust',
			'--no-sync',
			'-U',
			'postgres',
			'--encoding=UTF8',
			'--locale=C'
		]);
		// A free port may be taken again before the server binds it: then try another one.
		let port = 0;
		let opts = '';
		let log = '';
		for (let attempt = 1; !started; attempt++) {
			port = await freePort();
			opts = [
				`-p ${port}`,
				'-c listen_addresses=127.0.0.1',
				`-c unix_socket_directories=${dir}`,
				'-c fsync=off',
				'-c synchronous_commit=off',
				'-c full_page_writes=off',
				'-c max_connections=200'
			].join(' ');
			log = join(dir, `server-${attempt}.log`);
			try {
				await runAs(asRoot, join(bin, 'pg_ctl'), [
					'start',
					'-D',
					data,
					'-w',
					'-t',
					'30',
					'-l',
					log,
					'-o',
					opts
				]);
				started = true;
			} catch (e) {
				const tail = await readFile(log, 'utf8').catch(() => '');
				if (attempt >= 3) throw new Error(`${(e as Error).message}\n${tail}`, { cause: e });
			}
		}
		await runAs(asRoot, join(bin, 'pg_isready'), [
			'-h',
			'127.0.0.1',
			'-p',
			String(port),
			'-t',
			'10'
		]);
		const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
		let stopped: Promise<void> | undefined;
		const pgCtl = (...args: string[]) => runAs(asRoot, join(bin, 'pg_ctl'), ['-D', data, ...args]);
		return {
			url,
			halt: async () => {
				await pgCtl('stop', '-m', 'fast', '-w');
			},
			resume: async () => {
				await pgCtl('start', '-w', '-t', '30', '-l', log, '-o', opts);
			},
			stop: () =>
				(stopped ??= (async () => {
					await runAs(asRoot, join(bin, 'pg_ctl'), [
						'stop',
						'-D',
						data,
						'-m',
						'immediate',
						'-w'
					]).catch(() => {});
					await rm(dir, { recursive: true, force: true });
				})())
		};
	} catch (e) {
		// a server may be up even if a step failed (a start that timed out): stop it if so
		await runAs(asRoot, join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate']).catch(
			() => {}
		);
		await rm(dir, { recursive: true, force: true });
		throw e;
	}
}

// Allow `npx tsx tests/setup/throwaway-postgres.ts` to start one by hand (Ctrl-C stops it).
if (import.meta.url === `file://${process.argv[1]}`) {
	const pg = await startThrowawayPostgres();
	console.log(pg.url);
	const stop = () => pg.stop().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	setInterval(() => {}, 1 << 30);
}
