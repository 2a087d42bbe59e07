import { REQUIRED_FIELDS as REQUIRED, SHAPE_FIELDS } from '../../schemas/case-data';
import { FIELDS, type Field, type Mapping } from './types';

/** Header names (Dutch and English, as exports write them) that suggest each field, best first. */
const NAMES: Record<Field, string[]> = {
	caseId: [
		'case:concept:name',
		'case id',
		'case',
		'zaak id',
		'zaaknummer',
		'zaak',
		'melding id',
		'meldingnummer',
		'meldingsnummer',
		'case enquiry id',
		'service request id',
		'request id',
		'external id',
		'id',
		'nummer'
	],
	activity: [
		'concept:name',
		'activity',
		'activiteit',
		'stap',
		'taak',
		'task',
		'event',
		'gebeurtenis'
	],
	timestamp: [
		'time:timestamp',
		'timestamp',
		'tijdstip',
		'datum tijd',
		'datumtijd',
		'time',
		'moment'
	],
	department: [
		'org:group',
		'department',
		'afdeling',
		'group',
		'groep',
		'queue',
		'wachtrij',
		'team'
	],
	resource: ['org:resource', 'resource', 'medewerker', 'behandelaar', 'user', 'gebruiker'],
	lifecycle: ['lifecycle:transition', 'lifecycle', 'transition'],
	received: [
		'received',
		'ontvangen',
		'ontvangen op',
		'datum melding',
		'melddatum',
		'open dt',
		'opened',
		'created',
		'created at',
		'aangemaakt',
		'startdatum',
		'start date'
	],
	resolved: [
		'resolved',
		'afgehandeld',
		'afgehandeld op',
		'closed dt',
		'closed',
		'closed at',
		'gesloten',
		'afgesloten',
		'einddatum',
		'end date'
	],
	category: ['category', 'categorie', 'case:category', 'type', 'soort', 'onderwerp', 'subject'],
	channel: ['channel', 'kanaal', 'case:channel', 'source', 'bron'],
	customer: ['customer', 'klant', 'klantnummer', 'customer id', 'klant id', 'case:customer'],
	location: ['location', 'locatie', 'adres', 'address', 'plaats'],
	status: ['status', 'case status', 'state'],
	duplicate: [
		'duplicate',
		'duplicaat',
		'dubbel',
		'duplicate of',
		'closure reason',
		'reden afsluiting'
	],
	reopened: ['reopened', 'heropend', 'reopen']
};

const norm = (s: string) =>
	s
		.trim()
		.toLowerCase()
		.replace(/[_\-.\s]+/g, ' ')
		.replace(/\s*:\s*/g, ':');

/** Suggests a mapping from the headers: each column feeds at most one field. */
export function suggestMapping(headers: string[], shape?: 'case' | 'event') {
	const byName = new Map(headers.map((h) => [norm(h), h]));
	const used = new Set<string>();
	const mapping: Mapping = {};
	const fields = shape ? SHAPE_FIELDS[shape] : FIELDS;
	for (const field of fields) {
		for (const name of NAMES[field]) {
			const header = byName.get(norm(name));
			if (header && !used.has(header)) {
				mapping[field] = header;
				used.add(header);
				break;
			}
		}
	}
	const guessed: 'case' | 'event' =
		shape ?? (mapping.activity && mapping.timestamp ? 'event' : 'case');
	if (!shape) for (const f of FIELDS) if (!SHAPE_FIELDS[guessed].includes(f)) delete mapping[f];
	return { shape: guessed, mapping };
}

/**
 * A partial mapping (the CLI's --map) completed from the suggested one: the fields it names take
 * its columns (an empty column leaves the field unmapped), a column it names feeds no other
 * field, and every other field keeps its suggested column.
 */
export function completeMapping(given: Mapping, suggested: Mapping): Mapping {
	const taken = new Set(Object.values(given));
	const mapping: Mapping = {};
	for (const field of FIELDS) {
		const column = field in given ? given[field] : suggested[field];
		if (column && (field in given || !taken.has(column))) mapping[field] = column;
	}
	return mapping;
}

/**
 * Parses `field=column,field=column` (the CLI's --map); unknown fields are an error. `field=`
 * (no column) says the field has none.
 */
export function parseMapArg(arg: string): Mapping {
	const mapping: Mapping = {};
	for (const pair of arg.split(',')) {
		const at = pair.indexOf('=');
		const field = pair.slice(0, at).trim() as Field;
		if (at < 1 || !FIELDS.includes(field))
			throw new Error(`Unknown field in --map: "${pair}". Fields: ${FIELDS.join(', ')}`);
		mapping[field] = pair.slice(at + 1).trim();
	}
	return mapping;
}

/** A mapping's problems against the headers: required fields missing, columns that do not exist. */
export function checkMapping(mapping: Mapping, headers: string[], shape: 'case' | 'event') {
	const problems: { field: Field; key: 'mapping_missing' | 'mapping_unknown_column' }[] = [];
	for (const f of REQUIRED[shape])
		if (!mapping[f]) problems.push({ field: f, key: 'mapping_missing' });
	for (const [f, column] of Object.entries(mapping))
		if (column && !headers.includes(column))
			problems.push({ field: f as Field, key: 'mapping_unknown_column' });
	return problems;
}

/**
 * Koers's channels in the organisation's (Dutch) words, as reports store them and the figures
 * by channel show them; the words on the right suggest each (first match wins: "Citizens Connect
 * App" is the app, not the web).
 */
export const CHANNEL_WORDS: readonly { value: string; words: RegExp }[] = [
	{
		value: 'telefoon',
		words: /\b(call|calls|phone|telephone|telefonisch|tel|bel|bellen|gebeld|hotline)\b|telefo/
	},
	{ value: 'app', words: /\b(app|apps|mobile|mobiel|smartphone)\b/ },
	{ value: 'e-mail', words: /\b(e-?mail|mail|email)\b/ },
	{
		value: 'web',
		words: /\b(web|website|online|internet|portal|portaal|formulier|form|self ?service|site)\b/
	},
	{ value: 'balie', words: /\b(counter|balie|desk|loket|walk ?in|frontdesk)\b/ },
	{ value: 'post', words: /\b(post|letter|brief|mail ?in)\b/ },
	{ value: 'persoonlijk', words: /\b(in person|persoonlijk|visit|bezoek|face to face)\b/ }
];

/**
 * The suggested word for a source's value, or null (keep it as it is): for a channel one of
 * CHANNEL_WORDS by the words in it; for a department the organisation's department whose name
 * equals it or appears in it as a word (ignoring case).
 */
export function suggestValue(
	field: 'channel' | 'department',
	value: string,
	departments: readonly string[] = []
): string | null {
	const text = value
		.trim()
		.toLowerCase()
		.replace(/[_\-./]+/g, ' ');
	if (field === 'channel') return CHANNEL_WORDS.find((c) => c.words.test(text))?.value ?? null;
	const words = ` ${text} `;
	return (
		departments.find((d) => d.trim().toLowerCase() === value.trim().toLowerCase()) ??
		departments.find((d) => d.trim() && words.includes(` ${d.trim().toLowerCase()} `)) ??
		null
	);
}
