"""Benchmark: ingestion and evaluation against a pyarrow read of the same file, in the same run.

    python bench/run.py                      # generates bench/data/*.csv on first use
    python bench/run.py --rows 100000        # a smaller ledger
    python bench/run.py --titles distinct    # every title different, as most units write them

Targets (issues 3 and 4): read_ledger <= 1.3x pyarrow.csv.read_csv; `checklist evaluate
--format json -o` <= 1.5x the pyarrow read; peak RSS <= 1.5x the file size. Figures are
ratios to a baseline measured here and now, never absolute seconds.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
OUT = HERE / "out"


def _ensure(rows: int | None, titles: str = "templates") -> Path:
    name = "big" if rows is None else f"rows{rows}"
    path = DATA / (name + ("-distinct" if titles == "distinct" else "") + ".csv")
    if not path.exists():
        DATA.mkdir(exist_ok=True)
        cmd = [
            sys.executable,
            str(HERE / "generate.py"),
            "--units",
            "1800",
            "--years",
            "2020-2024",
            "--seed",
            "1",
            "--titles",
            titles,
            "-o",
            str(path),
        ]
        if rows is not None:
            cmd += ["--rows", str(rows)]
        subprocess.run(cmd, check=True)
    return path


def _best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


_WRAPPER = """
import resource, subprocess, sys, time
started = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
elapsed = time.perf_counter() - started
print(code, elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def _child(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one command, measured by a fresh wrapper process
    (RUSAGE_CHILDREN is a maximum over all children ever waited for, so each gets its own)."""
    out = subprocess.run([sys.executable, "-c", _WRAPPER, *cmd], capture_output=True, text=True, check=True)
    code, elapsed, rss = out.stdout.split()
    if int(code) not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited {code}")
    scale = 1 if sys.platform == "darwin" else 1024
    return float(elapsed), int(rss) * scale


def _best_child(cmd: list[str], repeat: int) -> tuple[float, int]:
    runs = [_child(cmd) for _ in range(repeat)]
    return min(r[0] for r in runs), max(r[1] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, help="use a ledger of this many rows instead of the 1M-row one")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--titles",
        choices=["templates", "distinct"],
        default="templates",
        help="distinct: a ledger whose every title differs, as most units write them",
    )
    args = parser.parse_args()
    path = _ensure(args.rows, args.titles)
    size = path.stat().st_size
    OUT.mkdir(exist_ok=True)

    import pyarrow.csv as pacsv

    from checklist.ledger import read_ledger

    baseline = _best(lambda: pacsv.read_csv(path), args.repeat)
    ingest = _best(lambda: read_ledger(path), args.repeat)
    rows = read_ledger(path).rows

    py = sys.executable
    read_cmd = [py, "-c", f"import pyarrow.csv as c; c.read_csv({str(path)!r})"]
    eval_cmd = [
        py,
        "-m",
        "checklist",
        "evaluate",
        str(path),
        "--format",
        "json",
        "-o",
        str(OUT / "big.json"),
        "--as-of",
        "2024-12-31",
    ]
    read_wall, read_rss = _best_child(read_cmd, args.repeat)
    ingest_cmd = [py, "-c", f"from checklist.ledger import read_ledger; read_ledger({str(path)!r})"]
    _ingest_wall, ingest_rss = _best_child(ingest_cmd, 1)
    eval_wall, eval_rss = _best_child(eval_cmd, args.repeat)
    sample = HERE.parent / "fixtures" / "sample_ledger.csv"
    startup = None
    if sample.exists():
        small = [py, "-m", "checklist", "evaluate", str(sample), "--as-of", "2024-12-31"]
        startup = _best_child(small, args.repeat)[0]
    bare = _best_child([py, "-c", "pass"], args.repeat)[0]
    runs = [
        json.loads(
            subprocess.run(
                [py, str(HERE / "phases.py"), str(path), str(OUT / "phases.json")],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        for _ in range(args.repeat)
    ]
    phases = {key: sorted(r[key] for r in runs)[len(runs) // 2] for key in runs[0]}  # median of each

    figures = {
        "file": str(path.relative_to(HERE.parent)),
        "rows": rows,
        "file_mb": round(size / 2**20, 1),
        "pyarrow_read_s": round(baseline, 3),
        "read_ledger_s": round(ingest, 3),
        "ingest_ratio": round(ingest / baseline, 2),
        "pyarrow_read_process_s": round(read_wall, 3),
        "evaluate_process_s": round(eval_wall, 3),
        "evaluate_ratio": round(eval_wall / read_wall, 2),
        "evaluate_ratio_in_process_baseline": round(eval_wall / baseline, 2),
        "evaluate_peak_rss_mb": round(eval_rss / 2**20, 1),
        "rss_to_file_ratio": round(eval_rss / size, 2),
        "pyarrow_read_peak_rss_mb": round(read_rss / 2**20, 1),
        "read_ledger_peak_rss_mb": round(ingest_rss / 2**20, 1),
        "read_ledger_rss_to_file_ratio": round(ingest_rss / size, 2),
        "small_ledger_evaluate_s": round(startup, 3) if startup else None,
        "python_startup_s": round(bare, 3),
        "phases_median": phases,
    }
    (OUT / f"results-{path.stem}.json").write_text(json.dumps(figures, indent=2) + "\n")
    width = max(map(len, figures))
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    print(f"(this process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB)")


if __name__ == "__main__":
    main()
