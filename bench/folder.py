"""A county's folder of 200 units' submissions against one merged file with the same rows (issue 12.6).

    python bench/folder.py                 # writes bench/data/folder200/ and the merged files, then times
    python bench/folder.py --files 200 --repeat 3

The folder mixes the shapes units send (see `write_folder`): UTF-8 CSV with a 单位 column, GBK CSV
with a 填报单位 line, single-sheet XLSX under a title row, XLSX with one sheet per quarter, and a
UTF-8-BOM CSV named after its unit. The merged files hold the same rows with a 单位 column.
Each is read and evaluated in-process (read_ledger + evaluate + JSON, read and evaluate timed apart),
then as the whole command a county runs (`checklist evaluate SOURCE -o result.json`, a fresh
process: imports, pack, read, evaluate, write), all in turns.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import xlsxwriter

sys.path.insert(0, str(Path(__file__).parent))
from generate import ACTIVITIES, EVIDENCE, people, unit_names

HEADER = ["序号", "日期", "活动类型", "主题", "参加人员", "佐证材料"]
QUARTERS = ["一季度", "二季度", "三季度", "四季度"]
SHAPES = ("csv-unit", "gbk-line", "xlsx-title", "xlsx-quarters", "csv-bom-name")


def unit_rows(rng: np.random.Generator, year: int, per_year: int) -> list[list[object]]:
    weights = np.array([a[1] for a in ACTIVITIES])
    kinds = rng.choice(len(ACTIVITIES), size=per_year, p=weights / weights.sum())
    days = np.sort(rng.integers(0, 365, size=per_year))
    names = people(rng, per_year)
    evidence = np.array(EVIDENCE)[rng.integers(0, len(EVIDENCE), size=per_year)]
    start = dt.date(year, 1, 1)
    return [
        [i + 1, start + dt.timedelta(days=int(d)), ACTIVITIES[k][0], ACTIVITIES[k][2].format(n=i + 1), p, e]
        for i, (k, d, p, e) in enumerate(zip(kinds, days, names, evidence, strict=True))
    ]


def _csv(path: Path, rows: list[list[object]], unit: str | None, encoding: str, line: str | None) -> None:
    with path.open("w", encoding=encoding, newline="") as out:
        writer = csv.writer(out)
        if line:
            writer.writerow([line])
        writer.writerow((["单位"] if unit else []) + HEADER)
        for r in rows:
            writer.writerow(([unit] if unit else []) + [r[0], r[1].isoformat(), *r[2:]])


def _xlsx(path: Path, sheets: dict[str, list[list[object]]], header: list[str], line: str | None) -> None:
    """One sheet per entry under a title row, then the 填报单位 `line` (if any) and the header."""
    book = xlsxwriter.Workbook(str(path))
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, [f"2024年度意识形态工作台账（{name}）"])
        if line:
            sheet.write_row(1, 0, [line])
        sheet.write_row(2, 0, header)
        for i, cells in enumerate(rows, start=3):
            for c, value in enumerate(cells):
                if isinstance(value, dt.date):
                    sheet.write_datetime(i, c, dt.datetime.combine(value, dt.time()), dates)
                else:
                    sheet.write(i, c, value)
    book.close()


def write_folder(folder: Path, files: int, per_year: int, seed: int) -> list[tuple[str, list[list[object]]]]:
    """`files` units' ledgers for 2024 in the five shapes, in turn; returns (unit, rows) for merging."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, unit in enumerate(unit_names(files)):
        rows = unit_rows(rng, 2024, per_year)
        shape = SHAPES[i % len(SHAPES)]
        if shape == "csv-unit":
            _csv(folder / f"{i:03d}.csv", rows, unit, "utf-8", None)
        elif shape == "gbk-line":
            _csv(folder / f"{i:03d}-gbk.csv", rows, None, "gbk", f"填报单位：{unit}")
        elif shape == "xlsx-title":
            _xlsx(folder / f"{i:03d}.xlsx", {"2024年": [[unit, *r] for r in rows]}, ["单位", *HEADER], None)
        elif shape == "xlsx-quarters":
            quarters = {q: [r for r in rows if (r[1].month - 1) // 3 == n] for n, q in enumerate(QUARTERS)}
            _xlsx(folder / f"{i:03d}-季度.xlsx", quarters, HEADER, f"填报单位：{unit}")
        else:
            _csv(folder / f"{unit}.csv", rows, None, "utf-8-sig", None)
        out.append((unit, rows))
    return out


def write_merged(path: Path, units: list[tuple[str, list[list[object]]]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["单位", *HEADER])
        for unit, rows in units:
            for r in rows:
                writer.writerow([unit, r[0], r[1].isoformat(), *r[2:]])


def write_merged_xlsx(path: Path, units: list[tuple[str, list[list[object]]]]) -> None:
    _xlsx(path, {"2024年": [[u, *r] for u, rows in units for r in rows]}, ["单位", *HEADER], None)


def timed(sources: dict[str, object], repeat: int) -> tuple[dict[str, tuple[float, float]], dict[str, object]]:
    """Median (read, evaluate) seconds of each source, measured in turns so that the machine's
    drift falls on all of them alike; and each one's result."""
    from checklist import evaluate, load_pack, read_ledger

    pack = load_pack("ideology-responsibility")
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in sources}
    results: dict[str, object] = {}
    for _ in range(repeat):
        for name, source in sources.items():
            start = time.perf_counter()
            ledger = read_ledger(source)
            read = time.perf_counter()
            result = evaluate(pack, ledger, year=2024, as_of=dt.date(2024, 12, 31))
            result.to_json_bytes()
            times[name].append((read - start, time.perf_counter() - read))
            results[name] = result
    medians = {
        name: (statistics.median(t[0] for t in runs), statistics.median(t[1] for t in runs))
        for name, runs in times.items()
    }
    return medians, results


def commands(sources: dict[str, Path | list[Path]], repeat: int) -> dict[str, float]:
    """Median wall time of `checklist evaluate SOURCE` as a county runs it (a fresh process each
    time, JSON written to a file), the sources in turns."""
    times: dict[str, list[float]] = {name: [] for name in sources}
    with tempfile.TemporaryDirectory() as out:
        for _ in range(repeat):
            for name, source in sources.items():
                paths = source if isinstance(source, list) else [source]
                argv = [sys.executable, "-m", "checklist", "evaluate", *map(str, paths), "--year", "2024"]
                argv += ["--as-of", "2024-12-31", "--fail-on", "never", "-o", str(Path(out) / "result.json")]
                start = time.perf_counter()
                subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--per-year", type=int, default=110, help="rows per unit (about a year of a unit's 台账)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", default=str(Path(__file__).parent / "data"))
    parser.add_argument("--no-commands", action="store_true", help="skip timing the whole command")
    args = parser.parse_args()
    data = Path(args.data)
    folder = data / f"folder{args.files}"
    units = write_folder(folder, args.files, args.per_year, args.seed)
    merged = data / f"folder{args.files}-merged.csv"
    write_merged(merged, units)
    merged_xlsx = data / f"folder{args.files}-merged.xlsx"
    write_merged_xlsx(merged_xlsx, units)
    # The same rows merged per format: the CSV units' rows as one CSV, the workbook units' rows as
    # one XLSX. Against these two files the folder's cost is that of being 200 files, not of its
    # formats; the workbook rows' XLSX alone is what parsing those rows costs at least.
    in_books = [SHAPES[i % len(SHAPES)].startswith("xlsx") for i in range(len(units))]
    texts, books = data / f"folder{args.files}-csv-part.csv", data / f"folder{args.files}-xlsx-part.xlsx"
    write_merged(texts, [u for u, book in zip(units, in_books, strict=True) if not book])
    write_merged_xlsx(books, [u for u, book in zip(units, in_books, strict=True) if book])
    rows = sum(len(r) for _u, r in units)
    sources: dict[str, Path | list[Path]] = {
        "folder": folder,
        "merged CSV": merged,
        "merged XLSX": merged_xlsx,
        "per format": [texts, books],
        "XLSX part": books,
    }
    medians, results = timed(dict(sources), args.repeat)
    scores = {name: {(u.unit, u.score) for u in r.units} for name, r in results.items()}  # type: ignore[attr-defined]
    same = all(scores[name] == scores["folder"] for name in ("merged CSV", "merged XLSX", "per format"))
    print(f"{args.files} files, {rows} rows ({sum(in_books)} files workbooks); the same unit scores from all: {same}")
    total = {name: sum(m) for name, m in medians.items()}
    for name, (read, evaluated) in medians.items():
        ratio = "" if name == "folder" else f"   folder / this = {total['folder'] / total[name]:.2f}x"
        print(f"{name:<12} {total[name]:6.2f} s (read {read:5.2f}, evaluate {evaluated:5.2f}){ratio}")
    if not args.no_commands:
        whole = commands(sources, args.repeat)
        print("`checklist evaluate SOURCE -o result.json`, a fresh process each:")
        for name, seconds in whole.items():
            ratio = "" if name == "folder" else f"   folder / this = {whole['folder'] / seconds:.2f}x"
            print(f"{name:<12} {seconds:6.2f} s{ratio}")


if __name__ == "__main__":
    main()
