import { db, type Claims } from './db';
import { parseTimestamp } from './import/dates';
import { summary, weekly } from './metrics';

export interface FiguresFilter {
	/** Local dates 'YYYY-MM-DD' in the organisation's zone; `to` is inclusive. */
	from?: string;
	to?: string;
	category?: string;
	channel?: string;
	department?: string;
}

/** The figures page: the case-data figures as the signed-in person may see them (RLS). */
export async function figures(claims: Claims, f: FiguresFilter) {
	return db().asUser(claims, async (tx) => {
		const [org] = await tx.query<{ timezone: string }>('select timezone from organisation');
		const timezone = org?.timezone ?? 'Europe/Amsterdam';
		// Local midnight of a date (plus some days) in the organisation's zone, DST included.
		const day = (d: string | undefined, plus = 0) => {
			if (!d) return null;
			const date = new Date(`${d}T00:00:00Z`);
			date.setUTCDate(date.getUTCDate() + plus);
			return parseTimestamp(date.toISOString().slice(0, 10), { timezone });
		};
		const filter = {
			from: day(f.from),
			to: day(f.to, 1),
			category: f.category ?? null,
			channel: f.channel ?? null,
			department: f.department ?? null
		};
		const [s, weeks, categories, choices] = await Promise.all([
			summary(tx, filter),
			weekly(tx, filter),
			tx.query<{ id: string; name: string }>('select id, name from category order by lower(name)'),
			tx.query<{ channels: string[] | null; departments: string[] | null }>(
				`select array(select distinct channel from report where channel is not null order by 1 limit 50) as channels,
				        array(select distinct department from report where department is not null order by 1 limit 50) as departments`
			)
		]);
		return {
			summary: s,
			weeks: weeks.slice(-26),
			categories,
			channels: choices[0]?.channels ?? [],
			departments: choices[0]?.departments ?? []
		};
	});
}
