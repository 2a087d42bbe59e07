import { describe, expect, it } from 'vitest';
import { detectDayFirst, isValidTimeZone, parseTimestamp, type TimestampOptions } from './dates';

const AMS: TimestampOptions = { timezone: 'Europe/Amsterdam' };
const iso = (text: string, options: TimestampOptions = AMS) =>
	parseTimestamp(text, options)?.toISOString() ?? null;

describe('parseTimestamp', () => {
	it('reads ISO 8601 with an offset or Z, with a space or T, any fraction', () => {
		expect(iso('2011-10-11 13:45:40.276000+02:00')).toBe('2011-10-11T11:45:40.276Z');
		expect(iso('2011-10-11T13:45:40.276+02:00')).toBe('2011-10-11T11:45:40.276Z');
		expect(iso('2006-07-24T00:00:00.000+02:00')).toBe('2006-07-23T22:00:00.000Z');
		expect(iso('2011-12-06 01:06:40+01:00')).toBe('2011-12-06T00:06:40.000Z');
		expect(iso('2020-06-01T10:00:00Z')).toBe('2020-06-01T10:00:00.000Z');
		expect(iso('2020-06-01t10:00:00z')).toBe('2020-06-01T10:00:00.000Z');
		expect(iso('2020-06-01T10:00:00-0500')).toBe('2020-06-01T15:00:00.000Z');
		expect(iso('2020-06-01T10:00:00+05')).toBe('2020-06-01T05:00:00.000Z');
		expect(iso('2020-06-01T10:00:00.5Z')).toBe('2020-06-01T10:00:00.500Z');
		expect(iso('2020-06-01T10:00:00,25Z')).toBe('2020-06-01T10:00:00.250Z');
		expect(iso('  2020-06-01T10:00:00Z \n')).toBe('2020-06-01T10:00:00.000Z');
		// the offset wins over the zone
		expect(iso('2020-06-01T10:00:00+00:00', { timezone: 'Asia/Tokyo' })).toBe(
			'2020-06-01T10:00:00.000Z'
		);
	});

	it('reads naive ISO times and dates in the given zone', () => {
		expect(iso('2010-12-30 14:32')).toBe('2010-12-30T13:32:00.000Z'); // CET, +01:00
		expect(iso('2011-07-01T14:32:10')).toBe('2011-07-01T12:32:10.000Z'); // CEST, +02:00
		expect(iso('2010-12-30')).toBe('2010-12-29T23:00:00.000Z'); // midnight in Amsterdam
		expect(iso('2015/01/02 09:27')).toBe('2015-01-02T08:27:00.000Z');
		expect(iso('2015-1-2')).toBe('2015-01-01T23:00:00.000Z');
		expect(iso('2010-12-30 14:32', { timezone: 'UTC' })).toBe('2010-12-30T14:32:00.000Z');
		expect(iso('2015-07-04 12:00', { timezone: 'America/New_York' })).toBe(
			'2015-07-04T16:00:00.000Z'
		);
	});

	it('reads Dutch dd-mm-jjjj and dd/mm/jjjj', () => {
		expect(iso('30-12-2010 14:32')).toBe('2010-12-30T13:32:00.000Z');
		expect(iso('30-12-2010 14:32:05')).toBe('2010-12-30T13:32:05.000Z');
		expect(iso('1-7-2011 9:05')).toBe('2011-07-01T07:05:00.000Z');
		expect(iso('30/12/2010')).toBe('2010-12-29T23:00:00.000Z');
		expect(iso('30.12.2010 14:32')).toBe('2010-12-30T13:32:00.000Z');
		expect(iso('01-02-2015')).toBe('2015-01-31T23:00:00.000Z'); // 1 February
	});

	it('reads US dates with AM/PM month first (the Boston 311 file)', () => {
		const boston = { timezone: 'America/New_York' };
		expect(iso('01/02/2015 09:27:07 AM', boston)).toBe('2015-01-02T14:27:07.000Z');
		expect(iso('12/31/2015 02:09:00 PM', boston)).toBe('2015-12-31T19:09:00.000Z');
		expect(iso('07/04/2015 12:00:00 PM', boston)).toBe('2015-07-04T16:00:00.000Z'); // noon, EDT
		expect(iso('07/04/2015 12:30:00 AM', boston)).toBe('2015-07-04T04:30:00.000Z'); // 00:30
		expect(iso('7/4/2015 1:05 pm', boston)).toBe('2015-07-04T17:05:00.000Z');
		expect(iso('07/04/2015 01:05 p.m.', boston)).toBe('2015-07-04T17:05:00.000Z');
		// AM/PM even overrides dayFirst: true
		expect(iso('01/02/2015 09:27:07 AM', { ...boston, dayFirst: true })).toBe(
			'2015-01-02T14:27:07.000Z'
		);
	});

	it('reads ambiguous 01/02/2015 by dayFirst (default: day first, Dutch)', () => {
		expect(iso('01/02/2015')).toBe('2015-01-31T23:00:00.000Z');
		expect(iso('01/02/2015', { ...AMS, dayFirst: true })).toBe('2015-01-31T23:00:00.000Z');
		expect(iso('01/02/2015', { ...AMS, dayFirst: false })).toBe('2015-01-01T23:00:00.000Z');
		expect(iso('01-02-2015 10:00', { ...AMS, dayFirst: false })).toBe('2015-01-02T09:00:00.000Z');
		// impossible in the chosen order: null, not silently swapped
		expect(iso('13/02/2015', { ...AMS, dayFirst: false })).toBeNull();
		expect(iso('02/13/2015')).toBeNull();
	});

	it('returns null for what is not a timestamp or cannot exist', () => {
		for (const text of [
			'',
			'   ',
			'abc',
			'31-02-2020',
			'29-02-2019',
			'2019-02-29',
			'2020-13-01',
			'2020-00-10',
			'2020-01-00',
			'2020-01-01 25:00',
			'2020-01-01 24:00',
			'2020-01-01 10:60',
			'2020-01-01 10:00:60',
			'01/02/2015 13:00 PM',
			'01/02/2015 AM',
			'2020-01-01 10:00+25:00',
			'2020-01-01 10:00+02:60',
			'20-01-01',
			'01-02-15',
			'2020-01-01 10',
			'2020-01-01T',
			'2020-01-01 10:00 garbage',
			'10:00',
			'1577836800',
			'2020-01-01 10:00:00.',
			'30-12-2010 14:32+01:00'
		])
			expect(iso(text), text).toBeNull();
		expect(iso('29-02-2020')).toBe('2020-02-28T23:00:00.000Z');
		expect(iso('2000-02-29')).toBe('2000-02-28T23:00:00.000Z');
		expect(iso('1900-02-29')).toBeNull();
	});

	it('picks the earlier instant for a wall time that occurs twice (autumn)', () => {
		// Europe/Amsterdam 2021-10-31: 03:00 CEST → 02:00 CET, so 02:00–02:59 happen twice.
		expect(iso('2021-10-31 02:30')).toBe('2021-10-31T00:30:00.000Z'); // 02:30 CEST
		expect(iso('2021-10-31 01:59:59')).toBe('2021-10-30T23:59:59.000Z');
		expect(iso('2021-10-31 03:00')).toBe('2021-10-31T02:00:00.000Z'); // CET
		// with the offset written out, both are reachable
		expect(iso('2021-10-31T02:30:00+01:00')).toBe('2021-10-31T01:30:00.000Z');
	});

	it('moves a wall time in the spring-forward gap forward by the gap', () => {
		// Europe/Amsterdam 2021-03-28: 02:00 CET → 03:00 CEST, so 02:30 does not exist.
		expect(iso('2021-03-28 02:30')).toBe('2021-03-28T01:30:00.000Z'); // = 03:30 CEST
		expect(iso('2021-03-28 01:59')).toBe('2021-03-28T00:59:00.000Z'); // CET
		expect(iso('2021-03-28 03:00')).toBe('2021-03-28T01:00:00.000Z'); // CEST
		expect(iso('28-03-2021 02:00')).toBe('2021-03-28T01:00:00.000Z');
	});

	it('handles transitions at half hours (Australia/Adelaide)', () => {
		const adelaide = { timezone: 'Australia/Adelaide' };
		// 2021-10-03 02:00 ACST (+09:30) → 03:00 ACDT (+10:30), at 16:30 UTC
		expect(iso('2021-10-03 01:59', adelaide)).toBe('2021-10-02T16:29:00.000Z');
		expect(iso('2021-10-03 02:30', adelaide)).toBe('2021-10-02T17:00:00.000Z'); // gap
		expect(iso('2021-10-03 03:00', adelaide)).toBe('2021-10-02T16:30:00.000Z');
		// 2021-04-04 03:00 ACDT → 02:00 ACST, at 16:30 UTC; 02:30 twice → the first
		expect(iso('2021-04-04 02:30', adelaide)).toBe('2021-04-03T16:00:00.000Z');
		expect(iso('2021-04-04 03:00', adelaide)).toBe('2021-04-03T17:30:00.000Z');
	});

	it('agrees with Intl over a span of hours across both transitions', () => {
		const format = new Intl.DateTimeFormat('sv-SE', {
			timeZone: 'Europe/Amsterdam',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit'
		});
		// every 7 minutes through 2021: wall time of an instant → back to the same instant,
		// except the hour after 02:00 on the autumn day, which reads as the earlier one
		for (let t = Date.UTC(2021, 0, 1); t < Date.UTC(2022, 0, 1); t += 7 * 60_000) {
			const wall = format.format(t);
			const back = parseTimestamp(wall, AMS)!.getTime();
			if (back !== t) expect(t - back, wall).toBe(3_600_000);
		}
	});

	it('throws for an unknown time zone', () => {
		expect(() => parseTimestamp('2020-01-01', { timezone: 'Mars/Olympus' })).toThrow(RangeError);
	});
});

describe('isValidTimeZone', () => {
	it('knows IANA names', () => {
		expect(isValidTimeZone('Europe/Amsterdam')).toBe(true);
		expect(isValidTimeZone('America/New_York')).toBe(true);
		expect(isValidTimeZone('UTC')).toBe(true);
		expect(isValidTimeZone('Mars/Olympus')).toBe(false);
		expect(isValidTimeZone('')).toBe(false);
	});
});

describe('detectDayFirst', () => {
	it('decides the order of a column from unambiguous values', () => {
		expect(detectDayFirst(['01/02/2015', '25/12/2015'])).toBe(true);
		expect(detectDayFirst(['01/02/2015', '12/25/2015'])).toBe(false);
		expect(detectDayFirst(['01/02/2015 09:27:07 AM'])).toBe(false);
		expect(detectDayFirst(['30-12-2010 14:32'])).toBe(true);
		expect(detectDayFirst(['01/02/2015', '03/04/2015'])).toBeUndefined();
		expect(detectDayFirst(['25/12/2015', '12/25/2015'])).toBeUndefined();
		expect(detectDayFirst(['2015-12-25'])).toBeUndefined();
	});
});
