/** The one uncaught driver error the server survives, and nothing else. */
import { expect, it } from 'vitest';
import { isDriverWriteAfterClose } from './driver-guard';

const withStack = (e: Error, stack: string) =>
	Object.assign(e, { stack: `${e.name}: ${e.message}\n${stack}` });

it("recognises postgres.js's write after a closed socket, and only that", () => {
	const driver = '    at nextWrite (/srv/koers/node_modules/postgres/src/connection.js:255:22)';
	const read = "Cannot read properties of null (reading 'write')";
	expect(isDriverWriteAfterClose(withStack(new TypeError(read), driver))).toBe(true);
	// the same message from Koers's own code, another error from the driver, a non-error
	expect(
		isDriverWriteAfterClose(withStack(new TypeError(read), '    at /srv/koers/build/server.js:1:1'))
	).toBe(false);
	expect(
		isDriverWriteAfterClose(
			withStack(new TypeError("Cannot read properties of null (reading 'x')"), driver)
		)
	).toBe(false);
	expect(isDriverWriteAfterClose(withStack(new Error(read), driver))).toBe(false);
	expect(isDriverWriteAfterClose(read)).toBe(false);
});
