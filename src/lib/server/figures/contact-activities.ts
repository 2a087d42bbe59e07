/**
 * Contact activities: the activities of the case data that an organisation counts as contact
 * with the customer (issue 12, section 1). Koers suggests them from the activity names (Dutch and
 * English words for calling, mailing, confirming, informing) and from the departments of the
 * front-office touchpoints; an admin or a coach confirms each (who and when are kept). The
 * report's received time is always a contact moment and needs no entry here. Owner of
 * public.contact_activity.
 */
import { db, type Claims, type Queryable } from '../db';
import { attempt, refuse, type Result } from '../result';
import type { ContactActivityInput } from '$lib/schemas/silence';

export interface ContactActivity {
	id: string;
	activity: string;
	direction: 'inbound' | 'outbound';
	confirmedBy: string | null;
	confirmedAt: string;
	/** Events in the case data with this activity (0: it does not occur, yet is allowed). */
	events: number;
}

export interface Suggestion {
	activity: string;
	direction: 'inbound' | 'outbound';
	events: number;
	/** Why: its name, or the front-office department it is done in. */
	reason: 'name' | 'front_office';
}

/** Words in activity names that mean contact with the customer (Dutch and English). */
const CONTACT_WORDS =
	/(^|[\s_\-/])(bel|belt|gebeld|call)|teruggebeld|mail|bericht|bevestig|informe|contact|notif|letter|brief|sms|send|sent\b|verstu|verzond|gesprek/i;
const INBOUND_WORDS = /ontvang|received|inbound|inkomend|binnengekomen|klant belt|melding/i;

const direction = (activity: string): 'inbound' | 'outbound' =>
	INBOUND_WORDS.test(activity) ? 'inbound' : 'outbound';

async function listIn(tx: Queryable): Promise<ContactActivity[]> {
	return tx.query<ContactActivity>(
		`select a.id, a.activity, a.direction, p.name as "confirmedBy", a.confirmed_at as "confirmedAt",
		        (select count(*)::integer from report_event e
		          where e.org_id = a.org_id and lower(btrim(e.activity)) = a.activity_key) as events
		   from contact_activity a
		   left join person p on p.id = a.confirmed_by
		  order by lower(a.activity)`
	);
}

/** The confirmed contact activities, and suggestions for the activities not yet on the list. */
export function overview(
	claims: Claims
): Promise<{ activities: ContactActivity[]; suggestions: Suggestion[]; canEdit: boolean }> {
	return db().asUser(claims, async (tx) => {
		const [activities, seen, role] = await Promise.all([
			listIn(tx),
			tx.query<{ activity: string; events: number; front_office: boolean }>(
				`select min(btrim(e.activity)) as activity, count(*)::integer as events,
				        bool_or(exists (select 1 from touchpoint t join department d on d.id = t.department_id
				                 where t.office = 'front_office' and lower(d.name) = lower(btrim(e.department))))
				          as front_office
				   from report_event e
				  where not exists (select 1 from contact_activity a
				                     where a.org_id = e.org_id and a.activity_key = lower(btrim(e.activity)))
				  group by lower(btrim(e.activity))
				  order by count(*) desc
				  limit 500`
			),
			tx.query<{ ok: boolean }>(
				`select coalesce(private.org_role() in ('admin', 'coach'), false) as ok`
			)
		]);
		const suggestions: Suggestion[] = seen.flatMap((s): Suggestion[] => {
			const reason = CONTACT_WORDS.test(s.activity)
				? 'name'
				: s.front_office
					? 'front_office'
					: null;
			return reason
				? [{ activity: s.activity, direction: direction(s.activity), events: s.events, reason }]
				: [];
		});
		return { activities, suggestions, canEdit: role[0]?.ok === true };
	});
}

/**
 * Confirms an activity as contact. One that does not occur in the case data is kept too (data
 * may follow), and the answer says so with `unseen`.
 */
export function confirm(
	claims: Claims,
	input: ContactActivityInput
): Promise<Result<{ unseen: boolean }, 'forbidden' | 'contact_activity_taken'>> {
	return attempt(
		() =>
			db().asUser(claims, async (tx) => {
				const rows = await tx.query<{ events: number }>(
					`insert into contact_activity (org_id, activity, direction, confirmed_by)
					 select private.org_id(), $1, $2, private.person_id()
					  where coalesce(private.org_role() in ('admin', 'coach'), false)
					 returning (select count(*)::integer from report_event e
					             where e.org_id = contact_activity.org_id
					               and lower(btrim(e.activity)) = contact_activity.activity_key) as events`,
					[input.activity, input.direction]
				);
				if (!rows.length) refuse('forbidden');
				return { unseen: rows[0].events === 0 };
			}),
		(_e, kind) =>
			kind === 'unique' ? 'contact_activity_taken' : kind === 'forbidden' ? 'forbidden' : undefined
	);
}

/** Takes an activity off the list. */
export function remove(claims: Claims, id: string): Promise<Result<object, 'not_found'>> {
	return attempt(async () => {
		const rows = await db().asUser(claims, (tx) =>
			tx.query('delete from contact_activity where id = $1 returning id', [id])
		);
		if (!rows.length) refuse('not_found');
		return {};
	});
}
