/**
 * The parts of chart.js the XmR chart uses, registered once. Loaded by XmrChart.svelte with a
 * dynamic import in the browser only, so server rendering and pages without a chart never load
 * chart.js, and only these parts end up in the bundle.
 */
import {
	CategoryScale,
	Chart,
	LinearScale,
	LineController,
	LineElement,
	PointElement,
	Tooltip
} from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Tooltip);

export { Chart };
