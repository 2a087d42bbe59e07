export type Row = Record<string, unknown>;

/** Something that runs parameterised SQL ($1, $2 …) and returns rows. */
export interface Queryable {
	query<T = Row>(text: string, params?: unknown[]): Promise<T[]>;
	/** Runs several statements without parameters (migrations, set-up scripts). */
	exec(text: string): Promise<void>;
	/**
	 * Bulk load: `COPY <table> (<columns>) FROM STDIN WITH (FORMAT csv)` with `csv` as the data.
	 * Call it once per batch so memory stays flat.
	 */
	copyFrom(table: string, columns: string[], csv: string): Promise<void>;
}

/**
 * A database driver: one transaction at a time as the connecting (owner) role.
 * Only the Db port in ./port.ts uses it; it never reaches a route or domain module.
 */
export interface Driver {
	readonly kind: 'pglite' | 'postgres';
	transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
	close(): Promise<void>;
}

/** The JWT claims Supabase puts in `request.jwt.claims`, as Koers uses them. */
export interface Claims {
	sub: string;
	email?: string;
	role: 'authenticated';
	aud: string | string[];
	exp: number;
	iat?: number;
	app_metadata?: { org_id?: string; provider?: string };
	/** Local sessions only: the account's session version when the token was issued. */
	session_version?: number;
}
