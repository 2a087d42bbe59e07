/**
 * Peak load and avoidable load per channel (issue 12, section 4): reports received per hour of
 * the day × weekday in the organisation's zone (public.arrivals), and the share of them that are
 * repeat reports — the load the contact centre would not have had if the first report had been
 * handled well. Synchronous channels (phone, counter, in person) come first: they must be
 * answered when the customer calls or comes.
 */
import { db, type Claims, type Queryable } from '../db';
import { lastWeeks, type Period } from './period';

export interface ArrivalCell {
	channel: string | null;
	/** ISO weekday: 1 = Monday … 7 = Sunday. */
	weekday: number;
	/** Hour of the day, 0–23, local time. */
	hour: number;
	arrivals: number;
	repeats: number;
}

/** Arrivals per channel, weekday and hour over [from, to), as the person may see them (RLS). */
export function arrivals(
	tx: Queryable,
	filter: { from?: string | null; to?: string | null; categories?: readonly string[] | null }
): Promise<ArrivalCell[]> {
	return tx.query<ArrivalCell>(
		`select channel, weekday, hour, arrivals, repeats
		   from public.arrivals($1::timestamptz, $2::timestamptz, $3::uuid[], null)`,
		[filter.from ?? null, filter.to ?? null, filter.categories ? [...filter.categories] : null]
	);
}

/** Channel names that are answered live, in Dutch and English. */
const LIVE = /telefo|phone|bel|balie|counter|loket|persoon|person|bezoek|visit/i;

export interface ChannelLoad {
	channel: string | null;
	synchronous: boolean;
	arrivals: number;
	repeats: number;
	/** repeats ÷ arrivals: the avoidable load. */
	avoidable: number | null;
	/** 7 × 24 cells, [weekday − 1][hour]. */
	grid: { arrivals: number; repeats: number }[][];
	/** The three busiest hours of the week. */
	busiest: { weekday: number; hour: number; arrivals: number; repeats: number }[];
}

export interface PeakPage {
	period: Period;
	channels: ChannelLoad[];
}

/** Per channel over the cells: its heat map, its busiest hours and its avoidable load. */
export function channelLoads(cells: ArrivalCell[], live: Set<string>): ChannelLoad[] {
	const names = [...new Set(cells.map((c) => c.channel))];
	const isLive = (c: string | null) => c !== null && (LIVE.test(c) || live.has(c.toLowerCase()));
	return names
		.map((channel) => {
			const mine = cells.filter((c) => c.channel === channel);
			const grid = Array.from({ length: 7 }, () =>
				Array.from({ length: 24 }, () => ({ arrivals: 0, repeats: 0 }))
			);
			for (const c of mine)
				grid[c.weekday - 1][c.hour] = { arrivals: c.arrivals, repeats: c.repeats };
			const total = mine.reduce((s, c) => s + c.arrivals, 0);
			const repeats = mine.reduce((s, c) => s + c.repeats, 0);
			return {
				channel,
				synchronous: isLive(channel),
				arrivals: total,
				repeats,
				avoidable: total ? repeats / total : null,
				grid,
				busiest: [...mine]
					.sort((a, b) => b.arrivals - a.arrivals || a.weekday - b.weekday || a.hour - b.hour)
					.slice(0, 3)
					.map(({ weekday, hour, arrivals, repeats }) => ({ weekday, hour, arrivals, repeats }))
			};
		})
		.sort(
			(a, b) =>
				Number(b.synchronous) - Number(a.synchronous) ||
				b.arrivals - a.arrivals ||
				String(a.channel).localeCompare(String(b.channel))
		);
}

/** The peak page: the last `weeks` complete weeks, every channel, synchronous ones first. */
export function peakPage(claims: Claims, weeks: number): Promise<PeakPage> {
	return db().asUser(claims, async (tx) => {
		const period = await lastWeeks(tx, weeks);
		if (!period) throw new Error('no organisation for this user');
		const [cells, live] = await Promise.all([
			arrivals(tx, { from: period.from, to: period.to }),
			tx.query<{ channel: string }>(
				'select distinct channel::text as channel from touchpoint where synchronous and channel is not null'
			)
		]);
		return { period, channels: channelLoads(cells, new Set(live.map((l) => l.channel))) };
	});
}
