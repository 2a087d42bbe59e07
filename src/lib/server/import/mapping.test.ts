import { describe, expect, it } from 'vitest';
import { suggestValue } from './mapping';

describe("a source's channel and department values get Koers's words", () => {
	it.each([
		['Constituent Call', 'telefoon'],
		['Telefonisch', 'telefoon'],
		['phone', 'telefoon'],
		['Citizens Connect App', 'app'],
		['Self Service', 'web'],
		['Online formulier', 'web'],
		['E-mail', 'e-mail'],
		['Balie stadhuis', 'balie'],
		['Counter', 'balie'],
		['Brief', 'post'],
		['Employee Generated', null],
		['Maximo Integration', null]
	])('channel %s → %s', (value, word) => {
		expect(suggestValue('channel', value)).toBe(word);
	});

	it('a department value that names a department of the organisation', () => {
		const depts = ['KCC', 'Afvalinzameling', 'Wijkbeheer'];
		expect(suggestValue('department', 'kcc', depts)).toBe('KCC');
		expect(suggestValue('department', 'Team Wijkbeheer Noord', depts)).toBe('Wijkbeheer');
		expect(suggestValue('department', 'BTDT_AVRS Interface Queue', depts)).toBeNull();
	});
});
