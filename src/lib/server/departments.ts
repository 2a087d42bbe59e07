import { db, type Claims } from './db';
import { attempt, refuse, type DbRefusal, type Result } from './result';
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

export type DepartmentError = 'name_taken' | 'not_found' | 'forbidden';

/** What the database refused, as a DepartmentError. */
const departmentRefusal = (
	_e: unknown,
	kind: DbRefusal | undefined
): DepartmentError | undefined =>
	kind === 'unique' ? 'name_taken' : kind === 'forbidden' ? 'forbidden' : undefined;

export function create(
	claims: Claims,
	input: DepartmentInput
): Promise<Result<object, DepartmentError>> {
	return attempt(async () => {
		await db().asUser(claims, (tx) =>
			tx.query(
				`insert into department (org_id, name, kind) values ((select private.org_id()), $1, $2)`,
				[input.name, input.kind]
			)
		);
		return {};
	}, departmentRefusal);
}

export function update(
	claims: Claims,
	id: string,
	input: DepartmentInput
): Promise<Result<object, DepartmentError>> {
	return attempt(async () => {
		const rows = await db().asUser(claims, (tx) =>
			tx.query('update department set name = $2, kind = $3 where id = $1 returning id', [
				id,
				input.name,
				input.kind
			])
		);
		return rows.length ? {} : refuse<DepartmentError>('not_found');
	}, departmentRefusal);
}

export async function remove(claims: Claims, id: string): Promise<boolean> {
	const rows = await db().asUser(claims, (tx) =>
		tx.query('delete from department where id = $1 returning id', [id])
	);
	return rows.length > 0;
}
