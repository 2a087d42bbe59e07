"""The core figures of an event log, computed with pandas from the CSV, as Koers defines them.

Usage: python3 pandas_figures.py <file.csv> <case column> <activity column> <timestamp column>
                                 <department column>

Prints one JSON line: the figures and the seconds taken (read_csv, then the computation), so
`npm run bench` can check them against Koers's and compare the time end to end.

Definitions (as in supabase/migrations/*_metrics.sql):
- events: one per (case, timestamp, activity); a repeated one counts once (the first);
- a case's events are ordered by timestamp, ties by their order in the file;
- lead time: last event minus first event, in hours; median (interpolated) and mean;
- a handoff: two consecutive events of a case whose departments (trimmed) are both non-empty
  and differ; by department: the count per (from, to);
- variants: distinct activity sequences.
"""

import json
import sys
import time

t_start = time.perf_counter()
import pandas as pd  # noqa: E402

t_imported = time.perf_counter()


def figures(path, case, activity, timestamp, department):
    df = pd.read_csv(
        path,
        usecols=[case, activity, timestamp, department],
        dtype={case: str, activity: str, timestamp: str, department: str},
        keep_default_na=False,
        na_values=[""],
    )
    t_read = time.perf_counter()
    df.columns = ["case", "activity", "ts", "dept"]
    df["case"] = df["case"].str.strip()
    df["activity"] = df["activity"].str.strip()
    df["ts"] = pd.to_datetime(df["ts"].str.strip(), utc=True)
    df = df.drop_duplicates(subset=["case", "ts", "activity"], keep="first")
    # by case, then time; ties keep the file's order (a stable sort)
    df = df.sort_values(["case", "ts"], kind="stable").reset_index(drop=True)

    per_case = df.groupby("case", sort=False)["ts"].agg(["min", "max"])
    lead_hours = (per_case["max"] - per_case["min"]).dt.total_seconds() / 3600

    dept = df["dept"].str.strip().replace("", pd.NA)
    prev = dept.shift(1)
    same_case = df["case"].eq(df["case"].shift(1))
    handoff = same_case & dept.notna() & prev.notna() & dept.ne(prev)
    matrix = (
        pd.DataFrame({"from": prev[handoff], "to": dept[handoff]})
        .groupby(["from", "to"])
        .size()
    )

    variants = df.groupby("case", sort=False)["activity"].agg(tuple).nunique()
    result = {
        "cases": int(per_case.shape[0]),
        "events": int(df.shape[0]),
        "leadMedianHours": float(lead_hours.median()),
        "leadMeanHours": float(lead_hours.mean()),
        "handoffs": int(handoff.sum()),
        "casesWithHandoff": int(df.loc[handoff, "case"].nunique()),
        "variants": int(variants),
        "handoffMatrix": [
            {"from": f, "to": t, "count": int(n)} for (f, t), n in matrix.items()
        ],
    }
    return result, t_read


if __name__ == "__main__":
    t0 = time.perf_counter()
    result, t_read = figures(*sys.argv[1:6])
    t1 = time.perf_counter()
    result["seconds"] = {
        "import": t_imported - t_start,
        "read": t_read - t0,
        "compute": t1 - t_read,
        "total": t1 - t0,
    }
    result["pandas"] = pd.__version__
    print("@@pandas " + json.dumps(result))
