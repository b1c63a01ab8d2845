"""On random ledgers and packs, the engine's findings equal the naive reference evaluator's."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklist.engine import evaluate
from checklist.kinds import PACK
from checklist.ledger import read_ledger
from checklist.pack.model import Pack
from tests import reference

LABELS = {"meeting": "支部党员大会", "study": "理论学习", "incident": "重大舆情", "reply": "舆情处置"}
ACTIVITIES = [*LABELS.values(), "党员大会", "篮球赛"]
UNITS = ["一支部", "二支部", "机关党委"]
DAY0 = dt.date(2023, 6, 1)


def _month_day(draw) -> str:
    month = draw(st.integers(1, 12))
    return f"{month:02d}-{draw(st.integers(1, 28)):02d}"


@st.composite
def frequency_rules(draw, index: int, fiscal: bool) -> dict:
    every = draw(st.sampled_from(["week", "month", "quarter", "half", "year"]))
    rule = {
        "id": f"r{index}",
        "title": f"规则{index}",
        "category": draw(st.sampled_from(["meeting", "study"])),
        "every": every,
    }
    shape = draw(st.sampled_from(["at_least", "at_most", "exactly", "range"]))
    low, high = draw(st.integers(0, 3)), draw(st.integers(0, 3))
    if shape == "range":
        rule.update(at_least=min(low, high), at_most=max(low, high))
    else:
        rule[shape] = low
    window = draw(st.sampled_from(["none", "days", "first", "last", "by"]))
    if window == "days" and every == "year" and not fiscal:
        a, b = sorted([_month_day(draw), _month_day(draw)])
        rule["window"] = {"from": a, "to": b}
    elif window == "first":
        rule["window"] = {"first_days": draw(st.sampled_from([1, 2, 5, 10, 40]))}
    elif window == "last":
        rule["window"] = {"last_days": draw(st.sampled_from([1, 2, 5, 10, 40]))}
    elif window == "by":
        rule["window"] = {"by_day": draw(st.integers(1, 31))}
    return rule


@st.composite
def packs(draw) -> Pack:
    fiscal = draw(st.booleans())
    rules = [draw(frequency_rules(i, fiscal)) for i in range(draw(st.integers(1, 3)))]
    rules.append(
        {
            "id": "reply",
            "kind": "response",
            "title": "舆情处置",
            "trigger": "incident",
            "then": "reply",
            "within_days": draw(st.integers(0, 3)),
        }
    )
    rules.append({"id": "files", "kind": "evidence", "title": "一事一档", "categories": ["*"], "require": ["evidence"]})
    categories = {cid: {"label": label} for cid, label in LABELS.items()}
    categories["meeting"]["aliases"] = ["党员大会"]
    return PACK.model_validate(
        {
            "id": "random",
            "version": "1",
            "title": "随机",
            "calendar": {"year_start_month": 4 if fiscal else 1},
            "categories": categories,
            "rules": rules,
        }
    )


def _near_month_end(month: int, back: int) -> dt.date:
    """Boundaries are where off-by-one errors live: the days around a month's end."""
    first_of_next = dt.date(2023 + (5 + month) // 12, (5 + month) % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=back)


days = st.one_of(
    st.integers(0, 760).map(lambda n: DAY0 + dt.timedelta(days=n)),
    st.builds(_near_month_end, st.integers(0, 24), st.integers(-12, 12)),
)

rows = st.lists(
    st.tuples(
        st.sampled_from(UNITS),
        days,
        st.sampled_from(ACTIVITIES),
        st.sampled_from(["学习", "会议"]),
        st.sampled_from(["", "纪要"]),
    ),
    min_size=5,
    max_size=60,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pack=packs(),
    data=rows,
    window_kind=st.sampled_from(["year", "dates"]),
    offset=st.integers(-40, 400),
    span=st.integers(20, 500),
    on_boundary=st.sampled_from([None, 0, 1]),
)
def test_engine_equals_reference(pack, data, window_kind, offset, span, on_boundary):
    m = pack.calendar.year_start_month
    if window_kind == "year":
        start = dt.date(2024, m, 1)
        end = dt.date(2024, 12, 31) if m == 1 else dt.date(2025, m, 1) - dt.timedelta(days=1)
    else:
        start = DAY0 + dt.timedelta(days=offset if offset > 0 else 0)
        end = start + dt.timedelta(days=span)
    as_of = start + dt.timedelta(days=offset)
    if on_boundary is not None:  # as_of on a month's last day (complete), or the day before (due)
        as_of = dt.date(as_of.year, as_of.month, 1) - dt.timedelta(days=1 + on_boundary)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.csv"
        with path.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(["单位", "日期", "活动类型", "主题", "佐证材料"])
            for unit, day, activity, title, evidence in data:
                writer.writerow([unit, day.isoformat(), activity, title, evidence])
        if not data:
            return
        ledger = read_ledger(path)
    result = evaluate(pack, ledger, start=start, end=end, as_of=as_of)
    got = [
        (f.unit, f.rule, f.period, f.status, int(f.count), int(f.missing), tuple(f.records)) for f in result.findings
    ]
    ref_rows = [reference.Row(i + 2, u, d, a, t, e) for i, (u, d, a, t, e) in enumerate(data)]
    want = reference.evaluate(pack, ref_rows, start, end, as_of)
    assert got == want
