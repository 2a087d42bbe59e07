import type { Queryable } from '../db';

/**
 * The demo's agreements between departments and its Monday-morning phone peak (issue 12):
 * - KCC → Afvalinzameling within 1 working day (held in about two thirds of the handoffs, as
 *   the generated cases pass them on) and Afvalinzameling → Wijkbeheer within 2 working days,
 *   held in about 90 %: Wijkbeheer confirms a repair order ("Opdracht ontvangen") soon after
 *   Afvalinzameling plans it, in about one case of six only days later. The step is added to the
 *   "Kapotte container" cases only; their lead times, repeats and handoff counts stay as they are.
 * - Every Monday between 08:00 and 11:00 the KCC's phone rings with ten questions from
 *   businesses about their waste collection (a category of its own, so the other figures keep
 *   their story); three of them are callers who already rang the Monday before: avoidable load.
 * - Two chains (customer groups): "Inwoners" with the team "Afval & Buitenruimte", and
 *   "Ondernemers" with "Wijkteam Noord", whose journey "Vraag over bedrijfsafval" takes those calls.
 */
export async function seedDemoAgreements(tx: Queryable, orgId: string) {
	await tx.query(
		`insert into public.service_agreement
		   (org_id, from_department_id, to_department_id, limit_value, unit, valid_from, created_by, created_at)
		 select $1, f.id, t.id, a.limit_value, 'working_days', date '2024-11-25', p.id,
		        timestamptz '2024-11-20 10:00+01'
		   from (values ('KCC', 'Afvalinzameling', 1), ('Afvalinzameling', 'Wijkbeheer', 2))
		          as a (from_name, to_name, limit_value)
		   join public.department f on f.org_id = $1 and f.name = a.from_name
		   join public.department t on t.org_id = $1 and t.name = a.to_name
		   left join public.person p on p.org_id = $1 and p.email = 'coach@voorbeeld.nl'`,
		[orgId]
	);
	// Wijkbeheer picks up: 1 to 30 hours after planning, one case in six 3 to 6 days later; the
	// draw is a fixed function of the case number, and the step lands before the repair.
	await tx.query(
		`insert into public.report_event
		   (org_id, report_id, occurred_at, activity, department, lifecycle, seq, batch_id)
		 select e.org_id, e.report_id, x.at, 'Opdracht ontvangen', 'Wijkbeheer', 'complete', e.seq,
		        e.batch_id
		   from public.report_event e
		   join public.report r on r.id = e.report_id
		   join public.category c on c.id = r.category_id and c.name = 'Kapotte container'
		   cross join lateral (select substring(r.external_id from 3)::integer as n) k
		   cross join lateral (
		     select e.occurred_at + case when k.n % 6 = 3
		         then make_interval(hours => 72 + (k.n * 7) % 72)
		         else make_interval(hours => 1 + (k.n * 13) % 30) end as at) x
		   join public.report_event done on done.report_id = e.report_id
		     and done.activity = 'Uitgevoerd' and done.occurred_at > x.at
		  where e.org_id = $1 and e.activity = 'Ingepland'`,
		[orgId]
	);
	const [category] = await tx.query<{ id: string }>(
		`insert into public.category (org_id, name, norm_days, norm_unit, repeat_key)
		 values ($1, 'Vraag over bedrijfsafval', 1, 'working_days', 'customer_category')
		 returning id`,
		[orgId]
	);
	// Calls 1–3 of a Monday come from the callers of calls 8–10 the Monday before.
	await tx.query(
		`insert into public.report
		   (org_id, source, external_id, category_id, channel, customer_key, received_at,
		    resolved_at, status, department)
		 select $1, 'demo-telefonie', 'T-' || to_char(m.day, 'YYYYMMDD') || '-' || i.n, $2,
		        'telefoon', md5($1::uuid::text || c.caller), t.at, t.at + interval '15 minutes',
		        'afgehandeld', 'KCC'
		   from generate_series(timestamp '2024-11-25', timestamp '2026-11-16', interval '7 days')
		          as m (day)
		   cross join generate_series(1, 10) as i (n)
		   cross join lateral (
		     select (m.day + make_interval(mins => 480 + (i.n * 53 + extract(doy from m.day)::integer * 7) % 180))
		       at time zone 'Europe/Amsterdam' as at) t
		   cross join lateral (
		     select case when i.n <= 3
		       then to_char(m.day - interval '7 days', 'YYYYMMDD') || '-' || (i.n + 7)
		       else to_char(m.day, 'YYYYMMDD') || '-' || i.n end as caller) c`,
		[orgId, category.id]
	);
	await tx.query(
		`with c as (
		   insert into public.chain (org_id, name) values ($1, 'Inwoners'), ($1, 'Ondernemers')
		   returning id, name)
		 insert into public.chain_team (team_id, chain_id, org_id)
		 select t.id, c.id, $1 from c
		   join public.team t on t.org_id = $1
		    and t.name = case c.name when 'Inwoners' then 'Afval & Buitenruimte' else 'Wijkteam Noord' end`,
		[orgId]
	);
	// Wijkteam Noord's journey for the businesses' calls, so the chain "Ondernemers" has figures
	await tx.query(
		`with j as (
		   insert into public.journey (org_id, team_id, name, customer_group)
		   select $1, t.id, 'Vraag over bedrijfsafval', 'Ondernemers'
		     from public.team t where t.org_id = $1 and t.name = 'Wijkteam Noord'
		   returning id),
		 s as (
		   insert into public.stage (org_id, journey_id, position, name, customer_action, support)
		   select $1, j.id, 0, 'Vragen', 'Belt op maandagochtend over de inzameling', 'Telefonie'
		     from j returning id, journey_id),
		 tp as (
		   insert into public.touchpoint (org_id, journey_id, stage_id, position, name, channel,
		     department_id, office, line, synchronous, emotion)
		   select $1, s.journey_id, s.id, 0, 'Vraag telefonisch beantwoorden', 'phone', d.id,
		     'front_office', 1, true, -1
		     from s join public.department d on d.org_id = $1 and d.name = 'KCC'
		   returning id)
		 insert into public.touchpoint_category (category_id, touchpoint_id, org_id)
		 select $2, tp.id, $1 from tp`,
		[orgId, category.id]
	);
}
