/**
 * What a domain verb answers, one shape for every module: `{ ok: true, …fields }` or
 * `{ ok: false, error }` with a refusal key that is also a message key, so a route shows it in
 * the user's language and maps it to an HTTP status in one place ($lib/server/forms).
 *
 * Inside a transaction a verb throws a `Refusal` to undo what it did so far; `attempt` turns
 * it, and what the database refuses, into the answer.
 */
import { FOREIGN_KEY_VIOLATION, RLS_VIOLATION, sqlState, UNIQUE_VIOLATION } from './db/errors';

export type Refused<E extends string = string> = { ok: false; error: E };
export type Result<T extends object = object, E extends string = string> =
	({ ok: true } & T) | Refused<E>;

/** A refusal as an answer. */
export const refused = <E extends string>(error: E): Refused<E> => ({ ok: false, error });

/** Thrown inside a transaction to undo it and answer with a reason. */
export class Refusal<E extends string = string> extends Error {
	constructor(readonly reason: E) {
		super(reason);
	}
}

/** Throws a Refusal: for use inside a transaction (`row ?? refuse('not_found')`). */
export function refuse<E extends string>(reason: E): never {
	throw new Refusal(reason);
}

const CHECK_VIOLATION = '23514';
const NOT_NULL_VIOLATION = '23502';
const INVALID_TEXT = '22P02';
const RAISED = 'P0001';

/** The database refusals every module meets, by kind; anything else is a real failure. */
export type DbRefusal = 'forbidden' | 'unique' | 'foreign_key' | 'invalid' | 'raised';

export function dbRefusal(e: unknown): DbRefusal | undefined {
	switch (sqlState(e)) {
		case RLS_VIOLATION:
			return 'forbidden';
		case UNIQUE_VIOLATION:
			return 'unique';
		case FOREIGN_KEY_VIOLATION:
			return 'foreign_key';
		case CHECK_VIOLATION:
		case NOT_NULL_VIOLATION:
		case INVALID_TEXT:
			return 'invalid';
		case RAISED:
			return 'raised';
		default:
			return undefined;
	}
}

/**
 * Runs `fn`; a Refusal thrown inside it, or a database error that `translate` names, comes back
 * as a refusal. Unknown errors are thrown on (a bug or an outage, not the user's doing).
 * Without `translate`, a row level security violation is 'forbidden' and nothing else is known.
 */
export async function attempt<T extends object, E extends string>(
	fn: () => Promise<T>,
	translate: (e: unknown, kind: DbRefusal | undefined) => E | undefined = (_e, kind) =>
		kind === 'forbidden' ? ('forbidden' as E) : undefined
): Promise<Result<T, E>> {
	try {
		return { ok: true as const, ...(await fn()) };
	} catch (e) {
		if (e instanceof Refusal) return refused(e.reason as E);
		const error = translate(e, dbRefusal(e));
		if (error) return refused(error);
		throw e;
	}
}
