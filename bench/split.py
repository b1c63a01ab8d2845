"""`--split-by unit` against one whole-county report of the same format (issue 13: at most 3×).

    python bench/split.py                      # 200 units, one year, every format
    python bench/split.py --units 200 --formats html,xlsx --repeat 3

Generates a seeded 200-unit ledger with bench/generate.py (one year, ~110 rows a unit), evaluates it
once with a units list, then times, per format, rendering the whole county into one report and
rendering the split (200 reports, each written to a folder), best of --repeat runs. Also times the
通报 (bulletin) DOCX. Prints one JSON object; the ratio split ÷ whole is what to compare.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent


def _ledger(units: int, folder: Path) -> tuple[Path, Path]:
    ledger = folder / f"county{units}.csv"
    subprocess.run(
        [sys.executable, str(HERE / "generate.py"), "--units", str(units), "--years", "2024-2024", "-o", str(ledger)],
        check=True,
        capture_output=True,
    )
    import pyarrow.csv as pacsv

    names = sorted(set(pacsv.read_csv(ledger)["单位"].to_pylist()))
    listed = folder / "units.csv"
    parents = ["县委", "县政府", "县人大", "县政协", "城关镇", "东城乡"]
    lines = ["unit,type,parent,established,dissolved"]
    lines += [f"{n},office,{parents[i % len(parents)]},," for i, n in enumerate(names)]
    lines += [f"未报送单位{i},office,县政府,," for i in range(3)]  # listed, no rows: 未报送
    listed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ledger, listed


def _best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--formats", default="table,json,markdown,html,xlsx,docx,junit")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from checklist.engine import evaluate
    from checklist.ledger import read_ledger
    from checklist.ledger.side import read_units
    from checklist.pack import load_pack
    from checklist.render import RenderOptions, render, render_split
    from checklist.render.bulletin import render_bulletin

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ledger_path, units_path = _ledger(args.units, folder)
        ledger = read_ledger(str(ledger_path))
        result = evaluate(
            load_pack("ideology-responsibility"),
            ledger,
            year=2024,
            as_of=dt.date(2024, 12, 31),
            unit_list=read_units(str(units_path)),
            group_by="parent",
        )
        rows = dict(zip(ledger.table["row"].to_pylist(), ledger.table["unit"].to_pylist(), strict=True))
        options = RenderOptions(lang="zh")
        out: dict[str, object] = {
            "units": len(result.units),
            "rows": result.input.rows,
            "findings": len(result.findings),
        }
        for fmt in args.formats.split(","):
            target = folder / fmt
            target.mkdir()

            def whole(fmt: str = fmt, target: Path = target) -> None:
                data = render(result, fmt, options)
                (target / "whole").write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))

            def split(fmt: str = fmt, target: Path = target) -> None:
                for name, data in render_split(result, fmt, options, rows):
                    (target / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))

            one, many = _best(whole, args.repeat), _best(split, args.repeat)
            out[fmt] = {"whole_s": round(one, 3), "split_s": round(many, 3), "ratio": round(many / one, 2)}
        out["bulletin_s"] = round(_best(lambda: render_bulletin(result, options), args.repeat), 3)
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
