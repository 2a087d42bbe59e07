import { isHttpError } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { isAdminRoute, requireAdmin } from './forms';

const statusOf = (fn: () => unknown) => {
	try {
		fn();
		return 200;
	} catch (e) {
		if (isHttpError(e)) return e.status;
		throw e;
	}
};

const locals = (role: string | null) =>
	(role
		? { claims: { sub: 'p' }, user: { id: 'p', orgId: 'o', role } }
		: { claims: null, user: null }) as unknown as App.Locals;

describe('requireAdmin', () => {
	it('lets an admin through and stops everyone else', () => {
		expect(statusOf(() => requireAdmin(locals('admin')))).toBe(200);
		expect(requireAdmin(locals('admin')).user.role).toBe('admin');
		for (const role of ['staff', 'coach', 'member'])
			expect(statusOf(() => requireAdmin(locals(role)))).toBe(403);
		expect(statusOf(() => requireAdmin(locals(null)))).toBe(401);
	});
});

describe('isAdminRoute', () => {
	it('recognises the admin routes by their id, whatever the path looked like', () => {
		expect(isAdminRoute('/(app)/admin')).toBe(true);
		expect(isAdminRoute('/(app)/admin/import')).toBe(true);
		expect(isAdminRoute('/(app)/admin/import/run')).toBe(true);
		expect(isAdminRoute('/(app)/administration')).toBe(false);
		expect(isAdminRoute('/(app)/teams')).toBe(false);
		expect(isAdminRoute(null)).toBe(false);
	});
});
