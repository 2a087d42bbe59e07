/**
 * Static checks over the source tree: rules that keep the privileged database paths few and
 * visible, keep user input out of SQL text, and keep row level security on every table. A
 * change that breaks one must change this file too, on purpose.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Files under dir (relative to the project, with / separators) ending in one of exts. */
function files(dir: string, exts: string[]): string[] {
	const found: string[] = [];
	const walk = (abs: string) => {
		for (const entry of readdirSync(abs, { withFileTypes: true })) {
			const path = join(abs, entry.name);
			if (entry.isDirectory()) walk(path);
			else if (exts.some((e) => entry.name.endsWith(e)))
				found.push(relative(ROOT, path).split('\\').join('/'));
		}
	};
	walk(join(ROOT, dir));
	return found.sort();
}

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const isTest = (file: string) => /\.(test|spec)\.ts$|\/test-helpers\.ts$/.test(file);

/**
 * The code with comments blanked out (strings and template literals kept, lines kept in
 * place), so that a rule is not tripped by, or hidden in, a comment. Regular expression
 * literals are not recognised; none of the checked patterns occurs in one.
 */
function stripComments(code: string): string {
	let out = '';
	let i = 0;
	while (i < code.length) {
		const c = code[i];
		if (c === '/' && code[i + 1] === '/') {
			const end = code.indexOf('\n', i);
			const stop = end < 0 ? code.length : end;
			out += ' '.repeat(stop - i);
			i = stop;
		} else if (c === '/' && code[i + 1] === '*') {
			const end = code.indexOf('*/', i + 2);
			const stop = end < 0 ? code.length : end + 2;
			out += code.slice(i, stop).replace(/[^\n]/g, ' ');
			i = stop;
		} else if (c === "'" || c === '"' || c === '`') {
			let j = i + 1;
			while (j < code.length && code[j] !== c) j += code[j] === '\\' ? 2 : 1;
			out += code.slice(i, j + 1);
			i = j + 1;
		} else {
			out += c;
			i++;
		}
	}
	return out;
}

interface Interpolation {
	/** The line of the call. */
	line: number;
	call: string;
	/** The interpolated expressions, as written between `${` and `}`. */
	expressions: string[];
}

/**
 * Calls of `.query(`, `.exec(` or `.unsafe(` (type arguments allowed) whose first argument is a
 * template literal with `${…}` interpolations: SQL text built from values, where values belong
 * in $1 parameters. Only looks at calls whose SQL is written in place, which is how the code
 * base writes SQL.
 */
function interpolatedSql(source: string): Interpolation[] {
	const code = stripComments(source);
	const found: Interpolation[] = [];
	const call = /\.(query|exec|unsafe)\s*(?:<[^()]*?>)?\s*\(\s*`/g;
	for (let m = call.exec(code); m; m = call.exec(code)) {
		const expressions: string[] = [];
		let i = call.lastIndex; // just after the opening backtick
		while (i < code.length && code[i] !== '`') {
			if (code[i] === '\\') i += 2;
			else if (code[i] === '$' && code[i + 1] === '{') {
				let depth = 1;
				const start = i + 2;
				i = start;
				while (i < code.length && depth > 0) {
					if (code[i] === '{') depth++;
					else if (code[i] === '}') depth--;
					i++;
				}
				expressions.push(code.slice(start, i - 1).trim());
			} else i++;
		}
		call.lastIndex = i + 1;
		if (expressions.length)
			found.push({
				line: code.slice(0, m.index).split('\n').length,
				call: m[1],
				expressions
			});
	}
	return found;
}

/**
 * Names the file declares as a constant string literal (`const ARGS = '$1, $2'`): SQL written
 * once in the source, so interpolating it is as safe as writing it in place.
 */
function literalConstants(source: string): Set<string> {
	const decl = /\bconst\s+([A-Za-z_$][\w$]*)\s*=\s*('[^'\\\n]*'|"[^"\\\n]*"|`[^`$\\]*`)\s*;/g;
	return new Set([...stripComments(source).matchAll(decl)].map((m) => m[1]));
}

/** The interpolations in source that are neither literal constants nor in `allowed`. */
function unsafeInterpolations(source: string, allowed: string[] = []): Interpolation[] {
	const constants = literalConstants(source);
	return interpolatedSql(source)
		.map((hit) => ({
			...hit,
			expressions: hit.expressions.filter((e) => !constants.has(e) && !allowed.includes(e))
		}))
		.filter((hit) => hit.expressions.length);
}

describe('the guards’ own detectors', () => {
	it('find interpolated SQL, and only that', () => {
		const bad = [
			'await tx.query(`select * from person where name = ${name}`);',
			'tx.query<{ n: number }>(\n\t`select count(*) from ${table} where id = $1`, [id]);',
			'tx.exec(`drop table ${name}; select ${`nested`}`)',
			'sql.unsafe(`select ${a.b({ c: 1 })}`)'
		];
		expect(bad.map((s) => interpolatedSql(s).map((f) => f.expressions))).toEqual([
			[['name']],
			[['table']],
			[['name', '`nested`']],
			[['a.b({ c: 1 })']]
		]);
		expect(interpolatedSql('\n\ntx.query(`${x}`)')[0]).toMatchObject({ line: 3, call: 'query' });

		const good = [
			'tx.query(`select * from person where name = $1`, [name]);',
			"tx.query('select $1::int', [n]); const s = `${n}`;",
			'tx.query<Row>(\n\t`select 1`\n);',
			'const [, v] = FILE.exec(file)!; const x = `${v}`;',
			'// tx.query(`select ${x}`)',
			'/* tx.exec(`select ${x}`) */ tx.exec(`select 1`)',
			'tx.query(`price in \\${dollars}`)',
			'tx.query(sql, [a]); query(`${x}`)'
		];
		for (const s of good) expect(interpolatedSql(s), s).toEqual([]);
	});

	it('let string constants of the same file through, and nothing else', () => {
		const source = [
			"const ARGS = '$1::uuid, $2::text';",
			'const COLS = `a, b`;',
			'let mutable = "x";',
			'const built = `${mutable}`;',
			'tx.query(`select f(${ARGS}), ${COLS} from t`, [a, b]);',
			'tx.query(`select ${mutable}, ${built}, ${input.name}`);',
			'tx.query(`select ${table}`);'
		].join('\n');
		expect(unsafeInterpolations(source, ['table']).map((h) => h.expressions)).toEqual([
			['mutable', 'built', 'input.name']
		]);
	});

	it('blank comments but keep strings and lines', () => {
		const code = "a(); // b()\nconst u = 'http://x'; /* c()\n d() */ e();";
		const stripped = stripComments(code);
		expect(stripped).toContain("const u = 'http://x';");
		expect(stripped).not.toMatch(/b\(\)|c\(\)|d\(\)/);
		expect(stripped).toMatch(/e\(\);$/);
		expect(stripped.split('\n')).toHaveLength(3);
		expect(stripped).toHaveLength(code.length);
	});
});

describe('routes go through the domain modules', () => {
	const routeFiles = [
		...files('src/routes', ['.ts', '.js', '.svelte']),
		'src/hooks.server.ts'
	].filter((f) => !isTest(f));

	it('finds the route files', () => {
		expect(routeFiles).toContain('src/routes/(auth)/login/+page.server.ts');
	});

	it('no route imports a database driver or the port', () => {
		const offenders = routeFiles.filter((f) =>
			/from\s+['"][^'"]*server\/db\/(pglite|postgres|port|migrate|types)(\.[jt]s)?['"]/.test(
				read(f)
			)
		);
		expect(offenders).toEqual([]);
	});

	it('no route takes values from the db module (types are fine)', () => {
		const offenders = routeFiles.filter((f) =>
			/import\s+(?!type\b)[^;]*?from\s+['"][^'"]*server\/db(\/index)?(\.[jt]s)?['"]/.test(read(f))
		);
		expect(offenders).toEqual([]);
	});

	it('no route runs queries itself', () => {
		const offenders = routeFiles.flatMap((f) => {
			const code = stripComments(read(f));
			return /\.as(Service|Anon|User)\s*\(|\bdb\(\)|\bopenDb\s*\(/.test(code) ? [f] : [];
		});
		expect(offenders).toEqual([]);
	});
});

/**
 * The modules that may use the privileged path (`asService`: role service_role, which bypasses
 * row level security), and why. Adding one is a security decision: review it, then list it here.
 */
const PRIVILEGED: Record<string, string> = {
	'src/lib/server/auth/accounts.ts': 'sign-in look-ups, invitations, password changes',
	'src/lib/server/organisations.ts': 'first-run setup on an empty database',
	'src/lib/server/demo/index.ts': 'seeding the demo organisation',
	'src/lib/server/case-data/tokens.ts': 'API tokens: finding the organisation of a presented token',
	'src/lib/server/case-data/api.ts': 'imports through the API, on behalf of a verified token',
	'src/scripts/koers.ts': 'the command line, run by whoever runs the server',
	'src/lib/server/mail/outbox.ts':
		'the mail outbox (private.mail_outbox): sending queued notifications',
	'src/lib/server/runtime.ts': 'start-up: removing imports a stopped server left unfinished'
};

describe('the privileged path', () => {
	// Benchmarks (src/bench) and test fixtures set up their own databases: they are not the app.
	const sources = files('src', ['.ts', '.js', '.svelte']).filter(
		(f) => !isTest(f) && !f.startsWith('src/bench/') && !f.includes('/testdata/')
	);
	const users = sources.filter((f) => /\.asService\s*\(/.test(stripComments(read(f))));

	it('is used only by the listed modules', () => {
		expect(users.filter((f) => !(f in PRIVILEGED))).toEqual([]);
	});

	it('is still used by every listed module (the list stays accurate)', () => {
		expect(Object.keys(PRIVILEGED).filter((f) => !users.includes(f))).toEqual([]);
	});

	it('asAnon is not used outside the database layer', () => {
		const anon = sources.filter(
			(f) => !f.startsWith('src/lib/server/db/') && /\.asAnon\s*\(/.test(stripComments(read(f)))
		);
		expect(anon).toEqual([]);
	});
});

/**
 * Interpolations that are not user input, by file: identifiers (which cannot be $-parameters)
 * and SQL fragments picked from constants. String constants declared in the same file
 * (`const ARGS = '$1, $2'`) pass without being listed. Everything else goes through $1
 * parameters.
 */
const ALLOWED_INTERPOLATIONS: Record<string, string[]> = {
	// COPY into a staging table: the table and column names are constants of import/load.ts.
	'src/lib/server/db/pglite.ts': ['table', "columns.join(', ')"],
	'src/lib/server/db/postgres.ts': ['table', "columns.join(', ')"],
	// The staging table and a constant SELECT, both chosen by `shape` ('case' or 'event').
	'src/lib/server/import/load.ts': ['stage', 'caseRows']
};

describe('SQL text is never built from values', () => {
	const sources = [...files('src/lib/server', ['.ts']), ...files('src/scripts', ['.ts', '.js'])];

	it('scans the server modules', () => {
		expect(sources).toContain('src/lib/server/people.ts');
	});

	it('no query or exec call interpolates into its SQL', () => {
		const offenders = sources
			.filter((f) => !isTest(f))
			.flatMap((f) =>
				unsafeInterpolations(read(f), ALLOWED_INTERPOLATIONS[f]).map(
					(hit) => `${f}:${hit.line} .${hit.call}(\`…\${${hit.expressions.join('}…${')}}…\`)`
				)
			);
		expect(offenders).toEqual([]);
	});
});

describe('row level security in the migrations', () => {
	const migrations = files('supabase/migrations', ['.sql']);
	/** SQL without comments, lower case, so that names compare simply. */
	const sqlOf = (file: string) =>
		read(file)
			.replace(/--.*$/gm, '')
			.replace(/\/\*[\s\S]*?\*\//g, '')
			.toLowerCase();
	const ident = String.raw`"?([a-z_][a-z0-9_$]*)"?`;

	/** Tables a migration creates in schema public (written `public.x` or unqualified). */
	function publicTables(sql: string): string[] {
		const create = new RegExp(
			String.raw`create\s+(?:(?:global\s+|local\s+)?(?:temp|temporary|unlogged)\s+)?table\s+(?:if\s+not\s+exists\s+)?(?:${ident}\s*\.\s*)?${ident}`,
			'g'
		);
		return [...sql.matchAll(create)]
			.filter((m) => m[1] === undefined || m[1] === 'public')
			.filter((m) => !/temp|temporary/.test(m[0]))
			.map((m) => m[2]);
	}

	function rlsEnabled(sql: string): string[] {
		const alter = new RegExp(
			String.raw`alter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?(?:${ident}\s*\.\s*)?${ident}\s+enable\s+row\s+level\s+security`,
			'g'
		);
		return [...sql.matchAll(alter)]
			.filter((m) => m[1] === undefined || m[1] === 'public')
			.map((m) => m[2]);
	}

	it('the parser reads what migrations write', () => {
		const sql = sqlOf(migrations[0]);
		expect(publicTables(sql)).toContain('organisation');
		const sample = `create table public.a (id int); create table if not exists b (id int);
			create table private.c (id int); create temp table d (id int);
			create table "public"."e" (id int);
			alter table public.a enable row level security; alter table only "e" enable row level security;`;
		expect(publicTables(sample)).toEqual(['a', 'b', 'e']);
		expect(rlsEnabled(sample)).toEqual(['a', 'e']);
	});

	it('is found', () => {
		expect(migrations.length).toBeGreaterThan(0);
	});

	it.each(migrations)('%s enables it on every table it creates in public', (file) => {
		const sql = sqlOf(file);
		const enabled = new Set(rlsEnabled(sql));
		expect(publicTables(sql).filter((t) => !enabled.has(t))).toEqual([]);
	});

	it.each(migrations)('%s creates views in public only with security_invoker', (file) => {
		// A view runs with its owner's rights unless security_invoker is on: it would bypass
		// the row level security of the tables it reads. Materialized views cannot have any.
		const sql = sqlOf(file);
		const views = [
			...sql.matchAll(
				new RegExp(
					String.raw`create\s+(?:or\s+replace\s+)?(materialized\s+)?view\s+(?:if\s+not\s+exists\s+)?(?:${ident}\s*\.\s*)?${ident}([^;]*?)\bas\b`,
					'g'
				)
			)
		].filter((m) => m[2] === undefined || m[2] === 'public');
		const unsafe = views
			.filter((m) => m[1] || !/security_invoker\s*=\s*(true|on|1)/.test(m[4]))
			.map((m) => m[3]);
		expect(unsafe).toEqual([]);
	});
});
