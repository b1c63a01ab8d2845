"""Self-inspection workflow: plan → fix → plan closes items; remind; audit finds planted problems; .ics."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar

from checklist.cli import main
from checklist.ledger import read_ledger
from checklist.pack import load_pack
from checklist.workflow.audit import audit

FIXTURES = Path(__file__).parents[1] / "fixtures"
SAMPLE = FIXTURES / "sample_ledger.csv"


def _rows(path: Path) -> list[list]:
    book = openpyxl.load_workbook(path)
    return [[c.value for c in row] for row in book.active.iter_rows()]


COLUMNS = [
    "编号",
    "单位",
    "职责",
    "期间",
    "问题",
    "严重程度",
    "整改措施",
    "责任人",
    "整改时限",
    "状态",
    "销号日期",
    "销号依据",
    "备注",
]
C = {name: i for i, name in enumerate(COLUMNS)}
TOPICAL = "每年专题研究意识形态工作不少于2次"
KNOWLEDGE = "每季度至少组织1次意识形态知识学习"
EVIDENCE = "一事一档：每项活动留存佐证材料"


def test_plan_round_trip_closes_fixed_items_and_keeps_edits(tmp_path, capsys):
    plan = tmp_path / "整改台账.xlsx"
    assert main(["plan", str(SAMPLE), "--as-of", "2024-12-31", "-o", str(plan)]) == 0
    assert "逾期 0" in capsys.readouterr().err  # no item is overdue the day it is created
    rows = _rows(plan)
    header, items = rows[0], rows[1:]
    assert header == COLUMNS  # the same shape as the 整改台账 sheet of `evaluate --format xlsx`
    # the sample has 11 violations (fixtures/README.md): 6 at 县教育局党组, 5 at 城关镇党委
    assert len(items) == 11
    by_key = {(r[C["单位"]], r[C["职责"]], r[C["期间"]]): r for r in items}
    q3 = by_key[("县教育局党组", KNOWLEDGE, "2024年第三季度")]
    # 整改时限: the later of the end of the month after Q3 (2024-10-31) and as_of + 30 days (2025-01-30)
    assert q3[C["整改时限"]] == dt.datetime(2025, 1, 30) and q3[C["状态"]] == "未整改"
    topical = by_key[("县教育局党组", TOPICAL, "2024年")]
    # the year 2024: the end of January 2025 is later than 2025-01-30
    assert topical[C["整改时限"]] == dt.datetime(2025, 1, 31) and topical[C["严重程度"]] == "高"
    assert all(not str(r[C["职责"]]).isascii() for r in items)  # titles, never rule ids

    # People fill in the measure and owner of two items, and start on one…
    book = openpyxl.load_workbook(plan)
    sheet = book.active
    for r in range(2, sheet.max_row + 1):
        if sheet.cell(r, C["职责"] + 1).value in (KNOWLEDGE, TOPICAL) and sheet.cell(r, 2).value == "县教育局党组":
            sheet.cell(r, C["整改措施"] + 1).value = "补开专题学习并存档"
            sheet.cell(r, C["责任人"] + 1).value = "陈刚"
            sheet.cell(r, C["备注"] + 1).value = "已报县委宣传部"
        if sheet.cell(r, C["职责"] + 1).value == TOPICAL:
            sheet.cell(r, C["状态"] + 1).value = "整改中"
    book.save(plan)
    # …and the ledger gets the missing Q3 study and the missing 佐证材料 of 序号20.
    fixed = tmp_path / "台账.csv"
    text = SAMPLE.read_bytes().decode("gbk")
    text = text.replace("学习意识形态工作责任制规定,全体干部,,", "学习意识形态工作责任制规定,全体干部,学习笔记,")
    text = (
        text.rstrip("\r\n,")
        + "\r\n47,县教育局党组,2024-09-20,意识形态知识学习,三季度补学,全体干部,学习笔记,2024-09-22\r\n"
    )
    fixed.write_bytes(text.encode("gbk"))

    updated = tmp_path / "整改台账-更新.xlsx"
    assert main(["plan", str(fixed), "--as-of", "2024-12-31", "--ledger", str(plan), "-o", str(updated)]) == 0
    assert "销号 2" in capsys.readouterr().err
    after = {(r[C["单位"]], r[C["职责"]], r[C["期间"]]): r for r in _rows(updated)[1:]}
    assert len(after) == 11
    q3 = after[("县教育局党组", KNOWLEDGE, "2024年第三季度")]
    assert (q3[C["状态"]], q3[C["销号日期"]], q3[C["销号依据"]]) == (
        "已销号",
        dt.datetime(2024, 12, 31),
        "台账记录：2024年9月20日“三季度补学”，序号47",
    )
    assert (q3[C["整改措施"]], q3[C["责任人"]], q3[C["备注"]]) == ("补开专题学习并存档", "陈刚", "已报县委宣传部")
    evidence = after[("县教育局党组", EVIDENCE, "2024年6月6日")]
    assert evidence[C["状态"]] == "已销号" and evidence[C["销号依据"]] == "复核已无此问题"
    topical = after[("县教育局党组", TOPICAL, "2024年")]
    # still one study short: open, and what people wrote (整改中) is kept
    assert (topical[C["整改措施"]], topical[C["状态"]]) == ("补开专题学习并存档", "整改中")
    assert plan.exists() and _rows(plan)[1][C["状态"]] != "已销号"  # the input ledger was not overwritten


def test_plan_deadline_option(tmp_path, capsys):
    plan = tmp_path / "整改台账.xlsx"
    assert main(["plan", str(SAMPLE), "--as-of", "2024-12-31", "--deadline", "+10", "-o", str(plan)]) == 0
    assert {r[C["整改时限"]] for r in _rows(plan)[1:]} == {dt.datetime(2025, 1, 10)}
    assert main(["plan", str(SAMPLE), "--as-of", "2024-12-31", "--deadline", "2025-03-31", "-o", str(plan)]) == 0
    assert {r[C["整改时限"]] for r in _rows(plan)[1:]} == {dt.datetime(2025, 3, 31)}
    capsys.readouterr()
    for bad in ("2024-12-01", "下个月", "+0"):
        assert main(["plan", str(SAMPLE), "--as-of", "2024-12-31", "--deadline", bad, "-o", str(plan)]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "--deadline" in err[0] and "Traceback" not in err[0]


def test_plan_needs_an_output_and_reports_a_broken_ledger(tmp_path, capsys):
    assert main(["plan", str(SAMPLE)]) == 2
    assert "请用 -o FILE" in capsys.readouterr().err
    broken = tmp_path / "broken.xlsx"
    book = openpyxl.Workbook()
    book.active.append(
        [
            "编号",
            "单位",
            "规则",
            "期间",
            "问题",
            "整改措施",
            "责任人",
            "整改时限",
            "状态",
            "销号日期",
            "销号依据",
            "备注",
        ]
    )
    book.active.append(["ZG-1", "县教育局党组", "topical-study", "2024", "x", "", "", "下个月", "未整改", "", "", ""])
    book.save(broken)
    assert main(["plan", str(SAMPLE), "--ledger", str(broken), "-o", str(tmp_path / "o.xlsx")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"{broken}:2: 整改时限:") and "下个月" in err[0]


def test_remind_lists_what_falls_due(capsys):
    assert main(["remind", str(SAMPLE), "--as-of", "2024-12-10", "--within", "30", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    got = {(r["unit"], r["rule"], r["period"]) for r in data["reminders"]}
    # as of 12-10 the year's duties not yet met fall due on 12-31, 21 days ahead
    assert ("城关镇党委", "democratic-life-meeting", "2024") in got
    assert ("县教育局党组", "topical-study", "2024") in got
    assert ("县委宣传部", "year-end-briefing", "2024") in got  # its 通报 comes on 12-20
    assert all(r["days_left"] == 21 for r in data["reminders"])
    assert main(["remind", str(SAMPLE), "--as-of", "2024-02-01", "--within", "10"]) == 0


AUDIT_HEADER = ["单位", "日期", "活动类型", "主题", "佐证材料", "登记日期"]
REPORT = "经自查,我单位意识形态工作责任制落实总体较好,但在理论学习、阵地管理和舆情处置方面仍存在薄弱环节"


def _planted(tmp_path: Path) -> Path:
    rows = [
        # 甲: three records entered 60-90 days late (a back-filled batch), the rest on time
        ["甲", "2024-03-05", "意识形态知识学习", "一季度学习", "笔记", "2024-06-03"],
        ["甲", "2024-04-10", "形势政策教育", "形势报告会", "签到", "2024-06-03"],
        ["甲", "2024-05-06", "专题研究", "党组会专题研究", "纪要", "2024-08-04"],
        ["甲", "2024-07-09", "意识形态知识学习", "三季度学习", "笔记", "2024-07-10"],
        # 乙: eight of its ten records in the year's last four weeks
        ["乙", "2024-02-10", "意识形态知识学习", "学习一", "笔记", "2024-02-11"],
        ["乙", "2024-06-10", "向上级汇报", "上半年汇报", "材料", "2024-06-11"],
        *[
            ["乙", f"2024-12-{d:02d}", "意识形态知识学习", f"学习{d}", "笔记", f"2024-12-{d:02d}"]
            for d in (5, 8, 11, 14, 17, 20, 23, 26)
        ],
        # 丙 and 丁: the same self-inspection report with a few words changed
        ["丙", "2024-06-20", "意识形态工作自检自查", REPORT, "报告", "2024-06-21"],
        ["丁", "2024-06-25", "意识形态工作自检自查", REPORT.replace("总体较好", "总体良好"), "报告", "2024-06-26"],
        # 丙: its second self-inspection two days after the first
        ["丙", "2024-06-22", "意识形态工作自检自查", "第二次自查", "报告", "2024-06-22"],
        ["丁", "2024-11-25", "意识形态工作自检自查", "下半年自查", "报告", "2024-11-26"],
    ]
    path = tmp_path / "planted.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(AUDIT_HEADER)
        writer.writerows(rows)
    return path


def test_audit_finds_each_planted_problem(tmp_path):
    found = audit(read_ledger(_planted(tmp_path)), load_pack("ideology-responsibility"))
    summary = sorted((f.kind, f.unit, tuple(f.rows)) for f in found)
    assert summary == [
        ("backfill", "甲", (2, 3, 4)),
        ("copied", "丙", (16, 17)),
        ("cramming", "乙", (8, 9, 10, 11, 12, 13, 14, 15)),
        ("spacing", "丙", (16, 18)),
    ]


def test_audit_is_quiet_on_the_clean_sample(capsys):
    assert main(["audit", str(SAMPLE)]) == 0
    assert "未发现台账真实性问题" in capsys.readouterr().out


def test_calendar_rrules_reproduce_the_due_dates(tmp_path):
    path = tmp_path / "duties.ics"
    assert main(["calendar", "--rules", "profile-school", "--year", "2024", "-o", str(path)]) == 0
    cal = Calendar.from_ical(path.read_bytes())
    events = {str(e["uid"]).split(".")[1]: e for e in cal.walk("VEVENT")}

    def expand(rule_id: str) -> list[dt.date]:
        event = events[rule_id]
        start = event.decoded("dtstart")
        rule = event["rrule"].to_ical().decode()
        return [d.date() for d in rrulestr(rule, dtstart=dt.datetime.combine(start, dt.time()))]

    assert expand("knowledge-study") == [
        dt.date(2024, 3, 31),
        dt.date(2024, 6, 30),
        dt.date(2024, 9, 30),
        dt.date(2024, 12, 31),
    ]
    assert expand("report-to-superior") == [dt.date(2024, 6, 30), dt.date(2024, 12, 31)]
    assert expand("year-end-briefing") == [dt.date(2024, 12, 31)]
    assert expand("branch-committee")[:3] == [dt.date(2024, 1, 31), dt.date(2024, 2, 29), dt.date(2024, 3, 31)]
    weeks = expand("weekly-flag-raising")  # ISO weeks lying inside 2024: W01 (Jan 1-7) .. W52 (Dec 23-29)
    assert (len(weeks), weeks[0], weeks[-1]) == (52, dt.date(2024, 1, 7), dt.date(2024, 12, 29))
    assert "每季度至少1次「意识形态知识学习」" in str(events["knowledge-study"]["description"])
    assert "major-incident-report" not in events  # event-driven duties have no calendar dates


def test_calendar_with_a_ledger_adds_the_units_due_items(tmp_path):
    path = tmp_path / "due.ics"
    assert (
        main(
            [
                "calendar",
                "--year",
                "2024",
                "--ledger",
                str(SAMPLE),
                "--unit",
                "城关镇党委",
                "--as-of",
                "2024-12-10",
                "-o",
                str(path),
            ]
        )
        == 0
    )
    items = [e for e in Calendar.from_ical(path.read_bytes()).walk("VEVENT") if "城关镇党委" in str(e["summary"])]
    assert {e.decoded("dtstart") for e in items} == {dt.date(2024, 12, 31)}
    assert len(items) == 3  # self-inspection (1 of 2), H2 report, democratic life meeting


@pytest.mark.parametrize("args", [["calendar", "--unit", "x", "-o", "x.ics"]])
def test_calendar_unit_needs_a_ledger(args, capsys):
    assert main(args) == 2
    assert "--unit 需要 --ledger" in capsys.readouterr().err


def test_audit_section_in_html_and_docx(tmp_path):
    import docx

    planted = _planted(tmp_path)
    html = tmp_path / "r.html"
    assert (
        main(["evaluate", str(planted), "--as-of", "2024-12-31", "--audit", "--format", "html", "-o", str(html)]) == 1
    )
    page = html.read_text(encoding="utf-8")
    assert "台账真实性提示" in page and page.count("<tr><td>补录</td>") == 1 and "<tr><td>雷同</td>" in page
    report = tmp_path / "r.docx"
    assert (
        main(["evaluate", str(planted), "--as-of", "2024-12-31", "--audit", "--format", "docx", "-o", str(report)]) == 1
    )
    document = docx.Document(report)
    assert "（三）台账真实性提示：" in [p.text for p in document.paragraphs]
    notes = [row.cells[1].text for row in document.tables[-1].rows[1:]]
    assert len([t for t in notes if t.endswith("？")]) == 4  # the four planted problems, each a question


def test_plan_closes_a_fixed_item_of_a_clerks_ledger_without_a_unit_column(tmp_path, capsys):
    """Issue 12: a clerk's own ledger has no 单位 column; the unit comes from its 填报单位 line. Its 一事一档 item
    (序号2 has no 佐证材料) must close once the material is filed: the unit is compared as written, never as `'-`."""

    def ledger(evidence: str) -> bytes:
        lines = [
            "2024年度意识形态工作台账,,,,",
            "填报单位：县农业农村局党组,,,,",
            "序号,日期,活动类型,活动主题,佐证材料",
            "1,2024年3月15日,专题研究意识形态工作,党组会专题研究意识形态工作,会议纪要",
            f"2,2024/6/20,意识形态知识学习,学习意识形态工作责任制规定,{evidence}",
        ]
        return ("\r\n".join(lines) + "\r\n").encode("gbk")

    first, fixed = tmp_path / "农业农村局台账.csv", tmp_path / "农业农村局台账-补.csv"
    first.write_bytes(ledger(""))
    fixed.write_bytes(ledger("学习笔记"))
    plan = tmp_path / "整改台账.xlsx"
    assert main(["plan", str(first), "--as-of", "2024-12-31", "-o", str(plan)]) == 0
    items = {(r[C["单位"]], r[C["职责"]], r[C["期间"]]): r for r in _rows(plan)[1:]}
    key = ("县农业农村局党组", EVIDENCE, "2024年6月20日")
    assert items[key][C["状态"]] == "未整改"
    assert all(r[C["单位"]] == "县农业农村局党组" for r in items.values())  # never '- nor the file name

    assert main(["plan", str(fixed), "--as-of", "2024-12-31", "--ledger", str(plan), "-o", str(plan)]) == 0
    after = {(r[C["单位"]], r[C["职责"]], r[C["期间"]]): r for r in _rows(plan)[1:]}
    assert after[key][C["状态"]] == "已销号"
    capsys.readouterr()


def test_printed_rectification_ledger_is_headed_by_its_units():
    from checklist.rectify import Item
    from checklist.rectify.sheet import print_title

    def item(unit: str) -> Item:
        return Item(item="ZG-0000000001", unit=unit, period="2024", problem="未达标")

    assert print_title([item("城关镇党委"), item("城关镇党委")], "zh") == "城关镇党委整改台账"
    assert print_title([item("县教育局党组"), item("城关镇党委")], "zh") == "县教育局党组等2个单位整改台账"
    assert print_title([item("城关镇党委")], "en") == "Rectification ledger: 城关镇党委"
    assert print_title([], "zh") == "整改台账"  # nothing to rectify yet: the sheet's own name


def test_plan_workbook_prints_its_title_with_ampersands_kept(tmp_path):
    ledger = tmp_path / "台账.csv"
    ledger.write_text("日期,活动类型,单位\n2024-03-05,意识形态知识学习,A&B党委\n", encoding="utf-8")
    out = tmp_path / "整改台账.xlsx"
    assert main(["plan", str(ledger), "--as-of", "2024-12-31", "-o", str(out)]) in (0, 1)
    header = openpyxl.load_workbook(out).worksheets[0].oddHeader.center.text
    assert header == "A&&B党委整改台账"  # '&&' is how a page header writes one '&' (a lone & starts a code)
