/** The silence page of a team or of one of its touchpoints (issue 12, sections 1 and 2). */
import { db, type Claims } from '../db';
import { teamCategoryIds, touchpointCategoryIds } from '../journeys';
import { get as getTeam } from '../teams';
import { lastWeeks, type Period } from './period';
import {
	silenceSummary,
	silentNow,
	variants,
	type SilenceSummary,
	type SilentCase,
	type Variant
} from './silence';

export interface TeamSilence {
	/** The touchpoint the figures are narrowed to, or null for all the team's journeys. */
	touchpoint: { id: string; name: string; journeyId: string } | null;
	canSeeCases: boolean;
	/** Report categories in scope; none → no figures. */
	categories: number;
	period: Period;
	summary: SilenceSummary | null;
	silent: SilentCase[];
	variants: Variant[];
}

/**
 * The silence page of a team (or of one touchpoint of its journeys): the silence figures over the
 * cases received in the last `weeks` complete weeks, the open cases silent past their norm now
 * (of any age: a customer waiting since before the period still waits), and the variants.
 * Null when the team or touchpoint is not the signed-in person's to see.
 */
export function teamSilence(
	claims: Claims,
	teamId: string,
	touchpointId: string | null,
	weeks = 26
): Promise<TeamSilence | null> {
	return db().asUser(claims, async (tx) => {
		if (!(await getTeam(tx, teamId))) return null;
		const teamCategories = await teamCategoryIds(tx, teamId);
		let touchpoint: TeamSilence['touchpoint'] = null;
		let categories = teamCategories;
		if (touchpointId) {
			const [tp] = await tx.query<{ id: string; name: string; journeyId: string }>(
				`select t.id, t.name, t.journey_id as "journeyId" from touchpoint t
				   join journey j on j.id = t.journey_id
				  where t.id = $1 and j.team_id = $2`,
				[touchpointId, teamId]
			);
			if (!tp) return null;
			touchpoint = tp;
			categories = await touchpointCategoryIds(tx, tp.id);
		}
		const period = await lastWeeks(tx, weeks);
		if (!period) throw new Error('no organisation for this user');
		const [see] = await tx.query<{ ok: boolean }>('select private.can_see_cases() as ok');
		const canSeeCases = see?.ok === true;
		if (!canSeeCases || categories.length === 0)
			return {
				touchpoint,
				canSeeCases,
				categories: categories.length,
				period,
				summary: null,
				silent: [],
				variants: []
			};
		const filter = { categories, from: period.from, to: period.to };
		return {
			touchpoint,
			canSeeCases,
			categories: categories.length,
			period,
			summary: await silenceSummary(tx, filter),
			silent: await silentNow(tx, { categories }),
			variants: (await variants(tx, filter)).slice(0, 15)
		};
	});
}
