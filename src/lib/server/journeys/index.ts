/**
 * Journeys as service blueprints: a team's journeys, their stages and touchpoints, the report
 * categories mapped to touchpoints, the case figures per touchpoint, and the one-step undo.
 *
 * Everything runs as the signed-in person (row level security decides): the team's members, its
 * coach and admins change a journey; everyone in the organisation reads it; case figures only
 * for those who may see case data.
 */
export {
	get,
	journeySummaries,
	listPage,
	teamCategoryIds,
	touchpointCategoryIds,
	trend,
	type JourneyMap,
	type MappedCategory
} from './map';
export {
	addStage,
	addTouchpoint,
	create,
	moveStage,
	moveTouchpoint,
	remove,
	removeStage,
	removeTouchpoint,
	update,
	updateStage,
	updateTouchpoint,
	type JourneyError,
	type JourneyResult
} from './edit';
export { undo, type UndoStep } from './undo';
