import { coachTeam } from '../load.server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => coachTeam(locals, params.team);
