/**
 * `npm run bench:lighthouse`: page budgets (issue 13). Lighthouse (the npm package) drives
 * Debian's Chromium in its default mobile emulation (a mid-range phone, simulated slow 4G and
 * a 4× slower CPU) over the production build (`node build`) with the demo organisation on the
 * embedded database, on loopback: the sign-in page, the idea form, the team page and the journey
 * map, signed in as demo people (the session cookie set in the browser). Reports performance,
 * accessibility and best-practices scores, largest contentful paint and the JavaScript each page
 * loads as transferred (compressed), and lists every accessibility finding.
 * Aim: performance ≥ 90, accessibility 100, ≤ 80 KB of JavaScript on the idea form.
 *
 *   npm run bench:lighthouse -- [--readme]      (run `npm run build` first)
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { WebSocket } from 'ws';
import { send, signIn, startServer } from './load';
import { log, machine, markdownTable, ROOT, textTable, updateReadme } from './report';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const JS_BUDGET = 80 * 1024;

interface PageFigures {
	name: string;
	path: string;
	performance: number;
	accessibility: number;
	bestPractices: number;
	lcpMs: number;
	tbtMs: number;
	jsBytes: number;
	jsFiles: number;
	/** Accessibility and best-practices audits that did not pass: title and how many elements. */
	findings: string[];
}

/**
 * Puts the session cookie into the browser (DevTools protocol, `Storage.setCookies`): a Cookie
 * header in Lighthouse's `extraHeaders` does not reach the server from this Chromium.
 */
async function setSession(port: number, base: string, cookie: string | undefined) {
	const { webSocketDebuggerUrl } = (await (
		await fetch(`http://127.0.0.1:${port}/json/version`)
	).json()) as { webSocketDebuggerUrl: string };
	const ws = new WebSocket(webSocketDebuggerUrl);
	await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
	const call = (id: number, method: string, params: object) =>
		new Promise<void>((resolve, reject) => {
			ws.on('message', (data) => {
				const answer = JSON.parse(String(data)) as { id?: number; error?: { message: string } };
				if (answer.id !== id) return;
				if (answer.error) reject(new Error(`${method}: ${answer.error.message}`));
				else resolve();
			});
			ws.send(JSON.stringify({ id, method, params }));
		});
	try {
		if (cookie) {
			const [name, value] = cookie.split(/=(.*)/);
			await call(1, 'Storage.setCookies', {
				cookies: [{ name, value, url: base, httpOnly: true, sameSite: 'Lax' }]
			});
		}
	} finally {
		ws.close();
	}
}

const score = (s: number | null | undefined) => Math.round((s ?? 0) * 100);

async function audit(port: number, url: string): Promise<Omit<PageFigures, 'name' | 'path'>> {
	const result = await lighthouse(url, {
		port,
		output: 'json',
		logLevel: 'error',
		onlyCategories: ['performance', 'accessibility', 'best-practices'],
		// keep the session cookie set by setSession (the reset would clear it)
		disableStorageReset: true
	});
	if (!result) throw new Error(`no Lighthouse result for ${url}`);
	const { lhr } = result;
	if (lhr.runtimeError) throw new Error(`${url}: ${lhr.runtimeError.message}`);
	if (new URL(lhr.finalDisplayedUrl).pathname !== new URL(url).pathname)
		throw new Error(`${url} ended at ${lhr.finalDisplayedUrl} (not signed in?)`);
	const summary = lhr.audits['resource-summary']?.details as
		{ items: { resourceType: string; transferSize: number; requestCount: number }[] } | undefined;
	const scripts = summary?.items.find((i) => i.resourceType === 'script');
	const findings: string[] = [];
	for (const id of ['accessibility', 'best-practices']) {
		for (const ref of lhr.categories[id]?.auditRefs ?? []) {
			const a = lhr.audits[ref.id];
			if (ref.weight === 0 || a.score === null || a.score === 1) continue;
			const items = (a.details as { items?: { issueType?: string }[] } | undefined)?.items;
			// the Issues panel's entries say what they are
			const kinds = items?.map((i) => i.issueType).filter(Boolean) ?? [];
			const count = kinds.length ? kinds.join(', ') : items?.length;
			findings.push(`${a.title}${count ? ` (${count})` : ''}`);
		}
	}
	return {
		performance: score(lhr.categories.performance?.score),
		accessibility: score(lhr.categories.accessibility?.score),
		bestPractices: score(lhr.categories['best-practices']?.score),
		lcpMs: lhr.audits['largest-contentful-paint']?.numericValue ?? NaN,
		tbtMs: lhr.audits['total-blocking-time']?.numericValue ?? NaN,
		jsBytes: scripts?.transferSize ?? 0,
		jsFiles: scripts?.requestCount ?? 0,
		findings
	};
}

/** A fresh Chromium (a profile of its own: an empty cache) for each page. */
const launchChromium = () =>
	chromeLauncher.launch({
		chromePath: CHROMIUM,
		chromeFlags: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync'
		]
	});

async function main() {
	const { values } = parseArgs({ options: { readme: { type: 'boolean', default: false } } });
	if (!existsSync(join(ROOT, 'build/index.js')))
		throw new Error('no build: run `npm run build` first');
	if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);
	const dir = await mkdtemp(join(tmpdir(), 'koers-lighthouse-'));
	log('Lighthouse: starting Koers (node build) with the demo on the embedded database …');
	const server = await startServer({
		KOERS_DEMO: '1',
		KOERS_DATA_DIR: dir,
		KOERS_SESSION_SECRET: randomBytes(24).toString('hex')
	});
	const pages: PageFigures[] = [];
	try {
		const base = server.base;
		const agent = new Agent({ keepAlive: true });
		const [kim, ravi] = await Promise.all([
			signIn(agent, base, 'kim@voorbeeld.nl'),
			signIn(agent, base, 'ravi@voorbeeld.nl')
		]);
		const teams = await send(agent, base, 'GET', '/teams', { cookie: kim });
		const team = teams.body.match(/\/teams\/([0-9a-f-]{36})/)?.[1];
		const journeys = await send(agent, base, 'GET', `/teams/${team}/journeys`, { cookie: kim });
		const journey = journeys.body.match(/\/journeys\/([0-9a-f-]{36})/)?.[1];
		agent.destroy();
		if (!team || !journey) throw new Error('no team or journey of the demo found');
		const list: [string, string, string | undefined][] = [
			['sign-in', '/login', undefined],
			['idea form', '/ideas', ravi],
			['team page', `/teams/${team}`, kim],
			['journey map', `/teams/${team}/journeys/${journey}`, kim]
		];
		for (const [name, path, cookie] of list) {
			log(`  ${name} (${path}) …`);
			const chrome = await launchChromium();
			try {
				await setSession(chrome.port, base, cookie);
				pages.push({ name, path, ...(await audit(chrome.port, `${base}${path}`)) });
			} finally {
				chrome.kill();
			}
		}
	} finally {
		await server.stop();
		await rm(dir, { recursive: true, force: true });
	}

	const head = [
		'page',
		'performance',
		'accessibility',
		'best practices',
		'LCP',
		'total blocking',
		'JavaScript'
	];
	const rows = pages.map((p) => [
		p.name,
		String(p.performance),
		String(p.accessibility),
		String(p.bestPractices),
		`${(p.lcpMs / 1000).toFixed(1)} s`,
		`${Math.round(p.tbtMs)} ms`,
		`${(p.jsBytes / 1024).toFixed(1)} KB (${p.jsFiles} files)`
	]);
	const idea = pages.find((p) => p.name === 'idea form')!;
	const verdicts = [
		[pages.every((p) => p.performance >= 90), 'performance ≥ 90 on every page'],
		[pages.every((p) => p.accessibility === 100), 'accessibility 100 on every page'],
		[
			idea.jsBytes <= JS_BUDGET,
			`≤ 80 KB JavaScript on the idea form (${(idea.jsBytes / 1024).toFixed(1)} KB)`
		]
	].map(([met, text]) => `${met ? 'met' : '**not met**'}: ${text}`);
	const findings = pages
		.filter((p) => p.findings.length)
		.map((p) => `- ${p.name}: ${p.findings.join('; ')}`);

	console.log(textTable(head, rows));
	for (const v of verdicts) console.log(v.replace(/\*\*/g, ''));
	if (findings.length) console.log(`Findings:\n${findings.join('\n')}`);

	if (values.readme) {
		const version = (await import('lighthouse/package.json', { with: { type: 'json' } })).default
			.version;
		await updateReadme(
			'bench-lighthouse',
			'Page budgets',
			[
				`Measured on ${new Date().toISOString().slice(0, 10)} with \`npm run bench:lighthouse\` ` +
					`(\`src/bench/lighthouse.ts\`, Lighthouse ${version}, Debian's Chromium, its default ` +
					'mobile emulation: a mid-range phone, simulated slow 4G, CPU slowed 4×) against `node build` ' +
					`with the demo on the embedded database, signed in as Kim (team) or Ravi (ideas). Machine: ${machine()}.`,
				markdownTable(head, rows),
				verdicts.map((v) => `- ${v}`).join('\n'),
				'JavaScript: the scripts the page loads, as transferred (compressed by the server). ' +
					'Accessibility and best-practices findings (audits that did not pass, with the number ' +
					'of elements):',
				findings.length ? findings.join('\n') : '- none'
			].join('\n\n')
		);
	}
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	main().catch((e) => {
		console.error(e instanceof Error ? e.message : e);
		process.exit(1);
	});
}
