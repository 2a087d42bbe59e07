import { db, type Claims, type Queryable } from '../db';
import { cached } from './cache';
import { handoffExamples } from './handoffs';
import { leadTimeHistogram, summary, weekly, type ScopedFilter } from './metrics';
import { dayStart, today } from './period';

export interface FiguresFilter {
	/** Local dates 'YYYY-MM-DD' in the organisation's zone; `to` is inclusive. */
	from?: string;
	to?: string;
	category?: string;
	channel?: string;
	department?: string;
	/** report.source, and the import batch that brought the cases. */
	source?: string;
	batch?: string;
}

/** An import the page can narrow to. */
export interface BatchChoice {
	id: string;
	fileName: string | null;
	via: string;
	createdAt: Date;
	casesAdded: number;
}

/** The period the figures cover: the filter's dates, or else the first and last case's. */
export interface FiguresPeriod {
	first: string | null;
	last: string | null;
	/** When case data was last imported (null: never). */
	lastImport: Date | null;
}

/** The filter as the figures take it: local dates become instants in the organisation's zone. */
async function scope(tx: Queryable, f: FiguresFilter): Promise<ScopedFilter> {
	const day = (d: string | undefined, plus = 0) => (d ? dayStart(tx, d, plus) : null);
	return {
		from: await day(f.from),
		to: await day(f.to, 1),
		category: f.category ?? null,
		channel: f.channel ?? null,
		department: f.department ?? null,
		source: f.source ?? null,
		batch: f.batch ?? null
	};
}

/** The figures page: the case-data figures as the signed-in person may see them (RLS). */
export async function figures(claims: Claims, f: FiguresFilter) {
	return db().asUser(claims, async (tx) => {
		const filter = await scope(tx, f);
		const [s, weeks, histogram, categories, choices, batches, span, day] = await Promise.all([
			summary(tx, filter),
			weekly(tx, filter),
			leadTimeHistogram(tx, filter),
			tx.query<{ id: string; name: string }>('select id, name from category order by lower(name)'),
			cached(tx, 'figureChoices', [], () =>
				tx.query<{
					channels: string[] | null;
					departments: string[] | null;
					sources: string[] | null;
				}>(
					`select array(select distinct channel from report where channel is not null order by 1 limit 50) as channels,
				        array(select distinct department from report where department is not null order by 1 limit 50) as departments,
				        array(select distinct source from report order by 1 limit 50) as sources`
				)
			),
			tx.query<BatchChoice>(
				`select id, file_name as "fileName", via, created_at as "createdAt", cases_added as "casesAdded"
				   from import_batch where cases_added > 0 order by created_at desc limit 50`
			),
			cached(tx, 'figureSpan', [filter], () =>
				tx.query<{ first: string | null; last: string | null; last_import: Date | null }>(
					`select min(r.received_at at time zone o.timezone)::date::text as first,
				        max(r.received_at at time zone o.timezone)::date::text as last,
				        (select max(created_at) from import_batch) as last_import
				   from report r join organisation o on o.id = r.org_id
				  where ($1::timestamptz is null or r.received_at >= $1)
				    and ($2::timestamptz is null or r.received_at < $2)
				    and ($3::uuid is null or r.category_id = $3)
				    and ($4::text is null or r.channel = $4)
				    and ($5::text is null or r.department = $5)
				    and ($6::text is null or r.source = $6)
				    and ($7::uuid is null or r.batch_id = $7)`,
					[
						filter.from,
						filter.to,
						filter.category,
						filter.channel,
						filter.department,
						filter.source,
						filter.batch
					]
				)
			),
			today(tx)
		]);
		const period: FiguresPeriod = {
			first: f.from ?? span[0]?.first ?? null,
			last: f.to ?? span[0]?.last ?? null,
			lastImport: span[0]?.last_import ?? null
		};
		return {
			summary: s,
			weeks: weeks.slice(-26),
			currentWeek: monday(day),
			histogram,
			period,
			categories,
			channels: choices[0]?.channels ?? [],
			departments: choices[0]?.departments ?? [],
			sources: choices[0]?.sources ?? [],
			batches
		};
	});
}

/** The example cases behind one cell of a department matrix, under the page's filter. */
export function handoffCases(
	claims: Claims,
	pair: { fromDept: string; toDept: string },
	f: FiguresFilter
) {
	return db().asUser(claims, async (tx) => handoffExamples(tx, pair, await scope(tx, f)));
}

/** The Monday of a date's ISO week, 'YYYY-MM-DD'. */
function monday(date: string): string {
	const d = new Date(`${date}T12:00:00Z`);
	d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
	return d.toISOString().slice(0, 10);
}
