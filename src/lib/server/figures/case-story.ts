/**
 * The case story (process memory, issue 12 section 2): one case as a timeline — its events in
 * order with time, activity, department and whether each is a contact moment, the handoffs
 * (consecutive events whose departments are both non-empty and differ, as report_flow counts
 * them), the
 * silences between contact moments with their length (public.case_silence_gaps), the norm, and
 * the other reports of the same customer or location before and after it. Pseudonymised: the
 * keys are never shown, only the source and the case's id there. Row level security decides:
 * a person who may not see case data, or a case of another organisation, gives null.
 */
import { db, type Claims } from '../db';

export interface StoryEvent {
	at: string;
	activity: string;
	department: string | null;
	resource: string | null;
	contact: boolean;
	/** The department changed from the previous event's: a handoff from → this one. */
	handoffFrom: string | null;
}

export interface StoryGap {
	from: string;
	to: string;
	hours: number;
	workingDays: number;
	/** More working days than the norm. */
	overNorm: boolean;
}

export interface RelatedReport {
	id: string;
	externalId: string;
	category: string | null;
	channel: string | null;
	receivedAt: string | null;
	/** Same customer, same location, or both. */
	same: 'customer' | 'location' | 'both';
	when: 'before' | 'after';
}

export interface CaseStory {
	id: string;
	source: string;
	externalId: string;
	category: string | null;
	channel: string | null;
	status: string | null;
	department: string | null;
	receivedAt: string | null;
	resolvedAt: string | null;
	/** The lead-time norm of the category, and the silence norm in working days. */
	norm: { days: number; unit: 'calendar_days' | 'working_days' } | null;
	silenceNormDays: number;
	events: StoryEvent[];
	gaps: StoryGap[];
	related: RelatedReport[];
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function story(claims: Claims, id: string): Promise<CaseStory | null> {
	return db().asUser(claims, async (tx) => {
		const [r] = await tx.query<{
			id: string;
			source: string;
			external_id: string;
			category: string | null;
			channel: string | null;
			status: string | null;
			department: string | null;
			received_at: Date | null;
			resolved_at: Date | null;
			norm_days: number | null;
			norm_unit: 'calendar_days' | 'working_days' | null;
			silence_norm_days: number | null;
		}>(
			`select r.id, r.source, r.external_id, c.name as category, r.channel, r.status, r.department,
			        r.received_at, r.resolved_at, c.norm_days::float8 as norm_days, c.norm_unit,
			        c.silence_norm_days::float8 as silence_norm_days
			   from report r left join category c on c.id = r.category_id
			  where r.id = $1`,
			[id]
		);
		if (!r) return null;
		const [events, gaps, related] = await Promise.all([
			tx.query<{
				occurred_at: Date;
				activity: string;
				department: string | null;
				resource: string | null;
				contact: boolean;
			}>(
				`select e.occurred_at, e.activity, e.department, e.resource,
				        exists (select 1 from contact_activity a
				                 where a.org_id = e.org_id and a.activity_key = lower(btrim(e.activity))) as contact
				   from report_event e where e.report_id = $1
				  order by e.occurred_at, e.seq, e.id`,
				[id]
			),
			tx.query<{ gap_from: Date; gap_to: Date; hours: number; working_days: number }>(
				'select * from public.case_silence_gaps($1)',
				[id]
			),
			tx.query<{
				id: string;
				external_id: string;
				category: string | null;
				channel: string | null;
				received_at: Date | null;
				same_customer: boolean;
				same_location: boolean;
			}>(
				`select o.id, o.external_id, c.name as category, o.channel, o.received_at,
				        coalesce(o.customer_key = r.customer_key, false) as same_customer,
				        coalesce(o.location_key = r.location_key, false) as same_location
				   from report r
				   join report o on o.org_id = r.org_id and o.id <> r.id
				    and (o.customer_key = r.customer_key or o.location_key = r.location_key)
				   left join category c on c.id = o.category_id
				  where r.id = $1
				  order by o.received_at nulls last, o.external_id
				  limit 50`,
				[id]
			)
		]);
		const silenceNorm = r.silence_norm_days ?? 5;
		let previous: string | null = null;
		const storyEvents = events.map((e): StoryEvent => {
			const dept = e.department?.trim() || null;
			const handoffFrom = previous !== null && dept !== null && dept !== previous ? previous : null;
			previous = dept;
			return {
				at: new Date(e.occurred_at).toISOString(),
				activity: e.activity,
				department: e.department,
				resource: e.resource,
				contact: e.contact,
				handoffFrom
			};
		});
		const received = r.received_at ? new Date(r.received_at).getTime() : null;
		return {
			id: r.id,
			source: r.source,
			externalId: r.external_id,
			category: r.category,
			channel: r.channel,
			status: r.status,
			department: r.department,
			receivedAt: iso(r.received_at),
			resolvedAt: iso(r.resolved_at),
			norm:
				r.norm_days === null || r.norm_unit === null
					? null
					: { days: r.norm_days, unit: r.norm_unit },
			silenceNormDays: silenceNorm,
			events: storyEvents,
			gaps: gaps.map((g) => ({
				from: new Date(g.gap_from).toISOString(),
				to: new Date(g.gap_to).toISOString(),
				hours: g.hours,
				workingDays: g.working_days,
				overNorm: g.working_days > silenceNorm
			})),
			related: related.map((o) => ({
				id: o.id,
				externalId: o.external_id,
				category: o.category,
				channel: o.channel,
				receivedAt: iso(o.received_at),
				same:
					o.same_customer && o.same_location ? 'both' : o.same_customer ? 'customer' : 'location',
				when:
					received !== null &&
					o.received_at !== null &&
					new Date(o.received_at).getTime() > received
						? 'after'
						: 'before'
			}))
		};
	});
}
