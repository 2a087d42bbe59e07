import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Staged rows of a large import, kept on disk in buckets by case (a hash of the external id),
 * so that the import can be merged in steps of whole cases: every row of a case lands in one
 * bucket, and a step merges a few buckets — the same result as merging the whole file at once,
 * in short transactions. Memory stays small: each bucket buffers a few rows before writing.
 *
 * The files are written and read synchronously: they are local and each write or read is small,
 * and an `await` per file operation hands the event loop to other requests every time — on the
 * embedded database, whose queries run on this thread, a page load per file operation made the
 * import crawl while pages were served (bench:responsive).
 */

const BUCKETS = 512;
/**
 * Rows a bucket holds before it writes them. Few, so that a row's text dies young: with 256 per
 * bucket (131,072 rows held) the rows lived long enough to be moved to V8's old generation, whose
 * garbage is only collected late — the importer's heap grew to 470 MB at 1M events (peak RSS
 * 630 MB); with 32 it stays near 130 MB (peak RSS 290 MB), and reading is no slower.
 */
const BUFFERED = 32;

/** FNV-1a over the UTF-16 code units: fast, and the same bucket for the same id. */
function bucketOf(key: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < key.length; i++) {
		h ^= key.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return (h >>> 0) % BUCKETS;
}

const PREFIX = 'koers-import-';
const SPILL_DIR = /^koers-import-(?:(\d+)-)?/;
/** A folder of the format before the process id was in its name: left when younger than this. */
const UNNAMED_IDLE_MS = 24 * 60 * 60 * 1000;

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		// EPERM: the process exists but belongs to someone else.
		return (e as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/**
 * Removes the spill folders that killed imports left in `dir` (the system's temp folder) and
 * returns their names. A folder names the process that made it; one whose process is still
 * alive (an import running in another process on this machine) is left alone. Run at start-up.
 * Folders of the older format, without a process id, go only after a day without a change.
 */
export async function removeLeftoverSpills(dir = tmpdir()): Promise<string[]> {
	let names: string[];
	try {
		names = await readdir(dir);
	} catch {
		return [];
	}
	const removed: string[] = [];
	for (const name of names) {
		const m = SPILL_DIR.exec(name);
		if (!m) continue;
		const path = join(dir, name);
		if (m[1]) {
			const pid = Number(m[1]);
			if (pid !== process.pid && alive(pid)) continue;
		} else {
			const info = await stat(path).catch(() => null);
			if (!info?.isDirectory() || Date.now() - info.mtimeMs < UNNAMED_IDLE_MS) continue;
		}
		await rm(path, { recursive: true, force: true }).catch(() => {});
		removed.push(name);
	}
	return removed;
}

export class Spill {
	#pending: string[][] = Array.from({ length: BUCKETS }, () => []);
	#files: (number | null)[] = new Array(BUCKETS).fill(null);
	#counts = new Uint32Array(BUCKETS);
	rows = 0;

	private constructor(private dir: string) {}

	/** A spill in a new folder `koers-import-<pid>-…` of `dir` (the system's temp folder). */
	static async create(dir = tmpdir()) {
		return new Spill(await mkdtemp(join(dir, `${PREFIX}${process.pid}-`)));
	}

	#path(b: number) {
		return join(this.dir, `${b}.csv`);
	}

	/** Adds one CSV line (without its line break) of the case `key`. */
	add(key: string, line: string): void {
		const b = bucketOf(key);
		const pending = this.#pending[b];
		pending.push(line);
		this.#counts[b]++;
		this.rows++;
		if (pending.length >= BUFFERED) this.#write(b);
	}

	#write(b: number) {
		const pending = this.#pending[b];
		if (!pending.length) return;
		this.#pending[b] = [];
		const file = (this.#files[b] ??= openSync(this.#path(b), 'a'));
		writeSync(file, pending.join('\n') + '\n');
	}

	#closeAll() {
		for (const f of this.#files) if (f !== null) closeSync(f);
		this.#files.fill(null);
	}

	/**
	 * The staged rows in steps of whole buckets, each of at least `rows` rows (the last may be
	 * smaller): the CSV text of the step and how many rows it holds.
	 */
	async *steps(rows: number): AsyncGenerator<{ csv: string; rows: number }> {
		for (let b = 0; b < BUCKETS; b++) this.#write(b);
		this.#closeAll();
		let parts: string[] = [];
		let count = 0;
		for (let b = 0; b < BUCKETS; b++) {
			if (!this.#counts[b]) continue;
			parts.push(readFileSync(this.#path(b), 'utf8'));
			count += this.#counts[b];
			if (count >= rows) {
				yield { csv: parts.join(''), rows: count };
				parts = [];
				count = 0;
			}
		}
		if (count) yield { csv: parts.join(''), rows: count };
	}

	async remove() {
		try {
			this.#closeAll();
		} catch {
			// closed already
		}
		await rm(this.dir, { recursive: true, force: true });
	}
}
