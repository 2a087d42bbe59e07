import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db';

/**
 * The demo's ideas: a handful from the demo people, some supported by colleagues, one triaged
 * with a reason Ravi can read (and sees as changed), one that became an improvement cycle of
 * the team "Afval & Buitenruimte". Runs inside the demo's privileged seeding transaction, after
 * the teams exist; without that team the ideas are about no team and none is in a cycle.
 */
interface IdeaSeed {
	by: string;
	body: string;
	daysAgo: number;
	/** Links the idea to the demo team (and, if named, to one of its touchpoints). */
	team?: boolean;
	touchpoint?: string;
	votes?: string[];
	triage?: {
		status: 'reviewing' | 'parked' | 'declined' | 'in_cycle';
		reason: string;
		daysAgo: number;
	};
}

const SEEDS: IdeaSeed[] = [
	{
		by: 'ravi',
		body: 'Stuur melders een sms zodra hun container alsnog is geleegd, dan hoeven ze niet opnieuw te bellen.',
		daysAgo: 20,
		team: true,
		touchpoint: 'Bevestiging aan melder',
		votes: ['kim', 'sam', 'noor'],
		triage: {
			status: 'in_cycle',
			reason: 'Goed idee: we testen dit in een verbetercyclus met de bevestiging na herinzameling.',
			daysAgo: 6
		}
	},
	{
		by: 'noor',
		body: 'Laat melders een foto van de container meesturen, zodat de chauffeur meteen ziet waar hij staat.',
		daysAgo: 12,
		team: true,
		touchpoint: 'Melding container niet geleegd',
		votes: ['kim', 'ravi'],
		triage: {
			status: 'reviewing',
			reason: 'We bekijken met de chauffeurs of dit in de route-app past.',
			daysAgo: 4
		}
	},
	{
		by: 'sam',
		body: 'De route-app moet waarschuwen als een container op de lijst is overgeslagen.',
		daysAgo: 5,
		team: true,
		votes: ['kim', 'noor', 'ravi', 'coach']
	},
	{
		by: 'ravi',
		body: 'Vraag bij een melding meteen of de container op tijd aan de straat stond; dat scheelt een terugbelactie.',
		daysAgo: 15,
		team: true,
		votes: ['sam'],
		triage: {
			status: 'parked',
			reason: 'Eerst de lopende cyclus over herinzameling afronden; we nemen dit in maart weer op.',
			daysAgo: 2
		}
	},
	{
		by: 'kim',
		body: 'Een vaste contactpersoon bij Vergunningen voor evenementen waar extra afvalcontainers nodig zijn.',
		daysAgo: 9
	},
	{
		by: 'noor',
		body: 'Zet bij zwerfafval-meldingen op de kaart welke plekken vaker terugkomen, dan kunnen we er gericht op af.',
		daysAgo: 1,
		votes: ['kim']
	}
];

export async function seedDemoIdeas(tx: Queryable, orgId: string) {
	const people = new Map(
		(
			await tx.query<{ email: string; id: string }>(
				'select email, id from public.person where org_id = $1',
				[orgId]
			)
		).map((p) => [p.email, p.id])
	);
	const person = (name: string) => people.get(`${name}@voorbeeld.nl`) ?? null;
	const [team] = await tx.query<{ id: string }>(
		`select id from public.team where org_id = $1 and name = 'Afval & Buitenruimte'`,
		[orgId]
	);
	const touchpoints = new Map(
		team
			? (
					await tx.query<{ name: string; id: string; journeyId: string }>(
						`select t.name, t.id, t.journey_id as "journeyId"
						   from public.touchpoint t join public.journey j on j.id = t.journey_id
						  where j.team_id = $1`,
						[team.id]
					)
				).map((t) => [t.name, t])
			: []
	);

	for (const s of SEEDS) {
		const id = randomUUID();
		const teamId = s.team && team ? team.id : null;
		const tp = teamId && s.touchpoint ? touchpoints.get(s.touchpoint) : undefined;
		await tx.query(
			`insert into public.idea (id, org_id, submitter_id, body, team_id, journey_id, touchpoint_id)
			 values ($1, $2, $3, $4, $5, $6, $7)`,
			[id, orgId, person(s.by), s.body, teamId, tp?.journeyId ?? null, tp?.id ?? null]
		);
		for (const voter of s.votes ?? []) {
			const voterId = person(voter);
			if (voterId)
				await tx.query(
					'insert into public.idea_vote (idea_id, person_id, org_id, created_at) values ($1, $2, $3, $4)',
					[id, voterId, orgId, new Date(Date.now() - (s.daysAgo - 1) * 86_400_000)]
				);
		}
		let triage = s.triage;
		if (triage?.status === 'in_cycle' && !teamId) triage = { ...triage, status: 'reviewing' }; // a cycle belongs to a team
		let cycleId: string | null = null;
		if (triage?.status === 'in_cycle') {
			const [cycle] = await tx.query<{ id: string }>(
				`insert into public.improvement_cycle (org_id, team_id, title, problem, status, created_by)
				 values ($1, $2, $3, $4, 'idea', $5) returning id`,
				[orgId, teamId, 'Sms-bevestiging na herinzameling', s.body, person('coach')]
			);
			cycleId = cycle.id;
		}
		if (triage)
			await tx.query(
				'update public.idea set status = $2, status_reason = $3, cycle_id = $4 where id = $1',
				[id, triage.status, triage.reason, cycleId]
			);
		// Back-date: submitted days ago, last seen then, triaged later (so the submitter sees a
		// change waiting for them).
		await tx.query(
			`update public.idea
			    set created_at = now() - make_interval(days => $2::int),
			        seen_at = now() - make_interval(days => $2::int),
			        status_changed_at = case when $3::int is null then null
			                                 else now() - make_interval(days => $3::int) end
			  where id = $1`,
			[id, s.daysAgo, triage?.daysAgo ?? null]
		);
	}
}
