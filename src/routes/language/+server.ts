import { redirect, type RequestHandler } from '@sveltejs/kit';
import { z } from 'zod';
import { cookieMaxAge, cookieName, locales } from '$lib/paraglide/runtime';
import { setMyLocale } from '$lib/server/people';
import { safePath } from '$lib/server/safe-path';

const schema = z.object({
	locale: z.enum(locales),
	next: z.string().transform(safePath).catch('/')
});

/** The language switch: a plain form post that works without JavaScript; kept in a cookie. */
export const POST: RequestHandler = async ({ request, cookies, locals }) => {
	const parsed = schema.safeParse(Object.fromEntries(await request.formData().catch(() => [])));
	if (parsed.success) {
		cookies.set(cookieName, parsed.data.locale, {
			path: '/',
			maxAge: cookieMaxAge,
			sameSite: 'lax',
			httpOnly: false
		});
		// and for the mails Koers sends this person (best effort: the switch itself is the cookie)
		if (locals.claims) await setMyLocale(locals.claims, parsed.data.locale).catch(() => undefined);
	}
	redirect(303, parsed.success ? parsed.data.next : '/');
};
