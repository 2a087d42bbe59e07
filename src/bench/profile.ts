/**
 * Summarises a V8 CPU profile (`node --cpu-prof`): self time by function and by file, the
 * largest first. `npx tsx src/bench/profile.ts <file.cpuprofile> [top]`, or from the runner.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
}

interface Profile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
	startTime: number;
	endTime: number;
}

export interface ProfileSummary {
	totalMs: number;
	idleMs: number;
	byFunction: { name: string; ms: number }[];
	byFile: { file: string; ms: number }[];
}

const shortUrl = (url: string) =>
	url
		.replace(/^file:\/\//, '')
		.replace(/^.*\/node_modules\//, '')
		.replace(/^.*\/src\//, 'src/');

export function summariseProfile(path: string, top = 25): ProfileSummary {
	const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const self = new Map<number, number>();
	for (let i = 0; i < profile.samples.length; i++) {
		const id = profile.samples[i];
		self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
	}
	const fn = new Map<string, number>();
	const file = new Map<string, number>();
	let idle = 0;
	let total = 0;
	for (const [id, us] of self) {
		const { callFrame: f } = byId.get(id)!;
		total += us;
		const name = f.functionName || '(anonymous)';
		if (name === '(idle)' || name === '(program)' || name === '(garbage collector)') {
			if (name === '(idle)') idle += us;
			fn.set(name, (fn.get(name) ?? 0) + us);
			continue;
		}
		const where = f.url ? shortUrl(f.url) : '(native)';
		const key = `${name} ${where}${f.url ? `:${f.lineNumber + 1}` : ''}`;
		fn.set(key, (fn.get(key) ?? 0) + us);
		file.set(where, (file.get(where) ?? 0) + us);
	}
	const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top);
	return {
		totalMs: total / 1000,
		idleMs: idle / 1000,
		byFunction: sorted(fn).map(([name, us]) => ({ name, ms: us / 1000 })),
		byFile: sorted(file).map(([f, us]) => ({ file: f, ms: us / 1000 }))
	};
}

export function formatProfile(s: ProfileSummary): string {
	const pct = (ms: number) => ((100 * ms) / s.totalMs).toFixed(1).padStart(5) + ' %';
	const lines = [
		`CPU profile: ${(s.totalMs / 1000).toFixed(1)} s sampled, ${(s.idleMs / 1000).toFixed(1)} s idle (waiting for the database)`,
		'  self time by function:'
	];
	for (const f of s.byFunction)
		lines.push(`    ${(f.ms / 1000).toFixed(2).padStart(7)} s ${pct(f.ms)}  ${f.name}`);
	lines.push('  self time by file:');
	for (const f of s.byFile)
		lines.push(`    ${(f.ms / 1000).toFixed(2).padStart(7)} s ${pct(f.ms)}  ${f.file}`);
	return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const [path, top] = process.argv.slice(2);
	console.log(formatProfile(summariseProfile(path, Number(top ?? 25))));
}
