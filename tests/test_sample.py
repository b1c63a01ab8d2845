"""The shipped sample ledger, checked against findings worked out by hand (fixtures/README.md)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from checklist import evaluate, load_pack, read_ledger
from checklist.cli import main
from checklist.ledger.side import read_units, read_waivers

FIXTURES = Path(__file__).parents[1] / "fixtures"
FORMATS = [
    "sample_ledger.csv",
    "sample_ledger_utf8bom.csv",
    "sample_ledger.xlsx",
    "sample_ledger.xls",
    "sample_ledger.jsonl",
]

# unit -> [(rule, period, status, records)], in result order; records are the ledger's 序号.
EXPECTED = {
    "县委宣传部": [
        ("topical-study", "2024", "met", [1, 2]),
        ("situation-policy-education", "2024", "met", [3]),
        ("knowledge-study", "2024-Q1", "met", [4]),
        ("knowledge-study", "2024-Q2", "met", [5]),
        ("knowledge-study", "2024-Q3", "met", [6]),
        ("knowledge-study", "2024-Q4", "met", [7]),
        ("self-inspection", "2024", "met", [8, 9]),
        ("report-to-superior", "2024-H1", "met", [10]),
        ("report-to-superior", "2024-H2", "met", [11]),
        ("year-end-briefing", "2024", "met", [12]),
        ("democratic-life-meeting", "2024", "met", [13]),
        ("new-media-training", "2024", "met", [14]),
    ],
    "县教育局党组": [
        ("topical-study", "2024", "gap", [17]),
        ("situation-policy-education", "2024", "met", [18]),
        ("knowledge-study", "2024-Q1", "met", [19]),
        ("knowledge-study", "2024-Q2", "met", [20]),
        ("knowledge-study", "2024-Q3", "gap", []),
        ("knowledge-study", "2024-Q4", "met", [21]),
        ("self-inspection", "2024", "met", [22, 23]),
        ("report-to-superior", "2024-H1", "met", [24]),
        ("report-to-superior", "2024-H2", "met", [25]),
        ("year-end-briefing", "2024", "gap", []),
        ("democratic-life-meeting", "2024", "met", [27]),
        ("new-media-training", "2024", "gap", []),
        ("major-incident-report", "2024-08-05", "late", [28, 29]),
        ("evidence-on-file", "2024-06-06", "gap", [20]),
    ],
    "城关镇党委": [
        ("topical-study", "2024", "met", [31, 32]),
        ("situation-policy-education", "2024", "met", [33]),
        ("knowledge-study", "2024-Q1", "met", [34]),
        ("knowledge-study", "2024-Q2", "met", [35]),
        ("knowledge-study", "2024-Q3", "met", [36]),
        ("knowledge-study", "2024-Q4", "met", [37]),
        ("self-inspection", "2024", "gap", [38]),
        ("report-to-superior", "2024-H1", "met", [40]),
        ("report-to-superior", "2024-H2", "gap", []),
        ("year-end-briefing", "2024", "met", [41]),
        ("democratic-life-meeting", "2024", "gap", []),
        ("new-media-training", "2024", "met", [42]),
        ("major-incident-report", "2024-10-10", "met", [43, 44]),
        ("evidence-on-file", "2024-05-10", "gap", [33]),
        ("evidence-on-file", "2024-06-14", "gap", [40]),
    ],
}
SCORES = {"县委宣传部": 100.0, "县教育局党组": 57.1, "城关镇党委": 66.7}  # met / (met + violations)


@pytest.mark.parametrize("name", FORMATS)
def test_sample_findings_match_the_hand_worked_table(name):
    result = evaluate(load_pack("ideology-responsibility"), read_ledger(FIXTURES / name), as_of=dt.date(2024, 12, 31))
    assert (result.window.from_, result.window.to) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    blank = 1 if name.endswith(".csv") else 0  # the CSV exports end with an empty row, as Excel's do
    assert result.input.model_dump() == {"rows": 46, "matched": 41, "unmatched": 2, "rejected": 3, "blank": blank}
    got: dict[str, list] = {}
    for f in result.findings:
        got.setdefault(f.unit, []).append((f.rule, f.period, f.status, f.records))
    assert list(got) == list(EXPECTED)
    assert got == EXPECTED
    assert {u.unit: u.score for u in result.units} == SCORES
    assert [u.activity for u in result.unmatched] == ["植树活动", "篮球赛"]


def test_sample_rejections_and_warnings():
    ledger = read_ledger(FIXTURES / "sample_ledger.csv")
    assert [(r.row, r.reason.split(":")[0]) for r in ledger.rejected] == [
        (16, "empty activity"),
        (31, "unparseable date '2024-13-01'"),
        (40, "imprecise date '2024年3月上旬'"),
    ]
    assert [n.rows for n in ledger.notices if n.kind == "duplicate"] == [[3, 17]]


def test_sample_with_units_and_waivers():
    result = evaluate(
        load_pack("ideology-responsibility"),
        read_ledger(FIXTURES / "sample_ledger.csv"),
        as_of=dt.date(2024, 12, 31),
        unit_list=read_units(FIXTURES / "units.csv"),
        waivers=read_waivers(FIXTURES / "waivers.csv"),
    )
    by_unit: dict[str, list] = {}
    for f in result.findings:
        by_unit.setdefault(f.unit, []).append(f)
    # A unit with no rows at all: every period of every frequency duty is a gap.
    archive = by_unit["县档案馆"]
    assert len(archive) == 12 and {f.status for f in archive} == {"gap"}
    # Established 2024-07-01: only periods lying wholly after that are evaluated.
    assert [(f.rule, f.period) for f in by_unit["县文联"]] == [
        ("knowledge-study", "2024-Q3"),
        ("knowledge-study", "2024-Q4"),
        ("report-to-superior", "2024-H2"),
    ]
    waived = [f for f in by_unit["县教育局党组"] if f.rule == "new-media-training"]
    assert [(f.status, f.waiver.reason) for f in waived] == [("waived", "机构改革期间培训暂缓")]
    # The written JSON (stored fields straight to orjson) says what to_dict() says, waiver included.
    assert json.loads(result.to_json_bytes()) == result.to_dict()
    scores = {u.unit: u.score for u in result.units}
    assert scores["县教育局党组"] == 61.5 and scores["县档案馆"] == 0.0  # 8 / (8 + 5)
    # The 城关镇 waiver expired on 2024-06-30, before as_of: no cover, and a warning says so.
    dlm = next(f for f in by_unit["城关镇党委"] if f.rule == "democratic-life-meeting")
    assert dlm.status == "gap"
    assert any(w.kind == "waiver" and "expired" in w.message for w in result.warnings)


def test_cli_json_on_a_gbk_console_is_utf8():
    """A Windows console may be GBK; JSON on standard output stays UTF-8 (RFC 8259) all the same."""
    import io

    raw = io.BytesIO()
    console = io.TextIOWrapper(raw, encoding="gbk", errors="replace")
    main(["evaluate", str(FIXTURES / "sample_ledger.csv"), "--format", "json", "--as-of", "2024-12-31"], out=console)
    console.flush()
    data = json.loads(raw.getvalue().decode("utf-8"))
    assert {f["unit"] for f in data["findings"]} >= {"县委宣传部", "县教育局党组"}


def test_cli_json_is_the_contract_shape(capsys):
    code = main(["evaluate", str(FIXTURES / "sample_ledger.csv"), "--format", "json", "--as-of", "2024-12-31"])
    assert code == 1  # there are violations
    data = json.loads(capsys.readouterr().out)
    assert list(data)[:11] == [
        "schema",
        "packs",
        "window",
        "as_of",
        "input",
        "rejected",
        "unmatched",
        "findings",
        "units",
        "warnings",
        "fingerprint",
    ]
    assert data["schema"] == "checklist.result/1"
    assert data["packs"] == [{"id": "ideology-responsibility", "version": "1.0"}]
    assert data["window"] == {"from": "2024-01-01", "to": "2024-12-31"} and data["as_of"] == "2024-12-31"
    first = data["findings"][0]
    assert {
        k: first[k]
        for k in (
            "unit",
            "rule",
            "period",
            "start",
            "end",
            "status",
            "required",
            "count",
            "missing",
            "due",
            "person",
            "records",
            "severity",
        )
    } == {
        "unit": "县委宣传部",
        "rule": "topical-study",
        "period": "2024",
        "start": "2024-01-01",
        "end": "2024-12-31",
        "status": "met",
        "required": 2,
        "count": 2,
        "missing": 0,
        "due": "2024-12-31",
        "person": None,
        "records": [1, 2],
        "severity": "high",
    }
    revision_1 = {"row": 16, "reason": "empty activity"}
    # revision 2 adds fields, never changes these: code (DESIGN §7.1), file/sheet/ref (§4.1: file and
    # sheet null for a single sheet of a single file, ref the row's reference, its number alone)
    added = {"code": "row.empty_activity", "file": None, "sheet": None, "ref": 16}
    assert data["rejected"][0] == {**revision_1, **added}


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ([], 1),
        (["--fail-on", "never"], 0),
        (["--unit", "县委宣传部"], 0),
        (["--unit", "县委宣传部", "--as-of", "2024-12-19", "--fail-on", "due"], 1),  # briefing window still open
        (["--unit", "县委宣传部", "--as-of", "2024-12-19"], 0),
        (["--rules", "no-such-pack"], 2),
        (["--as-of", "2024-02-30"], 2),
        (["--unit", "不存在的单位"], 2),
    ],
)
def test_exit_codes(args, code, capsys):
    assert main(["evaluate", str(FIXTURES / "sample_ledger.csv"), "--as-of", "2024-12-31", *args]) == code
    if code == 2:
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("错误：")  # the output language: the pack's (Chinese)


def test_unreadable_ledger_exits_2_with_one_line(tmp_path, capsys):
    assert main(["evaluate", str(tmp_path / "missing.csv")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "missing.csv" in err[0] and "无法读取台账：找不到文件或文件夹" in err[0]
    assert main(["evaluate", str(tmp_path / "missing.csv"), "--lang", "en"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "missing.csv" in err[0] and "cannot read ledger: no such file or folder" in err[0]


def test_gbk_console_gets_chinese_table_without_crash():
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    proc = subprocess.run(
        [sys.executable, "-m", "checklist", "evaluate", str(FIXTURES / "sample_ledger.csv"), "--as-of", "2024-12-31"],
        capture_output=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr.decode("gbk", "replace")
    out = proc.stdout.decode("gbk")
    assert "县教育局党组" in out and "未达标" in out and "Traceback" not in proc.stderr.decode("gbk", "replace")


def test_waiver_with_a_typo_is_reported(tmp_path):
    waivers = tmp_path / "waivers.csv"
    waivers.write_text(
        "unit,rule,from,to,reason,approved_by,expires\n"
        "县教育局党组,new-media-trainng,2024-01-01,2024-12-31,机构改革,县委宣传部,\n"
        "县教育局,new-media-training,2024-01-01,2024-12-31,机构改革,县委宣传部,\n",
        encoding="utf-8",
    )
    result = evaluate(
        load_pack("ideology-responsibility"),
        read_ledger(FIXTURES / "sample_ledger.csv"),
        as_of=dt.date(2024, 12, 31),
        waivers=read_waivers(waivers),
    )
    notes = [(w.rows, w.message) for w in result.warnings if w.kind == "waiver"]
    assert notes == [
        ([2], "waiver names unknown rule 'new-media-trainng'"),
        ([3], "waiver names unknown unit '县教育局'"),
    ]
    assert not [f for f in result.findings if f.status == "waived"]


def test_type_rules_skipped_for_untyped_units_are_announced():
    result = evaluate(
        load_pack("profile-school"), read_ledger(FIXTURES / "sample_ledger.csv"), as_of=dt.date(2024, 12, 31)
    )
    notes = [w.message for w in result.warnings if w.kind == "unit"]
    assert len(notes) == 1 and "weekly-flag-raising" in notes[0] and "县委宣传部" in notes[0]
    assert not [f for f in result.findings if f.rule == "weekly-flag-raising"]


# The county sample (fixtures/county/README.md, worked out by hand there): 82 rows with traps —
# a rejected row whose title holds a keyword, a duplicate that would tip a count, 通报 outside
# December. Every violation is listed; everything else is met.
COUNTY = FIXTURES / "county"
COUNTY_VIOLATIONS = [
    ("县教育局党组", "topical-study", "2024", "gap"),
    ("县教育局党组", "knowledge-study", "2024-Q3", "gap"),
    ("县教育局党组", "year-end-briefing", "2024", "gap"),
    ("县教育局党组", "new-media-training", "2024", "gap"),
    ("县教育局党组", "major-incident-report", "2024-08-05", "late"),
    ("城关镇党委", "self-inspection", "2024", "gap"),
    ("城关镇党委", "evidence-on-file", "2024-04-16", "gap"),
    ("城关镇党委", "evidence-on-file", "2024-06-18", "gap"),
    ("城关镇党委", "evidence-on-file", "2024-10-29", "gap"),
]


@pytest.mark.parametrize("name", FORMATS)
def test_county_sample_matches_its_hand_worked_table(name):
    result = evaluate(load_pack("ideology-responsibility"), read_ledger(COUNTY / name), as_of=dt.date(2024, 12, 31))
    assert (result.input.rows, result.input.matched, result.input.unmatched, result.input.rejected) == (82, 74, 5, 3)
    assert [(f.unit, f.rule, f.period, f.status) for f in result.findings if f.status != "met"] == COUNTY_VIOLATIONS
    assert [f.records for f in result.findings if f.rule == "evidence-on-file"] == [[60], [64], [76]]
    assert {u.unit: u.score for u in result.units} == {"县委宣传部": 100.0, "县教育局党组": 61.5, "城关镇党委": 75.0}
    assert [u.activity for u in result.unmatched] == ["植树活动", "清明祭扫", "篮球赛", "主题党日", "重阳节敬老活动"]


def test_county_sample_rows_and_side_inputs():
    ledger = read_ledger(COUNTY / "sample_ledger.csv")
    assert [r.row for r in ledger.rejected] == [5, 45, 78]
    assert [n.rows for n in ledger.notices if n.kind == "duplicate"] == [[36, 54]]
    result = evaluate(
        load_pack("ideology-responsibility"),
        ledger,
        as_of=dt.date(2024, 12, 31),
        unit_list=read_units(COUNTY / "units.csv"),
        waivers=read_waivers(COUNTY / "waivers.csv"),
    )
    scores = {u.unit: u.score for u in result.units}
    assert (scores["县教育局党组"], scores["县档案馆"], scores["县文联"]) == (66.7, 0.0, 0.0)
    assert any(w.kind == "waiver" and "expired" in w.message for w in result.warnings)
