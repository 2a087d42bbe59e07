import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createGzip, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openInput, type ByteSource } from './input';
import { InputError } from './types';

const data = (name: string) => path.resolve('..', 'shared', 'data', name);

/** Bytes in chunks of `size` (1 = byte by byte, to hit every boundary). */
async function* chunks(bytes: Uint8Array, size = 64 * 1024) {
	for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function readAll(source: ByteSource) {
	const input = await openInput(source);
	let text = '';
	for await (const part of input.text) text += part;
	return { kind: input.kind, encoding: input.encoding, gzip: input.gzip, text };
}

async function inputError(run: () => Promise<unknown>): Promise<InputError> {
	try {
		await run();
	} catch (error) {
		expect(error).toBeInstanceOf(InputError);
		return error as InputError;
	}
	throw new Error('expected an InputError');
}

const bytes = (...parts: (string | number[])[]) =>
	Buffer.concat(
		parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p)))
	);

describe('openInput', () => {
	it('reads a real CSV file from a Node stream as UTF-8 text, unchanged', async () => {
		const result = await readAll(createReadStream(data('receipt.csv')));
		expect(result.kind).toBe('csv');
		expect(result.gzip).toBe(false);
		expect(result.encoding).toBe('utf-8');
		expect(result.text).toBe(readFileSync(data('receipt.csv'), 'utf8'));
	});

	it('tells XES from CSV by the first non-space characters', async () => {
		expect((await openInput(createReadStream(data('running-example.xes')))).kind).toBe('xes');
		expect((await openInput(chunks(bytes('\n  <log>\n</log>')))).kind).toBe('xes');
		expect((await openInput(chunks(bytes('a,b\n1,2\n')))).kind).toBe('csv');
	});

	it('accepts a web ReadableStream', async () => {
		const stream = new Blob([bytes('a;b\n1;2\n')]).stream();
		expect((await readAll(stream)).text).toBe('a;b\n1;2\n');
	});

	it('strips a UTF-8 byte order mark', async () => {
		const result = await readAll(chunks(bytes([0xef, 0xbb, 0xbf], 'naam;straat\nJosé;Één\n')));
		expect(result.text).toBe('naam;straat\nJosé;Één\n');
		// … also when the BOM is split over chunks
		const split = await readAll(chunks(bytes([0xef, 0xbb, 0xbf], 'a,b\n'), 1));
		expect(split.text).toBe('a,b\n');
	});

	it('decodes UTF-8 split byte by byte', async () => {
		const text = 'naam,plaats\nRené,’s-Hertogenbosch 🚲\n';
		const result = await readAll(chunks(bytes(text), 1));
		expect(result.text).toBe(text);
		expect(result.encoding).toBe('utf-8');
	});

	it('decodes Windows-1252 when the bytes are not UTF-8 (é as 0xE9, € as 0x80)', async () => {
		const result = await readAll(chunks(bytes('naam;bedrag\nRen', [0xe9], ';', [0x80], ' 5\n')));
		expect(result.encoding).toBe('windows-1252');
		expect(result.text).toBe('naam;bedrag\nRené;€ 5\n');
	});

	it('switches to Windows-1252 at a late non-ASCII byte after a pure-ASCII sample', async () => {
		const ascii = 'id;naam\n' + '1;Jansen\n'.repeat(2000); // 18 kB of ASCII
		const result = await readAll(chunks(bytes(ascii, '2;Ren', [0xe9], '\n'), 4096));
		expect(result.encoding).toBe('windows-1252');
		expect(result.text).toBe(ascii + '2;René\n');
	});

	it('keeps UTF-8 when a late multi-byte sequence is split over chunks', async () => {
		const ascii = 'id;naam\n' + '1;Jansen\n'.repeat(2000);
		const text = ascii + '2;René\n';
		const body = bytes(text);
		const at = body.indexOf(0xc3); // split inside é
		const result = await readAll(chunks(body, at + 1));
		expect(result.encoding).toBe('utf-8');
		expect(result.text).toBe(text);
	});

	it('decodes UTF-16 with a byte order mark (Excel "Unicode text")', async () => {
		const le = Buffer.concat([
			Buffer.from([0xff, 0xfe]),
			Buffer.from('a\tb\nRené\t2\n', 'utf16le')
		]);
		const result = await readAll(chunks(le, 3));
		expect(result.encoding).toBe('utf-16le');
		expect(result.text).toBe('a\tb\nRené\t2\n');
	});

	it('gunzips a gzipped real file to the same text', async () => {
		const plain = readFileSync(data('running-example.xes'));
		const result = await readAll(chunks(gzipSync(plain), 100));
		expect(result.gzip).toBe(true);
		expect(result.kind).toBe('xes');
		expect(result.text).toBe(plain.toString('utf8'));
	});

	it('rejects a gzip truncated inside the sample with input_gzip', async () => {
		const gz = gzipSync(readFileSync(data('running-example.csv')));
		const error = await inputError(() => readAll(chunks(gz.subarray(0, gz.length - 20))));
		expect(error.key).toBe('input_gzip');
	});

	it('throws input_gzip from the text stream when a large gzip is cut off', async () => {
		const gz = gzipSync(readFileSync(data('receipt.csv')));
		const input = await openInput(Readable.from(chunks(gz.subarray(0, gz.length >> 1), 8192)));
		expect(input.kind).toBe('csv');
		let received = 0;
		const error = await inputError(async () => {
			for await (const part of input.text) received += part.length;
		});
		expect(error.key).toBe('input_gzip');
		expect(received).toBeGreaterThan(100_000);
	});

	it('stops a gzip bomb (223 MB of rows packed 400-fold) with input_gzip_bomb', async () => {
		const row = Buffer.from('zaak,activiteit,tijd\n' + 'Z-1,A,2026-01-01\n'.repeat(65536));
		const packed = await new Promise<Buffer>((resolve, reject) => {
			const parts: Buffer[] = [];
			const zip = createGzip({ level: 9 });
			zip.on('data', (b: Buffer) => parts.push(b)).on('end', () => resolve(Buffer.concat(parts)));
			zip.on('error', reject);
			Readable.from(
				(function* () {
					for (let i = 0; i < 200; i++) yield row; // 223 MB unpacked
				})()
			).pipe(zip);
		});
		expect(packed.length).toBeLessThan(1_000_000);
		const input = await openInput(Readable.from(chunks(packed, 16384)));
		let received = 0;
		const error = await inputError(async () => {
			for await (const part of input.text) received += part.length;
		});
		expect(error.key).toBe('input_gzip_bomb');
		expect(received).toBeGreaterThan(64 * 1024 * 1024); // a large honest file is read on
		expect(received).toBeLessThan(200 * 1024 * 1024);
	});

	it('rejects corrupt gzip data with input_gzip', async () => {
		const gz = Buffer.from(gzipSync(readFileSync(data('running-example.csv'))));
		gz.fill(0x55, 20, 60);
		const error = await inputError(() => readAll(chunks(gz)));
		expect(error.key).toBe('input_gzip');
	});

	it('rejects binary input with input_binary', async () => {
		const nul = await inputError(() => openInput(chunks(bytes('a,b\n1,', [0], '\n'))));
		expect(nul.key).toBe('input_binary');
		let seed = 42;
		const noise = Buffer.alloc(10_000, 0).map(() => {
			seed = (seed * 1103515245 + 12345) & 0x7fffffff;
			return (seed >> 16) & 0xff;
		});
		expect((await inputError(() => openInput(chunks(noise)))).key).toBe('input_binary');
		const xlsx = bytes([0x50, 0x4b, 0x03, 0x04], 'xl/workbook.xml');
		const zip = await inputError(() => openInput(chunks(xlsx)));
		expect(zip.key).toBe('input_binary');
		expect(zip.message).toMatch(/xlsx/);
		const controls = bytes('a,b\n', Array(100).fill(0x01), '\n');
		expect((await inputError(() => openInput(chunks(controls)))).key).toBe('input_binary');
	});

	it('rejects empty input with input_empty: no bytes, whitespace, only a BOM', async () => {
		for (const body of [
			bytes(),
			bytes(' \r\n\t\n'),
			bytes([0xef, 0xbb, 0xbf]),
			bytes([0xef, 0xbb, 0xbf], '\n\n')
		]) {
			const error = await inputError(() => openInput(chunks(body)));
			expect(error.key).toBe('input_empty');
		}
		expect((await inputError(() => openInput(chunks(gzipSync(bytes()))))).key).toBe('input_empty');
		expect((await inputError(() => openInput(Readable.from([])))).key).toBe('input_empty');
	});

	it('releases the source when it rejects the input', async () => {
		let finished = false;
		async function* source() {
			try {
				yield bytes([0x50, 0x4b, 0x03, 0x04]);
				for (;;) yield bytes('more'.repeat(1000));
			} finally {
				finished = true;
			}
		}
		await inputError(() => openInput(source()));
		expect(finished).toBe(true);
	});
});

describe('openInput and its source', () => {
	function tracked(body: Uint8Array) {
		const state = { finished: false, served: 0 };
		async function* source() {
			try {
				for (;;) {
					state.served++;
					yield body;
				}
			} finally {
				state.finished = true;
			}
		}
		return { state, source: source() };
	}

	it('releases an endless source when the reader stops early, plain or gzipped', async () => {
		for (const body of [
			bytes('a,b\n1,2\n'.repeat(5000)),
			gzipSync(bytes('a,b\n1,2\n'.repeat(5000)))
		]) {
			const { state, source } = tracked(body);
			const input = await openInput(source);
			for await (const part of input.text) {
				expect(part.length).toBeGreaterThan(0);
				break;
			}
			expect(state.finished).toBe(true);
		}
	});

	it('reads past leading whitespace to the content', async () => {
		const result = await readAll(chunks(bytes(' '.repeat(20_000), '\n<log></log>'), 1000));
		expect(result.kind).toBe('xes');
		const blank = await inputError(() => openInput(chunks(bytes(' '.repeat(1 << 21), 'a'), 4096)));
		expect(blank.key).toBe('input_empty');
	});
});
