import type { Headline } from '$lib/server/figures/headlines';

/** A headline figure as the coach view receives it. */
export type Figure = Headline;
