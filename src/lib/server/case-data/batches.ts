import { db, type Claims } from '../db';

/** The import log: one row per import batch (the import library writes it in its transaction). */

export interface BatchRow {
	id: string;
	fileName: string | null;
	via: string;
	format: string;
	shape: string;
	rowsRead: number;
	rowsSkipped: number;
	casesAdded: number;
	eventsAdded: number;
	createdAt: Date;
	byName: string | null;
}

/** The latest batches, newest first. */
export function list(claims: Claims, limit = 20): Promise<BatchRow[]> {
	return db().asUser(claims, (tx) =>
		tx.query<BatchRow>(
			`select b.id, b.file_name as "fileName", b.via, b.format, b.shape,
			        b.rows_read as "rowsRead", b.rows_skipped as "rowsSkipped",
			        b.cases_added as "casesAdded", b.events_added as "eventsAdded",
			        b.created_at as "createdAt", p.name as "byName"
			   from import_batch b left join person p on p.id = b.created_by
			  where b.state = 'done'
			  order by b.created_at desc limit $1`,
			[limit]
		)
	);
}
