/**
 * `npx tsx src/deploy/dry-run.ts [--database-url postgres://…]`: runs src/deploy/Dockerfile's
 * steps without Docker, for machines without a Docker daemon. Each stage gets a folder of its own
 * (its WORKDIR inside it); COPY takes files from the build context (the repository without what
 * Dockerfile.dockerignore leaves out) or from an earlier stage, RUN runs in bash with the ENV
 * set so far, and the last stage's CMD is started and must answer 200 on /readyz. Without
 * --database-url it starts a throwaway PostgreSQL (tests/setup/throwaway-postgres.ts).
 * What it does not check: the base image itself (node:20-bookworm-slim is assumed to give
 * Node 20 and npm, as this machine has), USER and VOLUME (it runs as the current user).
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startThrowawayPostgres } from '../../tests/setup/throwaway-postgres';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HERE = fileURLToPath(new URL('.', import.meta.url));

/** Docker's instructions, one per entry, continuation lines joined and comments dropped. */
function instructions(text: string): [string, string][] {
	return text
		.replace(/\\\n/g, ' ')
		.split('\n')
		.map((l) => l.trim())
		.filter((l) => l && !l.startsWith('#'))
		.map((l) => {
			const [, op, rest] = l.match(/^(\w+)\s+(.*)$/)!;
			return [op.toUpperCase(), rest];
		});
}

/** A path of the build context is left out by the ignore file (its simple patterns). */
function ignoredBy(patterns: string[]) {
	const res = patterns.map(
		(p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/|$)`)
	);
	return (path: string) => res.some((re) => re.test(path));
}

const freePort = () =>
	new Promise<number>((resolve, reject) => {
		const s = createServer().listen(0, '127.0.0.1', () => {
			const { port } = s.address() as { port: number };
			s.close(() => resolve(port));
		});
		s.on('error', reject);
	});

async function main() {
	const { values } = parseArgs({ options: { 'database-url': { type: 'string' } } });
	const ignore = ignoredBy(
		readFileSync(join(HERE, 'Dockerfile.dockerignore'), 'utf8')
			.split('\n')
			.map((l) => l.trim())
			.filter((l) => l && !l.startsWith('#'))
	);
	const dir = mkdtempSync(join(tmpdir(), 'koers-docker-'));
	const stages = new Map<string, string>(); // name → the stage's root folder
	let stage = '';
	let workdir = '/';
	let env: Record<string, string> = {};
	let cmd: string[] = [];
	const at = (path: string) => join(stage, path.startsWith('/') ? path : join(workdir, path));
	const pg = values['database-url'] ? undefined : await startThrowawayPostgres();
	try {
		for (const [op, rest] of instructions(readFileSync(join(HERE, 'Dockerfile'), 'utf8'))) {
			console.log(`» ${op} ${rest}`);
			if (op === 'FROM') {
				const name = rest.match(/\bAS\s+(\S+)/i)?.[1] ?? `stage${stages.size}`;
				stage = join(dir, name);
				mkdirSync(stage);
				stages.set(name, stage);
				workdir = '/';
				env = {};
			} else if (op === 'WORKDIR') {
				workdir = rest;
				mkdirSync(at('.'), { recursive: true });
			} else if (op === 'ENV') {
				for (const [, k, v] of rest.matchAll(/(\w+)=(\S+)/g)) env[k] = v;
			} else if (op === 'COPY') {
				const from = rest.match(/--from=(\S+)/)?.[1];
				const parts = rest.replace(/--\S+/g, '').trim().split(/\s+/);
				const to = at(parts.pop()!);
				for (const src of parts) {
					const source = from ? join(stages.get(from)!, src) : join(ROOT, src);
					const target = to.endsWith('/') || parts.length > 1 ? join(to, src) : to;
					cpSync(source, src === '.' ? to : target, {
						recursive: true,
						filter: (p) => from !== undefined || !ignore(relative(ROOT, p))
					});
				}
			} else if (op === 'RUN') {
				// paths of the image (the data folder) point into the stage's folder
				const script = rest.replace(/"\$KOERS_DATA_DIR"/g, '"$STAGE$KOERS_DATA_DIR"');
				const r = spawnSync('bash', ['-c', script.replace(/chown [^&;]+/, 'true')], {
					cwd: at('.'),
					env: { ...process.env, ...env, STAGE: stage },
					stdio: 'inherit'
				});
				if (r.status !== 0) throw new Error(`RUN failed (${r.status}): ${rest}`);
			} else if (op === 'CMD') cmd = JSON.parse(rest) as string[];
		}
		const port = await freePort();
		const url = `http://127.0.0.1:${port}`;
		const server = spawn(cmd[0] === 'node' ? process.execPath : cmd[0], cmd.slice(1), {
			cwd: at('.'),
			env: {
				PATH: process.env.PATH,
				...env,
				PORT: String(port),
				HOST: '127.0.0.1',
				KOERS_DATA_DIR: join(stage, env.KOERS_DATA_DIR ?? 'data'),
				DATABASE_URL: values['database-url'] ?? pg!.url,
				KOERS_DEMO: '0'
			},
			stdio: 'inherit'
		});
		let ready = 0;
		for (let i = 0; i < 240 && !ready && server.exitCode === null; i++) {
			ready = await fetch(`${url}/readyz`)
				.then((r) => (r.status === 200 ? 1 : 0))
				.catch(() => 0);
			if (!ready) await new Promise((r) => setTimeout(r, 250));
		}
		const body = ready ? await (await fetch(`${url}/readyz`)).text() : '';
		server.kill('SIGTERM');
		const code = await new Promise((r) => server.once('exit', r));
		if (!ready) throw new Error('the server never answered 200 on /readyz');
		console.log(`\nGET /readyz → 200 ${body}; after SIGTERM the server exited with ${code}`);
		if (existsSync(join(stage, 'app/src'))) throw new Error('the sources reached the image');
	} finally {
		await pg?.stop();
		rmSync(dir, { recursive: true, force: true });
	}
}

main().catch((e) => {
	console.error(e instanceof Error ? e.message : e);
	process.exit(1);
});
