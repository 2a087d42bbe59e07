import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsv } from './csv';
import { parseTimestamp } from './dates';
import { openInput } from './input';
import { InputError, type RawRow } from './types';
import { readXes, type XesOptions } from './xes';

const data = (name: string) => path.resolve('..', 'shared', 'data', name);

async function* pieces(text: string, size = 64 * 1024) {
	for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function parse(text: string, size?: number, options?: XesOptions) {
	const source = await readXes(pieces(text, size), options);
	const rows: RawRow[] = [];
	for await (const row of source.rows) rows.push(row);
	return { headers: source.headers, rows };
}

async function parseFile(name: string) {
	const input = await openInput(createReadStream(data(name)));
	expect(input.kind).toBe('xes');
	const source = await readXes(input.text);
	const rows: RawRow[] = [];
	for await (const row of source.rows) rows.push(row);
	return { headers: source.headers, rows };
}

async function xmlError(text: string, size?: number): Promise<InputError> {
	try {
		await parse(text, size);
	} catch (error) {
		expect(error).toBeInstanceOf(InputError);
		expect((error as InputError).key).toBe('input_xml');
		return error as InputError;
	}
	throw new Error(`expected input_xml for ${JSON.stringify(text.slice(0, 80))}`);
}

const instant = (text: string) =>
	parseTimestamp(text, { timezone: 'Europe/Amsterdam' })?.toISOString() ?? null;

describe('readXes on real files', () => {
	it('reads running-example.xes: 42 events in 6 traces, as the CSV export has them', async () => {
		const xes = await parseFile('running-example.xes');
		expect(xes.rows).toHaveLength(42);
		expect(new Set(xes.rows.map((r) => r.values['case:concept:name'])).size).toBe(6);
		expect(xes.headers).toEqual([
			'concept:name',
			'org:resource',
			'time:timestamp',
			'Activity',
			'Resource',
			'Costs',
			'case:concept:name',
			'case:creator'
		]);
		expect(xes.rows[0]).toEqual({
			line: 23,
			values: {
				'case:concept:name': '3',
				'case:creator': 'Fluxicon Nitro',
				'concept:name': 'register request',
				'org:resource': 'Pete',
				'time:timestamp': '2010-12-30T14:32:00.000+01:00',
				Activity: 'register request',
				Resource: 'Pete',
				Costs: '50'
			}
		});
		// no log-level attribute (`creator` of the log) as an event key
		expect(xes.rows.every((r) => !('creator' in r.values))).toBe(true);

		const csv = await readCsv(
			(await openInput(createReadStream(data('running-example.csv')))).text
		);
		const csvRows: RawRow[] = [];
		for await (const row of csv.rows) csvRows.push(row);
		const key = (r: RawRow) =>
			[
				r.values['case:concept:name'],
				r.values['concept:name'],
				r.values['org:resource'],
				instant(r.values['time:timestamp'])
			].join('|');
		const fromXes = xes.rows.map(key).sort();
		const fromCsv = csvRows.map(key).sort();
		expect(fromXes.every((k) => !k.endsWith('|'))).toBe(true); // every timestamp parsed
		expect(fromXes).toEqual(fromCsv);
	});

	it('reads roadtraffic100traces.xes without leaking its meta header', async () => {
		const { headers, rows } = await parseFile('roadtraffic100traces.xes');
		// From Python's xml.etree: root = ET.parse(file).getroot();
		//   traces = [c for c in root if c.tag.endswith('trace')] → 100;
		//   sum of their direct <event> children → 390; keys of the events' direct children plus
		//   'case:' + keys of the traces' direct non-event children → the list below.
		expect(rows).toHaveLength(390);
		expect(new Set(rows.map((r) => r.values['case:concept:name'])).size).toBe(100);
		expect([...headers].sort()).toEqual([
			'amount',
			'article',
			'case:concept:name',
			'concept:name',
			'dismissal',
			'expense',
			'lastSent',
			'lifecycle:transition',
			'notificationType',
			'org:resource',
			'paymentAmount',
			'points',
			'time:timestamp',
			'totalPaymentAmount',
			'vehicleClass'
		]);
		for (const row of rows) {
			for (const k of Object.keys(row.values)) {
				expect(k).not.toMatch(/^meta_|^case:meta_|Payment$|^Create Fine/);
				expect(headers).toContain(k);
			}
			// date-only XES times (midnight with an offset) parse
			expect(instant(row.values['time:timestamp'])).not.toBeNull();
		}
		expect(rows[0].line).toBe(1242);
		expect(rows[0].values).toMatchObject({
			'case:concept:name': 'N77802',
			'concept:name': 'Create Fine',
			amount: '35.0'
		});
		expect(instant(rows[0].values['time:timestamp'])).toBe('2005-03-22T23:00:00.000Z');
	});

	it('gives the same rows whatever the chunk size', async () => {
		const text = readFileSync(data('roadtraffic100traces.xes'), 'utf8');
		const whole = await parse(text, text.length);
		for (const size of [1, 7, 4096]) expect(await parse(text, size)).toEqual(whole);
	});

	it('finds every truncation of a real file (input_xml, never a hang or a crash)', async () => {
		const text = readFileSync(data('running-example.xes'), 'utf8');
		const end = text.lastIndexOf('</log>') + '</log>'.length;
		for (let cut = 0; cut < end; cut += 53) await xmlError(text.slice(0, cut), 64);
		for (let cut = end - 6; cut < end; cut++) await xmlError(text.slice(0, cut), 64);
		expect((await parse(text.slice(0, end))).rows).toHaveLength(42);
	});
});

const LOG = (body: string) =>
	`<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1.0">\n${body}\n</log>\n`;

describe('readXes', () => {
	it('takes only direct attributes of events and traces', async () => {
		const text = LOG(`<string key="log attr" value="no"/>
<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
<global scope="trace"><string key="concept:name" value="?"/></global>
<global scope="event"><string key="concept:name" value="?"/><date key="time:timestamp" value="1970-01-01T00:00:00Z"/></global>
<classifier name="Activity" keys="concept:name"/>
<int key="meta_total" value="5"><int key="nested" value="1"/></int>
<trace>
	<string key="concept:name" value="case 1"/>
	<list key="tags"><values><string key="tag" value="a"/></values></list>
	<event>
		<string key="concept:name" value="A &amp; B &lt;x&gt; &#233;&#x20AC;"/>
		<int key="cost" value="10"><int key="cost:part" value="4"/><string key="deeper" value="x"/></int>
		<container key="box"><string key="inside" value="no"/></container>
		<boolean key="ok" value="true"/>
		<string value="no key"/>
	</event>
	<event/>
	<string key="late" value="after the first event"/>
	<event><id key="uuid" value="42"/></event>
</trace>`);
		const { headers, rows } = await parse(text);
		expect(rows).toEqual([
			{
				line: 12,
				values: {
					'case:concept:name': 'case 1',
					'concept:name': 'A & B <x> é€',
					cost: '10',
					ok: 'true'
				}
			},
			{ line: 19, values: { 'case:concept:name': 'case 1' } },
			{
				line: 21,
				values: { 'case:concept:name': 'case 1', 'case:late': 'after the first event', uuid: '42' }
			}
		]);
		expect(headers).toEqual([
			'concept:name',
			'time:timestamp',
			'cost',
			'ok',
			'uuid',
			'case:concept:name',
			'case:late'
		]);
	});

	it('fills headers from globals and the first events, then adds keys found later', async () => {
		const events = Array.from(
			{ length: 5 },
			(_, i) =>
				`<event><string key="concept:name" value="e${i}"/>${i === 4 ? '<string key="late" value="x"/>' : ''}</event>`
		).join('');
		const source = await readXes(pieces(LOG(`<trace>${events}</trace>`), 10), { peekEvents: 2 });
		expect(source.headers).toEqual(['concept:name']);
		const rows: RawRow[] = [];
		for await (const row of source.rows) rows.push(row);
		expect(rows).toHaveLength(5);
		expect(source.headers).toEqual(['concept:name', 'late']);
	});

	it('accepts comments, CDATA, a DOCTYPE, single quotes and namespaces', async () => {
		const text = `<?xml version='1.0'?>
<!DOCTYPE log [ <!ELEMENT log ANY> ]>
<!-- exported by hand -->
<log xmlns="http://www.xes-standard.org/">
	<trace><string key='concept:name' value='c"1'/><!-- <event> in a comment -->
		<event><![CDATA[ <event> ]]><string key="concept:name" value="a
b"/></event>
	</trace>
</log>
<!-- trailing comment -->`;
		const { rows } = await parse(text, 5);
		expect(rows).toEqual([
			{ line: 6, values: { 'case:concept:name': 'c"1', 'concept:name': 'a b' } }
		]);
	});

	it('rejects broken XML with input_xml and a line number', async () => {
		const cases: [string, RegExp][] = [
			[LOG('<trace><event></trace>'), /line 3: <\/trace> where <\/event>/],
			[LOG('<trace>\n<event>'), /line 4.*<event> \(line 4\) is closed|<\/log> where <\/event>/],
			['<log><trace><event>', /the file ends before <event>/],
			['garbage\n<log></log>', /line 1: text before <log>/],
			['<log></log>\ngarbage', /line 2: text after the end of <log>/],
			['<log></log><log></log>', /a second root element/],
			['<html><body/></html>', /root element is <html>, not <log>/],
			[LOG('<trace><string key="a" value="b/></trace>'), /unclosed quote|"<" in an attribute/],
			[LOG('<trace><string key="a" value=b/></trace>'), /without quotes/],
			[LOG('<trace><string key="a"value="b"/></trace>'), /malformed tag/],
			[LOG('<trace>< event/></trace>'), /does not start a tag/],
			[LOG('<trace><event></event'), /end tag without ">"|ends inside a tag/],
			[LOG('<trace><!-- unclosed comment </trace>'), /ends inside a tag/],
			['', /no <log> element/],
			['<?xml version="1.0"?>', /no <log> element/],
			['<log', /ends inside a tag/]
		];
		for (const [text, message] of cases)
			for (const size of [1, 1 << 16])
				expect((await xmlError(text, size)).message).toMatch(message);
	});

	it('rejects garbage bytes in the middle of a real file', async () => {
		const text = readFileSync(data('running-example.xes'), 'utf8');
		for (const junk of ['<<', '&&>><', '</event>', '\u0000<x', '<event>', '<1>']) {
			const at = text.indexOf('<event>', 5000);
			await xmlError(text.slice(0, at) + junk + text.slice(at), 256);
		}
	});
});

describe('readXes fuzzed', () => {
	it('ends in rows or input_xml for random markup, the same whatever the chunk size', async () => {
		let seed = 11;
		const random = (n: number) => {
			seed = (seed * 1103515245 + 12345) & 0x7fffffff;
			return seed % n;
		};
		const tokens = [
			'<trace>',
			'</trace>',
			'<event>',
			'</event>',
			'<event/>',
			'<string key="a" value="b"/>',
			'<int key="n" value="1">',
			'</int>',
			'<',
			'>',
			'/',
			'"',
			' ',
			'\n',
			'<!--',
			'-->',
			'&amp;',
			'x'
		];
		let valid = 0;
		for (let n = 0; n < 400; n++) {
			const body = Array.from({ length: 1 + random(30) }, () => tokens[random(tokens.length)]).join(
				''
			);
			const text = `<log>${body}</log>`;
			const outcome = async (size: number) => {
				try {
					return await parse(text, size);
				} catch (error) {
					expect(error).toBeInstanceOf(InputError);
					expect((error as InputError).key).toBe('input_xml');
					return 'input_xml';
				}
			};
			const whole = await outcome(1 << 16);
			if (whole !== 'input_xml') valid++;
			for (const size of [1, 4]) expect(await outcome(size), text).toEqual(whole);
		}
		expect(valid).toBeGreaterThan(10);
	});
});
