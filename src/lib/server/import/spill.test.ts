import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeLeftoverSpills, Spill } from './spill';

describe('spill folders left by killed imports', () => {
	let dir: string;
	beforeEach(async () => {
		dir = await mkdtemp(join(tmpdir(), 'koers-spilltest-'));
	});
	afterEach(async () => {
		await rm(dir, { recursive: true, force: true });
	});

	/** The id of a process that has ended. */
	async function deadPid() {
		const child = spawn(process.execPath, ['-e', '0']);
		await new Promise((r) => child.on('exit', r));
		return child.pid!;
	}

	it('start-up removes the folder of a dead import and keeps that of an import still running', async () => {
		const running = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
		try {
			const dead = await deadPid();
			await mkdir(join(dir, `koers-import-${dead}-abc123`));
			await mkdir(join(dir, `koers-import-${running.pid}-def456`));
			await mkdir(join(dir, 'koers-import-old123'));
			await mkdir(join(dir, 'koers-import-new456'));
			await mkdir(join(dir, 'something-else'));
			const dayAgo = new Date(Date.now() - 25 * 60 * 60 * 1000);
			await utimes(join(dir, 'koers-import-old123'), dayAgo, dayAgo);

			const removed = await removeLeftoverSpills(dir);

			expect(removed.sort()).toEqual([`koers-import-${dead}-abc123`, 'koers-import-old123']);
			expect((await readdir(dir)).sort()).toEqual(
				[`koers-import-${running.pid}-def456`, 'koers-import-new456', 'something-else'].sort()
			);
		} finally {
			running.kill();
		}
	});

	it('a spill names its process, and removing it leaves nothing', async () => {
		const spill = await Spill.create(dir);
		await spill.add('case 1', 'a,b');
		const [name] = await readdir(dir);
		expect(name).toMatch(new RegExp(`^koers-import-${process.pid}-`));
		const steps = [];
		for await (const s of spill.steps(1)) steps.push(s);
		expect(steps).toEqual([{ csv: 'a,b\n', rows: 1 }]);
		await spill.remove();
		expect(await readdir(dir)).toEqual([]);
	});
});
