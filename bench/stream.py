"""Benchmark: the streaming monitor's throughput and alert latency.

    python bench/stream.py [--rows 100000]

Feeds rows of the generated ledger (bench/data/big.csv, made by generate.py on first use) one
at a time through the monitor and its durable-rules alert rules, with the simulated clock, and
reports records per second and the latency from a record's arrival to its alerts (p50, p99).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import statistics
import subprocess
import sys
import time
from pathlib import Path

from checklist.pack import load_pack
from checklist.stream.alerts import AlertRules
from checklist.stream.monitor import Monitor, record_day

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    path = HERE / "data" / "big.csv"
    if not path.exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "-o", str(path)], check=True)
    pack = load_pack("ideology-responsibility")
    monitor = Monitor(pack, dt.date(2020, 1, 1), dt.date(2024, 12, 31))
    rules = AlertRules()
    latencies, alerts = [], 0
    with path.open(encoding="utf-8") as stream:
        reader = csv.DictReader(stream)
        started = time.perf_counter()
        for number, record in enumerate(itertools.islice(reader, args.rows), start=2):
            t0 = time.perf_counter()
            day = record_day(record)
            changes = monitor.advance(day, 7) if day else []
            changes += monitor.feed(record, number)
            alerts += sum(len(rules.judge(c)) for c in changes)
            latencies.append(time.perf_counter() - t0)
        elapsed = time.perf_counter() - started
    latencies.sort()
    print(f"records {args.rows}  seconds {elapsed:.2f}  records/s {args.rows / elapsed:,.0f}  alerts {alerts}")
    print(
        f"latency per record: p50 {statistics.median(latencies) * 1e3:.2f} ms  "
        f"p99 {latencies[int(len(latencies) * 0.99)] * 1e3:.2f} ms  max {latencies[-1] * 1e3:.1f} ms"
    )


if __name__ == "__main__":
    main()
