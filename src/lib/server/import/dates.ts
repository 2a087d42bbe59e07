/**
 * Timestamps as they come out of real exports, to instants.
 *
 * Accepted forms (surrounding whitespace ignored, `T`/`Z`/`AM`/`PM` in any case):
 * - ISO 8601: `2011-10-11T13:45:40Z`, `2011-10-11 13:45:40.276000+02:00` (space or `T`, any
 *   number of fraction digits after `.` or `,`, offset `Z`, `±hh:mm`, `±hhmm` or `±hh`),
 *   `2011-10-11 13:45` (no seconds) and `2010-12-30` (date only = midnight). Year-first with
 *   slashes (`2015/01/02`), one-digit month/day and a trailing AM/PM are accepted too. Year
 *   first is always year-month-day; only this form takes an offset.
 * - Day/month/year with `-`, `/` or `.` and a four-digit year, optionally followed by a time
 *   `h:mm[:ss[.fff]]` and `AM`/`PM`: Dutch `30-12-2010 14:32`, `30/12/2010`, US
 *   `01/02/2015 09:27:07 AM`. Which number is the day: with `AM`/`PM` the month comes first
 *   (US); with `.` the day comes first; otherwise `dayFirst` decides (default true, Dutch).
 *   A date that is impossible in the chosen order (13/02/2015 with dayFirst false) is null:
 *   the order of a column is decided once for the column ({@link detectDayFirst}), never per
 *   row.
 *
 * A time without an offset is wall-clock time in `timezone` (IANA name). Daylight saving time
 * follows the zone's rules, with the same choice as Temporal's `disambiguation: 'compatible'`
 * (and java.time, moment-timezone):
 * - a wall time that does not exist (Europe/Amsterdam 2021-03-28 02:30, in the spring-forward
 *   gap) is moved forward by the length of the gap: 03:30 CEST = 01:30Z;
 * - a wall time that occurs twice (2021-10-31 02:30) is the earlier of the two, still in
 *   summer time: 02:30 CEST = 00:30Z.
 *
 * Anything unparseable or impossible (31-02-2020, 25:00, 10:61, 13 PM) is null.
 * Years 0000–9999 only; two-digit years are not guessed.
 */

export interface TimestampOptions {
	/** IANA time zone for times without an offset, e.g. 'Europe/Amsterdam'. */
	timezone: string;
	/** For `01/02/2015` without AM/PM: true (default) = 1 February, false = 2 January. */
	dayFirst?: boolean;
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
	if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
	return DAYS_IN_MONTH[month - 1];
}

/** Date.UTC that also means years 0–99 literally (Date.UTC maps them to 1900–1999). */
function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number) {
	if (y >= 100) return Date.UTC(y, mo - 1, d, h, mi, s, ms);
	const date = new Date(Date.UTC(2000, mo - 1, d, h, mi, s, ms));
	date.setUTCFullYear(y);
	return date.getTime();
}

/** Reads up to `max` ASCII digits at `pos`; returns their value, or -1 if there are none. */
function digits(text: string, max: number): number {
	let value = 0;
	let count = 0;
	while (count < max) {
		const c = text.charCodeAt(pos) - 48;
		if (!(c >= 0 && c <= 9)) break;
		value = value * 10 + c;
		pos++;
		count++;
	}
	digitCount = count;
	return count === 0 ? -1 : value;
}

/** Scanner state for {@link parseTimestamp} (module-level: the parser is synchronous). */
let pos = 0;
let digitCount = 0;

function skipSpaces(text: string) {
	let c = text.charCodeAt(pos);
	while (c === 32 || c === 9) c = text.charCodeAt(++pos);
}

/**
 * Parses one timestamp (see the module comment for the forms). Returns null when the text is
 * not a timestamp or names an impossible moment. Throws a RangeError when `timezone` is not a
 * valid IANA zone (check it once with {@link isValidTimeZone}).
 */
export function parseTimestamp(text: string, options: TimestampOptions): Date | null {
	const zone = zoneOf(options.timezone);
	const s = text.trim();
	const n = s.length;
	pos = 0;
	let y: number, mo: number, d: number;
	let h = 0,
		mi = 0,
		sec = 0,
		ms = 0;
	let offsetMs: number | undefined;

	const first = digits(s, 4);
	if (first < 0) return null;
	const yearFirst = digitCount === 4;
	if (!yearFirst && digitCount > 2) return null;
	const sep = s.charCodeAt(pos); // '-' 45, '/' 47, '.' 46
	if (!(sep === 45 || sep === 47 || (sep === 46 && !yearFirst))) return null;
	pos++;
	const second = digits(s, 2);
	if (second < 0 || s.charCodeAt(pos) !== sep) return null;
	pos++;
	const third = digits(s, 4);
	if (third < 0 || (yearFirst ? digitCount > 2 : digitCount !== 4)) return null;

	let ampm = 0; // 1 = AM, 2 = PM
	if (pos < n) {
		const t = s.charCodeAt(pos);
		if (t !== 84 && t !== 116 && t !== 32) return null; // 'T', 't', ' '
		pos++;
		skipSpaces(s);
		h = digits(s, 2);
		if (h < 0 || s.charCodeAt(pos) !== 58) return null; // ':'
		pos++;
		mi = digits(s, 2);
		if (mi < 0 || digitCount !== 2) return null;
		if (s.charCodeAt(pos) === 58) {
			pos++;
			sec = digits(s, 2);
			if (sec < 0 || digitCount !== 2) return null;
			const f = s.charCodeAt(pos);
			if (f === 46 || f === 44) {
				// fraction after '.' or ',': milliseconds, further digits truncated
				pos++;
				const start = pos;
				let c = s.charCodeAt(pos) - 48;
				while (c >= 0 && c <= 9) c = s.charCodeAt(++pos) - 48;
				if (pos === start) return null;
				ms = +(s.slice(start, Math.min(pos, start + 3)) + '00').slice(0, 3);
			}
		}
		skipSpaces(s);
		if (pos < n) {
			const c = s.charCodeAt(pos);
			if (c === 65 || c === 97 || c === 80 || c === 112) {
				// 'A', 'a', 'P', 'p', then an optional '.', 'M' or 'm', an optional '.'
				ampm = c === 65 || c === 97 ? 1 : 2;
				pos++;
				if (s.charCodeAt(pos) === 46) pos++;
				const m = s.charCodeAt(pos);
				if (m !== 77 && m !== 109) return null;
				pos++;
				if (s.charCodeAt(pos) === 46) pos++;
			} else if (!yearFirst) return null;
			else if (c === 90 || c === 122) {
				// 'Z', 'z'
				offsetMs = 0;
				pos++;
			} else if (c === 43 || c === 45) {
				// '+', '-'
				pos++;
				const oh = digits(s, 2);
				if (oh < 0 || digitCount !== 2 || oh > 23) return null;
				let om = 0;
				if (pos < n) {
					if (s.charCodeAt(pos) === 58) pos++;
					om = digits(s, 2);
					if (om < 0 || digitCount !== 2 || om > 59) return null;
				}
				offsetMs = (c === 45 ? -1 : 1) * (oh * 60 + om) * 60_000;
			} else return null;
			if (pos !== n) return null;
		}
	}

	if (yearFirst) {
		y = first;
		mo = second;
		d = third;
	} else {
		y = third;
		const dayFirst = ampm ? false : sep === 46 ? true : (options.dayFirst ?? true);
		d = dayFirst ? first : second;
		mo = dayFirst ? second : first;
	}
	if (ampm) {
		if (h > 12) return null;
		if (h === 12) h = ampm === 2 ? 12 : 0;
		else if (ampm === 2) h += 12;
	}

	if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo)) return null;
	if (h > 23 || mi > 59 || sec > 59) return null;
	const wall = utc(y, mo, d, h, mi, sec, ms);
	if (offsetMs !== undefined) return new Date(wall - offsetMs);
	return new Date(zone.toInstant(wall));
}

/** True when `zone` is an IANA time zone name this runtime knows (e.g. 'Europe/Amsterdam'). */
export function isValidTimeZone(zone: string): boolean {
	if (typeof zone !== 'string' || zone === '') return false;
	try {
		zoneOf(zone);
		return true;
	} catch {
		return false;
	}
}

/**
 * Decides the day/month order of a column of slash or dash dates from sample values:
 * true when some value can only be day-first (`25/12/2015`), false when some value can only
 * be month-first (`12/25/2015`, or any value with AM/PM), undefined when the samples do not
 * tell (all ambiguous, none in that form, or contradictory).
 */
export function detectDayFirst(samples: Iterable<string>): boolean | undefined {
	let dayFirst = false;
	let monthFirst = false;
	for (const sample of samples) {
		const m = /^\s*(\d{1,2})([-/])(\d{1,2})[-/]\d{4}\b(.*)$/.exec(sample);
		if (!m) continue;
		if (/[AaPp]\.?[Mm]\.?\s*$/.test(m[4])) monthFirst = true;
		else if (+m[1] > 12 && +m[3] <= 12) dayFirst = true;
		else if (+m[3] > 12 && +m[1] <= 12) monthFirst = true;
	}
	if (dayFirst === monthFirst) return undefined;
	return dayFirst;
}

// ---------------------------------------------------------------------------------------------
// Time zones: UTC offset at an instant from Intl, cached per zone and UTC hour.

const MAX_CACHE = 250_000;

class Zone {
	private format: Intl.DateTimeFormat;
	/** UTC hour number → offset in ms, for hours with one offset throughout. */
	private hours = new Map<number, number>();
	/** Wall-clock hour number → offset in ms, for hours far from any transition. */
	private wallHours = new Map<number, number>();
	private lastWallHour = NaN;
	private lastWallOffset = 0;

	constructor(name: string) {
		// Throws a RangeError for an unknown zone.
		this.format = new Intl.DateTimeFormat('en-US', {
			timeZone: name,
			hourCycle: 'h23',
			era: 'short',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric'
		});
	}

	/** Offset (local − UTC, in ms) at an instant, straight from Intl. */
	private compute(instant: number): number {
		const whole = Math.floor(instant / 1000) * 1000;
		let y = 0,
			mo = 1,
			d = 1,
			h = 0,
			mi = 0,
			s = 0,
			bc = false;
		for (const part of this.format.formatToParts(whole)) {
			switch (part.type) {
				case 'year':
					y = +part.value;
					break;
				case 'month':
					mo = +part.value;
					break;
				case 'day':
					d = +part.value;
					break;
				case 'hour':
					h = +part.value;
					break;
				case 'minute':
					mi = +part.value;
					break;
				case 'second':
					s = +part.value;
					break;
				case 'era':
					bc = part.value === 'BC' || part.value === 'B';
			}
		}
		if (bc) y = 1 - y;
		return utc(y, mo, d, h, mi, s, 0) - whole;
	}

	/**
	 * Offset at an instant. An hour is cached when its first and last millisecond have the
	 * same offset (transitions fall on whole UTC hours in most zones, but not in all: half-hour
	 * zones, historical local mean time); the rare hour with a transition is computed exactly.
	 */
	offsetAt(instant: number): number {
		const hour = Math.floor(instant / HOUR);
		const cached = this.hours.get(hour);
		if (cached !== undefined) return cached;
		const start = this.compute(hour * HOUR);
		const end = this.compute(hour * HOUR + HOUR - 1);
		if (start !== end) return this.compute(instant);
		if (this.hours.size >= MAX_CACHE) this.hours.clear();
		this.hours.set(hour, start);
		return start;
	}

	/**
	 * The instant of a wall-clock time (given as if it were UTC), Temporal 'compatible'.
	 * Cached per wall-clock hour when the offset is the same a day either side of that hour.
	 */
	toInstant(wall: number): number {
		const hour = Math.floor(wall / HOUR);
		if (hour === this.lastWallHour) return wall - this.lastWallOffset;
		let offset = this.wallHours.get(hour);
		if (offset === undefined) {
			const start = hour * HOUR;
			const end = start + HOUR - 1;
			const before = this.offsetAt(start - DAY);
			if (
				before !== this.offsetAt(end + DAY) ||
				before !== this.offsetAt(start - before) ||
				before !== this.offsetAt(end - before)
			)
				return this.nearTransition(wall);
			if (this.wallHours.size >= MAX_CACHE) this.wallHours.clear();
			this.wallHours.set(hour, before);
			offset = before;
		}
		this.lastWallHour = hour;
		this.lastWallOffset = offset;
		return wall - offset;
	}

	/** A wall time near a transition: the earliest instant that fits, or for a gap the later. */
	private nearTransition(wall: number): number {
		const before = this.offsetAt(wall - DAY);
		const after = this.offsetAt(wall + DAY);
		const first = wall - before;
		const second = wall - after;
		const firstFits = this.offsetAt(first) === before;
		const secondFits = this.offsetAt(second) === after;
		if (firstFits && secondFits) return Math.min(first, second);
		if (secondFits && !firstFits) return second;
		// `first` fits, or neither does — a gap: read the time with the offset from before the
		// transition, which moves it forward by the length of the gap.
		return first;
	}
}

const zones = new Map<string, Zone>();

function zoneOf(name: string): Zone {
	let zone = zones.get(name);
	if (!zone) {
		zone = new Zone(name);
		zones.set(name, zone);
	}
	return zone;
}
