"""Where one `checklist evaluate --format json -o` run spends its time, phase by phase.

    python bench/phases.py LEDGER OUT.json      # prints one JSON object of seconds

Run as a fresh process by run.py, so every phase is timed as a real command meets it: imports
not yet loaded, memory not yet touched. The phases are the library calls the command makes.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import resource
import sys
import time


def main() -> None:
    ledger_path, out_path = sys.argv[1], sys.argv[2]
    gc.disable()  # as the command does
    clock = time.perf_counter
    marks: dict[str, float] = {}
    started = clock()
    from checklist.engine import evaluate
    from checklist.ledger import read_ledger
    from checklist.pack import load_packs

    marks["imports_s"] = clock() - started
    step = clock()
    pack = load_packs(["ideology-responsibility"])
    marks["pack_s"] = clock() - step
    step = clock()
    ledger = read_ledger(ledger_path)
    marks["read_s"] = clock() - step
    step = clock()
    result = evaluate(pack, ledger, as_of=dt.date(2024, 12, 31))
    marks["evaluate_s"] = clock() - step
    step = clock()
    data = result.to_json_bytes()
    marks["serialise_s"] = clock() - step
    step = clock()
    with open(out_path, "wb") as out:
        out.write(data)
    marks["write_s"] = clock() - step
    marks["total_s"] = clock() - started
    marks["findings"] = len(result.findings)
    marks["json_mb"] = round(len(data) / 2**20, 1)
    marks["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in marks.items()}))


if __name__ == "__main__":
    main()
