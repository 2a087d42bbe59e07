// Operating Koers (issue 13), with built servers of their own, plain HTTP: the embedded
// database's disk runs full (a real one: a small tmpfs, mounted as root), and `node build` — the
// Dockerfile's command — stops when the platform sends SIGTERM, also on PostgreSQL.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { execFile } from 'node:child_process';
import { startThrowawayPostgres } from './setup/throwaway-postgres';
import { expect, test } from './helpers';

const run = promisify(execFile);
const ADMIN = { email: 'beheer@vol.nl', password: 'een-lang-wachtwoord-42' };

interface Koers {
	url: string;
	child: ChildProcess;
	output: () => string;
	exited: Promise<number | null>;
}

/** A port nobody listens on (helpers side by side on one machine use fixed ones). */
function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = createServer();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as { port: number };
			srv.close(() => resolve(port));
		});
	});
}

/** A built Koers server (`node build`, as in the Dockerfile); resolves once /readyz is 200. */
async function launch(env: NodeJS.ProcessEnv): Promise<Koers> {
	const port = await freePort();
	const clean = Object.fromEntries(
		Object.entries(process.env).filter(
			([k]) => !/^(DATABASE_URL|KOERS_|PUBLIC_SUPABASE_|SUPABASE_|ORIGIN)/.test(k)
		)
	);
	const url = `http://127.0.0.1:${port}`;
	const child = spawn(process.execPath, ['build'], {
		env: { ...clean, PORT: String(port), HOST: '127.0.0.1', ORIGIN: url, KOERS_DEMO: '0', ...env }
	});
	let output = '';
	child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
	child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
	const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
	for (let i = 0; i < 240; i++) {
		if (child.exitCode !== null) throw new Error(`the server stopped:\n${output}`);
		const ready = await fetch(`${url}/readyz`)
			.then((r) => r.status === 200)
			.catch(() => false);
		if (ready) return { url, child, output: () => output, exited };
		await new Promise((r) => setTimeout(r, 250));
	}
	child.kill('SIGKILL');
	throw new Error(`not ready after 60 s:\n${output}`);
}

/** A form post as the browser sends it without JavaScript (SvelteKit checks the origin). */
const post = (url: string, form: Record<string, string>, cookie = '') =>
	fetch(url, {
		method: 'POST',
		redirect: 'manual',
		headers: { origin: new URL(url).origin, cookie, accept: 'text/html' },
		body: new URLSearchParams(form)
	});

async function signIn(base: string): Promise<string> {
	const res = await post(`${base}/login`, ADMIN);
	const set = res.headers.getSetCookie().find((c) => c.startsWith('koers_session='));
	expect(set, `no session cookie (status ${res.status})`).toBeTruthy();
	return set!.split(';')[0];
}

/** An idea of about 900 characters, so that a few dozen need new pages in the table. */
const idea = (n: number) =>
	`Idee ${n}: ${'de container aan het plein is vaak te vol. '.repeat(21)}`.trim();

test.describe('the embedded database on a full disk', () => {
	let mount: string;
	let k: Koers | undefined;

	test.afterAll(async () => {
		if (k && k.child.exitCode === null) k.child.kill('SIGKILL');
		await k?.exited;
		if (mount) {
			await run('umount', [mount]).catch(() => {});
			await rm(mount, { recursive: true, force: true });
		}
	});

	test('an idea on a full disk: a clear answer in Dutch, nothing stored is lost, and it works again once there is room', async () => {
		test.setTimeout(180_000);
		// a real full disk: a small tmpfs, which only root may mount (npm test runs as root here)
		expect(process.getuid?.(), 'mounting a small tmpfs needs root').toBe(0);
		mount = await mkdtemp(join(tmpdir(), 'koers-full-'));
		await run('mount', ['-t', 'tmpfs', '-o', 'size=80m', 'tmpfs', mount]);
		const env = { KOERS_DATA_DIR: join(mount, 'data') };
		k = await launch(env);
		expect(
			(
				await post(`${k.url}/setup`, {
					orgName: 'Gemeente Vol',
					name: 'Beheerder',
					...ADMIN,
					confirm: ADMIN.password
				})
			).status
		).toBe(303);
		let cookie = await signIn(k.url);
		const stored: string[] = [];
		const submit = (body: string) => post(`${k!.url}/ideas?/submit`, { body }, cookie);
		const first = await submit(idea(0));
		expect(first.status).toBe(200);
		stored.push(idea(0));

		// Fill the disk to the last byte.
		const filler = join(mount, 'filler');
		const fd = openSync(filler, 'w');
		const block = Buffer.alloc(1 << 20, 1);
		try {
			for (;;) writeSync(fd, block);
		} catch (e) {
			expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
		} finally {
			closeSync(fd);
		}
		// What fits in pages the database already has is stored; then it needs a new one.
		let refused: Response | undefined;
		for (let n = 1; n <= 300 && !refused; n++) {
			const res = await submit(idea(n));
			if (res.status === 200) stored.push(idea(n));
			else refused = res;
		}
		expect(refused, 'the disk never ran full').toBeTruthy();
		expect(refused!.status).toBe(507);
		const page = await refused!.text();
		expect(page).toContain('De opslag van Koers is vol');
		expect(page).toContain('Je wijziging is niet bewaard');
		expect(page).not.toContain('Er ging iets mis');

		// The outbox's way in answers JSON in the person's language (and the outbox tries again).
		const api = await fetch(`${k.url}/api/ideas`, {
			method: 'POST',
			headers: { cookie, 'content-type': 'application/json', origin: k.url },
			body: JSON.stringify({ id: randomUUID(), body: idea(999) })
		});
		expect(api.status).toBe(507);
		expect(await api.json()).toMatchObject({
			error: 'disk_full',
			message: expect.stringContaining('De opslag van Koers is vol')
		});
		expect(k.child.exitCode).toBeNull(); // the server keeps running
		expect(k.output()).toContain('Koers: no room left to write');

		// Room again: the same server stores the next idea.
		await rm(filler);
		expect((await submit(idea(1000))).status).toBe(200);
		stored.push(idea(1000));

		// Restarted, everything stored before is there, the refused ones are not.
		k.child.kill('SIGTERM');
		expect(await k.exited).toBe(0);
		k = await launch(env);
		cookie = await signIn(k.url);
		const mine = (await (
			await fetch(`${k.url}/api/ideas/mine`, { headers: { cookie } })
		).json()) as { ideas: { body: string }[] };
		expect(mine.ideas.map((i) => i.body).sort()).toEqual(stored.sort());
	});
});

test('`node build` on PostgreSQL stops when the platform sends SIGTERM', async () => {
	test.setTimeout(120_000);
	const [pg, dir] = await Promise.all([
		startThrowawayPostgres(),
		mkdtemp(join(tmpdir(), 'koers-stop-'))
	]);
	try {
		await mkdir(dir, { recursive: true });
		const k = await launch({ DATABASE_URL: pg.url, KOERS_DATA_DIR: dir });
		const signalled = Date.now();
		k.child.kill('SIGTERM');
		const code = await Promise.race([
			k.exited,
			new Promise<'still running'>((r) => setTimeout(() => r('still running'), 15_000))
		]);
		if (code === 'still running') k.child.kill('SIGKILL');
		expect(code).toBe(0);
		expect(Date.now() - signalled).toBeLessThan(15_000);
	} finally {
		await pg.stop();
		await rm(dir, { recursive: true, force: true });
	}
});
