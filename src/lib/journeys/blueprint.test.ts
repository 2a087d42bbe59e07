import { describe, expect, it } from 'vitest';
import {
	emotionPoints,
	flow,
	moveStage,
	moveTouchpoint,
	normStatus,
	worstTouchpoint,
	rankTouchpoints,
	type Figures,
	type TouchpointData
} from './blueprint';

const tp = (id: string, office: 'front_office' | 'back_office' = 'front_office') => ({
	id,
	office
});
const stages = () => [
	{ id: 'S1', touchpoints: [tp('a'), tp('b', 'back_office')] },
	{ id: 'S2', touchpoints: [tp('c')] },
	{ id: 'S3', touchpoints: [] as ReturnType<typeof tp>[] }
];
const ids = (s: { id: string; touchpoints: { id: string }[] }[]) =>
	s.map((x) => `${x.id}:${x.touchpoints.map((t) => t.id).join('')}`);

describe('moving a touchpoint', () => {
	it('up and down within its stage, not past the ends', () => {
		expect(ids(moveTouchpoint(stages(), 'b', { direction: 'up' })!)).toEqual([
			'S1:ba',
			'S2:c',
			'S3:'
		]);
		expect(moveTouchpoint(stages(), 'a', { direction: 'up' })).toBeNull();
		expect(moveTouchpoint(stages(), 'b', { direction: 'down' })).toBeNull();
	});

	it('right to the start of the next stage, left to the end of the previous one', () => {
		expect(ids(moveTouchpoint(stages(), 'b', { direction: 'right' })!)).toEqual([
			'S1:a',
			'S2:bc',
			'S3:'
		]);
		expect(ids(moveTouchpoint(stages(), 'c', { direction: 'left' })!)).toEqual([
			'S1:abc',
			'S2:',
			'S3:'
		]);
		expect(moveTouchpoint(stages(), 'a', { direction: 'left' })).toBeNull();
		expect(ids(moveTouchpoint(stages(), 'c', { direction: 'right' })!)).toEqual([
			'S1:ab',
			'S2:',
			'S3:c'
		]);
	});

	it('to a place and lane (a drop); staying where it is changes nothing', () => {
		const next = moveTouchpoint(stages(), 'a', { stageId: 'S2', index: 5, office: 'back_office' })!;
		expect(ids(next)).toEqual(['S1:b', 'S2:ca', 'S3:']);
		expect(next[1].touchpoints[1].office).toBe('back_office');
		expect(
			moveTouchpoint(stages(), 'a', { stageId: 'S1', index: 0, office: 'front_office' })
		).toBeNull();
		expect(
			moveTouchpoint(stages(), 'a', { stageId: 'S1', index: 0, office: 'back_office' })?.[0]
				.touchpoints[0].office
		).toBe('back_office');
		expect(moveTouchpoint(stages(), 'a', { stageId: 'nope', index: 0 })).toBeNull();
	});
});

it('moves stages by a step or to an index', () => {
	const s = [{ id: 'A' }, { id: 'B' }, { id: 'C' }];
	expect(moveStage(s, 'A', { direction: 'right' })?.map((x) => x.id)).toEqual(['B', 'A', 'C']);
	expect(moveStage(s, 'A', { direction: 'left' })).toBeNull();
	expect(moveStage(s, 'C', { index: 0 })?.map((x) => x.id)).toEqual(['C', 'A', 'B']);
	expect(moveStage(s, 'B', { index: 1 })).toBeNull();
});

it('finds handoffs where the department changes (both known)', () => {
	const t = (id: string, departmentId: string | null) => ({
		id,
		departmentId,
		departmentName: departmentId
	});
	const links = flow([
		{ touchpoints: [t('a', 'KCC'), t('b', 'KCC')] },
		{ touchpoints: [t('c', 'Afval'), t('d', null), t('e', 'KCC')] }
	]);
	expect(links.map((l) => `${l.from}${l.to}:${l.handoff}`)).toEqual([
		'ab:false',
		'bc:true',
		'cd:false',
		'de:false'
	]);
});

it('spreads the emotion points within their stage column', () => {
	const points = emotionPoints([
		{
			touchpoints: [
				{ id: 'a', name: 'A', emotion: -2 },
				{ id: 'b', name: 'B', emotion: null }
			]
		},
		{
			touchpoints: [
				{ id: 'c', name: 'C', emotion: 0 },
				{ id: 'd', name: 'D', emotion: 2 }
			]
		}
	]);
	expect(points.map((p) => [p.id, p.x])).toEqual([
		['a', 0.25],
		['c', 0.5 + 1 / 6],
		['d', 0.5 + 2 / 6]
	]);
});

it('rates a p85 lead time against the norm', () => {
	expect(normStatus(2, 2)).toBe('within');
	expect(normStatus(3, 2)).toBe('over');
	expect(normStatus(3.01, 2)).toBe('far_over');
	expect(normStatus(null, 2)).toBeNull();
	expect(normStatus(5, null)).toBeNull();
});

describe('the worst touchpoint', () => {
	const figures = (f: Partial<Figures>): TouchpointData => ({
		kind: 'figures',
		figures: {
			cases: 10,
			repeats: 0,
			repeatRate: 0,
			closed: 10,
			open: 0,
			leadMedian: 1,
			leadP85: 1,
			unit: 'calendar_days',
			withinNorm: 1,
			handoffs: 0,
			casesWithHandoff: 0,
			norm: { days: 2, unit: 'calendar_days' },
			status: 'within',
			...f
		}
	});

	it('is the one furthest over its norm', () => {
		const worst = worstTouchpoint([
			{ id: 'a', name: 'A', data: figures({ leadP85: 3 }) },
			{
				id: 'b',
				name: 'B',
				data: figures({ leadP85: 12, norm: { days: 10, unit: 'calendar_days' } })
			},
			{ id: 'c', name: 'C', data: { kind: 'unmapped' } }
		]);
		expect([worst?.id, worst?.reason]).toEqual(['a', 'lead_time']);
	});

	it('else the one with the most repeats; none without cases', () => {
		const worst = worstTouchpoint([
			{ id: 'a', name: 'A', data: figures({ repeatRate: 0.1 }) },
			{ id: 'b', name: 'B', data: figures({ repeatRate: 0.3 }) },
			{ id: 'c', name: 'C', data: figures({ cases: 0, repeatRate: null }) }
		]);
		expect([worst?.id, worst?.reason]).toEqual(['b', 'repeat_rate']);
		expect(worstTouchpoint([{ id: 'c', name: 'C', data: { kind: 'no_access' } }])).toBeNull();
	});

	describe('ranked by a figure, worst first', () => {
		const tps = [
			{ id: 'a', name: 'A', data: figures({ repeatRate: 0.1, withinNorm: 0.9, leadP85: 3 }) },
			{ id: 'b', name: 'B', data: figures({ repeatRate: 0.3, withinNorm: 0.95, leadP85: 1 }) },
			{
				id: 'c',
				name: 'C',
				data: figures({ repeatRate: 0.2, withinNorm: 0.5, leadP85: 9, norm: null })
			},
			{ id: 'd', name: 'D', data: figures({ cases: 0, repeatRate: null }) },
			{ id: 'e', name: 'E', data: { kind: 'unmapped' } as TouchpointData }
		];
		const order = (by: 'repeat_rate' | 'lead_p85' | 'within_norm') =>
			rankTouchpoints(tps, by).map((r) => `${r.place}${r.touchpoint.id}`);

		it('by repeat rate: the highest first; no cases, no place', () => {
			expect(order('repeat_rate')).toEqual(['1b', '2c', '3a']);
		});
		it('by p85: furthest over its norm first, then those without a norm', () => {
			expect(order('lead_p85')).toEqual(['1a', '2b', '3c']);
		});
		it('by within norm: the lowest share first', () => {
			expect(order('within_norm')).toEqual(['1c', '2a', '3b']);
		});
	});
});
