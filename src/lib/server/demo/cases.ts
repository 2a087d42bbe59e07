import type { Queryable } from '../db';
import { importRecords, pseudonymiser, type CaseRecord, type EventRecord } from '../import';

/**
 * Two years of generated, deterministic case data for the demo's waste service: four report
 * categories with norms, four channels, cases passing KCC → Afvalinzameling → Wijkbeheer,
 * seasonality, repeat reports at the same address — and on CHANGE_DATE a process change after
 * which repeat reports of "Container niet geleegd" roughly halve.
 */
const DEMO_START = new Date('2024-11-25T00:00:00+01:00');
const DEMO_END = new Date('2026-11-23T00:00:00+01:00');
const CHANGE_DATE = new Date('2025-11-03T00:00:00+01:00');
const DEMO_SOURCE = 'demo-zaaksysteem';

const DEMO_CATEGORIES = [
	{ name: 'Container niet geleegd', normDays: 2, unit: 'working_days', perDay: 9, repeat: 0.35 },
	{ name: 'Grofvuil ophalen', normDays: 10, unit: 'calendar_days', perDay: 6, repeat: 0.06 },
	{ name: 'Zwerfafval', normDays: 5, unit: 'working_days', perDay: 4, repeat: 0.12 },
	{ name: 'Kapotte container', normDays: 10, unit: 'working_days', perDay: 3, repeat: 0.08 }
] as const;

const CHANNELS = ['telefoon', 'web', 'app', 'balie'];
const STREETS = [
	'Dorpsstraat',
	'Kerkweg',
	'Molenlaan',
	'Schoolstraat',
	'Beukenlaan',
	'Stationsweg',
	'Lindelaan',
	'Havenkade',
	'Marktplein',
	'Eikenhof'
];
const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** A small seeded generator (mulberry32): the same demo every time. */
function random(seed: number) {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export async function seedDemoCases(tx: Queryable, orgId: string, secret: string) {
	const rnd = random(20261123);
	const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
	const pseudonym = pseudonymiser(secret, orgId);
	const cases: CaseRecord[] = [];
	const events: EventRecord[] = [];
	let n = 0;

	const addCase = (
		cat: (typeof DEMO_CATEGORIES)[number],
		received: Date,
		address: string,
		customer: string,
		repeatOf?: boolean
	) => {
		n++;
		const id = `Z-${String(n).padStart(6, '0')}`;
		const channel = pick(CHANNELS);
		// Lead time: around the norm, longer in the summer peak; the process change shortens
		// "Container niet geleegd" too.
		const summer = received.getUTCMonth() >= 5 && received.getUTCMonth() <= 7 ? 1.4 : 1;
		const improved = cat.name === 'Container niet geleegd' && received >= CHANGE_DATE ? 0.6 : 1;
		const days = cat.normDays * summer * improved * (0.4 + rnd() * 1.3) + (repeatOf ? 0.5 : 0);
		const resolved = new Date(received.getTime() + days * DAY);
		const open = resolved > DEMO_END;
		const base = {
			externalId: id,
			category: cat.name,
			channel,
			customerKey: pseudonym(customer),
			locationKey: pseudonym(address),
			status: open ? 'in behandeling' : 'afgehandeld',
			department: cat.name === 'Zwerfafval' ? 'Wijkbeheer' : 'Afvalinzameling',
			flaggedDuplicate: false,
			reopened: false
		};
		cases.push({ line: n, ...base, receivedAt: received, resolvedAt: open ? null : resolved });
		const steps: [string, string, number][] = [
			['Melding ontvangen', 'KCC', 0],
			['Doorgezet', 'KCC', 0.05],
			[cat.name === 'Zwerfafval' ? 'Schouw buitenruimte' : 'Ingepland', base.department, 0.35],
			[
				cat.name === 'Zwerfafval' ? 'Opgeruimd' : 'Uitgevoerd',
				cat.name === 'Kapotte container' ? 'Wijkbeheer' : base.department,
				0.9
			]
		];
		if (rnd() < 0.35) steps.splice(3, 0, ['Klant teruggebeld', 'KCC', 0.6]);
		steps.push(['Afgemeld', 'KCC', 1]);
		for (const [activity, department, at] of steps) {
			const t = new Date(received.getTime() + at * (resolved.getTime() - received.getTime()));
			if (t > DEMO_END) break;
			events.push({
				...base,
				line: events.length + 1,
				receivedAt: null,
				resolvedAt: null,
				occurredAt: t,
				activity,
				department,
				resource: null,
				lifecycle: 'complete'
			});
		}
		return resolved;
	};

	for (let day = DEMO_START.getTime(); day < DEMO_END.getTime(); day += DAY) {
		const date = new Date(day);
		const weekday = date.getUTCDay();
		const season = 1 + 0.25 * Math.sin(((date.getUTCMonth() - 3) / 12) * 2 * Math.PI);
		const weekly = weekday === 1 ? 1.4 : weekday === 0 || weekday === 6 ? 0.5 : 1;
		for (const cat of DEMO_CATEGORIES) {
			const count = Math.round(cat.perDay * season * weekly * (0.6 + rnd() * 0.8));
			for (let i = 0; i < count; i++) {
				const received = new Date(day + (7 + rnd() * 11) * HOUR);
				const house = Math.floor(rnd() * 2000) + 1;
				const address = `${pick(STREETS)} ${house}`;
				const customer = `K${Math.floor(rnd() * 50_000)}`;
				addCase(cat, received, address, customer);
				const p =
					cat.name === 'Container niet geleegd' && received >= CHANGE_DATE
						? cat.repeat * 0.35
						: cat.repeat;
				if (rnd() < p) {
					const again = new Date(received.getTime() + (1 + rnd() * 9) * DAY);
					if (again < DEMO_END) addCase(cat, again, address, customer, true);
				}
			}
		}
	}

	for (const c of DEMO_CATEGORIES) {
		await tx.query(
			`insert into category (org_id, name, norm_days, norm_unit) values ($1, $2, $3, $4)
			 on conflict (org_id, name) do update set norm_days = excluded.norm_days, norm_unit = excluded.norm_unit`,
			[orgId, c.name, c.normDays, c.unit]
		);
	}
	const options = { orgId, via: 'demo' as const, format: 'json' as const, source: DEMO_SOURCE };
	const a = await importRecords(tx, { ...options, shape: 'case' }, cases);
	const b = await importRecords(tx, { ...options, shape: 'event' }, events);
	return { cases: a.casesAdded, events: b.eventsAdded };
}
