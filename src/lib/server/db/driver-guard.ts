/**
 * postgres.js 3.4 can throw from a timer when PostgreSQL goes away while a query is being
 * written (`Cannot read properties of null (reading 'write')` in its connection.js:
 * porsager/postgres#1154, #1208; not fixed in any 3.x release). Uncaught, that ends the whole
 * server. This keeps the process alive for exactly that error — the broken connection is
 * dropped by the driver and the request that used it fails as a 503 — and lets every other
 * uncaught error end the process as Node would.
 */
export function isDriverWriteAfterClose(e: unknown): boolean {
	return (
		e instanceof TypeError &&
		/reading 'write'/.test(e.message) &&
		/postgres[\\/](src|cjs[\\/]src)[\\/]connection\.js/.test(e.stack ?? '')
	);
}

let installed = false;

export function guardDriverErrors() {
	if (installed) return;
	installed = true;
	process.on('uncaughtException', (e) => {
		if (isDriverWriteAfterClose(e)) {
			console.error(
				`Koers: the database connection broke while writing (${e.message}); continuing`
			);
			return;
		}
		console.error(e);
		process.exit(1);
	});
}
