// `npm run koers -- <command>`: Koers on the command line, for large files and schedules.
// Runs with the same configuration as the server (DATABASE_URL or the embedded database).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../lib/server/config';
import { forOrg as valueMapOf } from '../lib/server/case-data/value-maps';
import { CsvFile } from '../lib/server/csv-writer';
import { useDb, type Db } from '../lib/server/db';
import { backup, BackupError, restore } from '../lib/server/db/backup';
import { MigrationError } from '../lib/server/db/migrate';
import {
	importStream,
	InputError,
	parseMapArg,
	rejectedRow,
	type Mapping
} from '../lib/server/import';
import { isValidTimeZone } from '../lib/server/import/dates';
import { summary as caseSummary } from '../lib/server/figures/metrics';
import { setup } from '../lib/server/organisations';
import { openConfigured } from '../lib/server/runtime';
import { setupSchema } from '../lib/schemas/auth';
import { PASSWORD_MIN } from '../lib/schemas/fields';

const USAGE = `Usage:
  npm run koers -- setup --org-name <name> --email <admin's email> [--name <admin's name>]
                  (the password from KOERS_ADMIN_PASSWORD, or asked on the terminal)
  npm run koers -- import <file> [--format csv|xes] [--shape case|event]
                  [--mapping <preset> | --map field=column,field=column…]
                  [--timezone <zone>] [--month-first] [--source <name>] [--org <slug>]
                  [--skip-invalid]
  npm run koers -- metrics [--from <date>] [--to <date>] [--category <name>] [--channel <name>]
                  [--department <name>] [--org <slug>] [--json]
  npm run koers -- backup <file>       the embedded database into one file (Koers stopped)
  npm run koers -- restore <file> [--force]
                  into an empty data folder; --force replaces the database there

Fields for --map: caseId, activity, timestamp, department, resource, lifecycle, received,
resolved, category, channel, customer, location, status, duplicate, reopened.`;

/** A refusal the command line explains in one message. */
class Refusal extends Error {}
/** … followed by how to use it. */
class UsageError extends Refusal {}

async function orgOf(db: Db, slug: string | undefined) {
	const orgs = await db.asService((tx) =>
		tx.query<{ id: string; slug: string; name: string }>(
			'select id, slug, name from organisation order by slug'
		)
	);
	if (slug) {
		const org = orgs.find((o) => o.slug === slug);
		if (!org)
			throw new UsageError(
				`No organisation "${slug}". Known: ${orgs.map((o) => o.slug).join(', ') || 'none'}`
			);
		return org;
	}
	if (orgs.length !== 1)
		throw new UsageError(
			orgs.length
				? `Several organisations: choose one with --org (${orgs.map((o) => o.slug).join(', ')})`
				: 'No organisation yet: set one up with `npm run koers -- setup` (or start Koers once).'
		);
	return orgs[0];
}

async function presetMapping(db: Db, orgId: string, name: string) {
	const [row] = await db.asService((tx) =>
		tx.query<{ mapping: Mapping; shape: 'case' | 'event'; timezone: string | null }>(
			'select mapping, shape, timezone from mapping_preset where org_id = $1 and name = $2',
			[orgId, name]
		)
	);
	if (!row) throw new UsageError(`No mapping preset "${name}".`);
	return row;
}

async function runImport(db: Db, pseudonymSecret: string, args: string[]) {
	const { values, positionals } = parseArgs({
		args,
		allowPositionals: true,
		options: {
			format: { type: 'string' },
			shape: { type: 'string' },
			mapping: { type: 'string' },
			map: { type: 'string' },
			timezone: { type: 'string' },
			'month-first': { type: 'boolean' },
			source: { type: 'string' },
			org: { type: 'string' },
			'skip-invalid': { type: 'boolean' }
		}
	});
	const file = positionals[0];
	if (!file) throw new UsageError('Which file? koers import <file>');
	const size = statSync(file).size;
	if (values.shape && !['case', 'event'].includes(values.shape))
		throw new UsageError('--shape is case or event');
	if (values.format && !['csv', 'xes'].includes(values.format))
		throw new UsageError('--format is csv or xes');
	if (values.timezone && !isValidTimeZone(values.timezone))
		throw new UsageError(`Unknown time zone "${values.timezone}"`);
	const org = await orgOf(db, values.org);
	const preset = values.mapping ? await presetMapping(db, org.id, values.mapping) : undefined;
	let mapping = preset?.mapping;
	try {
		if (values.map) mapping = parseMapArg(values.map);
	} catch (e) {
		throw new UsageError((e as Error).message);
	}
	// --map names some fields; the suggested mapping gives the rest (printed below).

	const rejectedFile = `${file}.rejected.csv`;
	const rejectedOut = new CsvFile(rejectedFile, ['line', 'problems']);
	// channel and department values in the organisation's words, as the import page maps them
	const valueMap = await db.asService((tx) => valueMapOf(tx, org.id));
	const started = Date.now();
	const result = await importStream((fn) => db.asService(fn), createReadStream(file), {
		orgId: org.id,
		fileName: basename(file),
		source: values.source,
		shape: (values.shape ?? preset?.shape) as 'case' | 'event' | undefined,
		mapping,
		partialMapping: !!values.map,
		timezone: values.timezone ?? preset?.timezone ?? undefined,
		dayFirst: !values['month-first'],
		skipInvalid: values['skip-invalid'],
		via: 'cli',
		valueMap,
		pseudonymSecret,
		onProgress: ({ rows, bytes }) => {
			const pct = size ? Math.min(100, Math.round((bytes / size) * 100)) : 0;
			process.stderr.write(`\r  ${pct}%  ${rows.toLocaleString('en')} rows`);
		},
		onRejected: values['skip-invalid']
			? (row, problems, headers) => rejectedOut.add(rejectedRow(row, problems, headers))
			: undefined
	});
	await rejectedOut.finish();
	process.stderr.write('\n');
	console.error(
		`Mapping (${result.shape} shape): ${Object.entries(result.mapping)
			.map(([f, c]) => `${f}=${c}`)
			.join(',')}`
	);
	const seconds = (Date.now() - started) / 1000;
	if (result.rejected) {
		console.error(
			`Nothing imported: ${result.errorCount} problem(s) in ${result.rowsSkipped} row(s). The first ones:`
		);
		for (const e of result.errors.slice(0, 100))
			console.error(
				`  line ${e.line}: ${e.field ?? ''} ${e.key}${e.detail ? ` (${e.detail})` : ''}`
			);
		console.error('Fix them, or import the valid rows with --skip-invalid.');
		return 1;
	}
	console.log(
		`Imported ${result.casesAdded} new case(s) and ${result.eventsAdded} new event(s) from ${result.rowsRead} row(s) in ${seconds.toFixed(1)} s` +
			(result.rowsSkipped
				? `; skipped ${result.rowsSkipped} invalid row(s), listed in ${rejectedFile}`
				: '')
	);
	return 0;
}

async function runMetrics(db: Db, args: string[]) {
	const { values } = parseArgs({
		args,
		options: {
			from: { type: 'string' },
			to: { type: 'string' },
			category: { type: 'string' },
			channel: { type: 'string' },
			department: { type: 'string' },
			org: { type: 'string' },
			json: { type: 'boolean' }
		}
	});
	const date = (v: string | undefined, name: string) => {
		if (!v) return null;
		const d = new Date(v);
		if (Number.isNaN(d.getTime()))
			throw new UsageError(`--${name}: expected a date like 2024-01-31`);
		return d;
	};
	const org = await orgOf(db, values.org);
	const figures = await db.asService(async (tx) => {
		let category: string | null = null;
		if (values.category) {
			const [c] = await tx.query<{ id: string }>(
				'select id from category where org_id = $1 and name = $2',
				[org.id, values.category]
			);
			if (!c) throw new UsageError(`No category "${values.category}"`);
			category = c.id;
		}
		return caseSummary(tx, {
			orgId: org.id,
			from: date(values.from, 'from'),
			to: date(values.to, 'to'),
			category,
			channel: values.channel ?? null,
			department: values.department ?? null
		});
	});
	if (values.json) console.log(JSON.stringify(figures, null, 2));
	else console.log(formatFigures(figures));
	return 0;
}

function formatFigures(f: Awaited<ReturnType<typeof caseSummary>>) {
	const n = (v: number | null | undefined, digits = 1) =>
		v === null || v === undefined ? '–' : v.toFixed(digits);
	const pct = (v: number | null | undefined) =>
		v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)}%`;
	return [
		`cases            ${f.cases}`,
		`events           ${f.events}`,
		`lead time (h)    median ${n(f.leadTimeHours.median)}  mean ${n(f.leadTimeHours.mean)}  p85 ${n(f.leadTimeHours.p85)}  p95 ${n(f.leadTimeHours.p95)}`,
		`within norm      ${pct(f.withinNorm)}`,
		`repeats          ${f.repeats.total} (${pct(f.repeatRate)}): by rule ${f.repeats.byRule}, flagged by source ${f.repeats.bySource}`,
		`handoffs         ${f.handoffs} in ${f.casesWithHandoff} case(s)`,
		`variants         ${f.variants.count}`
	].join('\n');
}

/**
 * `koers setup`: the organisation and its first admin on an empty database, so that the command
 * line works on its own. The password comes from KOERS_ADMIN_PASSWORD or is asked on the
 * terminal without echo (twice).
 */
async function runSetup(db: Db, args: string[]) {
	const { values } = parseArgs({
		args,
		options: {
			'org-name': { type: 'string' },
			email: { type: 'string' },
			name: { type: 'string' }
		}
	});
	if (!values['org-name'] || !values.email)
		throw new UsageError('koers setup needs --org-name and --email');
	let password = process.env.KOERS_ADMIN_PASSWORD;
	let confirm = password;
	if (!password) {
		password = await askPassword("The admin's password: ");
		confirm = await askPassword('The same again: ');
	}
	const parsed = setupSchema.safeParse({
		orgName: values['org-name'],
		name: values.name ?? values.email.split('@')[0],
		email: values.email,
		password,
		confirm
	});
	if (!parsed.success)
		throw new Refusal(
			`Not set up: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}` +
				` (a password has at least ${PASSWORD_MIN} characters)`
		);
	useDb(db);
	const user = await setup(parsed.data);
	if (!user) throw new Refusal('Not set up: this database has an organisation already.');
	console.log(
		`Set up "${parsed.data.orgName}" with admin ${parsed.data.email}. ` +
			'Import with `npm run koers -- import <file>`; sign in on the web with this email.'
	);
	return 0;
}

/** Reads a line from the terminal without showing it. */
function askPassword(prompt: string): Promise<string> {
	const { stdin, stderr } = process;
	if (!stdin.isTTY)
		throw new Refusal('No terminal to ask the password on: set KOERS_ADMIN_PASSWORD.');
	stderr.write(prompt);
	stdin.setRawMode(true);
	stdin.setEncoding('utf8');
	stdin.resume();
	let value = '';
	return new Promise((resolve, reject) => {
		const done = () => {
			stdin.off('data', onData);
			stdin.setRawMode(false);
			stdin.pause();
			stderr.write('\n');
		};
		const onData = (chunk: string) => {
			for (const c of chunk) {
				if (c === '\r' || c === '\n') return (done(), resolve(value));
				if (c === '\u0003') return (done(), reject(new Refusal('Cancelled.')));
				value = c === '\u007f' || c === '\b' ? value.slice(0, -1) : value + c;
			}
		};
		stdin.on('data', onData);
	});
}

/**
 * `koers backup <file>` and `koers restore <file> [--force]`: the embedded database, without
 * opening it through Koers (a restore must not create or migrate the database it replaces).
 * The secrets in the data folder are not in the file: they are kept apart from the data.
 */
async function runBackupOrRestore(command: 'backup' | 'restore', args: string[]) {
	const { values, positionals } = parseArgs({
		args,
		allowPositionals: true,
		options: { force: { type: 'boolean' } }
	});
	const file = positionals[0];
	if (!file) throw new UsageError(`Which file? koers ${command} <file>`);
	const config = loadConfig(process.env);
	if (config.databaseUrl)
		throw new Refusal(
			`koers ${command} is for the embedded database. With DATABASE_URL, use pg_dump and pg_restore (README, "Operating it").`
		);
	const pgdata = join(config.dataDir, 'pgdata');
	const secret = join(config.dataDir, 'pseudonym-secret');
	if (command === 'backup') {
		const bytes = await backup(pgdata, file);
		console.log(`Backed up ${pgdata} to ${file} (${(bytes / 1e6).toFixed(1)} MB).`);
		if (!config.pseudonymSecret)
			console.error(
				`Not in the backup: the secrets in ${config.dataDir}. Keep a copy of ${secret} apart from it: ` +
					'without it, imports after a restore give customers other keys.'
			);
		return 0;
	}
	if (values.force && existsSync(pgdata)) console.error(`Replacing the database in ${pgdata}.`);
	await restore(file, pgdata, values.force);
	console.log(`Restored ${file} into ${pgdata}. Start Koers as usual.`);
	if (!config.pseudonymSecret && !existsSync(secret))
		console.error(
			`No pseudonym secret in ${config.dataDir}: put back the one the backup was made with ` +
				'(or set KOERS_PSEUDONYM_SECRET) before the next import.'
		);
	return 0;
}

const COMMANDS = ['setup', 'import', 'metrics', 'backup', 'restore'];

async function main(argv: string[]) {
	const [command, ...rest] = argv;
	if (!command || command === 'help' || command === '--help') {
		console.log(USAGE);
		return command ? 0 : 2;
	}
	if (!COMMANDS.includes(command)) throw new UsageError(`Unknown command "${command}"`);
	if (command === 'backup' || command === 'restore') return runBackupOrRestore(command, rest);
	const { db, pseudonymSecret } = await openConfigured();
	try {
		if (command === 'setup') return await runSetup(db, rest);
		return command === 'import'
			? await runImport(db, pseudonymSecret, rest)
			: await runMetrics(db, rest);
	} finally {
		await db.close();
	}
}

// The exit code is set, not forced with process.exit: Node then ends once standard output and
// error are written out. Into a pipe, whose reader takes 64 KiB at a time, process.exit would
// cut the output off there.
main(process.argv.slice(2)).then(
	(code) => {
		process.exitCode = code;
	},
	(e) => {
		if (e instanceof UsageError) console.error(`${e.message}\n\n${USAGE}`);
		else if (e instanceof Refusal || e instanceof BackupError) console.error(e.message);
		else if (e instanceof InputError) console.error(`Nothing imported: ${e.message} (${e.key})`);
		else if (e instanceof ConfigError || e instanceof MigrationError) console.error(e.message);
		else if ((e as NodeJS.ErrnoException).code === 'ENOENT')
			console.error(`No such file: ${(e as NodeJS.ErrnoException).path}`);
		else console.error(e);
		process.exitCode = 1;
	}
);
