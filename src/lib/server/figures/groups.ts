/**
 * The figures of many groups of report categories at once — the touchpoints of a journey map —
 * in one query for the case figures (public.group_figures) and one for silence
 * (public.group_silence), instead of a full summary per group. Each group's figures are those
 * public.case_summary and public.silence_summary give over its categories' cases received in
 * the period. Call inside a transaction of the Db port (row level security decides).
 */
import type { Queryable } from '../db';
import { cached } from './cache';

export interface GroupFigures {
	cases: number;
	repeats: number;
	/** repeats ÷ cases; null without cases. */
	repeatRate: number | null;
	closed: number;
	open: number;
	leadHours: { median: number | null; p85: number | null };
	leadWorkingDays: { median: number | null; p85: number | null };
	withinNorm: number | null;
	handoffs: number;
	casesWithHandoff: number;
	silence: { p85WorkingDays: number | null; silentNow: number; overNormShare: number | null };
}

export interface Group {
	id: string;
	categories: string[];
}

const EMPTY: Omit<GroupFigures, 'silence'> = {
	cases: 0,
	repeats: 0,
	repeatRate: null,
	closed: 0,
	open: 0,
	leadHours: { median: null, p85: null },
	leadWorkingDays: { median: null, p85: null },
	withinNorm: null,
	handoffs: 0,
	casesWithHandoff: 0
};

interface FiguresRow {
	group_id: string;
	cases: number;
	repeats: number;
	closed: number;
	open: number;
	lead_median_hours: number | null;
	lead_p85_hours: number | null;
	lead_median_working_days: number | null;
	lead_p85_working_days: number | null;
	within_norm: number | null;
	handoffs: number;
	cases_with_handoff: number;
}

interface SilenceRow {
	group_id: string;
	silence_p85_working_days: number | null;
	over_norm_share: number | null;
	silent_now: number;
}

/** Figures per group id (every group given has an entry; groups without cases have zeros). */
export function groupFigures(
	tx: Queryable,
	period: { from: string | null; to: string | null },
	groups: Group[],
	now: string | null = null
): Promise<Map<string, GroupFigures>> {
	return cached(tx, 'groups', [period.from, period.to, groups, now], () =>
		groupFiguresNow(tx, period, groups, now)
	);
}

async function groupFiguresNow(
	tx: Queryable,
	period: { from: string | null; to: string | null },
	groups: Group[],
	now: string | null = null
): Promise<Map<string, GroupFigures>> {
	const pairs = groups.flatMap((g) => g.categories.map((c) => [g.id, c] as const));
	const ids = pairs.map(([g]) => g);
	const cats = pairs.map(([, c]) => c);
	const args = [period.from, period.to, ids, cats];
	const [figures, silence] = pairs.length
		? await Promise.all([
				tx.query<FiguresRow>(
					`select * from public.group_figures($1::timestamptz, $2::timestamptz, $3::uuid[], $4::uuid[])`,
					args
				),
				tx.query<SilenceRow>(
					`select * from public.group_silence($1::timestamptz, $2::timestamptz, $3::uuid[],
					        $4::uuid[], $5::timestamptz)`,
					[...args, now]
				)
			])
		: [[], []];
	const byFigures = new Map(figures.map((r) => [r.group_id, r]));
	const bySilence = new Map(silence.map((r) => [r.group_id, r]));
	return new Map(
		groups.map((g) => {
			const f = byFigures.get(g.id);
			const s = bySilence.get(g.id);
			const base = f
				? {
						cases: Number(f.cases),
						repeats: Number(f.repeats),
						repeatRate: Number(f.cases) ? Number(f.repeats) / Number(f.cases) : null,
						closed: Number(f.closed),
						open: Number(f.open),
						leadHours: { median: f.lead_median_hours, p85: f.lead_p85_hours },
						leadWorkingDays: { median: f.lead_median_working_days, p85: f.lead_p85_working_days },
						withinNorm: f.within_norm,
						handoffs: Number(f.handoffs),
						casesWithHandoff: Number(f.cases_with_handoff)
					}
				: EMPTY;
			return [
				g.id,
				{
					...base,
					silence: {
						p85WorkingDays: s?.silence_p85_working_days ?? null,
						silentNow: s ? Number(s.silent_now) : 0,
						overNormShare: s?.over_norm_share ?? null
					}
				}
			];
		})
	);
}
