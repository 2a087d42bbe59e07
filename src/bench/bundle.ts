/**
 * `tsx src/bench/bundle.ts` (also part of `npm run bench`): what the idea page costs a phone on
 * a weak connection. Starts the built app (building it first when the build is stale) with the
 * demo organisation, signs in as a demo staff member without loading any page, then loads
 * /ideas once in Chromium (playwright-core, a phone viewport, service workers blocked so the
 * page's own requests are all there is) and adds up the JavaScript and CSS it fetched: raw,
 * gzip-compressed (zlib level 9, as the adapter precompresses) and as transferred (the server
 * picks brotli when the browser accepts it). Also reports the service worker's precache, which
 * a browser fetches once per version in the background after the first visit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The idea page's JavaScript budget, gzip-compressed. */
export const JS_TARGET_BYTES = 80 * 1024;

export interface Transfer {
	files: number;
	raw: number;
	gzip: number;
	transferred: number;
}
export interface BundleFigures {
	path: string;
	js: Transfer;
	css: Transfer;
	/** The largest files (gzip), to see where the bytes go. */
	largest: { file: string; gzip: number }[];
	/** All JavaScript and CSS of the build that the service worker precaches (gzip). */
	precache: { files: number; gzip: number };
	met: boolean;
}

const log = (text: string) => process.stderr.write(`${text}\n`);
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const address = srv.address();
			srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

/** Starts `npm start`'s script (which builds when the build is stale); resolves when ready. */
async function startServer(port: number, dataDir: string): Promise<ChildProcess> {
	// The embedded database in a folder of its own, seeded with the demo.
	const env: NodeJS.ProcessEnv = {
		...process.env,
		PORT: String(port),
		HOST: '127.0.0.1',
		KOERS_DATA_DIR: dataDir,
		KOERS_DEMO: '1'
	};
	delete env.DATABASE_URL;
	const proc = spawn(process.execPath, [join(ROOT, 'src/scripts/start.js')], {
		cwd: ROOT,
		env,
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let out = '';
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`the server did not start:\n${out}`)), 600_000);
		const seen = (d: Buffer) => {
			out += d.toString();
			if (out.includes('Koers is ready')) {
				clearTimeout(timer);
				resolve();
			}
		};
		proc.stdout?.on('data', seen);
		proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
		proc.on('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`the server stopped (exit ${code}):\n${out.slice(-2000)}`));
		});
	});
	return proc;
}

/** gzip sizes of the build's JavaScript and CSS (the precompressed .gz files beside them). */
function precache(): BundleFigures['precache'] {
	const dir = join(ROOT, 'build/client/_app/immutable');
	let files = 0;
	let gzip = 0;
	const walk = (d: string) => {
		for (const e of readdirSync(d, { withFileTypes: true })) {
			const p = join(d, e.name);
			if (e.isDirectory()) walk(p);
			else if (/\.(js|css)$/.test(e.name)) {
				files++;
				gzip += existsSync(`${p}.gz`) ? statSync(`${p}.gz`).size : statSync(p).size;
			}
		}
	};
	if (existsSync(dir)) walk(dir);
	return { files, gzip };
}

/** Loads `path` as a signed-in demo staff member and measures its scripts and styles. */
export async function measureIdeasBundle(path = '/ideas'): Promise<BundleFigures> {
	if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);
	const dataDir = await mkdtemp(join(tmpdir(), 'koers-bundle-'));
	const port = await freePort();
	const base = `http://127.0.0.1:${port}`;
	log(`Bundle: starting Koers with the demo on ${base} (builds first when stale) …`);
	const server = await startServer(port, dataDir);
	const browser = await chromium.launch({
		executablePath: CHROMIUM,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync']
	});
	try {
		const context = await browser.newContext({
			viewport: { width: 390, height: 844 },
			isMobile: true,
			hasTouch: true,
			serviceWorkers: 'block'
		});
		// Sign in without loading a page, so the browser cache holds nothing of the app yet.
		const login = await context.request.post(`${base}/login`, {
			form: { email: 'ravi@voorbeeld.nl', password: 'koers-demo-2026' },
			headers: { origin: base },
			maxRedirects: 0
		});
		if (login.status() >= 400) throw new Error(`sign-in failed: ${login.status()}`);
		const page = await context.newPage();
		const seen: Promise<{
			file: string;
			kind: 'js' | 'css';
			raw: number;
			gzip: number;
			transferred: number;
		}>[] = [];
		page.on('response', (res) => {
			const kind = res.request().resourceType();
			if (kind !== 'script' && kind !== 'stylesheet') return;
			seen.push(
				(async () => {
					const body = await res.body();
					const sizes = await res.request().sizes();
					return {
						file: new URL(res.url()).pathname.split('/').pop() ?? '',
						kind: kind === 'script' ? ('js' as const) : ('css' as const),
						raw: body.length,
						gzip: gzipSync(body, { level: 9 }).length,
						transferred: sizes.responseBodySize
					};
				})()
			);
		});
		const res = await page.goto(`${base}${path}`, { waitUntil: 'networkidle' });
		if (!res?.ok() || new URL(page.url()).pathname !== path)
			throw new Error(`${path} did not load (${res?.status()} at ${page.url()})`);
		const all = await Promise.all(seen);
		const sum = (kind: 'js' | 'css'): Transfer => {
			const xs = all.filter((x) => x.kind === kind);
			return {
				files: xs.length,
				raw: xs.reduce((s, x) => s + x.raw, 0),
				gzip: xs.reduce((s, x) => s + x.gzip, 0),
				transferred: xs.reduce((s, x) => s + x.transferred, 0)
			};
		};
		const js = sum('js');
		const largest = all
			.sort((a, b) => b.gzip - a.gzip)
			.slice(0, 5)
			.map(({ file, gzip }) => ({ file, gzip }));
		return {
			path,
			js,
			css: sum('css'),
			largest,
			precache: precache(),
			met: js.gzip <= JS_TARGET_BYTES
		};
	} finally {
		await browser.close();
		server.kill('SIGTERM');
		await new Promise((r) => server.once('exit', r));
		await rm(dataDir, { recursive: true, force: true });
	}
}

const row = (label: string, t: Transfer) =>
	[label, String(t.files), kb(t.raw), kb(t.gzip), kb(t.transferred)] as string[];

/** The figures as table rows: head and rows, for the bench's Markdown and text tables. */
export function bundleTable(f: BundleFigures): { head: string[]; rows: string[][] } {
	return {
		head: [`${f.path} on a phone, first visit`, 'files', 'raw', 'gzip', 'transferred (br)'],
		rows: [
			row('JavaScript', f.js),
			row('CSS', f.css),
			row('together', {
				files: f.js.files + f.css.files,
				raw: f.js.raw + f.css.raw,
				gzip: f.js.gzip + f.css.gzip,
				transferred: f.js.transferred + f.css.transferred
			})
		]
	};
}

export function bundleVerdict(f: BundleFigures): string {
	return (
		`${f.met ? 'met' : '**not met**'}: JavaScript of ${f.path} ≤ ${kb(JS_TARGET_BYTES)} gzip ` +
		`(${kb(f.js.gzip)}); the service worker then precaches the whole build once in the ` +
		`background (${f.precache.files} files, ${kb(f.precache.gzip)} gzip)`
	);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	const f = await measureIdeasBundle();
	const { head, rows } = bundleTable(f);
	const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
	for (const r of [head, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
	console.log(bundleVerdict(f).replace(/\*\*/g, ''));
	console.log(`Largest: ${f.largest.map((l) => `${l.file} ${kb(l.gzip)}`).join(', ')}`);
}
