import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

/** The ConfigError that loadConfig throws for this environment (fails the test if none). */
function configError(env: Record<string, string | undefined>): ConfigError {
	try {
		loadConfig(env);
	} catch (e) {
		expect(e).toBeInstanceOf(ConfigError);
		return e as ConfigError;
	}
	throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

/** The message's line about one variable (each bad variable has its own line). */
function lineFor(error: ConfigError, name: string): string {
	const line = error.message.split('\n').find((l) => l.trim().startsWith(`${name}:`));
	if (!line) throw new Error(`${name} is not named in:\n${error.message}`);
	return line;
}

const SECRET = 'x'.repeat(32);

describe('loadConfig', () => {
	it('starts with sensible defaults on an empty environment', () => {
		expect(loadConfig({})).toEqual({
			port: 3000,
			origin: undefined,
			databaseUrl: undefined,
			dataDir: '.koers',
			sessionSecret: undefined,
			pseudonymSecret: undefined,
			demo: true,
			logLevel: 'info',
			supabase: undefined
		});
	});

	it('reads every variable when all are well-formed', () => {
		expect(
			loadConfig({
				PORT: '8080',
				ORIGIN: 'https://koers.gemeente.nl',
				DATABASE_URL: 'postgresql://koers:geheim@db.example.nl:5432/koers',
				KOERS_DATA_DIR: '/var/lib/koers',
				KOERS_SESSION_SECRET: SECRET,
				KOERS_PSEUDONYM_SECRET: 'p'.repeat(40),
				KOERS_DEMO: '0',
				KOERS_LOG_LEVEL: 'warn',
				PUBLIC_SUPABASE_URL: 'https://abc.supabase.co',
				PUBLIC_SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_123',
				SUPABASE_JWT_SECRET: SECRET
			})
		).toEqual({
			port: 8080,
			origin: 'https://koers.gemeente.nl',
			databaseUrl: 'postgresql://koers:geheim@db.example.nl:5432/koers',
			dataDir: '/var/lib/koers',
			sessionSecret: SECRET,
			pseudonymSecret: 'p'.repeat(40),
			demo: false,
			logLevel: 'warn',
			supabase: { url: 'https://abc.supabase.co', key: 'sb_publishable_123', jwtSecret: SECRET }
		});
	});

	it('accepts postgres:// as well as postgresql://', () => {
		expect(loadConfig({ DATABASE_URL: 'postgres://u:p@localhost/db' }).databaseUrl).toBe(
			'postgres://u:p@localhost/db'
		);
	});

	it('treats empty strings as unset', () => {
		expect(
			loadConfig({
				PORT: '',
				ORIGIN: '',
				DATABASE_URL: '',
				KOERS_DATA_DIR: '',
				KOERS_SESSION_SECRET: '',
				KOERS_PSEUDONYM_SECRET: '',
				KOERS_DEMO: '',
				PUBLIC_SUPABASE_URL: '',
				PUBLIC_SUPABASE_PUBLISHABLE_KEY: '',
				PUBLIC_SUPABASE_ANON_KEY: '',
				SUPABASE_JWT_SECRET: ''
			})
		).toEqual(loadConfig({}));
	});

	it('takes PUBLIC_SUPABASE_ANON_KEY as the key, the publishable key first when both are set', () => {
		const url = 'https://abc.supabase.co';
		expect(
			loadConfig({ PUBLIC_SUPABASE_URL: url, PUBLIC_SUPABASE_ANON_KEY: 'anon' }).supabase
		).toEqual({ url, key: 'anon', jwtSecret: undefined });
		expect(
			loadConfig({
				PUBLIC_SUPABASE_URL: url,
				PUBLIC_SUPABASE_ANON_KEY: 'anon',
				PUBLIC_SUPABASE_PUBLISHABLE_KEY: 'publishable'
			}).supabase?.key
		).toBe('publishable');
	});

	it('counts a Supabase URL with only an empty key as incomplete', () => {
		const e = configError({
			PUBLIC_SUPABASE_URL: 'https://abc.supabase.co',
			PUBLIC_SUPABASE_PUBLISHABLE_KEY: ''
		});
		expect(lineFor(e, 'PUBLIC_SUPABASE_PUBLISHABLE_KEY')).toMatch(/required/);
	});

	describe('names a malformed variable and says what is expected', () => {
		const cases: [string, Record<string, string>, RegExp][] = [
			['PORT', { PORT: 'abc' }, /expected number/],
			['PORT', { PORT: '70000' }, /65535/],
			['PORT', { PORT: '0' }, />=\s*1/],
			['PORT', { PORT: '80.5' }, /expected int/],
			['DATABASE_URL', { DATABASE_URL: 'mysql://x' }, /postgres:\/\//],
			['DATABASE_URL', { DATABASE_URL: 'localhost:5432' }, /postgres:\/\//],
			['KOERS_SESSION_SECRET', { KOERS_SESSION_SECRET: 'short' }, /at least 32 characters/],
			['KOERS_PSEUDONYM_SECRET', { KOERS_PSEUDONYM_SECRET: 'short' }, /at least 32 characters/],
			['KOERS_DEMO', { KOERS_DEMO: 'yes' }, /expected 0 or 1/],
			['KOERS_DEMO', { KOERS_DEMO: 'true' }, /expected 0 or 1/],
			['ORIGIN', { ORIGIN: 'not-a-url' }, /expected a URL like https:\/\//],
			['ORIGIN', { ORIGIN: 'localhost:3000' }, /expected a URL like https:\/\//],
			[
				'PUBLIC_SUPABASE_URL',
				{ PUBLIC_SUPABASE_URL: 'abc.supabase.co', PUBLIC_SUPABASE_ANON_KEY: 'k' },
				/https:\/\/<project>\.supabase\.co/
			],
			[
				'PUBLIC_SUPABASE_PUBLISHABLE_KEY',
				{ PUBLIC_SUPABASE_URL: 'https://abc.supabase.co' },
				/required when PUBLIC_SUPABASE_URL is set.*PUBLIC_SUPABASE_ANON_KEY/
			],
			[
				'PUBLIC_SUPABASE_URL',
				{ PUBLIC_SUPABASE_PUBLISHABLE_KEY: 'k' },
				/required when a Supabase key is set/
			],
			['PUBLIC_SUPABASE_URL', { PUBLIC_SUPABASE_ANON_KEY: 'k' }, /required when a Supabase key/],
			['SUPABASE_JWT_SECRET', { SUPABASE_JWT_SECRET: 'short' }, /at least 32 characters/]
		];
		it.each(cases)('%s in %j', (name, env, expected) => {
			const e = configError(env);
			expect(e.message).toMatch(/^Koers cannot start/);
			expect(lineFor(e, name)).toMatch(expected);
			// Only the bad variable is reported.
			expect(e.message.trim().split('\n')).toHaveLength(2);
		});
	});

	it('says which value it got, or that the variable is not set', () => {
		expect(lineFor(configError({ KOERS_DEMO: 'yes' }), 'KOERS_DEMO')).toMatch(/got "yes"/);
		expect(lineFor(configError({ PUBLIC_SUPABASE_ANON_KEY: 'k' }), 'PUBLIC_SUPABASE_URL')).toMatch(
			/not set/
		);
	});

	it('names every bad variable in one message', () => {
		const e = configError({
			PORT: 'abc',
			DATABASE_URL: 'mysql://x',
			KOERS_SESSION_SECRET: 'short',
			KOERS_DEMO: 'yes',
			ORIGIN: 'not-a-url',
			PUBLIC_SUPABASE_ANON_KEY: 'k'
		});
		for (const name of [
			'PORT',
			'DATABASE_URL',
			'KOERS_SESSION_SECRET',
			'KOERS_DEMO',
			'ORIGIN',
			'PUBLIC_SUPABASE_URL'
		])
			expect(lineFor(e, name)).toBeTruthy();
	});
});
