import { db, type Claims } from './db';
import { RLS_VIOLATION, sqlState, UNIQUE_VIOLATION } from './db/errors';
import type { DepartmentInput, DepartmentKind } from '$lib/schemas/departments';

export interface DepartmentRow {
	id: string;
	name: string;
	kind: DepartmentKind;
	people: number;
}

export function list(claims: Claims): Promise<DepartmentRow[]> {
	return db().asUser(claims, (tx) =>
		tx.query<DepartmentRow>(
			`select d.id, d.name, d.kind, count(p.id) as people
			   from department d left join person p on p.department_id = d.id
			  group by d.id order by lower(d.name)`
		)
	);
}

type Result = { ok: true } | { ok: false; error: 'name_taken' | 'not_found' | 'forbidden' };

function departmentError(e: unknown): Result {
	if (sqlState(e) === UNIQUE_VIOLATION) return { ok: false, error: 'name_taken' };
	if (sqlState(e) === RLS_VIOLATION) return { ok: false, error: 'forbidden' };
	throw e;
}

export async function create(claims: Claims, input: DepartmentInput): Promise<Result> {
	try {
		await db().asUser(claims, (tx) =>
			tx.query(
				`insert into department (org_id, name, kind) values ((select private.org_id()), $1, $2)`,
				[input.name, input.kind]
			)
		);
		return { ok: true };
	} catch (e) {
		return departmentError(e);
	}
}

export async function update(claims: Claims, id: string, input: DepartmentInput): Promise<Result> {
	try {
		const rows = await db().asUser(claims, (tx) =>
			tx.query('update department set name = $2, kind = $3 where id = $1 returning id', [
				id,
				input.name,
				input.kind
			])
		);
		return rows.length ? { ok: true } : { ok: false, error: 'not_found' };
	} catch (e) {
		return departmentError(e);
	}
}

export async function remove(claims: Claims, id: string): Promise<boolean> {
	const rows = await db().asUser(claims, (tx) =>
		tx.query('delete from department where id = $1 returning id', [id])
	);
	return rows.length > 0;
}
