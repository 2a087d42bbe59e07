import { m } from '$lib/paraglide/messages';
import type { IdeaStatus } from '$lib/schemas/ideas';

export const statusLabel = (status: IdeaStatus) =>
	({
		new: m.idea_status_new,
		reviewing: m.idea_status_reviewing,
		in_cycle: m.idea_status_in_cycle,
		parked: m.idea_status_parked,
		declined: m.idea_status_declined,
		done: m.idea_status_done
	})[status]();
