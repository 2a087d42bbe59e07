/**
 * The house plan as executable rules (see ../shared CONVENTIONS and the README's "How it is
 * built"): data flows route → domain module → Db port; each table has one owner module; the
 * server stays below the UI; the importer is a library; pages receive camelCase DTOs whose
 * types the server exports, and browser code imports those types instead of copying them.
 * A change that breaks one of these must change this file too, on purpose.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

function files(dir: string, exts: string[]): string[] {
	const found: string[] = [];
	const walk = (abs: string) => {
		for (const entry of readdirSync(abs, { withFileTypes: true })) {
			const path = join(abs, entry.name);
			if (entry.isDirectory()) {
				if (entry.name !== 'paraglide' && entry.name !== 'node_modules') walk(path);
			} else if (exts.some((e) => entry.name.endsWith(e)))
				found.push(relative(ROOT, path).split('\\').join('/'));
		}
	};
	walk(join(ROOT, dir));
	return found.sort();
}

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const isTest = (file: string) => /\.(test|spec)\.ts$|\/test-helpers\.ts$|\/testdata\//.test(file);

/** The module specifiers a file imports, with whether the import is type-only. */
function imports(source: string): { from: string; typeOnly: boolean }[] {
	const found: { from: string; typeOnly: boolean }[] = [];
	const re = /(?:^|\n)\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]/g;
	for (const m of source.matchAll(re)) {
		const clause = m[3];
		// `import { type A, type B }` is type-only too
		const names = /^\{([^}]*)\}$/.exec(clause.trim())?.[1];
		const allTypes =
			names !== undefined &&
			names
				.split(',')
				.map((n) => n.trim())
				.filter(Boolean)
				.every((n) => n.startsWith('type '));
		found.push({ from: m[4], typeOnly: Boolean(m[2]) || allTypes });
	}
	for (const m of source.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g))
		found.push({ from: m[1], typeOnly: false });
	return found;
}

/** Resolves a relative specifier of `file` to a project path ('' for packages). */
function resolve(file: string, spec: string): string {
	if (spec.startsWith('$lib/')) return 'src/lib/' + spec.slice(5);
	if (!spec.startsWith('.')) return '';
	const parts = file.split('/').slice(0, -1);
	for (const p of spec.split('/')) {
		if (p === '..') parts.pop();
		else if (p !== '.') parts.push(p);
	}
	return parts.join('/');
}

const SERVER = files('src/lib/server', ['.ts']).filter((f) => !isTest(f));

describe('the server stays below the UI', () => {
	it('finds the server modules', () => {
		expect(SERVER.length).toBeGreaterThan(20);
	});

	it('no server module imports a component', () => {
		const offenders = SERVER.flatMap((f) =>
			imports(read(f))
				.filter((i) => resolve(f, i.from).startsWith('src/lib/components'))
				.map((i) => `${f} imports ${i.from}`)
		);
		expect(offenders).toEqual([]);
	});
});

describe('the importer is a library', () => {
	const IMPORT = SERVER.filter((f) => f.startsWith('src/lib/server/import/'));

	it('finds it', () => {
		expect(IMPORT.length).toBeGreaterThan(5);
	});

	it('imports only the Db port, the schemas, itself and packages', () => {
		const offenders = IMPORT.flatMap((f) =>
			imports(read(f))
				.filter((i) => {
					const to = resolve(f, i.from);
					if (!to) return false; // a package or node: built-in
					return !(
						to.startsWith('src/lib/server/import/') ||
						to === 'src/lib/server/db' ||
						to.startsWith('src/lib/server/db/types') ||
						to.startsWith('src/lib/schemas/')
					);
				})
				.map((i) => `${f} imports ${i.from}`)
		);
		expect(offenders).toEqual([]);
	});
});

/** Browser code: components, routes' Svelte files and the shared modules outside server/. */
const BROWSER = [
	...files('src/lib', ['.svelte', '.ts']).filter(
		(f) => !f.startsWith('src/lib/server/') && !isTest(f)
	),
	...files('src/routes', ['.svelte']),
	...files('src/routes', ['.ts']).filter(
		(f) => !/\+(page|layout)\.server\.ts$|\+server\.ts$/.test(f) && !f.endsWith('.server.ts')
	)
];

/** Names of the types and interfaces that server modules export. */
function serverTypes(): Map<string, string> {
	const names = new Map<string, string>();
	for (const f of SERVER) {
		for (const m of read(f).matchAll(/export\s+(?:interface|type)\s+([A-Z]\w*)/g))
			if (!names.has(m[1])) names.set(m[1], f);
	}
	return names;
}

describe('browser code takes server types, and copies none', () => {
	it('imports from $lib/server only with `import type`', () => {
		const offenders = BROWSER.flatMap((f) =>
			imports(read(f))
				.filter((i) => resolve(f, i.from).startsWith('src/lib/server') && !i.typeOnly)
				.map((i) => `${f} imports values from ${i.from}`)
		);
		expect(offenders).toEqual([]);
	});

	it('declares no type or interface under the name of one a server module exports', () => {
		const server = serverTypes();
		expect(server.size).toBeGreaterThan(20);
		const offenders = BROWSER.flatMap((f) =>
			[...read(f).matchAll(/(?:^|\n)\s*(?:export\s+)?(?:interface|type)\s+([A-Z]\w*)\b/g)]
				.filter((m) => server.has(m[1]))
				.map((m) => `${f} declares ${m[1]}, which ${server.get(m[1])} exports`)
		);
		expect(offenders).toEqual([]);
	});
});

/** Shapes fixed by Supabase's token format, not by Koers. */
const JWT_SHAPES = new Set(['Claims']);

describe('pages receive camelCase objects', () => {
	it('no exported server interface has a snake_case field', () => {
		const offenders: string[] = [];
		for (const f of SERVER) {
			const code = read(f);
			for (const m of code.matchAll(/export\s+interface\s+(\w+)[^{]*\{/g)) {
				if (JWT_SHAPES.has(m[1])) continue;
				// the interface body up to its closing brace at the same depth
				let depth = 1;
				let i = (m.index ?? 0) + m[0].length;
				const start = i;
				while (i < code.length && depth > 0) {
					if (code[i] === '{') depth++;
					else if (code[i] === '}') depth--;
					i++;
				}
				const body = code.slice(start, i - 1).replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '');
				for (const field of body.matchAll(
					/(?:^|[;\n{,])\s*(?:readonly\s+)?([a-z]+_[a-z_0-9]*)\??\s*:/g
				))
					offenders.push(`${f}: ${m[1]}.${field[1]}`);
			}
		}
		expect(offenders).toEqual([]);
	});
});

describe('actions and loads re-check the sign-in through one helper', () => {
	it('no route asserts the sign-in with `locals.claims!` or `locals.user!`', () => {
		const offenders = files('src/routes', ['.ts']).flatMap((f) =>
			read(f)
				.split('\n')
				.map((line, n) => ({ line, n }))
				.filter(({ line }) => /locals\.(claims|user)!/.test(line))
				.map(({ n }) => `${f}:${n + 1}`)
		);
		expect(offenders).toEqual([]);
	});
});

describe('admin work checks the role itself, never trusting the hook to recognise the path', () => {
	/** Each load, action and request handler of a route file, by name, with its code. */
	function handlers(source: string): { name: string; body: string }[] {
		const found: { name: string; body: string }[] = [];
		const exported = source.split(/\n(?=export const )/);
		for (const part of exported) {
			const head = /^export const (\w+)/.exec(part)?.[1];
			if (!head) continue;
			if (head === 'actions')
				for (const action of part.split(/\n\t(?=\w+: )/).slice(1))
					found.push({ name: `actions.${/^\w+/.exec(action)![0]}`, body: action });
			else found.push({ name: head, body: part });
		}
		return found;
	}

	it('every admin load, action and endpoint calls requireAdmin', () => {
		const routes = files('src/routes/(app)/admin', ['.ts']).filter(
			(f) => /\/\+(page|layout)\.server\.ts$|\/\+server\.ts$/.test(f) && !isTest(f)
		);
		expect(routes.length).toBeGreaterThan(5);
		const offenders = routes.flatMap((f) =>
			handlers(read(f))
				.filter(({ name }) => /^(load|actions\.\w+|GET|POST|PUT|PATCH|DELETE)$/.test(name))
				.filter(({ body }) => !/\brequireAdmin\(locals\)/.test(body))
				.map(({ name }) => `${f}: ${name}`)
		);
		expect(offenders).toEqual([]);
	});

	it('finds the actions of a route file', () => {
		const source = [
			"import x from 'y';",
			'export const load = () => requireAdmin(locals);',
			'export const actions = {',
			'\tone: async ({ locals }) => {',
			'\t\trequireAdmin(locals);',
			'\t},',
			'\ttwo: async ({ locals }) => {',
			'\t\tsignedIn(locals);',
			'\t}',
			'};'
		].join('\n');
		expect(
			handlers(source).map(({ name, body }) => [name, body.includes('requireAdmin(locals)')])
		).toEqual([
			['load', true],
			['actions.one', true],
			['actions.two', false]
		]);
	});
});

/**
 * Who writes each table (src/lib/server/…, without .ts). The first module is the table's owner:
 * other modules call its verbs. The few second writers are deliberate: the importer loads the
 * case store (reports, events, new categories, its batch) in one set-based transaction; the
 * account module links a person to its sign-in; first-run setup creates the first admin. The
 * demo seeds (server/demo/) and triggers in the migrations write as the database itself.
 */
const WRITERS: Record<string, string[]> = {
	organisation: ['organisations'],
	department: ['departments'],
	person: ['people', 'auth/accounts', 'organisations'],
	invitation: ['people', 'auth/accounts'],
	audit: [], // database triggers only
	team: ['teams'],
	team_member: ['teams'],
	team_member_profile: ['teams'],
	mandate: ['teams'],
	evaluation: ['coach'],
	category: ['case-data/categories', 'import/load'],
	import_batch: ['import/index'],
	report: ['import/load'],
	report_event: ['import/load'],
	report_flow: [], // maintained by the database from report_event
	case_fact: [], // maintained by the database from report and report_event
	handoff_fact: [], // maintained by the database from report, report_event and the zone
	figures_version: [], // bumped by database triggers (private schema)
	mapping_preset: ['case-data/presets'],
	api_token: ['case-data/tokens'],
	journey: ['journeys/edit', 'journeys/undo'],
	stage: ['journeys/edit', 'journeys/undo'],
	touchpoint: ['journeys/edit', 'journeys/undo'],
	touchpoint_category: ['journeys/edit', 'journeys/undo'],
	journey_undo: ['journeys/edit', 'journeys/undo'],
	improvement_cycle: ['cycles/plan'],
	cycle_action: ['cycles/actions'],
	decision_request: ['cycles/requests'],
	idea: ['ideas'],
	idea_photo: ['ideas'],
	idea_vote: ['ideas'],
	session_version: [], // through private.end_sessions() only
	sign_in_failure: ['auth/limiter'],
	contact_activity: ['figures/contact-activities'],
	service_agreement: ['agreements'],
	chain: ['chains'],
	chain_team: ['chains'],
	import_value_map: ['case-data/value-maps'],
	mail_outbox: ['mail/outbox'] // filled by triggers in the event's transaction; sent and expired here
};

describe('every table has one owner', () => {
	const tables = files('supabase/migrations', ['.sql']).flatMap((f) =>
		[
			...read(f).matchAll(/create table (?:if not exists )?(?:(?:public|private)\.)?([a-z_]+)/gi)
		].map((m) => m[1].toLowerCase())
	);

	it('every table of the migrations is in the list, and the list names no other', () => {
		expect(tables.length).toBeGreaterThan(20);
		expect([...tables].sort()).toEqual(Object.keys(WRITERS).sort());
	});

	it('only the listed modules insert into, update or delete from a table', () => {
		const offenders: string[] = [];
		for (const f of SERVER.filter((f) => !f.startsWith('src/lib/server/demo/'))) {
			const module = f.replace(/^src\/lib\/server\//, '').replace(/\.ts$/, '');
			const code = read(f);
			for (const m of code.matchAll(
				/\b(?:insert\s+into|update|delete\s+from)\s+(?:(?:public|private)\.)?([a-z_]+)\b/gi
			)) {
				const table = m[1].toLowerCase();
				if (table in WRITERS && !WRITERS[table].includes(module))
					offenders.push(`${module} writes ${table}`);
			}
		}
		expect(offenders).toEqual([]);
	});
});

describe('the rules’ own detectors', () => {
	it('read type-only imports both ways', () => {
		const found = imports(
			`import type { A } from '$lib/server/x';\nimport { type B, type C } from '$lib/server/y';\nimport { D, type E } from '$lib/server/z';`
		);
		expect(found.map((i) => i.typeOnly)).toEqual([true, true, false]);
	});

	it('resolve relative paths', () => {
		expect(resolve('src/lib/server/import/csv.ts', '../db')).toBe('src/lib/server/db');
		expect(resolve('src/lib/server/import/csv.ts', './types')).toBe('src/lib/server/import/types');
		expect(resolve('src/lib/server/x.ts', '$lib/components/A.svelte')).toBe(
			'src/lib/components/A.svelte'
		);
		expect(resolve('src/lib/server/x.ts', 'node:fs')).toBe('');
	});
});
