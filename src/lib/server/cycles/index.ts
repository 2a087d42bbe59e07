/**
 * Improvement cycles of a customer team: the board (board.ts), one cycle with what its page
 * shows (cycle.ts), its plan and statuses through the mandate gate (plan.ts), its actions
 * (actions.ts), decision requests to the coach (requests.ts), and the refusals they share
 * (refusals.ts). Routes and other modules import from here.
 *
 * Everything runs as the signed-in user, so row level security decides: the organisation reads
 * every team's cycles; the team's members, its coach and admins change them; only the coach or
 * an admin decides a request. The database holds the mandate gate and freezes finished cycles
 * (see plan.ts); these modules name the refusal the database gives, so the user hears which rule
 * stopped them.
 */
export type { CycleError } from './refusals';
export {
	active,
	isTeams,
	list,
	onTouchpoints,
	stagnant,
	statusCounts,
	unfinished,
	type ActiveCycle,
	type CycleCard,
	type StagnantCycle,
	type TouchpointCycle
} from './board';
export {
	details,
	get,
	type AuditEntry,
	type Cycle,
	type CycleAction,
	type ScopeChoices
} from './cycle';
export { create, createFromIdea, draftFrom, rebase, setStatus, update } from './plan';
export { addAction, removeAction, setActionDone } from './actions';
export {
	decided,
	decideRequest,
	openRequests,
	raiseRequest,
	type DecidedRequest,
	type DecisionRequest,
	type OpenRequest
} from './requests';
