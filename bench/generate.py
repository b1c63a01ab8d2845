"""Seeded generator of realistic ledgers (台账) in the shipped packs' vocabulary, for the benchmark.

    python bench/generate.py --units 1800 --years 2020-2024 --seed 1 -o bench/data/big.csv
    python bench/generate.py --units 1800 --years 2020-2024 --rows 100000 -o bench/data/rows100000.csv

About 110 rows per unit-year, so 1,800 units × 5 years ≈ 1,000,000 rows; written in chunks.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

HEADER = ["序号", "单位", "日期", "活动类型", "主题", "参加人员", "佐证材料", "登记日期", "学时"]
# (activity as written, relative frequency per unit-year, title template)
# (activity as written, relative frequency per unit-year, title template): the shipped
# ideology pack's labels and aliases, as units write them, plus ~3% types no rule knows.
ACTIVITIES = [
    ("专题研究意识形态工作", 10.0, "党组会专题研究部署意识形态工作({n})"),
    ("专题研究", 6.0, "专题研究意识形态工作({n})"),
    ("形势政策教育", 6.0, "形势政策报告会({n})"),
    ("形势与政策教育", 4.0, "形势与政策专题教育({n})"),
    ("意识形态知识学习", 26.0, "意识形态知识专题学习({n})"),
    ("意识形态学习", 10.0, "学习意识形态工作责任制实施细则({n})"),
    ("意识形态工作自检自查", 8.0, "意识形态工作责任制落实情况自查({n})"),
    ("自检自查", 4.0, "意识形态领域风险隐患自查({n})"),
    ("向上级汇报意识形态工作", 8.0, "向县委宣传部汇报意识形态工作({n})"),
    ("向上级汇报", 4.0, "半年意识形态工作汇报({n})"),
    ("党内通报意识形态领域情况", 5.0, "通报意识形态领域情况({n})"),
    ("党内通报", 3.0, "党内通报({n})"),
    ("民主生活会", 5.0, "领导班子专题民主生活会({n})"),
    ("新媒体培训", 4.0, "新媒体运用能力培训({n})"),
    ("新媒体运用能力培训", 2.0, "网评员队伍培训({n})"),
    ("意识形态领域重大情况", 1.5, "网络负面舆情({n})"),
    ("重大情况报告", 1.5, "舆情专报({n})"),
    ("篮球赛", 1.7, "职工篮球赛({n})"),
    ("植树活动", 1.6, "义务植树({n})"),
]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞"]
EVIDENCE = ["会议纪要", "签到表", "照片", "通知文件", "学习笔记", ""]
CHUNK = 100_000


def unit_names(count: int) -> list[str]:
    kinds = ["县第{i}党支部", "{i}镇党委", "县第{i}中学党支部", "县{i}局机关党支部", "{i}社区党支部"]
    return [kinds[i % len(kinds)].format(i=i // len(kinds) + 1) for i in range(count)]


def people(rng: np.random.Generator, n: int) -> np.ndarray:
    pool = np.array([s + g for s in SURNAMES for g in GIVEN])
    picks = rng.integers(0, len(pool), size=(n, 3))
    return np.array(["、".join(row) for row in pool[picks]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=1800)
    parser.add_argument("--years", default="2020-2024", help="first-last, e.g. 2020-2024")
    parser.add_argument("--rows", type=int, help="stop after this many rows")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--titles",
        choices=["templates", "distinct"],
        default="templates",
        help="templates: 97 numbered titles per activity (repeating, as notices from above are); "
        "distinct: every title names its unit and date, as most units write them",
    )
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    first, last = (int(y) for y in args.years.split("-"))
    rng = np.random.default_rng(args.seed)
    names = np.array(unit_names(args.units))
    weights = np.array([a[1] for a in ACTIVITIES])
    per_unit_year = round(weights.sum())
    total = args.units * (last - first + 1) * per_unit_year
    limit = min(total, args.rows or total)
    activity_names = np.array([a[0] for a in ACTIVITIES])
    templates = [a[2] for a in ACTIVITIES]
    epoch = np.datetime64("1970-01-01")
    year_starts = np.array([(dt.date(y, 1, 1) - dt.date(1970, 1, 1)).days for y in range(first, last + 1)])
    year_lengths = np.array([366 if y % 4 == 0 else 365 for y in range(first, last + 1)])
    options = pacsv.WriteOptions(include_header=True, quoting_style="needed")
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    writer = None
    for start in range(0, limit, CHUNK):
        n = min(CHUNK, limit - start)
        index = np.arange(start, start + n)
        unit_year = index // per_unit_year
        unit = unit_year % args.units
        year = unit_year // args.units
        kind = rng.choice(len(ACTIVITIES), size=n, p=weights / weights.sum())
        day = year_starts[year] + rng.integers(0, year_lengths[year])
        dates = (epoch + day.astype("timedelta64[D]")).astype(str)
        recorded = (epoch + (day + rng.integers(0, 20, size=n)).astype("timedelta64[D]")).astype(str)
        titles = np.array([templates[k].format(n=i % 97 + 1) for k, i in zip(kind, index, strict=True)])
        if args.titles == "distinct":
            titles = np.char.add(np.char.add(np.char.add(names[unit], dates), "·"), titles)
        table = pa.table(
            {
                "序号": index + 1,
                "单位": names[unit],
                "日期": dates,
                "活动类型": activity_names[kind],
                "主题": titles,
                "参加人员": people(rng, n),
                "佐证材料": np.array(EVIDENCE)[rng.integers(0, len(EVIDENCE), size=n)],
                "登记日期": recorded,
                "学时": rng.integers(1, 5, size=n),
            }
        )
        if writer is None:
            writer = pacsv.CSVWriter(args.output, table.schema, write_options=options)
        writer.write_table(table)
    if writer is not None:
        writer.close()


if __name__ == "__main__":
    main()
