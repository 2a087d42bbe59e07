/**
 * Service agreements between departments (DVO): from department A to department B, B picks up
 * within N hours or working days, valid from a date. Append-only versions like the mandate:
 * recorded by a coach or an admin (row level security), never changed; a change is a new version
 * with a later start. This module owns the table `service_agreement`; how well each agreement
 * holds is measured on every handoff in SQL (./figures/handoffs).
 */
import { latestSignal, xmr, type Limits, type Signal } from '$lib/metrics/spc';
import { BREACH_THRESHOLD, type AgreementInput, type AgreementUnit } from '$lib/schemas/agreements';
import { db, type Claims, type Queryable } from './db';
import {
	agreementHolds,
	agreementWeeks,
	handoffMatrix,
	type AgreementHold,
	type HandoffCell,
	type HandoffFilter
} from './figures/handoffs';
import { lastWeeks, type Period } from './figures/period';
import { attempt, refuse, refused, type Result } from './result';

/** Weeks the agreements page shows; the XmR limits come from the first BASELINE_WEEKS. */
export const AGREEMENT_WEEKS = 26;
const BASELINE_WEEKS = 13;
/** A signal counts when it includes one of the last this many weeks. */
const RECENT_WEEKS = 3;

export interface AgreementVersion {
	id: string;
	fromDepartmentId: string;
	toDepartmentId: string;
	fromDepartment: string;
	toDepartment: string;
	version: number;
	limit: number;
	unit: AgreementUnit;
	validFrom: string;
	createdBy: string | null;
	createdAt: string;
}

/** Every version of every agreement of the organisation, newest version of each pair first. */
export function versions(tx: Queryable): Promise<AgreementVersion[]> {
	return tx.query<AgreementVersion>(
		`select a.id, a.from_department_id as "fromDepartmentId", a.to_department_id as "toDepartmentId",
		        fd.name as "fromDepartment", td.name as "toDepartment", a.version,
		        a.limit_value::float8 as limit, a.unit::text as unit, a.valid_from::text as "validFrom",
		        p.name as "createdBy", a.created_at as "createdAt"
		   from service_agreement a
		   join department fd on fd.id = a.from_department_id
		   join department td on td.id = a.to_department_id
		   left join person p on p.id = a.created_by
		  order by lower(fd.name), lower(td.name), a.version desc`
	);
}

/** The latest version of each pair (the one valid from the latest date). */
const latest = (all: AgreementVersion[]) =>
	all.filter(
		(a) =>
			!all.some(
				(b) =>
					b.fromDepartmentId === a.fromDepartmentId &&
					b.toDepartmentId === a.toDepartmentId &&
					b.version > a.version
			)
	);

export type AgreementError =
	'department_unknown' | 'agreement_same_department' | 'agreement_overlap' | 'forbidden';

/**
 * Records a version of the agreement from `from` to `to`. Refused: a department not of the
 * organisation (`department_unknown`), A = B, a start on or before an existing version's start
 * (`agreement_overlap`: versions follow each other), and anyone but a coach or an admin.
 */
export function record(
	claims: Claims,
	input: AgreementInput
): Promise<Result<{ id: string; version: number }, AgreementError>> {
	if (input.from === input.to) return Promise.resolve(refused('agreement_same_department'));
	return attempt(
		() =>
			db().asUser(claims, async (tx) => {
				const known = await tx.query<{ id: string }>(
					'select id from department where id = any($1::uuid[])',
					[[input.from, input.to]]
				);
				if (known.length !== 2) refuse('department_unknown');
				const [row] = await tx.query<{ id: string; version: number }>(
					`insert into service_agreement (org_id, from_department_id, to_department_id, limit_value, unit, valid_from)
					 values ((select private.org_id()), $1, $2, $3, $4, $5) returning id, version`,
					[input.from, input.to, input.limit, input.unit, input.validFrom]
				);
				return row;
			}),
		(e, kind) => {
			if (kind === 'forbidden') return 'forbidden';
			if (kind === 'unique') return 'agreement_overlap';
			if (kind === 'raised' && String((e as Error).message).includes('agreement_overlap'))
				return 'agreement_overlap';
			if (kind === 'foreign_key') return 'department_unknown';
			return undefined;
		}
	);
}

/** An agreement with how well it held over a period, and its weekly share within. */
export interface AgreementFigures extends AgreementVersion {
	hold: AgreementHold | null;
	weeks: { week: string; handoffs: number; share: number | null }[];
	limits: Limits | null;
	signal: Signal | null;
	/** Indexes of weeks that are part of a signal. */
	signalPoints: number[];
	/** Those of them whose signal is a concern (orange on the sparkline). */
	concernPoints: number[];
}

const pairKey = (a: { fromDepartmentId: string; toDepartmentId: string }) =>
	`${a.fromDepartmentId}>${a.toDepartmentId}`;

/** The Mondays of a period, 'YYYY-MM-DD'. */
function mondays(period: Period): string[] {
	const out: string[] = [];
	const day = new Date(`${period.firstDay}T00:00:00Z`);
	for (let i = 0; i < period.weeks; i++) {
		out.push(day.toISOString().slice(0, 10));
		day.setUTCDate(day.getUTCDate() + 7);
	}
	return out;
}

async function figuresOf(
	tx: Queryable,
	period: Period,
	categories: readonly string[] | null
): Promise<AgreementFigures[]> {
	const filter: HandoffFilter = { from: period.from, to: period.to, categories };
	const [all, holds, weeks] = await Promise.all([
		versions(tx),
		agreementHolds(tx, filter),
		agreementWeeks(tx, filter)
	]);
	const days = mondays(period);
	return latest(all).map((a) => {
		const mine = weeks.filter((w) => pairKey(w) === pairKey(a));
		const series = days.map((week) => {
			const w = mine.find((x) => x.week === week);
			return { week, handoffs: w?.handoffs ?? 0, share: w ? w.within / w.handoffs : null };
		});
		const chart = xmr(
			series.map((s) => s.share),
			{ baseline: [0, BASELINE_WEEKS], better: 'higher' }
		);
		return {
			...a,
			hold: holds.find((h) => pairKey(h) === pairKey(a)) ?? null,
			weeks: series,
			limits: chart.limits,
			signal: latestSignal(chart, RECENT_WEEKS),
			signalPoints: chart.points.filter((p) => p.signals.length > 0).map((p) => p.index),
			concernPoints: chart.points.filter((p) => p.kind === 'concern').map((p) => p.index)
		};
	});
}

export interface AgreementsPage {
	period: Period;
	agreements: AgreementFigures[];
	/** Every earlier version too (newest first per pair). */
	history: AgreementVersion[];
	matrix: HandoffCell[];
	departments: { id: string; name: string }[];
	/** Whether the person may record agreements (coach or admin). */
	canRecord: boolean;
}

/** The agreements page: every agreement with its figures over the last weeks, and the matrix. */
export function page(claims: Claims): Promise<AgreementsPage> {
	return db().asUser(claims, async (tx) => {
		const period = await lastWeeks(tx, AGREEMENT_WEEKS);
		if (!period) throw new Error('no organisation for this user');
		const [agreements, history, matrix, departments, role] = await Promise.all([
			figuresOf(tx, period, null),
			versions(tx),
			handoffMatrix(tx, { from: period.from, to: period.to }),
			tx.query<{ id: string; name: string }>(
				'select id, name from department order by lower(name)'
			),
			tx.query<{ role: string | null }>('select private.org_role()::text as role')
		]);
		return {
			period,
			agreements,
			history,
			matrix,
			departments,
			canRecord: role[0]?.role === 'coach' || role[0]?.role === 'admin'
		};
	});
}

/** How an agreement held over some cases: for the journey map and the coach view. */
export interface AgreementStanding {
	fromDepartmentId: string;
	toDepartmentId: string;
	fromDepartment: string;
	toDepartment: string;
	limit: number;
	unit: AgreementUnit;
	handoffs: number;
	share: number | null;
}

/**
 * Every agreement (its latest version) with how it held on the handoffs of these categories'
 * cases in the period; in the caller's transaction.
 */
export async function standings(
	tx: Queryable,
	period: { from: string; to: string },
	categories: readonly string[]
): Promise<AgreementStanding[]> {
	const [all, holds] = await Promise.all([
		versions(tx),
		categories.length
			? agreementHolds(tx, { from: period.from, to: period.to, categories })
			: Promise.resolve([])
	]);
	return latest(all).map((a) => {
		const h = holds.find((x) => pairKey(x) === pairKey(a));
		return {
			fromDepartmentId: a.fromDepartmentId,
			toDepartmentId: a.toDepartmentId,
			fromDepartment: a.fromDepartment,
			toDepartment: a.toDepartment,
			limit: a.limit,
			unit: a.unit,
			handoffs: h?.handoffs ?? 0,
			share: h?.share ?? null
		};
	});
}

/** The agreements a team's cases cross that held in less than BREACH_THRESHOLD of them. */
export async function breached(
	tx: Queryable,
	period: { from: string; to: string },
	categories: readonly string[]
): Promise<AgreementStanding[]> {
	return (await standings(tx, period, categories)).filter(
		(s) => s.handoffs > 0 && s.share !== null && s.share < BREACH_THRESHOLD
	);
}
