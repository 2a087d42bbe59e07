/**
 * Chains (customer groups such as "Inwoners" and "Ondernemers"): each groups teams, and through
 * them their journeys. A chain's figures are computed over the cases of every category mapped to
 * its teams' journeys together — never averaged from the teams' figures. This module owns the
 * tables `chain` and `chain_team`; coaches and admins keep them (row level security).
 */
import type { ChainInput } from '$lib/schemas/chains';
import { db, type Claims, type Queryable } from './db';
import { summary, type CaseSummary } from './figures/metrics';
import { lastWeeks, type Period } from './figures/period';
import { silenceSummary, type SilenceSummary } from './figures/silence';
import { teamCategoryIds } from './journeys';
import { attempt, refuse, type DbRefusal, type Result } from './result';

/** Weeks the chain's figures cover. */
const CHAIN_WEEKS = 26;

export interface ChainRow {
	id: string;
	name: string;
	teams: { id: string; name: string }[];
}

/** Every chain of the organisation with its teams, by name. */
export function list(claims: Claims): Promise<{ chains: ChainRow[]; teams: TeamChoice[] }> {
	return db().asUser(claims, async (tx) => ({
		chains: await chainRows(tx),
		teams: await tx.query<TeamChoice>(
			`select t.id, t.name, ct.chain_id as "chainId"
			   from team t left join chain_team ct on ct.team_id = t.id order by lower(t.name)`
		)
	}));
}

interface TeamChoice {
	id: string;
	name: string;
	chainId: string | null;
}

function chainRows(tx: Queryable, id: string | null = null): Promise<ChainRow[]> {
	return tx.query<ChainRow>(
		`select c.id, c.name,
		        coalesce((select jsonb_agg(jsonb_build_object('id', t.id, 'name', t.name) order by lower(t.name))
		                    from chain_team ct join team t on t.id = ct.team_id
		                   where ct.chain_id = c.id), '[]'::jsonb) as teams
		   from chain c where $1::uuid is null or c.id = $1
		  order by lower(c.name)`,
		[id]
	);
}

export type ChainError = 'name_taken' | 'forbidden' | 'not_found';

const chainRefusal = (_e: unknown, kind: DbRefusal | undefined): ChainError | undefined =>
	kind === 'unique' ? 'name_taken' : kind === 'forbidden' ? 'forbidden' : undefined;

/** Adds a chain; `name_taken` when the organisation has one by that name. */
export function create(
	claims: Claims,
	input: ChainInput
): Promise<Result<{ id: string }, ChainError>> {
	return attempt(
		() =>
			db().asUser(claims, async (tx) => {
				const [row] = await tx.query<{ id: string }>(
					`insert into chain (org_id, name) values ((select private.org_id()), $1) returning id`,
					[input.name]
				);
				return row;
			}),
		chainRefusal
	);
}

/** Places a team in a chain, or (chain null) takes it out of its chain. */
export function placeTeam(
	claims: Claims,
	teamId: string,
	chainId: string | null
): Promise<Result<object, ChainError>> {
	return attempt(
		() =>
			db().asUser(claims, async (tx) => {
				const [team] = await tx.query('select id from team where id = $1', [teamId]);
				if (!team) refuse('not_found');
				if (chainId && !(await tx.query('select id from chain where id = $1', [chainId])).length)
					refuse('not_found');
				const [role] = await tx.query<{ ok: boolean }>(
					`select coalesce(private.org_role() in ('coach', 'admin'), false) as ok`
				);
				if (!role.ok) refuse('forbidden');
				await tx.query('delete from chain_team where team_id = $1', [teamId]);
				if (chainId)
					await tx.query(
						`insert into chain_team (team_id, chain_id, org_id) values ($1, $2, (select private.org_id()))`,
						[teamId, chainId]
					);
				return {};
			}),
		chainRefusal
	);
}

export interface ChainPage {
	chain: ChainRow;
	journeys: { id: string; name: string; teamId: string; teamName: string }[];
	period: Period;
	/** Categories mapped to the chain's journeys; 0 → no figures. */
	categories: number;
	figures: CaseSummary | null;
	/** Silence time over the same cases: p85, and the share over the norm. */
	silence: SilenceSummary | null;
}

/** One chain: its teams, their journeys and the figures over all their cases; null if unknown. */
export function page(claims: Claims, chainId: string): Promise<ChainPage | null> {
	return db().asUser(claims, async (tx) => {
		const [chain] = await chainRows(tx, chainId);
		if (!chain) return null;
		const period = await lastWeeks(tx, CHAIN_WEEKS);
		if (!period) return null;
		const teamIds = chain.teams.map((t) => t.id);
		const journeys = await tx.query<ChainPage['journeys'][number]>(
			`select j.id, j.name, t.id as "teamId", t.name as "teamName"
			   from journey j join team t on t.id = j.team_id
			  where j.team_id = any($1::uuid[]) order by lower(t.name), lower(j.name)`,
			[teamIds]
		);
		const categories = [
			...new Set((await Promise.all(teamIds.map((id) => teamCategoryIds(tx, id)))).flat())
		];
		const filter = { categories, from: period.from, to: period.to };
		const [figures, silence] = categories.length
			? await Promise.all([summary(tx, filter), silenceSummary(tx, filter)])
			: [null, null];
		return { chain, journeys, period, categories: categories.length, figures, silence };
	});
}
