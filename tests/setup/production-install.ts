/**
 * The production install, as a server or container gets it: the build, the migrations,
 * package.json and the lockfile in an empty folder, `npm install --omit=dev`. Fails when its
 * node_modules exceed LIMIT_MB, or when the built server does not start from it (embedded
 * database in a fresh data folder) and serve the first-run page. Run after `npm run build`:
 * `npx tsx tests/setup/production-install.ts` (a step of `npm test`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LIMIT_MB = 100;

function bytes(path: string): number {
	const s = lstatSync(path, { throwIfNoEntry: false });
	if (!s) return 0;
	if (!s.isDirectory()) return s.size;
	return readdirSync(path).reduce((sum, name) => sum + bytes(join(path, name)), 0);
}

/** A port nobody listens on now. */
function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = createServer().listen(0, '127.0.0.1', () => {
			const { port } = s.address() as { port: number };
			s.close(() => resolve(port));
		});
		s.on('error', reject);
	});
}

const PORT = await freePort();
const dir = mkdtempSync(join(tmpdir(), 'koers-production-'));
let server: ReturnType<typeof spawn> | undefined;
try {
	for (const f of ['package.json', 'package-lock.json', 'build', 'supabase'])
		cpSync(f, join(dir, f), { recursive: true });
	const started = Date.now();
	const install = spawnSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund'], {
		cwd: dir,
		encoding: 'utf8'
	});
	if (install.status !== 0) throw new Error(`npm install --omit=dev failed:\n${install.stderr}`);
	const mb = bytes(join(dir, 'node_modules')) / 1e6;
	const installed = readdirSync(join(dir, 'node_modules')).filter((n) => !n.startsWith('.'));
	console.log(
		`production install: ${mb.toFixed(1)} MB in node_modules (${installed.join(', ')}), ` +
			`${((Date.now() - started) / 1000).toFixed(1)} s`
	);
	if (mb > LIMIT_MB)
		throw new Error(`the production install is ${mb.toFixed(1)} MB (limit ${LIMIT_MB} MB)`);

	let log = '';
	server = spawn(process.execPath, ['build'], {
		cwd: dir,
		env: {
			...process.env,
			PORT: String(PORT),
			HOST: '127.0.0.1',
			ORIGIN: `http://127.0.0.1:${PORT}`,
			KOERS_DATA_DIR: join(dir, 'data'),
			KOERS_DEMO: '0',
			DATABASE_URL: ''
		}
	});
	server.stdout?.on('data', (d: Buffer) => (log += d));
	server.stderr?.on('data', (d: Buffer) => (log += d));
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (server.exitCode !== null) throw new Error(`the built server stopped:\n${log}`);
		const res = await fetch(`http://127.0.0.1:${PORT}/`).catch(() => undefined);
		if (res) {
			const html = await res.text();
			if (res.ok && res.url.endsWith('/setup') && html.includes('Koers inrichten')) break;
			throw new Error(`GET / answered ${res.status} at ${res.url}:\n${html.slice(0, 500)}`);
		}
		if (Date.now() > deadline) throw new Error(`the built server did not answer in 60 s:\n${log}`);
		await new Promise((r) => setTimeout(r, 250));
	}
	console.log(
		`production install: the built server started from it and served the first-run page ` +
			`(${((Date.now() - started) / 1000).toFixed(1)} s in all)`
	);
} finally {
	server?.kill();
	rmSync(dir, { recursive: true, force: true });
}
