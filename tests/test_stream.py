"""The streaming monitor is held equal to the batch engine; its alerts come from durable-rules."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklist.cli import main
from checklist.engine import evaluate
from checklist.ledger import read_ledger
from checklist.pack import load_pack
from checklist.stream.monitor import Monitor
from tests.test_property import DAY0, packs, rows

FIXTURES = Path(__file__).parents[1] / "fixtures"
try:
    import durable.lang  # noqa: F401

    HAVE_DURABLE = True
except Exception:  # not installed, or its C core does not load (Python 3.13)
    HAVE_DURABLE = False


def _batch(pack, ledger, start, end, as_of) -> list[tuple]:
    result = evaluate(pack, ledger, start=start, end=end, as_of=as_of)
    return [(f.unit, f.rule, f.period, f.status, f.count, f.missing, f.records) for f in result.findings]


def _monitored(monitor: Monitor, as_of: dt.date) -> list[tuple]:
    return [(v.unit, v.rule, v.period, v.status, v.count, v.missing, v.records) for v in monitor.verdicts(as_of)]


def _sample_fed(pack, start: dt.date, end: dt.date) -> Monitor:
    """A monitor fed the sample ledger row by row, numbered as its CSV lines."""
    monitor = Monitor(pack, start, end)
    text = (FIXTURES / "sample_ledger.csv").read_bytes().decode("gbk")
    for number, record in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        if any((v or "").strip() for v in record.values()):
            monitor.feed(record, number)
    return monitor


def test_sample_ledger_row_by_row_equals_batch():
    pack = load_pack("ideology-responsibility")
    start, end, as_of = dt.date(2024, 1, 1), dt.date(2024, 12, 31), dt.date(2024, 12, 31)
    got = _monitored(_sample_fed(pack, start, end), as_of)
    assert got == _batch(pack, read_ledger(FIXTURES / "sample_ledger.csv"), start, end, as_of)
    assert len(got) == 41


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pack=packs(),
    data=rows,
    offset=st.integers(-40, 400),
    span=st.integers(20, 500),
    shuffle=st.randoms(),
    on_boundary=st.sampled_from([None, 0, 1]),
)
def test_random_ledgers_fed_in_any_order_equal_batch(pack, data, offset, span, shuffle, on_boundary):
    start = DAY0 + dt.timedelta(days=max(offset, 0))
    end = start + dt.timedelta(days=span)
    as_of = start + dt.timedelta(days=offset)
    if on_boundary is not None:  # as_of on a month's last day, or the day before
        as_of = dt.date(as_of.year, as_of.month, 1) - dt.timedelta(days=1 + on_boundary)
    numbered = [(i + 2, row) for i, row in enumerate(data)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.csv"
        with path.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(["单位", "日期", "活动类型", "主题", "佐证材料"])
            writer.writerows([u, d.isoformat(), a, t, e] for _n, (u, d, a, t, e) in numbered)
        ledger = read_ledger(path)
    monitor = Monitor(pack, start, end)
    # Exact repeats count once, the first one: arrival order may vary, but not among repeats.
    order = list(numbered)
    shuffle.shuffle(order)
    first_of: dict[tuple, int] = {}
    for number, (u, d, a, t, _e) in numbered:
        first_of.setdefault((u, d, a, t), number)
    order.sort(key=lambda item: first_of[item[1][:4]] != item[0])  # firsts before repeats, else shuffled
    for number, (u, d, a, t, e) in order:
        monitor.feed({"unit": u, "date": d.isoformat(), "activity": a, "title": t, "evidence": e}, number)
    assert _monitored(monitor, as_of) == _batch(pack, ledger, start, end, as_of)


@pytest.mark.skipif(not HAVE_DURABLE, reason="durable-rules is not installed (pip install 'checklist[stream]')")
def test_watch_alerts_from_json_lines(monkeypatch, capsys):
    lines = [
        {"date": "2024-03-01", "unit": "宣传部", "activity": "专题研究", "evidence": "纪要"},
        {"date": "2024-09-01", "unit": "宣传部", "activity": "专题研究意识形态工作", "evidence": "纪要"},
        {"date": "2024-09-02", "unit": "宣传部", "activity": "重大舆情", "evidence": "截图"},
        {"tick": "2024-09-05"},
    ]
    text = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\nnot json\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    assert main(["watch", "--year", "2024", "--within", "7"]) == 0
    alerts = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    got = [(a["alert"], a.get("rule"), a.get("period"), a["at"]) for a in alerts]
    assert got == [
        # the clock jumps from 03-01 to 09-01: Q1, Q2 and H1 have passed with nothing done
        ("overdue", "knowledge-study", "2024-Q1", "2024-09-01"),
        ("overdue", "knowledge-study", "2024-Q2", "2024-09-01"),
        ("overdue", "report-to-superior", "2024-H1", "2024-09-01"),
        ("met", "topical-study", "2024", "2024-09-01"),  # the second study of the year
        # the incident of 09-02 had to be reported by 09-03; the tick to 09-05 passes that
        ("response_missed", "major-incident-report", "2024-09-02", "2024-09-05"),
        ("rejected", None, None, "2024-09-05"),
    ]


def test_watch_without_durable_rules_says_why(monkeypatch, capsys):
    monkeypatch.setattr(sys, "version_info", (3, 13, 0, "final", 0))
    assert main(["watch"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pip install 'checklist[stream]'" in err[0] and "3.13" in err[0]


def test_watch_refuses_rules_it_cannot_follow():
    from checklist.errors import UsageError

    with pytest.raises(UsageError, match=r"member-training-hours .*'sum'"):
        Monitor(load_pack("branch-routines"), dt.date(2024, 1, 1), dt.date(2024, 12, 31))


@pytest.mark.skipif(not HAVE_DURABLE, reason="durable-rules is not installed (pip install 'checklist[stream]')")
def test_watch_follows_a_gbk_csv_and_gives_verdicts(tmp_path, capsys):
    path = tmp_path / "台账.csv"
    path.write_bytes(
        "单位,日期,活动类型,主题,佐证材料\r\n城关镇党委,2024-06-14,向上级汇报,上半年汇报,材料\r\n"
        "城关镇党委,2024-07-02,自检自查,自查,\r\n".encode("gbk")
    )
    assert main(["watch", "--follow", str(path), "--idle", "0.2", "--year", "2024", "--verdicts"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    alerts = [(a["alert"], a["rule"], a["period"]) for a in lines if "alert" in a]
    assert ("met", "report-to-superior", "2024-H1") in alerts
    # 07-02 passes 06-30: knowledge-study Q1/Q2 were never done
    assert ("overdue", "knowledge-study", "2024-Q2") in alerts
    verdicts = {(v["rule"], v["period"]): (v["verdict"], v["count"]) for v in lines if "verdict" in v}
    assert verdicts[("report-to-superior", "2024-H1")] == ("met", 1)
    assert verdicts[("self-inspection", "2024")] == ("due", 1)  # as of 07-02, the year is not over
    assert verdicts[("evidence-on-file", "2024-07-02")] == ("gap", 0)  # no 佐证材料 on row 3


@pytest.mark.skipif(not HAVE_DURABLE, reason="durable-rules is not installed (pip install 'checklist[stream]')")
def test_watch_follows_the_first_records_year_and_reports_records_of_another(monkeypatch, capsys):
    lines = [
        {"date": "2023-03-01", "unit": "宣传部", "activity": "专题研究意识形态工作"},
        {"date": "2023-09-01", "unit": "宣传部", "activity": "专题研究意识形态工作"},
        {"date": "2024-01-05", "unit": "宣传部", "activity": "专题研究意识形态工作"},  # next year: not 2023's
    ]
    text = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    assert main(["watch", "--verdicts", "--lang", "en"]) == 0  # no --year: simulated time watches 2023
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    (warning,) = [x for x in out if x.get("warning") == "year"]
    assert (warning["count"], warning["rows"]) == (1, [3])
    assert warning["message"] == "1 record(s) dated outside the watched year 2023 were not counted (rows 3)"
    verdicts = {(v["rule"], v["period"]): (v["verdict"], v["count"]) for v in out if "verdict" in v and v.get("rule")}
    assert verdicts[("topical-study", "2023")] == ("met", 2)  # the 2024 study does not count for 2023
    assert {"verdict": "outside_year", "year": 2023, "count": 1} in out


DEADLINE_PACK = """\
pack: county-2024
version: "2024.1"
title: 某县补充清单
language: zh
extends: [ideology-responsibility]
rules:
  - id: first-self-inspection
    kind: deadline
    title: 6月30日前完成第一次意识形态工作自检自查
    category: self_inspection
    by: 2024-06-30
"""


@pytest.mark.parametrize("as_of", ["2024-03-31", "2024-06-30", "2024-07-15", "2024-12-31"])
def test_a_deadline_rule_row_by_row_equals_batch(tmp_path, as_of):
    (tmp_path / "county.yaml").write_text(DEADLINE_PACK, encoding="utf-8")
    pack = load_pack(str(tmp_path / "county.yaml"))
    start, end, day = dt.date(2024, 1, 1), dt.date(2024, 12, 31), dt.date.fromisoformat(as_of)
    got = _monitored(_sample_fed(pack, start, end), day)
    assert [v for v in got if v[1] == "first-self-inspection"]  # the deadline is judged at all
    assert got == _batch(pack, read_ledger(FIXTURES / "sample_ledger.csv"), start, end, day)
