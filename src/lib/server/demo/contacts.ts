import type { Queryable } from '../db';

/**
 * Contact moments in the demo (issue 12): the organisation counts the report itself, a call
 * back, a confirmation of receipt and a status message as contact with the customer. Web and app
 * reports get a confirmation ten minutes after receipt. After the adopted cycle on "Container
 * niet geleegd" (change on 2025-11-03) the KCC also informs four in five of those customers
 * once the collection is planned, so their longest silence shortens.
 */
const ACTIVITIES = [
	['Melding ontvangen', 'inbound'],
	['Klant teruggebeld', 'outbound'],
	['Ontvangstbevestiging verstuurd', 'outbound'],
	['Klant geïnformeerd over planning', 'outbound']
] as const;

export async function seedDemoContacts(tx: Queryable, orgId: string) {
	for (const [activity, direction] of ACTIVITIES)
		await tx.query(
			`insert into public.contact_activity (org_id, activity, direction, confirmed_by)
			 values ($1, $2, $3, (select id from public.person where org_id = $1 and role = 'coach' limit 1))`,
			[orgId, activity, direction]
		);
	await tx.query(
		`insert into public.report_event (org_id, report_id, occurred_at, activity, department, lifecycle, seq)
		 select r.org_id, r.id, r.received_at + interval '10 minutes', 'Ontvangstbevestiging verstuurd',
		        'KCC', 'complete', 0
		   from public.report r
		  where r.org_id = $1 and r.channel in ('web', 'app')
		    and (r.resolved_at is null or r.resolved_at > r.received_at + interval '10 minutes')`,
		[orgId]
	);
	await tx.query(
		`insert into public.report_event (org_id, report_id, occurred_at, activity, department, lifecycle, seq)
		 select r.org_id, r.id, r.received_at + (r.resolved_at - r.received_at) * 0.4,
		        'Klant geïnformeerd over planning', 'KCC', 'complete', 0
		   from public.report r
		   join public.category c on c.id = r.category_id
		  where r.org_id = $1 and c.name = 'Container niet geleegd' and r.resolved_at is not null
		    and r.received_at >= '2025-11-03T00:00:00+01:00'
		    and get_byte(decode(md5(r.external_id), 'hex'), 0) < 205`,
		[orgId]
	);
}
