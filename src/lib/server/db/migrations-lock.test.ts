import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * A committed migration never changes: a database that has applied it would never see the edit
 * (the runner and `supabase db push` skip a version they have recorded). supabase/migrations.lock
 * holds `<sha256>  <file>` for every migration, in the order they are applied; it is the output
 * of `sha256sum *.sql` in supabase/migrations. Line endings are normalised (CRLF → LF) before
 * hashing, so a checkout on any OS agrees.
 */
const SUPABASE_DIR = fileURLToPath(new URL('../../../../supabase', import.meta.url));
const MIGRATIONS = join(SUPABASE_DIR, 'migrations');
const LOCK = join(SUPABASE_DIR, 'migrations.lock');
const LINE = /^([0-9a-f]{64}) {2}(\S+)$/;

const hashOf = (file: string) => {
	const bytes = readFileSync(join(MIGRATIONS, file)).toString('latin1').replace(/\r\n/g, '\n');
	return createHash('sha256').update(bytes, 'latin1').digest('hex');
};

const lockLines = readFileSync(LOCK, 'utf8')
	.split(/\r?\n/)
	.filter((line) => line.trim() !== '');
const locked = lockLines.flatMap((line) => {
	const m = LINE.exec(line);
	return m ? [{ hash: m[1], file: m[2] }] : [];
});
const files = readdirSync(MIGRATIONS)
	.filter((f) => f.endsWith('.sql'))
	.sort();

describe('committed migrations never change (supabase/migrations.lock)', () => {
	it('reads the manifest', () => {
		expect(lockLines.filter((line) => !LINE.test(line))).toEqual([]);
		expect(locked.length).toBeGreaterThan(0);
	});

	it('every listed migration is there, unchanged', () => {
		const problems = locked.flatMap(({ hash, file }) => {
			if (!existsSync(join(MIGRATIONS, file)))
				return [
					`supabase/migrations/${file} is listed in supabase/migrations.lock but missing: a ` +
						'committed migration is never removed or renamed; restore it, and add a new ' +
						'migration for the change instead.'
				];
			const actual = hashOf(file);
			return actual === hash
				? []
				: [
						`supabase/migrations/${file} was edited after it was committed (sha256 ${actual}, ` +
							`the manifest says ${hash}). Restore it and add a new migration instead of ` +
							"editing one; then append the new file's hash to supabase/migrations.lock."
					];
		});
		expect(problems).toEqual([]);
	});

	it('every migration file is listed', () => {
		const listed = new Set(locked.map((l) => l.file));
		const last = locked.at(-1)?.file ?? '';
		const problems = files
			.filter((file) => !listed.has(file))
			.map(
				(file) =>
					`supabase/migrations/${file} is not in supabase/migrations.lock. A change to the ` +
					'schema is a new migration (add a new migration instead of editing one); once it is ' +
					`final, append its hash to the manifest: "${hashOf(file)}  ${file}".` +
					(file < last ? ` Its timestamp must be later than that of ${last}.` : '')
			);
		expect(problems).toEqual([]);
	});

	it('lists each file once, in the order they are applied (a new migration sorts last)', () => {
		const names = locked.map((l) => l.file);
		expect(names).toEqual([...new Set(names)].sort());
	});
});
