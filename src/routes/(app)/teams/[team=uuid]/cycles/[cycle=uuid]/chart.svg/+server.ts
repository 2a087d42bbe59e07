import { error, type RequestHandler } from '@sveltejs/kit';
import { date, metricValue } from '$lib/format';
import { metricLabel } from '$lib/i18n/labels';
import { m } from '$lib/paraglide/messages';
import * as cycles from '$lib/server/cycles';
import { xmrSvg } from '$lib/server/exports/xmr-svg';
import { effectOf } from '$lib/server/figures/cycle-effect';
import { signedIn } from '$lib/server/forms';

/**
 * The cycle's XmR chart as an SVG file: the series and limits of the cycle page, for the cycle's
 * team (row level security: 404 for anyone who cannot see the cycle, or when there is no chart).
 */
export const GET: RequestHandler = async ({ locals, params, url }) => {
	const { claims } = signedIn(locals);
	const cycle = await cycles.get(claims, params.team!, params.cycle!);
	if (!cycle) error(404, 'not_found');
	const effect = await effectOf(claims, cycle.id);
	if (!effect || effect.state !== 'ok') error(404, 'no_chart');
	const format = (v: number) => metricValue(v, effect.metric, m.unit_days());
	const svg = xmrSvg(
		effect,
		{
			title: `${cycle.title} – ${m.cycle_chart_label({ metric: metricLabel(effect.metric) })}`,
			baseline: m.cycle_chart_baseline(),
			change: m.cycle_chart_change(),
			rebase: m.cycle_chart_rebase(),
			centre: m.cycle_chart_centre(),
			limits: m.cycle_chart_limits(),
			improvement: m.cycle_signal_improvement(),
			concern: m.cycle_signal_concern(),
			goal: effect.goal === null ? undefined : m.spc_goal_value({ value: format(effect.goal) })
		},
		format,
		(week) => date(week)
	);
	const download = url.searchParams.has('download');
	return new Response(svg, {
		headers: {
			'content-type': 'image/svg+xml; charset=utf-8',
			'cache-control': 'private, no-store',
			...(download
				? { 'content-disposition': `attachment; filename="regelkaart-${cycle.id.slice(0, 8)}.svg"` }
				: {})
		}
	});
};
