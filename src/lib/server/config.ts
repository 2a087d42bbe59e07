import { z } from 'zod';
import { LOG_LEVELS, type LogLevel } from './log';

/** Empty strings in the environment count as "not set". */
const optional = <T extends z.ZodType>(schema: T) =>
	z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const postgresUrl = z
	.string()
	.regex(/^postgres(ql)?:\/\/\S+$/, 'expected a URL like postgres://user:password@host:5432/db');

const schema = z
	.object({
		PORT: optional(z.coerce.number().int().min(1).max(65535)).default(3000),
		ORIGIN: optional(
			z.url({ protocol: /^https?$/, error: 'expected a URL like https://koers.example.nl' })
		),
		DATABASE_URL: optional(postgresUrl),
		KOERS_DATA_DIR: optional(z.string()).default('.koers'),
		KOERS_SESSION_SECRET: optional(
			z.string().min(32, 'expected a random string of at least 32 characters')
		),
		KOERS_PSEUDONYM_SECRET: optional(
			z.string().min(32, 'expected a random string of at least 32 characters')
		),
		KOERS_DEMO: optional(z.enum(['0', '1'], { error: 'expected 0 or 1' })).default('1'),
		KOERS_LOG_LEVEL: optional(
			z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` })
		).default('info'),
		PUBLIC_SUPABASE_URL: optional(
			z.url({ protocol: /^https?$/, error: 'expected https://<project>.supabase.co' })
		),
		PUBLIC_SUPABASE_PUBLISHABLE_KEY: optional(z.string()),
		PUBLIC_SUPABASE_ANON_KEY: optional(z.string()),
		KOERS_SMTP_URL: optional(
			z
				.string()
				.regex(/^smtps?:\/\/\S+$/, 'expected a URL like smtp://user:password@mail.example.nl:587')
		),
		KOERS_MAIL_FROM: optional(
			z
				.string()
				.regex(/^[^\s@]+@[^\s@]+$|<[^\s@]+@[^\s@]+>$/, 'expected an address like koers@example.nl')
		),
		SUPABASE_JWT_SECRET: optional(
			z.string().min(32, "expected the project's JWT secret (at least 32 characters)")
		)
	})
	// `when`: also when another variable is malformed, so that one message names every problem.
	.superRefine(
		(env, ctx) => {
			const key = env.PUBLIC_SUPABASE_PUBLISHABLE_KEY ?? env.PUBLIC_SUPABASE_ANON_KEY;
			if (env.PUBLIC_SUPABASE_URL && !key)
				ctx.addIssue({
					code: 'custom',
					path: ['PUBLIC_SUPABASE_PUBLISHABLE_KEY'],
					message: 'required when PUBLIC_SUPABASE_URL is set (or PUBLIC_SUPABASE_ANON_KEY)'
				});
			if (env.KOERS_SMTP_URL && !env.KOERS_MAIL_FROM)
				ctx.addIssue({
					code: 'custom',
					path: ['KOERS_MAIL_FROM'],
					message: 'required when KOERS_SMTP_URL is set (the sender of the mails)'
				});
			if (key && !env.PUBLIC_SUPABASE_URL)
				ctx.addIssue({
					code: 'custom',
					path: ['PUBLIC_SUPABASE_URL'],
					message: 'required when a Supabase key is set'
				});
		},
		{ when: () => true }
	);

export interface Config {
	port: number;
	origin?: string;
	databaseUrl?: string;
	dataDir: string;
	sessionSecret?: string;
	pseudonymSecret?: string;
	demo: boolean;
	logLevel: LogLevel;
	supabase?: { url: string; key: string; jwtSecret?: string };
	/** SMTP for notifications; without it no mail is sent (and unsent ones expire). */
	mail?: { smtpUrl: string; from: string; origin?: string };
}

export class ConfigError extends Error {}

/** Reads and validates the environment; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
	const parsed = schema.safeParse(env);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((i) => {
			const name = String(i.path[0] ?? '');
			// Never print a secret (or a database URL with its password) to the log.
			const got =
				env[name] === undefined
					? 'not set'
					: /SECRET|DATABASE_URL|KEY|SMTP_URL/.test(name)
						? `got ${env[name]!.length} characters`
						: `got "${env[name]}"`;
			return `  ${name}: ${i.message} (${got})`;
		});
		throw new ConfigError(`Koers cannot start: bad configuration\n${lines.join('\n')}`);
	}
	const e = parsed.data;
	const key = e.PUBLIC_SUPABASE_PUBLISHABLE_KEY ?? e.PUBLIC_SUPABASE_ANON_KEY;
	return {
		port: e.PORT,
		origin: e.ORIGIN,
		databaseUrl: e.DATABASE_URL,
		dataDir: e.KOERS_DATA_DIR,
		sessionSecret: e.KOERS_SESSION_SECRET,
		pseudonymSecret: e.KOERS_PSEUDONYM_SECRET,
		demo: e.KOERS_DEMO === '1',
		logLevel: e.KOERS_LOG_LEVEL,
		mail:
			e.KOERS_SMTP_URL && e.KOERS_MAIL_FROM
				? { smtpUrl: e.KOERS_SMTP_URL, from: e.KOERS_MAIL_FROM, origin: e.ORIGIN }
				: undefined,
		supabase:
			e.PUBLIC_SUPABASE_URL && key
				? { url: e.PUBLIC_SUPABASE_URL, key, jwtSecret: e.SUPABASE_JWT_SECRET }
				: undefined
	};
}
