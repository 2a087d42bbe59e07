/**
 * A synthetic but realistic event log of a municipal service desk, generated deterministically
 * (a seeded PRNG: the same size gives the same bytes) and streamed to disk as CSV and as XES.
 *
 * Every case is a report (melding) with a channel and a category; its 5–15 events (10 on
 * average) start at the contact centre, pass through a specialist department and often the
 * field service, and end with closing the case — so there are handoffs between departments,
 * rework loops and many variants. Timestamps are ISO 8601 with the Europe/Amsterdam offset of
 * the moment (+01:00 or +02:00), strictly increasing within a case (no two events of a case
 * share a moment). About 1% of events have no department (an empty cell).
 */
import { createWriteStream, type WriteStream } from 'node:fs';

/** Columns of the CSV, as process-mining tools export an event log. */
export const CSV_HEADER = [
	'case:concept:name',
	'concept:name',
	'time:timestamp',
	'org:group',
	'org:resource',
	'lifecycle:transition',
	'case:channel',
	'case:category'
];

/** sfc32: a small, fast, seedable PRNG (uniform in [0, 1)). */
function prng(seed: number) {
	let a = 0x9e3779b9;
	let b = 0x243f6a88;
	let c = 0xb7e15162;
	let d = seed >>> 0;
	const next = () => {
		a >>>= 0;
		b >>>= 0;
		c >>>= 0;
		d >>>= 0;
		let t = (a + b) | 0;
		a = b ^ (b >>> 9);
		b = (c + (c << 3)) | 0;
		c = (c << 21) | (c >>> 11);
		d = (d + 1) | 0;
		t = (t + d) | 0;
		c = (c + t) | 0;
		return (t >>> 0) / 4294967296;
	};
	for (let i = 0; i < 16; i++) next();
	return next;
}

const KCC = 'Klantcontactcentrum';
const FIELD = 'Buitendienst';

/** Categories with the specialist department that handles them. */
const CATEGORIES: [string, string][] = [
	['Losliggende tegel', 'Openbare Ruimte'],
	['Straatverlichting defect', 'Openbare Ruimte'],
	['Boom of groen', 'Openbare Ruimte'],
	['Geluidsoverlast', 'Handhaving'],
	['Foutparkeren', 'Handhaving'],
	['Verwaarloosd voertuig', 'Handhaving'],
	['Bouwvergunning vraag', 'Vergunningen'],
	['Evenement melding', 'Vergunningen'],
	['Zwerfafval', 'Afval en Reiniging'],
	['Container vol', 'Afval en Reiniging'],
	['Grofvuil niet opgehaald', 'Afval en Reiniging']
];
const CHANNELS: [string, number][] = [
	['telefoon', 0.35],
	['web', 0.3],
	['app', 0.2],
	['e-mail', 0.1],
	['balie', 0.05]
];

/** Middle activities: who does them ('*' = the case's specialist department). */
const MIDDLE: [string, string][] = [
	['Categorie bepalen', KCC],
	['Doorzetten naar vakafdeling', KCC],
	['Beoordelen', '*'],
	['Aanvullende informatie opvragen', '*'],
	['Informatie ontvangen', KCC],
	['Inspectie ter plaatse', FIELD],
	['Werkorder aanmaken', '*'],
	['Werk uitvoeren', FIELD],
	['Controle uitvoering', '*'],
	['Klant informeren', KCC]
];
/** Likely next middle activity (indices into MIDDLE), by the previous one (-1: the start). */
const NEXT: Record<number, number[]> = {
	[-1]: [0, 0, 1, 1, 2],
	0: [1, 1, 1, 2],
	1: [2, 2, 2, 5],
	2: [3, 5, 6, 6, 9],
	3: [4, 4, 4, 9],
	4: [2, 2, 6],
	5: [6, 6, 2, 9],
	6: [7, 7, 7, 5],
	7: [8, 8, 7, 9],
	8: [9, 9, 7, 6],
	9: [2, 8, 5, 6]
};

const RESOURCES: Record<string, string[]> = {};
for (const [dept, prefix, n] of [
	[KCC, 'KCC', 24],
	[FIELD, 'BD', 30],
	['Openbare Ruimte', 'OR', 12],
	['Handhaving', 'HH', 10],
	['Vergunningen', 'VG', 8],
	['Afval en Reiniging', 'AR', 9]
] as [string, string, number][])
	RESOURCES[dept] = Array.from(
		{ length: n },
		(_, i) => `${prefix}-${String(i + 1).padStart(2, '0')}`
	);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Europe/Amsterdam summer time: from the last Sunday of March to that of October, 01:00 UTC. */
function lastSunday(year: number, month: number): number {
	const last = Date.UTC(year, month + 1, 0, 1);
	return last - new Date(last).getUTCDay() * DAY;
}
const DST = new Map<number, [number, number]>();
function offsetHours(ms: number): number {
	const year = new Date(ms).getUTCFullYear();
	let span = DST.get(year);
	if (!span) DST.set(year, (span = [lastSunday(year, 2), lastSunday(year, 9)]));
	return ms >= span[0] && ms < span[1] ? 2 : 1;
}

/** ISO 8601 with the local offset: 2025-03-04T09:12:33+01:00. */
export function isoLocal(ms: number): string {
	const h = offsetHours(ms);
	return new Date(ms + h * HOUR).toISOString().slice(0, 19) + (h === 2 ? '+02:00' : '+01:00');
}

export interface GeneratedEvent {
	caseId: string;
	activity: string;
	time: string;
	department: string;
	resource: string;
}

export interface GeneratedCase {
	caseId: string;
	channel: string;
	category: string;
	events: GeneratedEvent[];
}

/** Events per case: 5–15 each, summing to exactly `events` (cases = events / 10, rounded). */
function caseSizes(events: number, random: () => number): Uint8Array {
	const cases = Math.max(1, Math.round(events / 10));
	if (events < cases * 5 || events > cases * 15) throw new Error(`cannot fit ${events} events`);
	const sizes = new Uint8Array(cases);
	let total = 0;
	for (let i = 0; i < cases; i++) total += sizes[i] = 5 + Math.floor(random() * 11);
	while (total !== events) {
		const i = Math.floor(random() * cases);
		if (total > events && sizes[i] > 5) {
			sizes[i]--;
			total--;
		} else if (total < events && sizes[i] < 15) {
			sizes[i]++;
			total++;
		}
	}
	return sizes;
}

/** The cases of a log of `events` events, one at a time (nothing is kept in memory). */
export function* cases(events: number, seed = 20261123): Generator<GeneratedCase> {
	const random = prng(seed);
	const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
	const sizes = caseSizes(events, random);
	const start = Date.UTC(2025, 0, 1);
	const yearMs = 365 * DAY;
	for (let c = 0; c < sizes.length; c++) {
		const caseId = `Z${String(c + 1).padStart(7, '0')}`;
		const [category, specialist] = pick(CATEGORIES);
		let u = random();
		let channel = CHANNELS[0][0];
		for (const [name, p] of CHANNELS) {
			channel = name;
			if ((u -= p) < 0) break;
		}
		// received in office hours (07:00–19:00 UTC-ish), spread over 2025
		const day = Math.floor(random() * 365);
		let t = start + day * DAY + 6 * HOUR + Math.floor(random() * 12 * HOUR);
		t -= t % 1000;
		const n = sizes[c];
		const activities: [string, string][] = [
			['Melding ontvangen', KCC],
			['Melding registreren', KCC]
		];
		let prev = -1;
		for (let i = 0; i < n - 3; i++) {
			const k = pick(NEXT[prev]);
			activities.push(MIDDLE[k]);
			prev = k;
		}
		activities.push(['Melding afsluiten', random() < 0.6 ? KCC : '*']);
		const list: GeneratedEvent[] = [];
		for (let i = 0; i < n; i++) {
			const [activity, who] = activities[i];
			const dept = who === '*' ? specialist : who;
			if (i > 0) {
				// most steps follow within hours, some wait days (a queue, the weekend)
				const gap =
					random() < 0.7 ? -Math.log(1 - random()) * 2 * HOUR : -Math.log(1 - random()) * 2 * DAY;
				t += 60_000 + Math.floor(gap / 1000) * 1000;
			}
			list.push({
				caseId,
				activity,
				time: isoLocal(t),
				department: random() < 0.01 ? '' : dept,
				resource: pick(RESOURCES[dept])
			});
		}
		yield { caseId, channel, category, events: list };
		if (t > start + 3 * yearMs) throw new Error('time ran away');
	}
}

/** Writes text to a stream in large pieces, waiting for the disk when its buffer is full. */
class Sink {
	private parts: string[] = [];
	private size = 0;
	constructor(private out: WriteStream) {}

	async write(text: string) {
		this.parts.push(text);
		this.size += text.length;
		if (this.size >= 1 << 20) await this.drain();
	}

	private async drain() {
		const chunk = this.parts.join('');
		this.parts = [];
		this.size = 0;
		if (!this.out.write(chunk))
			await new Promise<void>((resolve) => this.out.once('drain', () => resolve()));
	}

	async end() {
		await this.drain();
		await new Promise<void>((resolve, reject) => {
			this.out.on('error', reject);
			this.out.end(() => resolve());
		});
	}
}

const xml = (s: string) =>
	s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Writes the log as CSV (`csvPath`) and XES (`xesPath`, optional) in one pass. */
export async function writeLog(events: number, csvPath: string, xesPath?: string) {
	const csv = new Sink(createWriteStream(csvPath));
	const xes = xesPath ? new Sink(createWriteStream(xesPath)) : undefined;
	await csv.write(CSV_HEADER.join(',') + '\n');
	await xes?.write(
		`<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
  <global scope="trace">
    <string key="concept:name" value="__INVALID__"/>
  </global>
  <global scope="event">
    <string key="concept:name" value="__INVALID__"/>
    <date key="time:timestamp" value="1970-01-01T00:00:00+00:00"/>
  </global>
  <classifier name="Activity" keys="concept:name"/>
  <string key="concept:name" value="Koers benchmark log"/>
`
	);
	let cases_ = 0;
	for (const c of cases(events)) {
		cases_++;
		let rows = '';
		let trace = xes
			? `  <trace>\n    <string key="concept:name" value="${c.caseId}"/>\n    <string key="channel" value="${xml(c.channel)}"/>\n    <string key="category" value="${xml(c.category)}"/>\n`
			: '';
		for (const e of c.events) {
			rows += `${c.caseId},${e.activity},${e.time},${e.department},${e.resource},complete,${c.channel},${c.category}\n`;
			if (xes) {
				trace +=
					`    <event>\n      <string key="concept:name" value="${xml(e.activity)}"/>\n` +
					`      <date key="time:timestamp" value="${e.time}"/>\n` +
					(e.department ? `      <string key="org:group" value="${xml(e.department)}"/>\n` : '') +
					`      <string key="org:resource" value="${e.resource}"/>\n` +
					`      <string key="lifecycle:transition" value="complete"/>\n    </event>\n`;
			}
		}
		await csv.write(rows);
		if (xes) await xes.write(trace + '  </trace>\n');
	}
	await xes?.write('</log>\n');
	await csv.end();
	await xes?.end();
	return { events, cases: cases_ };
}
