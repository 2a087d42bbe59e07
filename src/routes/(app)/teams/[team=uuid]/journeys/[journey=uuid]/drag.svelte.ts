import type { Office } from '$lib/schemas/journeys';

/** Where a dragged card or stage would land. */
export type DropTarget =
	| { kind: 'touchpoint'; stageId: string; office: Office; beforeId: string | null }
	| { kind: 'stage'; index: number };

export interface Dragged {
	kind: 'touchpoint' | 'stage';
	id: string;
	label: string;
	x: number;
	y: number;
}

const THRESHOLD = 8;
const EDGE = 48;

/**
 * Drag and drop with pointer events, so touch, pen and mouse work alike. A drag starts on a
 * handle (touch-action: none) once the pointer moves a few pixels; the handle captures the
 * pointer, and the target under it is found by hit-testing the map's lanes and stages.
 */
export class Dragger {
	active = $state<Dragged | null>(null);
	target = $state<DropTarget | null>(null);
	#pending: (Dragged & { pointerId: number; x0: number; y0: number }) | null = null;
	#drop: (dragged: Dragged, target: DropTarget) => void;
	#scroller: () => HTMLElement | undefined;

	constructor(
		drop: (dragged: Dragged, target: DropTarget) => void,
		scroller: () => HTMLElement | undefined
	) {
		this.#drop = drop;
		this.#scroller = scroller;
	}

	down(e: PointerEvent, kind: Dragged['kind'], id: string, label: string) {
		if (e.pointerType === 'mouse' && e.button !== 0) return;
		const handle = e.currentTarget as HTMLElement;
		handle.setPointerCapture?.(e.pointerId);
		this.#pending = {
			kind,
			id,
			label,
			x: e.clientX,
			y: e.clientY,
			x0: e.clientX,
			y0: e.clientY,
			pointerId: e.pointerId
		};
	}

	move(e: PointerEvent) {
		const p = this.#pending;
		if (!p || e.pointerId !== p.pointerId) return;
		if (!this.active) {
			if (Math.hypot(e.clientX - p.x0, e.clientY - p.y0) < THRESHOLD) return;
			this.active = { kind: p.kind, id: p.id, label: p.label, x: e.clientX, y: e.clientY };
		}
		e.preventDefault();
		this.active.x = e.clientX;
		this.active.y = e.clientY;
		this.target = this.#hit(e.clientX, e.clientY);
		this.#autoscroll(e.clientX);
	}

	up(e: PointerEvent) {
		const p = this.#pending;
		if (!p || e.pointerId !== p.pointerId) return;
		const { active, target } = this;
		this.cancel();
		if (active && target) this.#drop(active, target);
	}

	cancel() {
		this.#pending = null;
		this.active = null;
		this.target = null;
	}

	#hit(x: number, y: number): DropTarget | null {
		const el = document.elementFromPoint(x, y);
		if (!el || !this.active) return null;
		if (this.active.kind === 'stage') {
			const col = el.closest<HTMLElement>('[data-stage-index]');
			return col ? { kind: 'stage', index: Number(col.dataset.stageIndex) } : null;
		}
		const lane = el.closest<HTMLElement>('[data-lane]');
		if (!lane) return null;
		const id = this.active.id;
		const cards = [...lane.querySelectorAll<HTMLElement>('[data-tp]')].filter(
			(c) => c.dataset.tp !== id
		);
		const before = cards.find((c) => {
			const r = c.getBoundingClientRect();
			return y < r.top + r.height / 2;
		});
		return {
			kind: 'touchpoint',
			stageId: lane.dataset.stage as string,
			office: lane.dataset.lane as Office,
			beforeId: before?.dataset.tp ?? null
		};
	}

	#autoscroll(x: number) {
		const s = this.#scroller();
		if (!s || s.scrollWidth <= s.clientWidth) return;
		const r = s.getBoundingClientRect();
		if (x < r.left + EDGE) s.scrollBy({ left: -24 });
		else if (x > r.right - EDGE) s.scrollBy({ left: 24 });
	}
}
