import type { Queryable } from '../db';

/**
 * The demo's customer teams: "Afval & Buitenruimte" (members from KCC, Afvalinzameling and
 * Wijkbeheer) with an approved mandate, the journey "Container niet geleegd" from the report
 * through collection to confirmation, and cycles in several states — one adopted, whose chart
 * shows repeat reports roughly halving after its change date (the demo case data changes on
 * 2025-11-03) — plus a smaller second team, so the coach has more than one team to coach.
 */
interface TouchpointSeed {
	name: string;
	channel: string | null;
	department: string;
	office: 'front_office' | 'back_office';
	line: 1 | 2 | 3;
	synchronous: boolean;
	normDays?: number;
	normUnit?: 'calendar_days' | 'working_days';
	emotion: number;
	painPoints?: string;
	categories?: string[];
}

interface StageSeed {
	name: string;
	customerAction: string;
	support: string;
	touchpoints: TouchpointSeed[];
}

const CONTAINER_JOURNEY: StageSeed[] = [
	{
		name: 'Melden',
		customerAction: 'Ziet dat de container vol blijft staan en meldt het',
		support: 'Meldingen-app, website, telefonie',
		touchpoints: [
			{
				name: 'Melding container niet geleegd',
				channel: 'app',
				department: 'KCC',
				office: 'front_office',
				line: 1,
				synchronous: false,
				normDays: 2,
				normUnit: 'working_days',
				emotion: -2,
				painPoints: 'Melder weet niet of de melding is aangekomen; meldt opnieuw.',
				categories: ['Container niet geleegd']
			},
			{
				name: 'Melding kapotte container',
				channel: 'phone',
				department: 'KCC',
				office: 'front_office',
				line: 1,
				synchronous: true,
				normDays: 10,
				normUnit: 'working_days',
				emotion: -1,
				categories: ['Kapotte container']
			}
		]
	},
	{
		name: 'Beoordelen',
		customerAction: 'Wacht op bericht',
		support: 'Zaaksysteem',
		touchpoints: [
			{
				name: 'Melding doorzetten naar inzameling',
				channel: null,
				department: 'KCC',
				office: 'back_office',
				line: 1,
				synchronous: false,
				emotion: -1,
				painPoints: 'Handmatig overtypen in het planningssysteem.'
			},
			{
				name: 'Oorzaak vaststellen (route, chip, bereikbaarheid)',
				channel: null,
				department: 'Afvalinzameling',
				office: 'back_office',
				line: 2,
				synchronous: false,
				emotion: 0
			}
		]
	},
	{
		name: 'Inzamelen',
		customerAction: 'Zet de container opnieuw buiten',
		support: 'Routeplanning, boordcomputer',
		touchpoints: [
			{
				name: 'Herinzameling inplannen',
				channel: null,
				department: 'Afvalinzameling',
				office: 'back_office',
				line: 2,
				synchronous: false,
				normDays: 2,
				normUnit: 'working_days',
				emotion: -1
			},
			{
				name: 'Container legen',
				channel: 'in_person',
				department: 'Afvalinzameling',
				office: 'front_office',
				line: 2,
				synchronous: true,
				emotion: 1
			}
		]
	},
	{
		name: 'Bevestigen',
		customerAction: 'Krijgt bericht dat het is opgelost',
		support: 'Zaaksysteem, sms-dienst',
		touchpoints: [
			{
				name: 'Bevestiging aan melder',
				channel: 'email',
				department: 'KCC',
				office: 'front_office',
				line: 1,
				synchronous: false,
				emotion: 2,
				painPoints: 'Bevestiging kwam vaak pas dagen later, of niet.'
			}
		]
	}
];

const OUTDOOR_JOURNEY: StageSeed[] = [
	{
		name: 'Melden',
		customerAction: 'Meldt zwerfafval of vraagt grofvuil aan',
		support: 'Website, meldingen-app',
		touchpoints: [
			{
				name: 'Melding zwerfafval',
				channel: 'app',
				department: 'KCC',
				office: 'front_office',
				line: 1,
				synchronous: false,
				emotion: -1,
				categories: ['Zwerfafval']
			},
			{
				name: 'Afspraak grofvuil',
				channel: 'web',
				department: 'KCC',
				office: 'front_office',
				line: 1,
				synchronous: false,
				emotion: 0,
				categories: ['Grofvuil ophalen']
			}
		]
	},
	{
		name: 'Oplossen',
		customerAction: 'Zet het grofvuil op de afgesproken dag buiten',
		support: 'Routeplanning',
		touchpoints: [
			{
				name: 'Ontheffing container op straat',
				channel: 'web',
				department: 'Vergunningen',
				office: 'back_office',
				line: 3,
				synchronous: false,
				normDays: 10,
				normUnit: 'working_days',
				emotion: -1,
				painPoints: 'Vergunningen zit niet in het team; vragen blijven liggen.'
			},
			{
				name: 'Schouw en opruimen',
				channel: 'in_person',
				department: 'Wijkbeheer',
				office: 'back_office',
				line: 2,
				synchronous: false,
				emotion: 1
			}
		]
	}
];

const DECISION_RIGHTS = [
	'Werkwijze en volgorde van afhandeling binnen KCC en Afvalinzameling aanpassen',
	'Teksten van bevestigingen en berichten aan melders aanpassen',
	'Herinzameling inplannen zonder tussenkomst van de planner',
	'Experimenten tot 8 weken met bestaande middelen'
];
const BOUNDARIES = [
	'Geen wijziging in formatie of functies',
	'Geen beleidswijziging (bijv. inzamelfrequentie of afvalstoffenheffing)',
	'Geen nieuwe ICT-systemen of contracten'
];

export async function seedDemoTeams(tx: Queryable, orgId: string) {
	const ids = async (sql: string) =>
		new Map(
			(await tx.query<{ name: string; id: string }>(sql, [orgId])).map((r) => [r.name, r.id])
		);
	const people = await ids('select email as name, id from public.person where org_id = $1');
	const departments = await ids('select name, id from public.department where org_id = $1');
	const categories = await ids('select name, id from public.category where org_id = $1');
	const person = (email: string) => people.get(`${email}@voorbeeld.nl`) ?? null;

	const team = async (t: {
		name: string;
		customerGroup: string;
		purpose: string;
		cadenceDays: number;
		members: [string, 'member' | 'lead' | 'expert', string][];
	}) => {
		const [row] = await tx.query<{ id: string }>(
			`insert into public.team (org_id, name, customer_group, purpose, coach_id, cadence_days, created_at)
			 values ($1, $2, $3, $4, $5, $6, '2025-03-03T09:00:00+01:00') returning id`,
			[orgId, t.name, t.customerGroup, t.purpose, person('coach'), t.cadenceDays]
		);
		for (const [email, role, dept] of t.members) {
			await tx.query(
				`insert into public.team_member (team_id, person_id, org_id, team_role, department_id)
				 values ($1, $2, $3, $4, $5)`,
				[row.id, person(email), orgId, role, departments.get(dept)]
			);
		}
		return row.id;
	};

	const waste = await team({
		name: 'Afval & Buitenruimte',
		customerGroup: 'Inwoners met een minicontainer of ondergrondse container',
		purpose:
			'Meldingen over afval in één keer goed afhandelen, zodat inwoners niet opnieuw hoeven te melden.',
		cadenceDays: 14,
		members: [
			['kim', 'lead', 'KCC'],
			['sam', 'member', 'Afvalinzameling'],
			['noor', 'member', 'Wijkbeheer']
		]
	});
	const neighbourhood = await team({
		name: 'Wijkteam Noord',
		customerGroup: 'Bewoners en ondernemers in Noord',
		purpose: 'Sneller en zichtbaarder reageren op meldingen over de buitenruimte in Noord.',
		cadenceDays: 28,
		members: [['noor', 'lead', 'Wijkbeheer']]
	});

	// Self-assessed profiles (1..5): the team page shows only their spread.
	for (const [email, scores] of [
		['kim', [5, 4, 3, 3, 5, 2]],
		['sam', [3, 5, 4, 2, 4, 4]],
		['noor', [4, 3, 5, 4, 4, 3]]
	] as const) {
		await tx.query(
			`insert into public.team_member_profile (team_id, person_id, org_id, outside_in, proactive,
			   critical, analytical, responsible, contrarian)
			 values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			[waste, person(email), orgId, ...scores]
		);
	}

	// The mandate: a first draft, then the approved version 2.
	const mandate = async (
		rights: string[],
		boundaries: string[],
		createdAt: string,
		approvedOn: string
	) => {
		const [row] = await tx.query<{ id: string }>(
			`insert into public.mandate (org_id, team_id, decision_rights, boundaries, budget_limit,
			   escalation_contact, review_date, note, created_by, created_at)
			 values ($1, $2, $3, $4, 5000, 'Coco Coach (teamcoach), daarna afdelingshoofd Stadsbeheer',
			   '2026-12-14', '', $5, $6) returning id`,
			[orgId, waste, rights, boundaries, person('kim'), createdAt]
		);
		await tx.query(`update public.mandate set approved_on = $2, approved_by = $3 where id = $1`, [
			row.id,
			approvedOn,
			person('coach')
		]);
		return row.id;
	};
	await mandate(DECISION_RIGHTS.slice(0, 2), BOUNDARIES, '2025-03-10T10:00:00+01:00', '2025-03-17');
	const approved = await mandate(
		DECISION_RIGHTS,
		BOUNDARIES,
		'2025-09-08T10:00:00+02:00',
		'2025-09-15'
	);

	const journey = async (teamId: string, name: string, owner: string, stages: StageSeed[]) => {
		const [j] = await tx.query<{ id: string }>(
			`insert into public.journey (org_id, team_id, name, customer_group, owner_id)
			 values ($1, $2, $3, 'Inwoners', $4) returning id`,
			[orgId, teamId, name, person(owner)]
		);
		const touchpoints = new Map<string, string>();
		for (const [s, stage] of stages.entries()) {
			const [st] = await tx.query<{ id: string }>(
				`insert into public.stage (org_id, journey_id, position, name, customer_action, support)
				 values ($1, $2, $3, $4, $5, $6) returning id`,
				[orgId, j.id, s, stage.name, stage.customerAction, stage.support]
			);
			for (const [p, tp] of stage.touchpoints.entries()) {
				const [t] = await tx.query<{ id: string }>(
					`insert into public.touchpoint (org_id, journey_id, stage_id, position, name, channel,
					   department_id, office, line, synchronous, norm_days, norm_unit, emotion, pain_points)
					 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) returning id`,
					[
						orgId,
						j.id,
						st.id,
						p,
						tp.name,
						tp.channel,
						departments.get(tp.department),
						tp.office,
						tp.line,
						tp.synchronous,
						tp.normDays ?? null,
						tp.normUnit ?? 'calendar_days',
						tp.emotion,
						tp.painPoints ?? ''
					]
				);
				touchpoints.set(tp.name, t.id);
				for (const c of tp.categories ?? []) {
					await tx.query(
						`insert into public.touchpoint_category (category_id, touchpoint_id, org_id)
						 values ($1, $2, $3)`,
						[categories.get(c), t.id, orgId]
					);
				}
			}
		}
		return touchpoints;
	};
	const containerTouchpoints = await journey(
		waste,
		'Container niet geleegd',
		'kim',
		CONTAINER_JOURNEY
	);
	await journey(waste, 'Buitenruimte schoon', 'noor', OUTDOOR_JOURNEY);

	const updatedAt: [string, string][] = [];
	const cycle = async (c: {
		title: string;
		status: string;
		problem: string;
		hypothesis: string;
		metric: string;
		better: 'higher' | 'lower';
		category: string;
		touchpoint?: string;
		windows?: [string, string, string, string, string];
		mandateRight?: string;
		expectedCost?: number;
		/** The value aimed for, in the metric's own unit (a share 0–1, days). */
		goal?: number;
		nextStep: string;
		learnings?: string;
		createdAt: string;
		updatedAt: string;
	}) => {
		const [row] = await tx.query<{ id: string }>(
			`insert into public.improvement_cycle (org_id, team_id, title, status, problem, hypothesis,
			   metric, better, scope_category_id, scope_touchpoint_id, baseline_from, baseline_to,
			   change_date, test_from, test_to, mandate_id, mandate_right, next_step, learnings,
			   created_by, created_at, expected_cost, goal)
			 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
			   $19, $20, $21, $22, $23) returning id`,
			[
				orgId,
				waste,
				c.title,
				c.status,
				c.problem,
				c.hypothesis,
				c.metric,
				c.better,
				categories.get(c.category),
				c.touchpoint ? containerTouchpoints.get(c.touchpoint) : null,
				...(c.windows ?? [null, null, null, null, null]),
				c.mandateRight ? approved : null,
				c.mandateRight ?? null,
				c.nextStep,
				c.learnings ?? '',
				person('kim'),
				c.createdAt,
				c.expectedCost ?? null,
				c.goal ?? null
			]
		);
		updatedAt.push([row.id, c.updatedAt]);
		return row.id;
	};
	const adopted = await cycle({
		title: 'Melder direct bevestigen en herinzameling zelf inplannen',
		status: 'adopted',
		problem:
			'Ruim een kwart van de meldingen "container niet geleegd" is een herhaalmelding: de melder hoort niets en meldt opnieuw.',
		hypothesis:
			'Als het KCC de herinzameling direct zelf inplant en de melder meteen de ophaaldag bevestigt, dan dalen de herhaalmeldingen van "container niet geleegd" met de helft.',
		metric: 'repeat_rate',
		better: 'lower',
		category: 'Container niet geleegd',
		touchpoint: 'Melding container niet geleegd',
		windows: ['2025-05-05', '2025-10-27', '2025-11-03', '2025-11-03', '2026-01-26'],
		mandateRight: DECISION_RIGHTS[2],
		goal: 0.15,
		nextStep: 'Werkwijze vastleggen in het werkinstructieboek en delen met Wijkteam Noord.',
		learnings:
			'Direct bevestigen met de ophaaldag haalt de onzekerheid weg. De planner is niet meer nodig voor herinzameling.',
		createdAt: '2025-09-22T10:00:00+02:00',
		updatedAt: '2026-02-02T16:00:00+01:00'
	});
	const planned = await cycle({
		title: 'Grofvuil binnen een week ophalen',
		status: 'plan',
		problem: 'Inwoners wachten gemiddeld ruim een week op een afspraak voor grofvuil.',
		hypothesis:
			'Als we een extra ophaalronde op zaterdag rijden, dan daalt de doorlooptijd (p85) van grofvuil naar minder dan 7 dagen.',
		metric: 'lead_p85',
		better: 'lower',
		category: 'Grofvuil ophalen',
		windows: ['2026-05-04', '2026-10-26', '2026-11-30', '2026-11-30', '2027-01-25'],
		expectedCost: 7500,
		goal: 7,
		nextStep: 'Wachten op besluit van de coach over de zaterdagronde.',
		createdAt: '2026-10-19T10:00:00+02:00',
		updatedAt: '2026-11-16T15:00:00+01:00'
	});
	await cycle({
		title: 'Zwerfafval-hotspots vooraf schouwen',
		status: 'idea',
		problem: 'Dezelfde plekken komen steeds terug in de meldingen zwerfafval.',
		hypothesis: '',
		metric: 'repeat_rate',
		better: 'lower',
		category: 'Zwerfafval',
		nextStep: 'Hotspots uit de meldingen halen voor het volgende teamoverleg.',
		createdAt: '2026-11-09T10:00:00+01:00',
		updatedAt: '2026-11-09T10:00:00+01:00'
	});
	await cycle({
		title: 'Bevestiging per sms bij kapotte container',
		status: 'test',
		problem: 'Melders van een kapotte container weten niet wanneer de vervangende container komt.',
		hypothesis:
			'Als we de leverdatum per sms bevestigen, dan wordt meer binnen de norm afgehandeld omdat er minder nagebeld hoeft te worden.',
		metric: 'within_norm',
		better: 'higher',
		category: 'Kapotte container',
		windows: ['2026-04-06', '2026-09-28', '2026-10-05', '2026-10-05', '2026-11-30'],
		mandateRight: DECISION_RIGHTS[1],
		goal: 0.8,
		nextStep: 'Sms-teksten met de leverancier afstemmen.',
		createdAt: '2026-09-14T10:00:00+02:00',
		updatedAt: '2026-10-05T09:00:00+02:00'
	});
	for (const [cycleId, who, what, due, done] of [
		[
			adopted,
			'Kim de Vries',
			'Belscript KCC aanpassen: ophaaldag direct noemen',
			'2025-10-31',
			true
		],
		[adopted, 'Sam Bakker', 'KCC toegang geven tot de herinzamelplanning', '2025-10-31', true],
		[adopted, 'Noor Jansen', 'Bevestigingsmail met ophaaldag opstellen', '2025-11-03', true],
		[planned, 'Sam Bakker', 'Kosten van een zaterdagronde uitzoeken', '2026-11-27', false]
	] as const) {
		await tx.query(
			`insert into public.cycle_action (org_id, cycle_id, who, what, due_on, done)
			 values ($1, $2, $3, $4, $5, $6)`,
			[orgId, cycleId, who, what, due, done]
		);
	}
	// Outside the mandate (no new contracts, budget): the team asks its coach.
	await tx.query(
		`insert into public.decision_request (org_id, cycle_id, question, requested_by, requested_at)
		 values ($1, $2, $3, $4, '2026-11-16T15:00:00+01:00')`,
		[
			orgId,
			planned,
			'Mogen we acht weken een extra ophaalronde op zaterdag inhuren (ca. € 7.500, boven ons budget van € 5.000)?',
			person('kim')
		]
	);

	// Evaluations: the waste team's last one set its next date in the past (overdue today).
	for (const [teamId, heldOn, nextOn, results, blockers, decisions, nextStep] of [
		[
			waste,
			'2026-10-19',
			'2026-11-02',
			'Herhaalmeldingen container niet geleegd blijven rond 12% (was 27%). Werkwijze is overgenomen.',
			'Planningssysteem van Afvalinzameling: KCC heeft alleen leesrechten op de zaterdagroutes.',
			'Coach regelt schrijfrechten met ICT.',
			'Volgende cyclus kiezen: grofvuil of zwerfafval.'
		],
		[
			neighbourhood,
			'2026-11-09',
			'2026-12-07',
			'Team is gestart; eerste klantreis in kaart.',
			'',
			'Noor is trekker.',
			'Eerste verbeteridee uitwerken.'
		]
	] as const) {
		await tx.query(
			`insert into public.evaluation (org_id, team_id, held_on, next_on, results, blockers,
			   decisions, next_step, coach_id)
			 values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			[orgId, teamId, heldOn, nextOn, results, blockers, decisions, nextStep, person('coach')]
		);
	}
	// When each cycle last changed (for the coach's "stagnant" list), after the actions above.
	for (const [id, at] of updatedAt) {
		await tx.query('update public.improvement_cycle set updated_at = $2 where id = $1', [id, at]);
	}
	return { waste, neighbourhood };
}
