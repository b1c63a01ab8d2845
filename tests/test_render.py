"""Renderers read one fixed Result built by hand; outputs are reopened and checked cell by cell."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from xml.etree import ElementTree as ET

import openpyxl
import pytest

from checklist.ledger import RejectedRow
from checklist.notice import Notice
from checklist.render import RenderOptions, formats, render
from checklist.result import (
    EvaluationWindow,
    Finding,
    InputCounts,
    NearMiss,
    PackRef,
    Result,
    UnitSummary,
    UnmatchedRow,
    WaiverRef,
)

INJECTION = '=HYPERLINK("http://x","y")'
D = dt.date


def _finding(
    unit: str, rule: str, period: str, start: D, end: D, status: str, required: float, count: float, **extra
) -> Finding:
    missing = max(required - count, 0) if status in ("gap", "due") else 0
    return Finding(
        unit=unit,
        rule=rule,
        period=period,
        start=start,
        end=end,
        status=status,
        required=required,
        count=count,
        missing=missing,
        due=extra.pop("due", end),
        records=extra.pop("records", []),
        severity=extra.pop("severity", "medium"),
        message=extra.pop("message", f"{period} {rule}"),
        **extra,
    )


@pytest.fixture
def result() -> Result:
    findings = [
        _finding(
            "县委宣传部",
            "topical-study",
            "2024",
            D(2024, 1, 1),
            D(2024, 12, 31),
            "met",
            2,
            2,
            records=[1, 2],
            severity="high",
        ),
        _finding(
            "县委宣传部", "knowledge-study", "2024-Q4", D(2024, 10, 1), D(2024, 12, 31), "due", 1, 0, outlook="at_risk"
        ),
        _finding(
            INJECTION,
            "topical-study",
            "2024",
            D(2024, 1, 1),
            D(2024, 12, 31),
            "gap",
            2,
            1,
            records=[7],
            near_misses=[NearMiss(record=9, date=D(2024, 11, 28), reason="日期不在计数区间内")],
        ),
        _finding(
            INJECTION,
            "major-incident-report",
            "2024-08-05",
            D(2024, 8, 5),
            D(2024, 8, 6),
            "late",
            1,
            1,
            kind="response",
            records=[10, 11],
        ),
        _finding(
            INJECTION,
            "new-media-training",
            "2024",
            D(2024, 1, 1),
            D(2024, 12, 31),
            "waived",
            1,
            0,
            waiver=WaiverRef(reason="机构改革", approved_by="县委宣传部"),
        ),
    ]
    return Result(
        packs=[PackRef(id="ideology-responsibility", version="1.0")],
        window=EvaluationWindow(**{"from": D(2024, 1, 1), "to": D(2024, 12, 31)}),
        as_of=D(2024, 12, 20),
        input=InputCounts(rows=14, matched=10, unmatched=2, rejected=2),
        rejected=[
            RejectedRow.of(5, "date.unparseable", text="2024-13-01"),
            RejectedRow.of(6, "row.no_date"),
        ],
        unmatched=[
            UnmatchedRow(row=12, activity="@SUM(1)", suggestion=None),
            UnmatchedRow(row=13, activity="篮球赛", suggestion=None),
        ],
        findings=findings,
        units=[
            UnitSummary(unit="县委宣传部", score=100.0, met=1, violations=0, due=1),
            UnitSummary(unit=INJECTION, score=0.0, met=0, violations=2, due=0, waived=1),
        ],
        warnings=[Notice(kind="duplicate", rows=[3, 4], message="rows 3, 4 are the same activity")],
        fingerprint="0123456789abcdef",
        rules=[
            {
                "id": "topical-study",
                "title": "每年专题研究意识形态工作不少于2次",
                "title_en": "Topical study twice a year",
            },
            {"id": "knowledge-study", "title": "每季度至少组织1次意识形态知识学习", "title_en": "Knowledge study"},
            {"id": "major-incident-report", "title": "及时向上报告意识形态领域的重大情况", "title_en": "Report"},
            {"id": "new-media-training", "title": "每年组织新媒体运用能力培训", "title_en": "New media"},
        ],
    )


def test_formats_come_from_the_registry():
    assert formats() == ["docx", "html", "json", "junit", "markdown", "table", "xlsx"]


def test_xlsx_has_five_sheets_with_typed_cells(result):
    book = openpyxl.load_workbook(io.BytesIO(render(result, "xlsx", RenderOptions(lang="zh"))))
    assert book.sheetnames == ["汇总", "明细", "整改台账", "未识别", "无效行"]
    summary = book["汇总"]
    assert summary.freeze_panes == "A2" and summary.auto_filter.ref
    # 名次 and 考核得分 first (none here: these hand-made summaries carry no rating)
    assert [c.value for c in summary[2]][:6] == [None, "县委宣传部", None, None, None, 100]
    # the injected unit name is inert text, quoted as OWASP advises
    assert summary["B3"].value == "'" + INJECTION and summary["B3"].data_type == "s"
    details = book["明细"]
    assert [c.value for c in details[1]][:6] == ["单位", "职责", "期间", "开始", "结束", "状态"]
    assert details["B2"].value == "每年专题研究意识形态工作不少于2次"  # the duty's title, never its id
    assert details["C3"].value == "2024年第四季度"  # the period as people name it, not 2024-Q4
    assert details["D2"].value == dt.datetime(2024, 1, 1) and details["D2"].number_format == "yyyy-mm-dd"
    assert [details.cell(row=r, column=6).value for r in range(2, 7)] == ["达标", "待完成", "未达标", "逾期", "豁免"]
    # severity in words: the fixture's first finding is high, the second has the default (medium)
    assert [details.cell(row=r, column=13).value for r in range(2, 4)] == ["高", "中"]
    fixes = book["整改台账"]
    assert [c.value for c in fixes[1]] == [
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
    rows = [[c.value for c in row] for row in fixes.iter_rows(min_row=2)]
    # one item per violation (gap, late). As of 2024-12-20 the deadline is the later of the end of the
    # month after the period and 30 days on (2025-01-19): 2025-01-31 for the year, 2025-01-19 for August.
    assert [(r[1], r[8], r[9]) for r in rows] == [
        ("'" + INJECTION, dt.datetime(2025, 1, 31), "未整改"),
        ("'" + INJECTION, dt.datetime(2025, 1, 19), "未整改"),
    ]
    assert rows[0][6] is None and rows[0][7] is None  # measure and owner left for people to fill
    assert [[c.value for c in r] for r in book["未识别"].iter_rows(min_row=2)] == [
        [12, "'@SUM(1)", None],
        [13, "篮球赛", None],
    ]
    assert next([c.value for c in r] for r in book["无效行"].iter_rows(min_row=2)) == [
        5,
        "无法识别的日期“2024-13-01”",  # the reader's reason, in the workbook's language
    ]


def test_markdown_report_has_the_four_parts(result):
    text = render(result, "markdown", RenderOptions(lang="zh"))
    heads = [line for line in text.splitlines() if line.startswith("## ")]
    assert heads == [
        "## 一、基本情况",
        "## 二、存在问题",
        "## 三、整改措施",
        "## 四、下一步打算",
        "## 附件1 各单位考核排名",  # two units: the ranking comes first
        "## 附件2 整改清单",
        "## 附件3 各项职责落实情况明细",
        "## 附件4 台账数据问题",
    ]
    assert (
        "1. 2024年“每年专题研究意识形态工作不少于2次”落实不到位，要求2次，仅开展1次（序号7），尚缺1次。"
        "另有记录未能计入：序号9（日期不在计数区间内）。"
    ) in text
    # as of 2024-12-20 the next steps are the rest of the year: the fourth quarter's study is due
    assert (
        "县委宣传部：2024年第四季度“每季度至少组织1次意识形态知识学习”尚缺1次，须于2024年12月31日前完成，"
        "时间紧，须抓紧落实。"
    ) in text
    assert "2024-Q4" not in text and "gap" not in text
    # never bare at the start of a table cell (inside a sentence it is only text)
    assert not re.search(r"(^|\| )=HYPERLINK", text, re.M) and "| '" + INJECTION in text
    assert "'@SUM(1)" in text


def test_markdown_references_name_the_activity(result):
    records = {"7": (dt.date(2024, 3, 1), "党组会专题研究意识形态工作"), "9": (dt.date(2024, 11, 28), "专题研究")}
    text = render(result, "markdown", RenderOptions(lang="zh", records=records))
    assert "仅开展1次（2024年3月1日“党组会专题研究意识形态工作”，序号7），尚缺1次" in text
    assert "另有记录未能计入：2024年11月28日“专题研究”，序号9（日期不在计数区间内）" in text


def test_markdown_in_english(result):
    text = render(result, "markdown", RenderOptions(lang="en"))
    assert "## 2. Problems found" in text
    assert "2024: “Topical study twice a year” fell short: 2 required, 1 done (no. 7), 1 missing." in text


def test_junit_has_a_case_per_finding_and_failures_for_violations(result):
    root = ET.fromstring(render(result, "junit", RenderOptions(lang="zh")))
    assert root.get("tests") == "5" and root.get("failures") == "2"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["县委宣传部", INJECTION]
    cases = suites[1].findall("testcase")
    assert [c.find("failure").get("type") if c.find("failure") is not None else None for c in cases] == [
        "gap",
        "late",
        None,
    ]
    assert cases[2].find("skipped").get("message") == "已豁免：机构改革"
    assert suites[0].findall("testcase")[1].find("skipped").get("message") == "待完成，截止2024年12月31日"


def test_junit_speaks_the_output_language(result):
    """Testcase names are the duty and period in words (the id stays in classname); the skipped
    reasons and the record line are sentences of the chosen language."""
    zh = ET.fromstring(render(result, "junit", RenderOptions(lang="zh")))
    en = ET.fromstring(render(result, "junit", RenderOptions(lang="en")))
    zh_case, en_case = (
        zh.findall("testsuite")[1].findall("testcase")[0],
        en.findall("testsuite")[1].findall("testcase")[0],
    )
    assert zh_case.get("classname") == en_case.get("classname") == f"{INJECTION}.topical-study"
    assert zh_case.get("name") == "2024年：每年专题研究意识形态工作不少于2次"
    assert en_case.get("name") == "Topical study twice a year, 2024"
    assert "台账记录：序号7" in zh_case.find("failure").text
    assert "ledger records: no. 7" in en_case.find("failure").text
    assert en.findall("testsuite")[1].findall("testcase")[2].find("skipped").get("message") == "waived: 机构改革"
    assert en.findall("testsuite")[0].findall("testcase")[1].find("skipped").get("message") == "due by 31 December 2024"


def test_table_lists_violations_first(result):
    text = render(result, "table", RenderOptions(lang="en"))
    unit_block = text[text.index(INJECTION + "  score") :]
    statuses = [line.split()[0] for line in unit_block.splitlines()[3:6]]
    assert statuses == ["gap", "late", "waived"]


def test_json_is_the_result_itself(result):
    data = json.loads(render(result, "json", RenderOptions()))
    assert data["findings"][2]["near_misses"] == [
        {"record": 9, "date": "2024-11-28", "reason": "日期不在计数区间内", "reason_en": None}
    ]
    assert data["findings"][0]["required"] == 2 and isinstance(data["findings"][0]["required"], int)


def test_binary_format_needs_an_output_file(capsys):
    from pathlib import Path

    from checklist.cli import main

    sample = Path(__file__).parents[1] / "fixtures" / "sample_ledger.csv"
    assert main(["evaluate", str(sample), "--format", "xlsx"]) == 2
    assert "请用 -o FILE" in capsys.readouterr().err


def test_docx_report_reopens_with_the_same_parts(result):
    import docx

    document = docx.Document(io.BytesIO(render(result, "docx", RenderOptions(lang="zh"))))
    paragraphs = document.paragraphs
    assert paragraphs[0].text == "县委宣传部等2个单位2024年度工作责任制落实情况自查报告（草稿）"
    assert paragraphs[0].style.name == "公文标题"
    headings = [p.text for p in paragraphs if p.style.name == "一级标题"]
    assert headings == ["一、基本情况", "二、存在问题", "三、整改措施", "四、下一步打算"]
    assert [p.text for p in paragraphs if p.style.name == "二级标题"][:2] == ["（一）县委宣传部", "（二）" + INJECTION]
    assert not [p for p in paragraphs if p.style.name.startswith(("Heading", "Intense", "List"))]
    signature = [p.text for p in paragraphs if p.alignment == 2 and p.text]  # right-aligned 落款
    assert signature == ["县委宣传部等2个单位", "2024年12月20日"]
    fixes = document.tables[1]  # 附件2 整改清单 (附件1 is the ranking of the two units)
    assert [c.text for c in fixes.rows[0].cells] == [
        "序号",
        "编号",
        "单位",
        "存在问题",
        "整改措施",
        "责任人",
        "整改时限",
    ]
    assert [row.cells[2].text for row in fixes.rows[1:]] == ["'" + INJECTION] * 2
    assert [row.cells[6].text for row in fixes.rows[1:]] == ["2025年1月31日", "2025年1月19日"]
    problems = [p.text for p in paragraphs if p.text.startswith("1. ")]
    assert problems[0].startswith("1. 2024年“每年专题研究意识形态工作不少于2次”落实不到位，要求2次，仅开展1次")


def test_rejected_reasons_read_in_both_languages(tmp_path):
    """The reader words each reason once, as a code and arguments; both languages come from it."""
    from checklist import read_ledger

    path = tmp_path / "台账.csv"
    rows = ["日期,活动类型,学时", ",学习,1", "2024-01-05,,1", "2024-13-01,学习,1", "2024年3月上旬,学习,1"]
    rows += ["2024-03-05,学习,两小时", ",合计,6"]
    path.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    got = {r.row: (r.code, r.text("zh"), r.text("en"), r.reason) for r in read_ledger(path).rejected}
    assert got == {
        2: ("row.no_date", "未填日期", "no date", "no date"),
        3: ("row.empty_activity", "活动类型为空", "empty activity", "empty activity"),
        4: (
            "date.no_such_day",
            "日期“2024-13-01”不存在",
            "unparseable date '2024-13-01': no such day",
            "unparseable date '2024-13-01': no such day",
        ),
        5: (
            "date.ten_days",
            "日期“2024年3月上旬”只写到旬，请写明具体日期",
            "imprecise date '2024年3月上旬': only the ten-day part of the month is given; write a day",
            "imprecise date '2024年3月上旬': only the ten-day part of the month is given; write a day",
        ),
        6: (
            "row.not_a_number",
            "学时“两小时”不是数字",
            "学时 '两小时' is not a number",
            "学时 '两小时' is not a number",
        ),
        7: (
            "row.summary",
            "“合计”是合计行，不是活动",
            "summary row '合计', not an activity",
            "summary row '合计', not an activity",
        ),
    }


def test_html_matrix_names_the_missing_periods_in_print_not_only_on_hover():
    """fixtures/README.md: 县教育局党组 missed knowledge-study in Q3 and 城关镇党委 report-to-superior in H2. The
    matrix cell says so in visible text (a printed page has no hover), in the periods' Chinese names."""
    from pathlib import Path

    from checklist import evaluate, load_pack, read_ledger
    from checklist.render import render_bytes

    result = evaluate(
        load_pack("ideology-responsibility"),
        read_ledger(Path(__file__).parents[1] / "fixtures" / "sample_ledger.csv"),
        year=2024,
        as_of=dt.date(2024, 12, 31),
    )
    page = render_bytes(result, "html", lang="zh").decode("utf-8")  # DESIGN §8: any format as bytes
    matrix = page[page.index("<table id='matrix'>") :]
    matrix = matrix[: matrix.index("</table>")]
    visible = re.sub(r"title='[^']*'", "", matrix)
    assert "第三季度未达标" in visible
    assert "下半年未达标" in visible
    assert "2024-Q3" not in visible
