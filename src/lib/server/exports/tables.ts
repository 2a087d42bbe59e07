/**
 * Figure tables as CSV (issue 11, section 4): each table is built from the very server function
 * that feeds its page, under the same claims, so row level security decides what leaves the app
 * exactly as it decides what the page shows. Excel-readable: in Dutch the separator is `;` and
 * numbers carry a decimal comma (no thousands separator); in English `,` and a decimal point. The
 * text goes through the one CSV writer (BOM, quoting, formula injection neutralised).
 */
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import * as agreements from '../agreements';
import { mayCoach, overview } from '../coach';
import { toCsv, type Separator } from '../csv-writer';
import type { Claims } from '../db';
import { figures, type FiguresFilter } from '../figures/page';
import { teamSilence } from '../figures/silence-page';
import { refused, type Result } from '../result';

export const TABLES = [
	'figures-weeks',
	'figures-matrix',
	'figures-variants',
	'figures-histogram',
	'silence-cases',
	'silence-variants',
	'agreements',
	'agreements-matrix',
	'coach-teams'
] as const;
export type ExportTable = (typeof TABLES)[number];

export interface ExportRequest {
	table: ExportTable;
	/** The Cijfers page's filter (figures-* tables). */
	filter: FiguresFilter;
	/** The team and touchpoint of a silence table. */
	team?: string;
	touchpoint?: string | null;
}

export interface Viewer {
	claims: Claims;
	canSeeCases: boolean;
	role: string | null | undefined;
}

export interface CsvExport {
	fileName: string;
	csv: string;
}

type Cell = string | number | null | undefined;
interface Table {
	name: string;
	header: string[];
	rows: Cell[][];
}

/** A number as a spreadsheet in this language reads it: decimal comma in Dutch, no grouping. */
export function csvNumber(v: number | null | undefined, digits = 2, locale = getLocale()): string {
	if (v === null || v === undefined || !Number.isFinite(v)) return '';
	const text = String(Number(v.toFixed(digits)));
	return locale === 'nl' ? text.replace('.', ',') : text;
}

/** A share (0..1) as a percentage number, one decimal more than the page shows. */
const pct = (v: number | null | undefined) =>
	csvNumber(v === null || v === undefined ? v : v * 100);
const num = (v: number | null | undefined) => csvNumber(v);
const day = (d: string | Date | null | undefined) =>
	d ? (d instanceof Date ? d.toISOString() : d).slice(0, 10) : '';

async function figureTable(viewer: Viewer, req: ExportRequest): Promise<Result<{ table: Table }>> {
	if (!viewer.canSeeCases) return refused('forbidden');
	const f = await figures(viewer.claims, req.filter);
	const s = f.summary;
	switch (req.table) {
		case 'figures-weeks':
			return {
				ok: true,
				table: {
					name: 'cijfers-weken',
					header: [
						m.figures_week(),
						m.figures_cases(),
						m.exports_repeats(),
						m.exports_repeat_rate_pct(),
						m.exports_lead_median_hours(),
						m.exports_lead_p85_hours(),
						m.exports_within_norm_pct(),
						m.figures_handoffs()
					],
					rows: f.weeks.map((w) => [
						w.week,
						w.cases,
						w.repeats,
						pct(w.repeatRate),
						num(w.leadMedianHours),
						num(w.leadP85Hours),
						pct(w.withinNorm),
						w.handoffs
					])
				}
			};
		case 'figures-matrix':
			return {
				ok: true,
				table: {
					name: 'cijfers-overdrachten',
					header: [m.exports_from_department(), m.exports_to_department(), m.figures_handoffs()],
					rows: s.handoffMatrix.map((c) => [c.from, c.to, c.count])
				}
			};
		case 'figures-variants':
			return {
				ok: true,
				table: {
					name: 'cijfers-varianten',
					header: [m.exports_path(), m.figures_cases()],
					rows: s.variants.top.map((v) => [v.activities.join(' → '), v.cases])
				}
			};
		default:
			return {
				ok: true,
				table: {
					name: 'cijfers-doorlooptijden',
					header: [m.exports_from_hours(), m.exports_to_hours(), m.figures_cases()],
					rows: f.histogram.map((b) => [num(b.lowerHours), num(b.upperHours), b.cases])
				}
			};
	}
}

async function silenceTable(viewer: Viewer, req: ExportRequest): Promise<Result<{ table: Table }>> {
	if (!req.team) return refused('not_found');
	const page = await teamSilence(viewer.claims, req.team, req.touchpoint ?? null);
	if (!page) return refused('not_found');
	if (!page.canSeeCases) return refused('forbidden');
	if (req.table === 'silence-cases')
		return {
			ok: true,
			table: {
				name: 'stilte-zaken',
				header: [
					m.exports_source(),
					m.exports_case(),
					m.field_category(),
					m.field_channel(),
					m.exports_received(),
					m.exports_last_contact(),
					m.exports_silent_hours(),
					m.exports_silent_working_days(),
					m.exports_norm_days()
				],
				rows: page.silent.map((c) => [
					c.source,
					c.externalId,
					c.category,
					c.channel,
					c.receivedAt,
					c.lastContact,
					num(c.hours),
					num(c.workingDays),
					num(c.normDays)
				])
			}
		};
	return {
		ok: true,
		table: {
			name: 'stilte-varianten',
			header: [
				m.exports_path(),
				m.figures_cases(),
				m.exports_share_pct(),
				m.exports_lead_median_hours(),
				m.exports_mean_handoffs()
			],
			rows: page.variants.map((v) => [
				v.activities.join(' → '),
				v.cases,
				pct(v.share),
				num(v.medianLeadHours),
				num(v.meanHandoffs)
			])
		}
	};
}

async function agreementTable(
	viewer: Viewer,
	req: ExportRequest
): Promise<Result<{ table: Table }>> {
	if (!viewer.canSeeCases) return refused('forbidden');
	const page = await agreements.page(viewer.claims);
	if (req.table === 'agreements-matrix')
		return {
			ok: true,
			table: {
				name: 'dvo-matrix',
				header: [
					m.exports_from_department(),
					m.exports_to_department(),
					m.figures_handoffs(),
					m.exports_median_wait_hours(),
					m.exports_within_agreement_pct()
				],
				rows: page.matrix.map((c) => [c.from, c.to, c.handoffs, num(c.medianHours), pct(c.share)])
			}
		};
	return {
		ok: true,
		table: {
			name: 'dvo-afspraken',
			header: [
				m.exports_from_department(),
				m.exports_to_department(),
				m.exports_version(),
				m.exports_limit(),
				m.exports_unit(),
				m.exports_valid_from(),
				m.figures_handoffs(),
				m.exports_within(),
				m.exports_within_agreement_pct(),
				m.exports_median_wait_hours(),
				m.exports_p85_wait_hours()
			],
			rows: page.agreements.map((a) => [
				a.fromDepartment,
				a.toDepartment,
				a.version,
				num(a.limit),
				a.unit,
				day(a.validFrom),
				a.hold?.handoffs ?? 0,
				a.hold?.within ?? 0,
				pct(a.hold?.share),
				num(a.hold?.medianHours),
				num(a.hold?.p85Hours)
			])
		}
	};
}

async function coachTable(viewer: Viewer): Promise<Result<{ table: Table }>> {
	if (!mayCoach(viewer.role)) return refused('forbidden');
	const o = await overview(viewer.claims);
	const latest = (t: (typeof o.teams)[number], metric: string) =>
		t.headlines.headlines.find((h) => h.metric === metric)?.latest;
	return {
		ok: true,
		table: {
			name: 'coach-teams',
			header: [
				m.exports_team(),
				m.exports_due_on(),
				m.exports_days_late(),
				m.exports_repeat_rate_pct(),
				m.exports_lead_p85_days(),
				m.exports_within_norm_pct(),
				m.exports_silence_p85_days(),
				m.exports_open_requests(),
				m.exports_waiting_ideas(),
				m.exports_stagnant_cycles()
			],
			rows: o.teams.map((t) => [
				t.name,
				t.dueOn,
				t.daysLate,
				pct(latest(t, 'repeat_rate')),
				num(latest(t, 'lead_p85')),
				pct(latest(t, 'within_norm')),
				num(latest(t, 'silence_p85')),
				t.requests.length,
				t.ideas.length,
				t.stagnant.length
			])
		}
	};
}

/** One figure table as CSV text in the viewer's language, or why not (forbidden, not_found). */
export async function exportCsv(
	viewer: Viewer,
	req: ExportRequest
): Promise<Result<CsvExport, 'forbidden' | 'not_found'>> {
	const built = req.table.startsWith('figures-')
		? await figureTable(viewer, req)
		: req.table.startsWith('silence-')
			? await silenceTable(viewer, req)
			: req.table.startsWith('agreements')
				? await agreementTable(viewer, req)
				: await coachTable(viewer);
	if (!built.ok) return refused(built.error === 'not_found' ? 'not_found' : 'forbidden');
	const sep: Separator = getLocale() === 'nl' ? ';' : ',';
	const { header, rows } = built.table;
	const keyed = rows.map((r) => Object.fromEntries(r.map((c, i) => [header[i], c])));
	return { ok: true, fileName: `${built.table.name}.csv`, csv: toCsv(header, keyed, sep) };
}
