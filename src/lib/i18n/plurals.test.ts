import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { m } from '$lib/paraglide/messages';

const DIR = fileURLToPath(new URL('./messages', import.meta.url));

/** Every message of every catalogue, as text (a plural message as its variants). */
function messages(): { file: string; key: string; text: string }[] {
	const found: { file: string; key: string; text: string }[] = [];
	const walk = (dir: string) => {
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			const path = join(dir, entry.name);
			if (entry.isDirectory()) walk(path);
			else if (entry.name.endsWith('.json'))
				for (const [key, value] of Object.entries(JSON.parse(readFileSync(path, 'utf8'))))
					if (!key.startsWith('$'))
						found.push({ file: path.slice(DIR.length + 1), key, text: JSON.stringify(value) });
		}
	};
	walk(DIR);
	return found;
}

describe('plurals are words, not hacks', () => {
	it('no message writes a plural as "(en)", "(s)" or "probleem/problemen"', () => {
		const all = messages();
		expect(all.length).toBeGreaterThan(500);
		const hacks = all
			.filter(({ text }) => /\p{L}\((?:en|s|n|e|ën)\)|\b(\p{L}+)\/\1(?:en|s)\b/u.test(text))
			.map(({ file, key }) => `${file}: ${key}`);
		expect(hacks).toEqual([]);
	});

	it('one and many read as Dutch and English', () => {
		expect(m.team_idea_votes({ count: 1 })).toBe('1 steunbetuiging');
		expect(m.team_idea_votes({ count: 3 })).toBe('3 steunbetuigingen');
		expect(m.team_idea_votes({ count: 1 }, { locale: 'en' })).toBe('1 supporter');
		expect(m.team_gap_touchpoints({ count: 2 })).toBe('2 contactmomenten');
		expect(m.team_gap_touchpoints({ count: 1 }, { locale: 'en' })).toBe('1 touchpoint');
		expect(m.overview_pending({ count: 1 })).toBe('1 uitnodiging nog niet geaccepteerd');
		expect(m.overview_pending({ count: 2 }, { locale: 'en' })).toBe(
			'2 invitations not yet accepted'
		);
		expect(m.import_rejected({ problems: 1, rows: 4 })).toMatch(
			/^Er is niets ingelezen: 1 probleem in 4 regels\./
		);
		expect(m.import_rejected({ problems: 2, rows: 1 }, { locale: 'en' })).toMatch(
			/^Nothing was loaded: 2 problems in 1 row\./
		);
	});
});
