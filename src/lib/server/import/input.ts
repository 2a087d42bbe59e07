/**
 * Opening an uploaded file: gzip or not, CSV or XES, which text encoding — from the bytes
 * themselves, as a stream (nothing is held in memory beyond a small sample).
 *
 * ```ts
 * const input = await openInput(createReadStream(file)); // or request body, File.stream() …
 * const source = input.kind === 'xes' ? await readXes(input.text) : await readCsv(input.text);
 * ```
 */
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InputError } from './types';

/** Bytes from anywhere: a Node stream (fs, http request), a web ReadableStream, a generator. */
export type ByteSource =
	AsyncIterable<Uint8Array | string> | NodeJS.ReadableStream | ReadableStream<Uint8Array>;

export type TextEncodingName = 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';

export interface OpenedInput {
	/** XES when the text starts with `<` (`<?xml`, `<log`, a comment …), otherwise CSV. */
	kind: 'csv' | 'xes';
	/** Whether the bytes were gzip-compressed (detected by the magic bytes 1f 8b). */
	gzip: boolean;
	/**
	 * The text encoding. UTF-16 needs a byte order mark; UTF-8 may have one (it is stripped).
	 * When the sample is pure ASCII the choice waits for the first non-ASCII byte: valid UTF-8
	 * keeps 'utf-8', anything else switches to 'windows-1252' for the rest of the file — so read
	 * this after `text` is consumed for the final answer.
	 */
	readonly encoding: TextEncodingName;
	/**
	 * The decoded text in chunks, without a byte order mark; read it once. A truncated or
	 * corrupt gzip stream makes the iteration throw InputError('input_gzip') where it happens.
	 */
	text: AsyncIterable<string>;
}

/** How many bytes are sampled to tell text from binary and UTF-8 from Windows-1252. */
const SAMPLE_BYTES = 8192;
/** A file whose first MiB is whitespace counts as empty (and is not read further). */
const MAX_LEADING_WHITESPACE = 1 << 20;

/**
 * Opens a byte stream as text. Reads a sample first, so by the time this resolves the input is
 * known not to be empty (InputError 'input_empty': no bytes, only whitespace, only a BOM) or
 * binary (InputError 'input_binary': NUL bytes, mostly control characters, or a known binary
 * format such as ZIP/XLSX, XLS, PDF, an image). A gzip stream that breaks inside the sample
 * rejects with InputError 'input_gzip'. On any of these errors the source is released.
 */
export async function openInput(source: ByteSource): Promise<OpenedInput> {
	const raw = byteChunks(source);
	let gzip = false;
	let bytes: AsyncIterator<Uint8Array> = raw;
	try {
		// gzip magic: 1f 8b
		const magic = await peek(raw, 2);
		gzip = magic.head.length >= 2 && magic.head[0] === 0x1f && magic.head[1] === 0x8b;
		const replayed = replay(magic.chunks, raw);
		bytes = gzip ? gunzip(replayed) : replayed;

		const sample = await peek(bytes, SAMPLE_BYTES, MAX_LEADING_WHITESPACE);
		const head = sample.head;
		let bomLength = 0;
		let mode: DecoderMode;
		if (startsWith(head, [0xef, 0xbb, 0xbf])) {
			bomLength = 3;
			mode = 'utf-8';
		} else if (startsWith(head, [0xff, 0xfe])) {
			bomLength = 2;
			mode = 'utf-16le';
		} else if (startsWith(head, [0xfe, 0xff])) {
			bomLength = 2;
			mode = 'utf-16be';
		} else mode = 'ascii';

		const body = head.subarray(bomLength);
		if (mode === 'utf-16le' || mode === 'utf-16be') {
			const text = new TextDecoder(mode).decode(body, { stream: true });
			if (text.includes('\0')) throw binary('NUL characters in UTF-16 text');
			if (text.trim() === '') throw empty(sample.done);
		} else {
			if (isWhitespace(body)) throw empty(sample.done);
			const why = binaryReason(body);
			if (why) throw binary(why);
			mode = utf8Verdict(body, sample.done);
		}

		const decoder = new Decoder(mode);
		const firstText = decoder.decode(body, false);
		const first = firstText ? [firstText] : [];
		const kind = firstText.trimStart().startsWith('<') ? 'xes' : 'csv';
		const rest = bytes;
		return {
			kind,
			gzip,
			get encoding() {
				return decoder.encoding;
			},
			text: decodeRest(first, rest, decoder)
		};
	} catch (error) {
		await bytes.return?.().catch(() => {});
		if (bytes !== raw) await raw.return?.().catch(() => {});
		throw asInputError(error);
	}
}

async function* decodeRest(
	first: string[],
	bytes: AsyncIterator<Uint8Array>,
	decoder: Decoder
): AsyncGenerator<string> {
	try {
		yield* first;
		for (;;) {
			let next: IteratorResult<Uint8Array>;
			try {
				next = await bytes.next();
			} catch (error) {
				throw asInputError(error);
			}
			if (next.done) break;
			const text = decoder.decode(next.value, false);
			if (text) yield text;
		}
		const last = decoder.decode(new Uint8Array(0), true);
		if (last) yield last;
	} finally {
		await bytes.return?.().catch(() => {});
	}
}

// ---------------------------------------------------------------------------------------------
// Bytes

function byteChunks(source: ByteSource): AsyncIterator<Uint8Array> {
	if (isWebStream(source)) return webChunks(source);
	return nodeChunks(source as AsyncIterable<Uint8Array | string>);
}

function isWebStream(source: ByteSource): source is ReadableStream<Uint8Array> {
	return typeof (source as ReadableStream).getReader === 'function';
}

async function* webChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
	const reader = stream.getReader();
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) return;
			if (value.length) yield value;
		}
	} finally {
		await reader.cancel().catch(() => {});
		reader.releaseLock();
	}
}

async function* nodeChunks(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<Uint8Array> {
	for await (const chunk of source) {
		const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
		if (bytes.length) yield bytes;
	}
}

interface Peeked {
	/** The chunks read, to be replayed. */
	chunks: Uint8Array[];
	/** Their bytes joined. */
	head: Uint8Array;
	/** Whether the stream ended within them. */
	done: boolean;
}

/**
 * Reads at least `size` bytes (fewer at the end of the stream). With `whitespaceLimit`, keeps
 * reading while everything so far is whitespace, up to that many bytes.
 */
async function peek(
	bytes: AsyncIterator<Uint8Array>,
	size: number,
	whitespaceLimit = 0
): Promise<Peeked> {
	const chunks: Uint8Array[] = [];
	let total = 0;
	let done = false;
	let blank = true; // only whitespace (after a UTF-8 BOM) so far
	while (total < size || (blank && total < whitespaceLimit)) {
		const next = await bytes.next();
		if (next.done) {
			done = true;
			break;
		}
		const chunk = next.value;
		if (whitespaceLimit) {
			if (total < 3) {
				// the start (where a BOM may be split over chunks): judge all bytes so far
				const joined = Buffer.concat([...chunks, chunk]);
				blank = isWhitespace(joined.subarray(bomAt(joined)));
			} else if (blank) blank = isWhitespace(chunk);
		}
		chunks.push(chunk);
		total += chunk.length;
	}
	const head = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
	return { chunks, head, done };
}

async function* replayGenerator(
	chunks: Uint8Array[],
	rest: AsyncIterator<Uint8Array>
): AsyncGenerator<Uint8Array> {
	try {
		yield* chunks;
		for (;;) {
			const next = await rest.next();
			if (next.done) return;
			yield next.value;
		}
	} finally {
		await rest.return?.();
	}
}

function replay(chunks: Uint8Array[], rest: AsyncIterator<Uint8Array>): AsyncIterator<Uint8Array> {
	return replayGenerator(chunks, rest);
}

/**
 * A gzip "bomb" stops here: real CSV and XES files pack 5 to 30 times, so more than 200 times
 * (after the first 64 MiB, where small files may pack better) or more than 8 GiB unpacked is
 * not a case file.
 */
const MAX_RATIO = 200;
const RATIO_SLACK = 64 * 1024 * 1024;
const MAX_UNPACKED = 8 * 1024 * 1024 * 1024;

/**
 * Gunzips a byte stream (concatenated gzip members too). Errors come out of the iteration;
 * ending the iteration early waits until the source has been released.
 */
async function* gunzip(compressed: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
	let packed = 0;
	let unpacked = 0;
	const counted: AsyncIterator<Uint8Array> = {
		next: async () => {
			const r = await compressed.next();
			if (!r.done) packed += r.value.byteLength;
			return r;
		},
		return: compressed.return?.bind(compressed)
	};
	const input = Readable.from({ [Symbol.asyncIterator]: () => counted }, { objectMode: false });
	const unzip = createGunzip({ chunkSize: 64 * 1024 });
	// The callback keeps pipeline from leaving errors unhandled; they reach the consumer through
	// the iteration of `unzip` (pipeline destroys it with the error).
	const settled = new Promise<void>((resolve) => pipeline(input, unzip, () => resolve()));
	try {
		for await (const chunk of unzip as AsyncIterable<Uint8Array>) {
			unpacked += chunk.byteLength;
			if (unpacked > MAX_UNPACKED || unpacked > MAX_RATIO * packed + RATIO_SLACK)
				throw new InputError(
					'input_gzip_bomb',
					`gzip unpacks to over ${unpacked} bytes from ${packed} (more than ${MAX_RATIO}× or ${MAX_UNPACKED} bytes): not read`
				);
			yield chunk;
		}
	} finally {
		unzip.destroy();
		await settled;
	}
}

function asInputError(error: unknown): unknown {
	if (error instanceof InputError) return error;
	const code = (error as { code?: unknown })?.code;
	if (typeof code === 'string' && code.startsWith('Z_')) {
		const message = (error as Error).message;
		return new InputError('input_gzip', `gzip data is truncated or corrupt (${message})`);
	}
	return error;
}

// ---------------------------------------------------------------------------------------------
// Text or binary, which encoding

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
	if (bytes.length < prefix.length) return false;
	for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
	return true;
}

function bomAt(bytes: Uint8Array): number {
	if (startsWith(bytes, [0xef, 0xbb, 0xbf])) return 3;
	return 0;
}

function isWhitespace(bytes: Uint8Array): boolean {
	for (let i = 0; i < bytes.length; i++) {
		const b = bytes[i];
		if (b !== 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12 && b !== 11) return false;
	}
	return true;
}

function empty(done: boolean): InputError {
	return new InputError(
		'input_empty',
		done ? 'the file is empty (or only whitespace)' : 'the file starts with only whitespace'
	);
}

function binary(why: string): InputError {
	return new InputError('input_binary', `not a text file: ${why}`);
}

const MAGIC: [number[], string][] = [
	[[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive (an Excel .xlsx file?) — export it as CSV'],
	[[0xd0, 0xcf, 0x11, 0xe0], 'an old Excel .xls (OLE) file — export it as CSV'],
	[[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
	[[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
	[[0xff, 0xd8, 0xff], 'a JPEG image'],
	[[0x42, 0x5a, 0x68], 'bzip2-compressed data (only gzip is read)'],
	[[0xfd, 0x37, 0x7a, 0x58, 0x5a], 'xz-compressed data (only gzip is read)'],
	[[0x37, 0x7a, 0xbc, 0xaf], 'a 7-Zip archive']
];

/** Why a sample is not text, or undefined when it looks like text. */
function binaryReason(bytes: Uint8Array): string | undefined {
	for (const [magic, what] of MAGIC) if (startsWith(bytes, magic)) return what;
	let odd = 0;
	for (let i = 0; i < bytes.length; i++) {
		const b = bytes[i];
		if (b === 0) return 'it contains NUL bytes';
		// control characters other than tab, LF, FF, CR; and bytes undefined in Windows-1252
		if ((b < 32 && b !== 9 && b !== 10 && b !== 12 && b !== 13) || b === 127) odd++;
		else if (b === 0x81 || b === 0x8d || b === 0x8f || b === 0x90 || b === 0x9d) odd++;
	}
	if (odd > bytes.length * 0.1) return 'it is mostly control characters';
	return undefined;
}

/** 'ascii' (undecided), 'utf-8' (valid, with non-ASCII) or 'windows-1252' (not UTF-8). */
function utf8Verdict(sample: Uint8Array, done: boolean): DecoderMode {
	let ascii = true;
	for (let i = 0; i < sample.length; i++)
		if (sample[i] >= 0x80) {
			ascii = false;
			break;
		}
	if (ascii) return 'ascii';
	try {
		new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: !done });
		return 'utf-8';
	} catch {
		return 'windows-1252';
	}
}

type DecoderMode = 'ascii' | TextEncodingName;

/** Where an incomplete UTF-8 sequence at the end of `bytes` starts (bytes.length if none). */
function incompleteTail(bytes: Uint8Array): number {
	const n = bytes.length;
	for (let i = n - 1; i >= 0 && i >= n - 3; i--) {
		const b = bytes[i];
		if (b < 0x80) return n;
		if (b >= 0xc0) {
			const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
			return n - i < need ? i : n;
		}
	}
	return n;
}

/**
 * Streaming decoder. In 'ascii' mode (nothing but ASCII seen yet) it checks each chunk as
 * strict UTF-8 and settles on 'utf-8' at the first valid non-ASCII sequence, or on
 * 'windows-1252' at the first invalid one (that chunk included). Once on UTF-8, a stray
 * invalid byte becomes U+FFFD.
 */
class Decoder {
	private decoder: TextDecoder | undefined;
	private strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
	private carry: Uint8Array | undefined;

	constructor(private mode: DecoderMode) {
		if (mode !== 'ascii' && mode !== 'windows-1252')
			this.decoder = new TextDecoder(mode, { ignoreBOM: true });
	}

	get encoding(): TextEncodingName {
		return this.mode === 'ascii' ? 'utf-8' : this.mode;
	}

	decode(chunk: Uint8Array, final: boolean): string {
		if (this.mode === 'windows-1252') return decodeWindows1252(chunk);
		if (this.decoder) return this.decoder.decode(chunk, { stream: !final });
		const data = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
		this.carry = undefined;
		const cut = final ? data.length : incompleteTail(data);
		let text: string;
		try {
			text = this.strict.decode(data.subarray(0, cut));
		} catch {
			this.mode = 'windows-1252';
			return decodeWindows1252(data);
		}
		if (text.length !== cut) {
			// a valid multi-byte sequence: this is UTF-8
			this.mode = 'utf-8';
			this.decoder = new TextDecoder('utf-8', { ignoreBOM: true });
			if (cut < data.length) text += this.decoder.decode(data.subarray(cut), { stream: !final });
			return text;
		}
		if (cut < data.length) this.carry = data.slice(cut);
		return text;
	}
}

// Node's TextDecoder('windows-1252') decodes as ISO-8859-1 (nodejs/node#56542), so 0x80–0x9F
// (€, ‘ ’ “ ” – — …) would come out as C1 control characters. Latin-1 plus this table is
// Windows-1252; the five undefined bytes stay as their C1 code points, as in the WHATWG spec.
const CP1252_80_9F =
	'\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
	'\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const C1 = /[\u0080-\u009f]/g;
const HAS_C1 = /[\u0080-\u009f]/;

function decodeWindows1252(bytes: Uint8Array): string {
	const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
	return HAS_C1.test(latin1)
		? latin1.replace(C1, (c) => CP1252_80_9F[c.charCodeAt(0) - 0x80])
		: latin1;
}
