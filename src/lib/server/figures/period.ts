/**
 * Periods in the organisation's time zone, the one place that computes them: "the last N
 * complete weeks", "the whole weeks around two dates", "today", and "local midnight of a date".
 * Weeks are ISO weeks (Monday 00:00 local), as public.case_weekly counts them. Call inside the
 * caller's transaction (any role that may read its own organisation).
 */
import type { Queryable } from '../db';

export interface Period {
	weeks: number;
	/** Monday 00:00 in the organisation's zone, ISO. */
	from: string;
	/** The Monday after the last complete week, 00:00 local, ISO (exclusive). */
	to: string;
	/** Local dates 'YYYY-MM-DD' of the first and the last day. */
	firstDay: string;
	lastDay: string;
}

/** The last `weeks` complete weeks, Monday to Sunday, in the organisation's zone; null without one. */
export async function lastWeeks(tx: Queryable, weeks: number): Promise<Period | null> {
	const [row] = await tx.query<{ from: Date; to: Date; first_day: string; last_day: string }>(
		`select (w.monday - make_interval(weeks => $1)) at time zone o.timezone as "from",
		        w.monday at time zone o.timezone as "to",
		        (w.monday - make_interval(weeks => $1))::date::text as first_day,
		        (w.monday - interval '1 day')::date::text as last_day
		   from organisation o
		  cross join lateral (select date_trunc('week', now() at time zone o.timezone) as monday) w
		  where o.id = (select private.org_id())`,
		[weeks]
	);
	if (!row) return null;
	return {
		weeks,
		from: new Date(row.from).toISOString(),
		to: new Date(row.to).toISOString(),
		firstDay: row.first_day,
		lastDay: row.last_day
	};
}

/**
 * The whole weeks that hold two local dates: from the Monday 00:00 of `first`'s week to the
 * Monday after `last`'s week, in the organisation's zone; null without an organisation.
 */
export async function weeksAround(
	tx: Queryable,
	first: string,
	last: string
): Promise<{ from: Date; to: Date } | null> {
	const [row] = await tx.query<{ from: Date; to: Date }>(
		`select (date_trunc('week', $1::date::timestamp) at time zone o.timezone) as "from",
		        ((date_trunc('week', $2::date::timestamp) + interval '7 days')
		          at time zone o.timezone) as "to"
		   from organisation o where o.id = (select private.org_id())`,
		[first, last]
	);
	return row ?? null;
}

/** Today in the organisation's zone, 'YYYY-MM-DD' (UTC's date without an organisation). */
export async function today(tx: Queryable): Promise<string> {
	const [row] = await tx.query<{ today: string }>(
		`select (now() at time zone o.timezone)::date::text as today
		   from organisation o where o.id = (select private.org_id())`
	);
	return row?.today ?? new Date().toISOString().slice(0, 10);
}

/**
 * Local midnight of a date plus `plusDays` in the organisation's zone, as an instant (daylight
 * saving included): the start of a local day for a period filter.
 */
export async function dayStart(tx: Queryable, date: string, plusDays = 0): Promise<Date | null> {
	const [row] = await tx.query<{ at: Date }>(
		`select (($1::date + $2::int)::timestamp at time zone o.timezone) as at
		   from organisation o where o.id = (select private.org_id())`,
		[date, plusDays]
	);
	return row ? new Date(row.at) : null;
}
