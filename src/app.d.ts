import type { Claims } from '$lib/server/db';
import type { Profile } from '$lib/server/people';

declare global {
	namespace App {
		interface Locals {
			/** Verified sign-in claims, or null. */
			claims: Claims | null;
			/** The signed-in person's profile in their organisation, or null. */
			user: Profile | null;
		}
		interface Error {
			message: string;
		}
	}
}

export {};
