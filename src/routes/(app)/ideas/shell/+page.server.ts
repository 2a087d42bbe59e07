import { version } from '$app/environment';
import { SHELL_HEADER } from '$lib/ideas/shell';
import type { PageServerLoad } from './$types';

/**
 * The idea form's offline app shell: no personal data in it (the page resets to the root
 * layout, so not even the name in the header), so the ideas page may keep a copy in the
 * browser's cache for when /ideas is opened without a connection. The header says which build
 * it belongs to.
 */
export const load: PageServerLoad = ({ setHeaders }) => {
	setHeaders({ [SHELL_HEADER]: version, 'cache-control': 'no-store' });
};
