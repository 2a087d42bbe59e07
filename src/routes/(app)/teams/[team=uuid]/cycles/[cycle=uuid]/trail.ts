import { date } from '$lib/format';
import { cycleStatusLabel, metricLabel } from '$lib/i18n/labels';
import type { CycleStatus } from '$lib/schemas/cycles';
import type { Metric } from '$lib/metrics/series';
import { m } from '$lib/paraglide/messages';
import type { AuditEntry } from '$lib/server/cycles';

type TrailEntry = Pick<AuditEntry, 'entity' | 'action' | 'changes'>;

/** The fields of a cycle as a team names them, for "changed the hypothesis, the test window". */
const FIELDS: [string[], () => string][] = [
	[['title'], m.cycle_field_title],
	[['problem'], m.cycle_field_problem],
	[['hypothesis'], m.cycle_field_hypothesis],
	[['metric'], m.cycle_field_metric],
	[['better'], m.cycle_field_direction],
	[['scope_category_id', 'scope_touchpoint_id', 'scope_channel'], m.cycle_field_scope],
	[['baseline_from', 'baseline_to'], m.cycle_field_baseline_window],
	[['change_date'], m.cycle_field_change],
	[['test_from', 'test_to'], m.cycle_field_test_window],
	[['goal'], m.cycle_field_goal],
	[['expected_cost'], m.cycle_field_cost],
	[['touches_boundary', 'boundary'], m.cycle_field_boundary],
	[['next_step'], m.cycle_field_next_step],
	[['learnings'], m.cycle_field_learnings]
];

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** One audit row in words (the actor and time are shown next to it). */
export function trailText(e: TrailEntry): string {
	const c = e.changes;
	if (e.entity === 'decision_request') {
		if (e.action === 'insert') return m.cycle_trail_request({ question: str(c.question) });
		if (c.status === 'approved') return m.cycle_trail_approved({ reason: str(c.reason) });
		if (c.status === 'declined') return m.cycle_trail_declined({ reason: str(c.reason) });
		return m.cycle_trail_request_changed();
	}
	if (e.action === 'insert') return m.cycle_trail_created({ title: str(c.title) });
	if (e.action === 'delete') return m.cycle_trail_deleted();
	const parts: string[] = [];
	if ('status' in c) {
		parts.push(m.cycle_trail_status({ status: cycleStatusLabel(c.status as CycleStatus) }));
		if (c.status === 'test' && str(c.mandate_right))
			parts.push(m.cycle_trail_covered({ right: str(c.mandate_right) }));
	}
	if ('rebased_on' in c)
		parts.push(
			c.rebased_on
				? m.cycle_trail_rebased({ date: date(str(c.rebased_on)) })
				: m.cycle_trail_unrebased()
		);
	if ('metric' in c && typeof c.metric === 'string')
		parts.push(m.cycle_trail_metric({ metric: metricLabel(c.metric as Metric) }));
	const fields = FIELDS.filter(([keys]) => keys.some((k) => k in c && k !== 'metric')).map(
		([, label]) => label()
	);
	if ('correction' in c && str(c.correction))
		parts.push(m.cycle_trail_correction({ fields: fields.join(', '), reason: str(c.correction) }));
	else if (fields.length) parts.push(m.cycle_trail_changed({ fields: fields.join(', ') }));
	return parts.join('; ') || m.cycle_trail_changed_other();
}
