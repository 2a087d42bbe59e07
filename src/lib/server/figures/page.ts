import { db, type Claims } from '../db';
import { summary, weekly } from './metrics';
import { dayStart } from './period';

interface FiguresFilter {
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
		const day = (d: string | undefined, plus = 0) => (d ? dayStart(tx, d, plus) : null);
		const filter = {
			from: await day(f.from),
			to: await day(f.to, 1),
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
