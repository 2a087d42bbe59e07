/**
 * A streaming XES (IEEE 1849) reader: one row per `<event>`, flattened the way process-mining
 * tools export an event log to CSV.
 *
 * - `values`: the event's attributes by key (`concept:name`, `time:timestamp`, `org:resource`,
 *   …) and its trace's attributes with `case:` before the key (`case:concept:name`), each the
 *   attribute's `value` text (entities decoded). Only attributes that are direct children of
 *   `<event>` / `<trace>` count: nested attributes (meta attributes inside an attribute),
 *   `<list>` and `<container>` (they have no single value) and everything in the `<log>` header
 *   (extensions, globals, classifiers, log attributes) stay out of the rows. An event outside
 *   any trace (directly under `<log>`, not standard) is a row without `case:` keys. Trace
 *   attributes written after the trace's first event apply to the events after them. An
 *   attribute keyed `__proto__` is ignored (a plain object cannot hold it).
 * - `line`: the line of the `<event>` tag.
 * - `headers`: the keys of `<global scope="event">` and of the events read before `readXes`
 *   resolves (it parses ahead up to 1,000 events), then the `case:` keys of
 *   `<global scope="trace">` and of the traces read so far. Keys first met later are appended
 *   to the same array while `rows` is read, so after the last row it lists every key.
 * - Broken XML — not well-formed tags, mismatched or unclosed elements, text or elements
 *   outside the root, a root that is not `<log>`, a truncated file — is InputError('input_xml')
 *   with the line number, thrown from `readXes` or from the iteration of `rows`. Undefined
 *   entities (`A & B` in a value) are left as written rather than rejected. A single tag,
 *   comment or CDATA section longer than 16 Mi characters is rejected (memory stays flat).
 *
 * The tokenizer is hand-written for speed (no DOM, no dependency); it checks well-formedness as
 * far as the above needs, not every rule of XML 1.0 (names, DTDs).
 */
import { InputError, type RawRow, type RowSource } from './types';

export interface XesOptions {
	/** Events parsed before `readXes` resolves, to fill `headers` (default 1,000). */
	peekEvents?: number;
}

const MAX_CONSTRUCT = 16 * 1024 * 1024;

/** Reads XES text; resolves once the header and the first events are parsed. */
export async function readXes(
	text: AsyncIterable<string>,
	options: XesOptions = {}
): Promise<RowSource> {
	const chunks = text[Symbol.asyncIterator]();
	const parser = new XesParser();
	const peekEvents = options.peekEvents ?? 1000;
	let eof = false;
	try {
		while (!eof && parser.rows.length < peekEvents) {
			const next = await chunks.next();
			if (next.done) eof = true;
			else parser.feed(next.value);
			parser.parse(eof);
		}
	} catch (error) {
		await chunks.return?.();
		throw error;
	}
	const headers = [...parser.eventKeys, ...parser.caseKeys];
	parser.headers = headers;
	return { format: 'xes', headers, rows: rows(parser, chunks, eof) };
}

async function* rows(
	parser: XesParser,
	chunks: AsyncIterator<string>,
	eof: boolean
): AsyncGenerator<RawRow> {
	try {
		for (;;) {
			const batch = parser.rows;
			parser.rows = [];
			for (let i = 0; i < batch.length; i++) yield batch[i];
			if (eof) return;
			const next = await chunks.next();
			if (next.done) eof = true;
			else parser.feed(next.value);
			parser.parse(eof);
		}
	} finally {
		await chunks.return?.();
	}
}

type Role = 'log' | 'trace' | 'event' | 'attribute' | 'global-trace' | 'global-event' | 'skip';

interface Open {
	name: string;
	role: Role;
	line: number;
}

/** Attribute elements that carry a `value`. */
const VALUED = new Set(['string', 'date', 'int', 'float', 'boolean', 'id']);

function localName(name: string): string {
	const colon = name.indexOf(':');
	return colon === -1 ? name : name.slice(colon + 1);
}

class XesParser {
	rows: RawRow[] = [];
	eventKeys: string[] = [];
	caseKeys: string[] = [];
	/** Set by readXes: the headers array handed out, extended with keys found later. */
	headers: string[] | undefined;
	private known = new Set<string>();

	private buf = '';
	private pos = 0;
	/** Lines counted up to `linePos`. */
	private linePos = 0;
	private lineNo = 1;

	private stack: Open[] = [];
	private rootSeen = false;
	private rootClosed = false;
	private trace: [string, string][] = [];
	private event: Record<string, string> | undefined;
	private eventLine = 0;

	feed(text: string) {
		this.lineAt(this.pos);
		this.buf = this.pos >= this.buf.length ? text : this.buf.slice(this.pos) + text;
		this.linePos -= this.pos;
		this.pos = 0;
	}

	/** The line number at buffer position `p` (p never goes backwards between calls). */
	private lineAt(p: number): number {
		const buf = this.buf;
		let i = buf.indexOf('\n', this.linePos);
		while (i !== -1 && i < p) {
			this.lineNo++;
			i = buf.indexOf('\n', i + 1);
		}
		this.linePos = p;
		return this.lineNo;
	}

	private fail(p: number, message: string): never {
		throw new InputError('input_xml', `line ${this.lineAt(Math.max(p, this.linePos))}: ${message}`);
	}

	/** Parses what the buffer holds; with `final`, the buffer is all there is. */
	parse(final: boolean) {
		const buf = this.buf;
		const len = buf.length;
		let pos = this.pos;
		for (;;) {
			const lt = buf.indexOf('<', pos);
			const textEnd = lt === -1 ? len : lt;
			if (textEnd > pos && (this.stack.length === 0 || this.rootClosed)) {
				for (let i = pos; i < textEnd; i++) {
					const c = buf.charCodeAt(i);
					if (c !== 32 && c !== 10 && c !== 13 && c !== 9 && c !== 0xfeff)
						this.fail(i, this.rootSeen ? 'text after the end of <log>' : 'text before <log>');
				}
			}
			if (lt === -1) {
				pos = len;
				break;
			}
			pos = lt;
			const next = this.token(lt, final);
			if (next === -1) break;
			pos = next;
		}
		this.pos = pos;
		if (pos < len) {
			if (final) this.fail(pos, 'the file ends inside a tag or comment');
			if (len - pos > MAX_CONSTRUCT) this.fail(pos, 'a tag longer than 16 Mi characters');
		} else if (final) this.end();
	}

	private end() {
		const open = this.stack[this.stack.length - 1];
		if (open)
			this.fail(
				this.buf.length,
				`the file ends before <${open.name}> (line ${open.line}) is closed`
			);
		if (!this.rootSeen) this.fail(this.buf.length, 'no <log> element');
	}

	/** Handles the construct at `lt` ('<'); returns the position after it, or -1 for more text. */
	private token(lt: number, final: boolean): number {
		const buf = this.buf;
		const len = buf.length;
		if (lt + 1 >= len) return -1;
		const c = buf.charCodeAt(lt + 1);
		if (c === 47) return this.endTag(lt); // '/'
		if (c === 63) {
			// '?': processing instruction or the XML declaration
			const end = buf.indexOf('?>', lt + 2);
			return end === -1 ? -1 : end + 2;
		}
		if (c === 33) {
			// '!'
			if (buf.startsWith('<!--', lt)) {
				const end = buf.indexOf('-->', lt + 4);
				return end === -1 ? -1 : end + 3;
			}
			if (buf.startsWith('<![CDATA[', lt)) {
				if (this.stack.length === 0 || this.rootClosed) this.fail(lt, 'CDATA outside <log>');
				const end = buf.indexOf(']]>', lt + 9);
				return end === -1 ? -1 : end + 3;
			}
			if (buf.startsWith('<!DOCTYPE', lt)) {
				if (this.rootSeen) this.fail(lt, 'DOCTYPE after the root element');
				const gt = buf.indexOf('>', lt);
				const bracket = buf.indexOf('[', lt);
				if (bracket !== -1 && (gt === -1 || bracket < gt)) {
					const close = buf.indexOf(']', bracket);
					if (close === -1) return -1;
					const end = buf.indexOf('>', close);
					return end === -1 ? -1 : end + 1;
				}
				return gt === -1 ? -1 : gt + 1;
			}
			if (len - lt < 9 && !final) return -1;
			this.fail(lt, 'unexpected "<!"');
		}
		return this.startTag(lt);
	}

	private endTag(lt: number): number {
		const buf = this.buf;
		const gt = buf.indexOf('>', lt + 2);
		if (gt === -1) {
			const lt2 = buf.indexOf('<', lt + 2);
			if (lt2 !== -1) this.fail(lt, 'an end tag without ">"');
			return -1;
		}
		const name = buf.slice(lt + 2, gt).trimEnd();
		if (name.indexOf('<') !== -1) this.fail(lt, 'an end tag without ">"');
		if (name === '' || /\s/.test(name)) this.fail(lt, `a malformed end tag </${name}>`);
		const open = this.stack.pop();
		if (!open) this.fail(lt, `</${name}> without a start tag`);
		if (open.name !== name)
			this.fail(lt, `</${name}> where </${open.name}> (opened at line ${open.line}) was expected`);
		this.close(open.role);
		return gt + 1;
	}

	private startTag(lt: number): number {
		const buf = this.buf;
		const len = buf.length;
		let i = lt + 1;
		let c = buf.charCodeAt(i);
		// name start: letter, '_', ':' or non-ASCII
		if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 58 || c >= 0x80))
			this.fail(lt, 'a "<" that does not start a tag');
		while (i < len) {
			c = buf.charCodeAt(i);
			if (c <= 32 || c === 62 || c === 47 || c === 61 || c === 34 || c === 39 || c === 60) break;
			i++;
		}
		if (i >= len) return -1;
		const name = buf.slice(lt + 1, i);
		let key: string | undefined;
		let value: string | undefined;
		let scope: string | undefined;
		let selfClosing = false;
		for (;;) {
			let spaced = false;
			c = buf.charCodeAt(i);
			while (c === 32 || c === 10 || c === 13 || c === 9) {
				spaced = true;
				c = buf.charCodeAt(++i);
			}
			if (i >= len) return -1;
			if (c === 62) {
				i++;
				break;
			}
			if (c === 47) {
				if (i + 1 >= len) return -1;
				if (buf.charCodeAt(i + 1) !== 62) this.fail(i, `a "/" inside <${name}>`);
				selfClosing = true;
				i += 2;
				break;
			}
			if (!spaced) this.fail(i, `malformed tag <${name}>`);
			const nameStart = i;
			while (i < len) {
				c = buf.charCodeAt(i);
				if (c <= 32 || c === 61 || c === 62 || c === 47 || c === 34 || c === 39 || c === 60) break;
				i++;
			}
			if (i >= len) return -1;
			if (i === nameStart) this.fail(i, `malformed attribute in <${name}>`);
			const attrLength = i - nameStart;
			while (c === 32 || c === 10 || c === 13 || c === 9) c = buf.charCodeAt(++i);
			if (i >= len) return -1;
			if (c !== 61) this.fail(i, `an attribute in <${name}> without "="`);
			c = buf.charCodeAt(++i);
			while (c === 32 || c === 10 || c === 13 || c === 9) c = buf.charCodeAt(++i);
			if (i >= len) return -1;
			if (c !== 34 && c !== 39) this.fail(i, `an attribute in <${name}> without quotes`);
			const close = buf.indexOf(c === 34 ? '"' : "'", i + 1);
			if (close === -1) {
				if (buf.indexOf('<', i + 1) !== -1) this.fail(i, `unclosed quote in <${name}>`);
				return -1;
			}
			const raw = buf.slice(i + 1, close);
			if (raw.indexOf('<') !== -1) this.fail(i, `"<" in an attribute value of <${name}>`);
			if (attrLength === 3 && buf.startsWith('key', nameStart)) key = raw;
			else if (attrLength === 5) {
				if (buf.startsWith('value', nameStart)) value = raw;
				else if (buf.startsWith('scope', nameStart)) scope = raw;
			}
			i = close + 1;
		}
		this.open(name, key, value, scope, selfClosing, lt);
		return i;
	}

	private open(
		name: string,
		key: string | undefined,
		value: string | undefined,
		scope: string | undefined,
		selfClosing: boolean,
		lt: number
	) {
		const stack = this.stack;
		const local = localName(name);
		let role: Role;
		if (stack.length === 0) {
			if (this.rootSeen) this.fail(lt, `a second root element <${name}>`);
			if (local !== 'log') this.fail(lt, `the root element is <${name}>, not <log>`);
			this.rootSeen = true;
			role = 'log';
		} else {
			const parent = stack[stack.length - 1].role;
			if (parent === 'log') {
				if (local === 'trace') {
					role = 'trace';
					this.trace = [];
				} else if (local === 'event') role = 'event';
				else if (local === 'global')
					role = scope === 'trace' ? 'global-trace' : scope === 'event' ? 'global-event' : 'skip';
				else role = 'skip';
			} else if (parent === 'trace') {
				if (local === 'event') role = 'event';
				else if (VALUED.has(local) && key !== undefined && key !== '__proto__') {
					role = 'attribute';
					const k = 'case:' + decode(key);
					this.trace.push([k, value === undefined ? '' : decode(value)]);
					this.see(k, this.caseKeys);
				} else role = 'skip';
			} else if (parent === 'event') {
				if (VALUED.has(local) && key !== undefined && key !== '__proto__' && this.event) {
					role = 'attribute';
					const k = decode(key);
					this.event[k] = value === undefined ? '' : decode(value);
					this.see(k, this.eventKeys);
				} else role = 'skip';
			} else if (parent === 'global-event' || parent === 'global-trace') {
				role = 'skip';
				if (key !== undefined) {
					const k = decode(key);
					if (parent === 'global-event') this.see(k, this.eventKeys);
					else this.see('case:' + k, this.caseKeys);
				}
			} else role = 'skip';
		}
		if (role === 'event') {
			const event: Record<string, string> = {};
			if (stack[stack.length - 1].role === 'trace') for (const [k, v] of this.trace) event[k] = v;
			this.event = event;
			this.eventLine = this.lineAt(lt);
		}
		if (selfClosing) this.close(role);
		else stack.push({ name, role, line: this.lineAt(lt) });
	}

	private close(role: Role) {
		if (role === 'event') {
			this.rows.push({ line: this.eventLine, values: this.event! });
			this.event = undefined;
		} else if (role === 'trace') this.trace = [];
		else if (role === 'log') this.rootClosed = true;
	}

	private see(key: string, list: string[]) {
		if (this.known.has(key)) return;
		this.known.add(key);
		list.push(key);
		this.headers?.push(key);
	}
}

const ENTITY = /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(amp|lt|gt|quot|apos));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Attribute value normalisation (tab/CR/LF → space) and entity references. */
function decode(raw: string): string {
	let plain = true;
	for (let i = 0; i < raw.length; i++) {
		const c = raw.charCodeAt(i);
		if (c === 38 || c < 32) {
			plain = false;
			break;
		}
	}
	if (plain) return raw;
	return raw.replace(/[\t\n\r]/g, ' ').replace(ENTITY, (whole, hex, dec, named) => {
		if (named) return NAMED[named];
		const code = hex ? parseInt(hex, 16) : parseInt(dec, 10);
		return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
	});
}
