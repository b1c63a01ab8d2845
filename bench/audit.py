"""Benchmark: copied-text detection over 100,000 texts (issue 6: "in seconds").

    python bench/audit.py [--texts 100000]

Writes a ledger of long, varied texts across 2,000 units with 50 planted copies (a few characters
changed), runs the audit's copied-text check and reports the time and what it found.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path

import numpy as np

from checklist.ledger import read_ledger
from checklist.workflow.audit import copied_texts

WORDS = [
    "学习贯彻",
    "意识形态",
    "工作责任制",
    "主体责任",
    "理论武装",
    "阵地建设",
    "舆情处置",
    "网络空间",
    "宣传思想",
    "专题研究",
    "党组会议",
    "基层党建",
    "政治建设",
    "作风建设",
    "警示教育",
    "风险隐患",
    "排查整改",
    "制度建设",
    "队伍建设",
    "台账管理",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texts", type=int, default=100_000)
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "texts.csv"
        with path.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(["单位", "日期", "活动类型", "主题"])
            originals = []
            for i in range(args.texts):
                text = "".join(rng.choice(WORDS, size=12)) + f"第{i}项"
                writer.writerow([f"单位{i % 2000}", "2024-06-01", "自检自查", text])
                if i % (args.texts // 50) == 0 and len(originals) < 50:
                    originals.append((i, text))
            for i, original in originals:  # copies with a few characters changed, in another unit
                writer.writerow([f"单位{(i + 1000) % 2000}", "2024-06-02", "自检自查", original[:-4] + "改动一项"])
        ledger = read_ledger(path)
        started = time.perf_counter()
        found = copied_texts(ledger)
        elapsed = time.perf_counter() - started
    print(f"texts {args.texts + 50}  copied pairs found {len(found)}  seconds {elapsed:.2f}")


if __name__ == "__main__":
    main()
