/**
 * Shared by `npm run bench` and `npm run bench:scaling`: running one measured job (./child.ts)
 * in a process of its own, and a fresh database on a PostgreSQL server per job.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import type { Job, JobResult } from './child';

/** The generated log's CSV columns, as the database's own COPY loads them (src/bench/generate.ts). */
export const COPY_COLUMNS: [string, string][] = [
	['case_id', 'text'],
	['activity', 'text'],
	['time', 'timestamptz'],
	['department', 'text'],
	['resource', 'text'],
	['lifecycle', 'text'],
	['channel', 'text'],
	['category', 'text']
];

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs one job in a child process; returns its result and its wall-clock seconds. */
export async function child(
	job: Job,
	options: { profileDir?: string; timeoutSeconds?: number } = {}
): Promise<JobResult & { wallSeconds: number }> {
	const start = performance.now();
	const argv = ['--import', 'tsx'];
	if (options.profileDir) argv.push('--cpu-prof', `--cpu-prof-dir=${options.profileDir}`);
	const proc = spawn(process.execPath, [...argv, CHILD, JSON.stringify(job)], {
		cwd: ROOT,
		stdio: ['ignore', 'pipe', 'inherit']
	});
	let out = '';
	proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
	const timer = setTimeout(() => proc.kill('SIGKILL'), (options.timeoutSeconds ?? 900) * 1000);
	const code = await new Promise<number | null>((resolve) => proc.on('close', resolve));
	clearTimeout(timer);
	const line = out.split('\n').find((l) => l.startsWith('@@bench '));
	if (code !== 0 || !line)
		throw new Error(`the ${job.kind} job on ${job.db} failed (exit ${code}):\n${out.slice(-2000)}`);
	return {
		...(JSON.parse(line.slice(8)) as JobResult),
		wallSeconds: (performance.now() - start) / 1000
	};
}

/** A fresh database on the PostgreSQL server for each job; dropped afterwards. */
export function postgresServer(serverUrl: string) {
	const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
	let n = 0;
	return {
		async fresh<T>(fn: (url: string) => Promise<T>): Promise<T> {
			const name = `koers_bench_${process.pid}_${++n}`;
			await admin.unsafe(`create database ${name}`);
			try {
				const url = new URL(serverUrl);
				url.pathname = `/${name}`;
				return await fn(url.toString());
			} finally {
				await admin.unsafe(`drop database if exists ${name} with (force)`);
			}
		},
		end: () => admin.end({ timeout: 5 })
	};
}
