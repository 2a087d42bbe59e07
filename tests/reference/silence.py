#!/usr/bin/env python3
"""Reference silence times for cross-checking Koers, computed independently of it: Python's
standard library only, straight from an event log, following DESIGN.md "Silence time".

  python3 tests/reference/silence.py ../shared/data/roadtraffic100traces.xes \
      --contact 'Send Fine' --contact 'Insert Fine Notification'

An event log's cases are closed: received = the first event, resolved = the last. Points =
received, every event whose activity is a contact (equal after trimming, ignoring case) strictly
inside (received, resolved), and resolved; the same instant is one point. Silence = the largest
gap between neighbouring points, in hours, and in working days: for each gap the days d with
a < d <= b (local dates in Europe/Amsterdam) that are Monday to Friday and no Dutch public
holiday (Algemene termijnenwet: Nieuwjaarsdag, Tweede Paasdag, Koningsdag/Koninginnedag,
Bevrijdingsdag, Hemelvaartsdag, Tweede Pinksterdag, Eerste and Tweede Kerstdag), the largest of
those. Prints JSON: {case id: [hours, working days]}.
"""
import argparse
import json
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).parent))
from figures import read_rows, read_xes  # noqa: E402  (only the file readers)

ZONE = ZoneInfo('Europe/Amsterdam')


def easter(year):  # Gauss's algorithm with Lichtenberg's correction (Gregorian)
    k = year // 100
    m = 15 + (3 * k + 3) // 4 - (8 * k + 13) // 25
    s = 2 - (3 * k + 3) // 4
    a = year % 19
    d = (19 * a + m) % 30
    r = (d + a // 11) // 29
    og = 21 + d - r
    sz = 7 - (year + year // 4 + s) % 7
    oe = 7 - (og - sz) % 7
    return date(year, 3, 1) + timedelta(days=og + oe - 1)


def holidays(year):
    e = easter(year)
    king = date(year, 4, 27) if year >= 2014 else date(year, 4, 30)
    if king.isoweekday() == 7:
        king -= timedelta(days=1)
    return {date(year, 1, 1), e + timedelta(days=1), king, date(year, 5, 5),
            e + timedelta(days=39), e + timedelta(days=50), date(year, 12, 25), date(year, 12, 26)}


def working_days(a, b):
    n, d = 0, a
    while d < b:
        d += timedelta(days=1)
        if d.isoweekday() < 6 and d not in holidays(d.year):
            n += 1
    return n


def main():
    p = argparse.ArgumentParser()
    p.add_argument('file')
    p.add_argument('--contact', action='append', default=[])
    args = p.parse_args()
    contacts = {c.strip().lower() for c in args.contact}
    rows = read_xes(args.file) if args.file.endswith('.xes') else read_rows(args.file)
    cases = {}
    for row in rows:
        t = datetime.fromisoformat(row['time:timestamp'])
        cases.setdefault(row['case:concept:name'], []).append((t, row['concept:name']))
    out = {}
    for case, events in cases.items():
        start = min(t for t, _ in events)
        end = max(t for t, _ in events)
        points = sorted({start, end} | {t for t, a in events
                                        if a.strip().lower() in contacts and start < t < end})
        gaps = list(zip(points, points[1:]))
        hours = max(((b - a).total_seconds() / 3600 for a, b in gaps), default=0)
        wd = max((working_days(a.astimezone(ZONE).date(), b.astimezone(ZONE).date())
                  for a, b in gaps), default=0)
        out[case] = [hours, wd]
    print(json.dumps(out))


main()
