/**
 * The journey editor's state: the stages as shown (a move appears at once, before the server
 * confirms it), the open panel from the address, moves by drag or keyboard sent one after
 * another, saving forms, Undo (also Ctrl+Z) and what a screen reader is told.
 */
import { applyAction, deserialize } from '$app/forms';
import { goto, invalidateAll } from '$app/navigation';
import { page } from '$app/state';
import type { SubmitFunction } from '@sveltejs/kit';
import { tick } from 'svelte';
import { journeyError, officeLabel, undoLabel } from '$lib/components/journey/labels';
import {
	moveStage as planStageMove,
	moveTouchpoint as planTouchpointMove,
	type StageView,
	type TouchpointMoveSpec,
	type TouchpointView
} from '$lib/journeys/blueprint';
import { m } from '$lib/paraglide/messages';
import type { JourneyMap, UndoStep } from '$lib/server/journeys';
import { EDIT_MODE } from '../links';

/** What the side panel shows. */
export type Panel =
	| { kind: 'touchpoint'; tp: TouchpointView; stage: StageView; index: number }
	| { kind: 'stage'; stage: StageView; index: number }
	| { kind: 'new-stage' }
	| { kind: 'new-touchpoint'; stageId: string }
	| { kind: 'journey' };

const PANEL_KEYS = ['tp', 'stage', 'new', 'edit'];

export class JourneyEditor {
	readonly #map: () => JourneyMap;
	/** Changes are sent one after another, in the order they were made. */
	#queue: Promise<unknown> = Promise.resolve();

	/** The stages as shown: the server's, or a move not yet confirmed by it. */
	stages: StageView[] = $derived.by(() => this.#map().stages);
	/** What the status line says (a screen reader announces a change of it). */
	announcement = $state('');
	/** A change the server refused, as a message. */
	problem = $state('');
	undoForm = $state<HTMLFormElement>();

	readonly base = $derived.by(
		() => `/teams/${this.#map().team.id}/journeys/${this.#map().journey.id}`
	);
	readonly closeHref = $derived.by(() =>
		this.href(Object.fromEntries(PANEL_KEYS.map((k) => [k, null])))
	);
	readonly panel: Panel | null = $derived.by(() => this.#panel());
	/** The map in edit mode (?mode=edit): handles, move buttons, forms. Otherwise it is read. */
	readonly editing = $derived.by(
		() => this.#map().canEdit && page.url.searchParams.get('mode') === EDIT_MODE
	);

	constructor(map: () => JourneyMap) {
		this.#map = map;
	}

	/** The current address with some parameters set or removed (and no action parameter). */
	href(changes: Record<string, string | null>, hash = '') {
		const kept = [...page.url.searchParams].filter(([k]) => !k.startsWith('/') && !(k in changes));
		const set = Object.entries(changes).filter((e): e is [string, string] => e[1] !== null);
		const q = [...kept, ...set]
			.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
			.join('&');
		return `${this.base}${q ? `?${q}` : ''}${hash}`;
	}

	readonly hrefs = {
		touchpoint: (id: string) => this.href({ tp: id, stage: null, new: null, edit: null }),
		stage: (id: string) => this.href({ tp: null, stage: id, new: null, edit: null }),
		newTouchpoint: (stageId: string) =>
			this.href({ tp: null, stage: stageId, new: 'tp', edit: null })
	};

	trendHref = (id: string) => {
		const weeks = this.#map().period.weeks;
		return `${this.base}/touchpoints/${id}${weeks === 26 ? '' : `?weeks=${weeks}`}`;
	};

	/** A form action on this page, keeping the page's parameters (an open panel stays open). */
	actionUrl = (name: string) => {
		const q = this.href({}).split('?')[1];
		return `?${q ? `${q}&` : ''}/${name}`;
	};

	#panel(): Panel | null {
		const editing = this.editing;
		const stages = this.stages;
		const p = page.url.searchParams;
		const stageAt = (id: string | null) => stages.findIndex((s) => s.id === id);
		if (p.get('edit') === 'journey' && editing) return { kind: 'journey' };
		if (p.get('new') === 'stage' && editing) return { kind: 'new-stage' };
		if (p.get('new') === 'tp' && editing && stageAt(p.get('stage')) >= 0)
			return { kind: 'new-touchpoint', stageId: p.get('stage')! };
		const tpId = p.get('tp');
		if (tpId) {
			const index = stages.findIndex((s) => s.touchpoints.some((t) => t.id === tpId));
			if (index >= 0) {
				const stage = stages[index];
				return {
					kind: 'touchpoint',
					tp: stage.touchpoints.find((t) => t.id === tpId)!,
					stage,
					index
				};
			}
		}
		const index = stageAt(p.get('stage'));
		if (index >= 0 && editing) return { kind: 'stage', stage: stages[index], index };
		return null;
	}

	announce(text: string) {
		// a change of text is what a screen reader announces: clear first for a repeated text
		this.announcement = '';
		tick().then(() => (this.announcement = text));
	}

	#whereIs(id: string, list: StageView[]) {
		const si = list.findIndex((s) => s.touchpoints.some((t) => t.id === id));
		if (si < 0) return '';
		const stage = list[si];
		const i = stage.touchpoints.findIndex((t) => t.id === id);
		const tp = stage.touchpoints[i];
		return m.journey_moved_to({
			name: tp.name,
			stage: stage.name,
			position: i + 1,
			count: stage.touchpoints.length,
			lane: officeLabel(tp.office)
		});
	}

	async #send(action: string, fields: Record<string, string>): Promise<boolean> {
		const body = new FormData();
		for (const [k, v] of Object.entries(fields)) body.set(k, v);
		try {
			const res = await fetch(this.actionUrl(action), {
				method: 'POST',
				body,
				headers: { 'x-sveltekit-action': 'true' }
			});
			const result = deserialize(await res.text());
			if (result.type === 'success') {
				this.problem = '';
				await invalidateAll();
				return true;
			}
			this.problem = journeyError(
				result.type === 'failure' ? String(result.data?.message ?? 'unknown') : 'unknown'
			);
		} catch {
			this.problem = journeyError('network');
		}
		await invalidateAll();
		return false;
	}

	moveTouchpoint = (id: string, spec: TouchpointMoveSpec) => {
		const next = planTouchpointMove(this.stages, id, spec);
		if (!next) {
			this.announce(m.journey_cannot_move_here());
			return;
		}
		this.stages = next;
		this.announce(this.#whereIs(id, next));
		const fields: Record<string, string> =
			'direction' in spec
				? { id, direction: spec.direction }
				: { id, stageId: spec.stageId, index: String(spec.index), office: spec.office ?? '' };
		this.#queue = this.#queue.then(async () => {
			await this.#send('moveTouchpoint', fields);
			await tick();
			document.getElementById(`handle-${id}`)?.focus();
		});
	};

	moveStage = (id: string, spec: { direction: 'left' | 'right' } | { index: number }) => {
		const next = planStageMove(this.stages, id, spec);
		if (!next) {
			this.announce(m.journey_cannot_move_here());
			return;
		}
		this.stages = next;
		const at = next.findIndex((s) => s.id === id);
		this.announce(
			m.journey_stage_moved_to({ name: next[at].name, position: at + 1, count: next.length })
		);
		const fields: Record<string, string> =
			'direction' in spec ? { id, direction: spec.direction } : { id, index: String(spec.index) };
		this.#queue = this.#queue.then(async () => {
			await this.#send('moveStage', fields);
			await tick();
			document.getElementById(`stage-handle-${id}`)?.focus();
		});
	};

	/** Saving a form: on success the panel closes and focus goes to what changed. */
	save: SubmitFunction = () => {
		return async ({ result, update }) => {
			if (result.type === 'redirect') {
				await goto(result.location, { invalidateAll: true, noScroll: true });
				this.problem = '';
				const hash = result.location.split('#')[1];
				await tick();
				const target = hash?.startsWith('tp-')
					? document.getElementById(`tp-link-${hash.slice(3)}`)
					: hash
						? document.getElementById(hash)
						: null;
				(target ?? document.getElementById('journey-title'))?.focus();
				target?.scrollIntoView({ block: 'nearest' });
				this.announce(m.journey_saved());
			} else await update({ reset: false });
		};
	};

	/** A move from the panel's buttons: the panel stays; its new place is announced. */
	moved: SubmitFunction = ({ formData }) => {
		const id = String(formData.get('id'));
		return async ({ result, update }) => {
			await update({ reset: false });
			if (result.type === 'success') {
				await tick();
				const stages = this.stages;
				const stage = stages.findIndex((s) => s.id === id);
				this.announce(
					stage >= 0
						? m.journey_stage_moved_to({
								name: stages[stage].name,
								position: stage + 1,
								count: stages.length
							})
						: this.#whereIs(id, stages)
				);
			}
		};
	};

	undo: SubmitFunction = () => {
		return async ({ result }) => {
			await applyAction(result);
			if (result.type === 'success') {
				const undone = result.data?.undone as UndoStep | undefined;
				await invalidateAll();
				this.problem = '';
				this.announce(
					m.journey_undone({ what: undone ? undoLabel(undone.change, undone.subject) : '' })
				);
			}
		};
	};

	/** Ctrl+Z takes back the last change; Escape closes the panel and returns focus. */
	keydown = (e: KeyboardEvent) => {
		const map = this.#map();
		const panel = this.panel;
		const el = e.target as HTMLElement | null;
		const typing = el?.closest('input, textarea, select, [contenteditable="true"]');
		if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'z') {
			if (typing || !this.editing || !map.undo) return;
			e.preventDefault();
			this.undoForm?.requestSubmit();
		} else if (e.key === 'Escape' && panel && !typing) {
			e.preventDefault();
			const back =
				panel.kind === 'touchpoint'
					? `tp-link-${panel.tp.id}`
					: panel.kind === 'stage'
						? `stage-handle-${panel.stage.id}`
						: 'journey-title';
			goto(this.closeHref, { noScroll: true }).then(() => document.getElementById(back)?.focus());
		}
	};
}
