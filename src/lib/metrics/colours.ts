/**
 * The NHS "Making Data Count" colours, darkened for contrast with white text: blue for
 * improvement, orange for concern, grey for common cause (and for a target that is hit and
 * miss). The XmR chart, the icons and the sparklines use these and nothing else for signals.
 */
export const SPC_COLOURS = {
	improvement: '#1c5fa8',
	concern: '#b54d00',
	common: '#5f6a72',
	unknown: '#8a949b'
} as const;
