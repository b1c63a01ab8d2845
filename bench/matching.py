"""Precision and recall of category matching on hand-labelled activity names (issue 12).

    python bench/matching.py [--rules ideology-responsibility] [--show] [--json]

`fixtures/activity_names.csv` holds activity names as clerks write them in a ledger whose only
column is 活动名称, each labelled by hand with the categories it should count for (or none). The
names are matched the way `evaluate` matches such a ledger (the name is the activity and the
title) and every (name, category) pair is scored. The `held_out` names were written and labelled
before any keyword was tuned and were never looked at while tuning: their figures are the honest
ones. `--show` lists every wrong pair.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import pyarrow as pa

from checklist.engine.match import Matcher, category_masks
from checklist.pack import load_pack

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "activity_names.csv"


def labelled(path: Path = FIXTURE) -> list[tuple[str, frozenset[str], str]]:
    """(name, expected category ids, set) per fixture row."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            (row["活动名称"], frozenset(c for c in row["expected"].split(";") if c), row["set"])
            for row in csv.DictReader(fh)
        ]


def predicted(rules: str, names: list[str]) -> list[frozenset[str]]:
    """The categories each name matches, by the column matcher (checked against the record matcher)."""
    pack = load_pack(rules)
    column = pa.array(names)
    masks = category_masks(pack, column, column)
    out = [frozenset(cid for cid, mask in masks.items() if mask[i]) for i in range(len(names))]
    matcher = Matcher(pack)
    for name, got in zip(names, out, strict=True):
        if frozenset(matcher.categories(name, name)) != got:
            raise SystemExit(f"column and record matchers disagree on {name!r}")
    return out


def score(pairs: list[tuple[frozenset[str], frozenset[str]]]) -> dict[str, float | int]:
    """Micro precision and recall over (name, category) pairs, and the share of names exactly right."""
    tp = sum(len(want & got) for want, got in pairs)
    fp = sum(len(got - want) for want, got in pairs)
    fn = sum(len(want - got) for want, got in pairs)
    exact = sum(want == got for want, got in pairs)
    return {
        "names": len(pairs),
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "exact": exact / len(pairs) if pairs else 1.0,
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def per_category(pairs: list[tuple[frozenset[str], frozenset[str]]], cids: list[str]) -> dict[str, dict]:
    return {cid: score([(want & {cid}, got & {cid}) for want, got in pairs]) for cid in cids}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", default="ideology-responsibility")
    parser.add_argument("--show", action="store_true", help="list every wrong (name, category) pair")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = labelled()
    got = predicted(args.rules, [name for name, _, _ in rows])
    cids = list(load_pack(args.rules).categories)
    report: dict[str, dict] = {}
    for part in ("tune", "held_out", "fresh", "all"):
        pairs = [(want, g) for (_, want, s), g in zip(rows, got, strict=True) if part in ("all", s)]
        report[part] = {"total": score(pairs), "categories": per_category(pairs, cids)}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        for part, figures in report.items():
            t = figures["total"]
            print(
                f"{part:9} {t['names']:4} names  precision {t['precision']:.1%}  recall {t['recall']:.1%}  "
                f"exact {t['exact']:.1%}  (tp {t['tp']}, fp {t['fp']}, fn {t['fn']})"
            )
        print("\nper category (all names):")
        for cid, c in report["all"]["categories"].items():
            print(f"  {cid:28} precision {c['precision']:6.1%}  recall {c['recall']:6.1%}  (tp {c['tp']})")
    if args.show:
        for (name, want, part), g in zip(rows, got, strict=True):
            if want != g:
                missing, extra = sorted(want - g), sorted(g - want)
                print(f"[{part}] {name}: missing {missing} extra {extra}")


if __name__ == "__main__":
    main()
