#!/usr/bin/env python3
"""Reference figures for cross-checking Koers, computed independently of it: Python's standard
library only, straight from the source file, following DESIGN.md "Metric definitions".

  python3 tests/reference/figures.py ../shared/data/receipt.csv --shape event
  python3 tests/reference/figures.py ../shared/data/running-example.csv --shape event --dept org:resource
  python3 tests/reference/figures.py ../shared/data/running-example.xes --shape event --dept org:resource
  python3 tests/reference/figures.py ../shared/data/boston311_2015_Abandoned_Vehicles.csv --shape case

Event logs (one row per event; pm4py's column names; an XES file is read as pm4py turns it into
rows: each <event>'s attributes, and its <trace>'s concept:name as case:concept:name):
  cases     distinct case:concept:name
  events    rows (every row is an event, also two alike)
  lead time first → last event of a case, in hours (all cases: a log has no open cases)
  handoffs  consecutive events of a case (by time:timestamp, ties in file order) whose
            department column (--dept, default org:group) is non-empty in both and differs
  variants  distinct activity (concept:name) sequences in that order
  handoff waits  per handoff, the time from its first event to its second, in hours
  arrivals  per case, its first event's time in Europe/Amsterdam: ISO weekday and hour, per
            case:channel (none in most logs)
Boston 311 (one row per request; US local times without a zone, America/New_York):
  lead time CLOSED_DT − OPEN_DT in hours, closed requests only (real elapsed time, so across a
            DST change the hour counts as it passed)
  bySource  CLOSURE_REASON marks a duplicate: contains "duplica" or "dubbel", any case (the rule
            Koers's importer documents for a free-text duplicate column)
  byRule    an earlier request (OPEN_DT strictly earlier) with the same TYPE and Location was
            opened at most 30 days before (wall-clock local time; an empty Location never matches)
  total     the union; repeatRate = total / requests
  events, handoffs, variants: 0 (a file of requests has no events)
  arrivals  per Source (the channel), ISO weekday and hour of OPEN_DT in America/New_York, with
            how many of them are repeats (the union above); a time that does not exist (the
            spring change) counts as standard time, as PostgreSQL reads it
Percentiles interpolate linearly between the two nearest ranks (PostgreSQL percentile_cont).
Prints JSON.
"""
import argparse
import csv
import json
import statistics
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo


def distribution(values):
    values = sorted(values)
    if not values:
        return {'count': 0, 'mean': None, 'median': None, 'p85': None, 'p95': None}
    if len(values) == 1:
        cuts = [values[0]] * 99
    else:
        cuts = statistics.quantiles(values, n=100, method='inclusive')  # linear interpolation
    return {
        'count': len(values),
        'mean': statistics.fmean(values),
        'median': statistics.median(values),
        'p85': cuts[84],
        'p95': cuts[94],
    }


def read_rows(path):
    with open(path, newline='', encoding='utf-8-sig') as f:
        return list(csv.DictReader(f))


def read_xes(path):
    """Each <event> of each <trace> as a row of its attributes (nested ones left out), in file
    order, with the trace's concept:name as case:concept:name; events outside a trace skipped."""
    rows, trace, case, depth = [], [], None, 0
    for action, el in ET.iterparse(path, events=('start', 'end')):
        if action == 'start':
            depth += 1
            continue
        depth -= 1  # the depth of el's parent: 1 = <log>, 2 = <trace>
        tag = el.tag.rsplit('}', 1)[-1]
        if depth == 2 and tag == 'event':
            trace.append({a.get('key'): a.get('value') for a in el if a.get('key') is not None})
        elif depth == 2 and el.get('key') == 'concept:name':
            case = el.get('value')
        elif depth == 1 and tag == 'trace':
            rows.extend({**row, 'case:concept:name': case} for row in trace)
            trace, case = [], None
        if depth <= 2:
            el.clear()
    return rows


def event_log(path, dept_column, blank):
    rows = read_xes(path) if path.endswith('.xes') else read_rows(path)
    cases = defaultdict(list)  # case id → [(timestamp, file position, row)]
    for position, row in enumerate(rows):
        cases[row['case:concept:name']].append(
            (datetime.fromisoformat(row['time:timestamp']), position, row)
        )
    has_dept = any(dept_column in row for row in rows)
    lead_hours, variants = [], Counter()
    handoffs, cases_with_handoff, matrix = 0, 0, Counter()
    waits, arrivals = [], Counter()
    amsterdam = ZoneInfo('Europe/Amsterdam')
    for events in cases.values():
        events.sort(key=lambda e: (e[0], e[1]))  # by time, ties in file order
        lead_hours.append((events[-1][0] - events[0][0]).total_seconds() / 3600)
        variants[tuple(e[2]['concept:name'] for e in events)] += 1
        first = events[0][0]
        if first.tzinfo is None:
            first = first.replace(tzinfo=amsterdam)
        first = first.astimezone(amsterdam)
        channel = (events[0][2].get('case:channel') or '').strip() or None
        arrivals[(channel, first.isoweekday(), first.hour)] += 1
        if has_dept:
            depts = [(e[2].get(dept_column) or '').strip() for e in events]
            depts = ['' if d in blank else d for d in depts]
            pairs = [(a, b) for a, b in zip(depts, depts[1:]) if a and b and a != b]
            waits.extend(
                (e2[0] - e1[0]).total_seconds() / 3600
                for (e1, a), (e2, b) in zip(zip(events, depts), zip(events[1:], depts[1:]))
                if a and b and a != b
            )
            handoffs += len(pairs)
            cases_with_handoff += bool(pairs)
            matrix.update(pairs)
    top = sorted(variants.items(), key=lambda v: (-v[1], v[0]))[:10]
    return {
        'file': path,
        'shape': 'event',
        'cases': len(cases),
        'events': len(rows),
        'leadTimeHours': distribution(lead_hours),
        'departmentColumn': dept_column if has_dept else None,
        'handoffs': handoffs if has_dept else None,
        'casesWithHandoff': cases_with_handoff if has_dept else None,
        'handoffMatrix': [
            {'from': a, 'to': b, 'count': n}
            for (a, b), n in sorted(matrix.items(), key=lambda m: (-m[1], m[0]))
        ],
        'variants': {
            'count': len(variants),
            'top': [{'activities': list(seq), 'cases': n} for seq, n in top],
        },
        'handoffWaitHours': distribution(waits),
        'arrivals': arrival_cells(arrivals, Counter()),
    }


def arrival_cells(arrivals, repeats):
    return [
        {'channel': c, 'weekday': d, 'hour': h, 'arrivals': n, 'repeats': repeats[(c, d, h)]}
        for (c, d, h), n in sorted(arrivals.items(), key=lambda a: (a[0][0] or '', a[0][1], a[0][2]))
    ]


def boston(path, window_days=30):
    zone = ZoneInfo('America/New_York')
    rows = read_rows(path)

    def local(text):  # 'MM/DD/YYYY hh:mm:ss AM', naive local time
        return datetime.strptime(text.strip(), '%m/%d/%Y %I:%M:%S %p') if text.strip() else None

    lead_hours, by_source, by_rule = [], set(), set()
    opened = defaultdict(list)  # (TYPE, Location) → [(local open time, row number)]
    for i, row in enumerate(rows):
        start, end = local(row['OPEN_DT']), local(row['CLOSED_DT'])
        if end is not None:
            # to UTC first: Python subtracts two times of the same zone as wall-clock times
            elapsed = end.replace(tzinfo=zone).astimezone(timezone.utc) - start.replace(
                tzinfo=zone
            ).astimezone(timezone.utc)
            lead_hours.append(elapsed.total_seconds() / 3600)
        reason = row['CLOSURE_REASON'].lower()
        if 'duplica' in reason or 'dubbel' in reason:
            by_source.add(i)
        if row['Location'].strip():
            opened[(row['TYPE'].strip(), row['Location'].strip())].append((start, i))
    window = timedelta(days=window_days)
    for requests in opened.values():
        for start, i in requests:  # quadratic per key, but keys are small: obviously correct
            if any(start - window <= other < start for other, _ in requests):
                by_rule.add(i)
    total = by_rule | by_source
    arrivals, repeats = Counter(), Counter()
    for i, row in enumerate(rows):
        start = local(row['OPEN_DT'])
        if start is None:
            continue
        # fold=0: an hour that happens twice is its first time; one that does not exist is
        # read with the offset before the change (standard time), as PostgreSQL does
        at = start.replace(tzinfo=zone).astimezone(timezone.utc).astimezone(zone)
        cell = (row['Source'].strip() or None, at.isoweekday(), at.hour)
        arrivals[cell] += 1
        repeats[cell] += i in total
    return {
        'file': path,
        'shape': 'case',
        'cases': len(rows),
        'closed': len(lead_hours),
        'open': len(rows) - len(lead_hours),
        'leadTimeHours': distribution(lead_hours),
        'repeats': {'byRule': len(by_rule), 'bySource': len(by_source), 'total': len(total)},
        'repeatRate': len(total) / len(rows) if rows else None,
        'events': 0,
        'handoffs': 0,
        'casesWithHandoff': 0,
        'variants': {'count': 0, 'top': []},
        'arrivals': arrival_cells(arrivals, repeats),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('file')
    parser.add_argument('--shape', choices=['event', 'case'], required=True)
    parser.add_argument('--dept', default='org:group', help='department column of an event log')
    parser.add_argument(
        '--blank', action='append', default=[], help='a department value to treat as empty'
    )
    args = parser.parse_args()
    if args.shape == 'event':
        result = event_log(args.file, args.dept, set(args.blank))
    else:
        result = boston(args.file)
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == '__main__':
    main()
