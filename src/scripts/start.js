// `npm start`: builds Koers when the build is missing or older than the sources, then serves it
// on PORT (default 3000). Plain JavaScript so that it runs before anything is built.
// `--no-build` serves the existing build as it is (the browser tests start two servers at once).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '../..');
process.chdir(root);

/** @param {string} path @returns {number} */
function newest(path) {
	if (!existsSync(path)) return 0;
	const s = statSync(path);
	if (!s.isDirectory()) return s.mtimeMs;
	let max = s.mtimeMs;
	for (const name of readdirSync(path)) {
		if (name === 'paraglide' || name === 'bench' || /\.(test|spec)\.ts$/.test(name)) continue;
		max = Math.max(max, newest(join(path, name)));
	}
	return max;
}

const built = join(root, 'build', 'handler.js');
const sources = ['src', 'static', 'package.json', 'vite.config.ts', 'svelte.config.js'];
const stale = () =>
	!existsSync(built) || Math.max(...sources.map(newest)) > statSync(built).mtimeMs;
if (!process.argv.includes('--no-build') && stale()) {
	console.log('Koers: building…');
	const r = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
	if (r.status !== 0) process.exit(r.status ?? 1);
}

const port = Number(process.env.PORT || 3000);
// The adapter's cap for every request; uploads of case data (the import page) may be large.
// Below it, the server hook allows 1 MB per request and more only to an admin's upload, a
// signed-in person's idea photo and the token-checked API (src/lib/server/body-limit.ts).
process.env.BODY_SIZE_LIMIT ??= '210M';
const host = process.env.HOST || '0.0.0.0';
// Without ORIGIN, take the origin from each request (plain http on this machine or a LAN), so
// that form posts pass SvelteKit's cross-site check whether opened as localhost or by address.
const deriveOrigin = !process.env.ORIGIN;
if (deriveOrigin) process.env.PROTOCOL_HEADER = 'x-forwarded-proto';

/** @type {(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse, next: () => void) => void} */
let handler;
try {
	({ handler } = await import(pathToFileURL(built).href));
} catch (e) {
	console.error(`\n${e instanceof Error ? e.message : e}\n`);
	process.exit(1);
}

const server = createServer((req, res) => {
	if (deriveOrigin) req.headers['x-forwarded-proto'] = 'http';
	handler(req, res, () => {
		res.statusCode = 404;
		res.end('Not found');
	});
});
server.listen(port, host, () => {
	console.log(`Koers is ready: ${process.env.ORIGIN ?? `http://localhost:${port}`}`);
});
for (const signal of ['SIGINT', 'SIGTERM'])
	process.on(signal, () => server.close(() => process.exit(0)));
