"""Nothing a Chinese user reads is in English, and `--lang en` has no Chinese beyond the ledger's and
the pack's own texts (DESIGN §7.1): the sample commands, run as a clerk would, on the sample ledger."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest

from checklist import load_pack
from checklist.cli import main

FIXTURES = Path(__file__).parents[1] / "fixtures"
SAMPLE = FIXTURES / "sample_ledger.csv"
SHIPPED_PACKS = ("ideology-responsibility", "branch-routines", "profile-office", "profile-school", "profile-township")
COMMANDS = [
    ["evaluate", str(SAMPLE), "--as-of", "2024-12-31"],
    ["remind", str(SAMPLE), "--as-of", "2024-12-10"],
    ["audit", str(SAMPLE)],
    ["log", "check", str(SAMPLE)],
    ["rules", "list"],
    ["evaluate", str(SAMPLE), "--year", "0"],  # a usage error
    ["evaluate", "没有这个台账.csv"],  # an unreadable ledger
    # typical bad inputs (files written by the test: {pack}, {jsonl}, {dates})
    ["evaluate", str(SAMPLE), "--rules", "{pack}"],  # a county's first pack, with its mistakes
    ["rules", "validate", "{pack}"],
    ["log", "check", "{jsonl}"],  # JSON Lines with broken lines
    ["evaluate", "{dates}", "--year", "2024"],  # a date column with impossible dates
    ["evaluate", str(SAMPLE), "--as-of", "2024-02-30"],
    ["evaluate", str(SAMPLE), "--format", "pdf"],
    ["evaluate", str(SAMPLE), "-o", "报告.pdf"],
    ["frobnicate"],
    ["plan", str(SAMPLE)],  # plan without -o
]
BAD_PACK = (
    "pack: 县委宣传部清单\nversion: 1.0\ntitle: 某县清单\ncategories:\n  专题研究:\n    label: 专题研究意识形态工作\n"
    "rules:\n  - id: topical-study\n    title: 每年专题研究\n    category: 专题研究\n    every: 每年\n"
    "    at_least: 两次\n    severity: 高\n    颜色: 红\n  - id: b\n    title: 学习\n    category: 专题研究\n"
    "    every：year\n"
)
BAD_JSONL = (
    '{"日期": "2024-03-15", "活动类型": "专题研究"}\nnot json\n{"日期" "2024-03-16"}\n'
    '{"日期": "2024-02-30", "活动类型": "x"}\n'
)
BAD_DATES = (
    "日期,单位,活动类型\n2024-13-45,县委宣传部,专题研究\n2024年3月上旬,县委宣传部,专题研究\n,县委宣传部,专题研究\n"
)


@pytest.fixture
def bad_files(tmp_path):
    files = {
        "{pack}": ("县清单.yaml", BAD_PACK),
        "{jsonl}": ("台账.jsonl", BAD_JSONL),
        "{dates}": ("台账.csv", BAD_DATES),
    }
    out = {}
    for key, (name, text) in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        out[key] = str(tmp_path / name)
    return out


def _resolved(args: list[str], files: dict[str, str]) -> list[str]:
    return [files.get(a, a) for a in args]


# Words that are names, not language: ids of the pack, its rules and categories, the file's name and
# format, encodings, hex fingerprints, period codes (2024-H2) and option names quoted in messages.
NAMES = {"csv", "GBK", "GB", "LOG", "FILE", "year", "evaluate", "checklist", "pdf", "frobnicate", "xlsx", "o"}
NAMES |= {"bulletin", "log", "rules", "plan", "remind", "audit", "calendar", "watch", "serve", "template"}  # commands
NAMES |= {"docx", "html", "json", "junit", "markdown", "table", "htm", "md", "txt", "xml", "format", "as-of"}
# the pack language's own words, which a pack error quotes (keys, kinds, allowed values)
NAMES |= {"pack", "version", "title", "rules", "every", "at_least", "severity", "id", "YAML", "true", "false"}
NAMES |= {"week", "month", "quarter", "half", "high", "medium", "low", "category", "kind", "categories"}
NAMES |= {"JSON", "jsonl", "yaml", "ledger"}  # ledger: the --ledger option


def _names() -> set[str]:
    names = set(NAMES)
    for pack_id in SHIPPED_PACKS:
        pack = load_pack(pack_id)
        names |= {pack.id, *(r.id for r in pack.rules), *pack.categories}
        names |= {
            part for name in (pack.id, *(r.id for r in pack.rules), *pack.categories) for part in re.split("[-_]", name)
        }
    return names


def _run(args: list[str], capsys) -> str:
    main(args)
    captured = capsys.readouterr()
    return captured.out + captured.err


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2] + a[3:4]))
def test_chinese_output_has_no_english_words(args, capsys, bad_files):
    args = _resolved(args, bad_files)
    folder = str(Path(bad_files["{pack}"]).parent)
    text = (
        _run(args, capsys)
        .replace(folder, "")
        .replace(str(SAMPLE), "")
        .replace(str(SAMPLE.relative_to(Path.cwd())) if SAMPLE.is_relative_to(Path.cwd()) else "\0", "")
    )
    text = re.sub(r"\b[0-9a-f]{16}\b", "", text)  # the fingerprint
    names = _names()
    words = set(re.findall(r"[A-Za-z][A-Za-z_-]+", text))
    stray = words - names
    assert stray == set(), stray


def _ledger_and_pack_texts() -> list[str]:
    with SAMPLE.open(encoding="gb18030") as stream:
        cells = [cell for row in csv.reader(stream) for cell in row]
    texts = [*cells, str(SAMPLE)]
    for pack_id in SHIPPED_PACKS:
        pack = load_pack(pack_id)
        texts += [pack.title, *(r.title for r in pack.rules), *(c.label for c in pack.categories.values())]
    return texts


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2] + a[3:4]))
def test_english_output_has_no_chinese_but_the_ledgers_and_packs(args, capsys, bad_files):
    args = _resolved(args, bad_files)
    text = _run([*args, "--lang", "en"], capsys)
    # file names given and the bad files' own texts are the user's
    # 填报单位 is the line a ledger's title rows carry, quoted as such in English messages
    allowed = "\n".join([*_ledger_and_pack_texts(), *args, BAD_PACK, BAD_JSONL, BAD_DATES, "填报单位"])
    runs = set(re.findall(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+", text))
    stray = {run for run in runs if run not in allowed}
    assert stray == set(), stray


# ---------------------------------------------------------------- which numbering a reference is

NO_ID_LEDGER = "日期,单位,活动类型,活动名称\n2024-03-15,县委宣传部,专题研究意识形态工作,党组会专题研究\n"
WITH_ID_LEDGER = "序号,日期,单位,活动类型,活动名称\n7,2024-03-15,县委宣传部,专题研究意识形态工作,党组会专题研究\n"


@pytest.mark.parametrize(
    ("ledger", "cited", "header"),
    [
        (NO_ID_LEDGER, "2024年3月15日“党组会专题研究”，第2行", "记录行号"),
        (WITH_ID_LEDGER, "2024年3月15日“党组会专题研究”，序号7", "记录序号"),
    ],
    ids=["excel-row", "xu-hao"],
)
def test_references_say_which_numbering_they_are(tmp_path, capsys, ledger, cited, header):
    """The one topical study (twice a year required) is cited by date and name, and as 第2行 (the
    Excel row: the header is row 1) when the ledger has no 序号 column, as 序号7 when it has one."""
    path = tmp_path / "台账.csv"
    path.write_text(ledger, encoding="utf-8")
    args = ["evaluate", str(path), "--year", "2024", "--unit", "县委宣传部"]
    main([*args, "--format", "markdown"])
    report = capsys.readouterr().out
    assert f"（{cited}）" in report
    main([*args, "--format", "junit"])
    assert f"台账记录：{cited}" in capsys.readouterr().out
    main(args)
    table = capsys.readouterr().out
    assert header in table and "记录 " not in table


# ---------------------------------------------------------------- checklist watch alerts


def test_watch_alerts_carry_a_code_and_a_sentence_in_the_chosen_language():
    """Alerts are worded without durable-rules (a pure step after it): the data stays, a catalogue
    code and a message in the reader's language are added; a rejected row's reason follows --lang."""
    from checklist.stream.alerts import worded
    from checklist.stream.monitor import Monitor

    titles_zh = {"knowledge-study": "每季度至少组织1次意识形态知识学习"}
    alert = {
        "alert": "overdue",
        "unit": "县委宣传部",
        "rule": "knowledge-study",
        "period": "2024-Q1",
        "count": 0,
        "required": 1.0,
        "due": "2024-03-31",
        "rows": [],
    }
    zh = worded(alert, "zh", titles_zh)
    assert zh["code"] == "watch.alert.overdue" and zh["period"] == "2024-Q1" and zh["rows"] == []
    assert (
        zh["message"]
        == "县委宣传部：2024年第一季度“每季度至少组织1次意识形态知识学习”已过截止日期2024年3月31日，完成0次，要求1次"
    )
    falls = worded(
        {**alert, "alert": "falls_due", "due": "2024-12-31", "period": "2024"}, "en", {"knowledge-study": "Study"}
    )
    assert falls["message"] == "县委宣传部: “Study” for 2024 falls due on 31 December 2024, 1 still missing"

    monitor = Monitor(load_pack("ideology-responsibility"), dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    (bad_day,) = monitor.feed({"日期": "2024-13-01", "活动类型": "专题研究"}, 5)
    (no_day,) = monitor.feed({"日期": "", "活动类型": "专题研究"}, 6)
    row5 = worded({"alert": "rejected", **bad_day.data}, "zh", {})
    assert row5["code"] == "date.no_such_day" and row5["reason"] == "日期“2024-13-01”不存在"
    assert row5["message"] == "第5行未计入：日期“2024-13-01”不存在"
    row6 = worded({"alert": "rejected", **no_day.data}, "en", {})
    assert (row6["code"], row6["reason"], row6["message"]) == ("row.no_date", "no date", "row 6 not counted: no date")
    assert not {"reason_zh", "reason_en"} & row6.keys()


def test_a_reader_that_closes_the_pipe_is_not_an_internal_error(capsys):
    """`checklist evaluate … | head`: the pipe closes early; no 内部错误 line, no exit 3."""

    class Closed(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    assert main(["evaluate", str(SAMPLE), "--as-of", "2024-12-31"], out=Closed()) == 0
    assert "内部错误" not in capsys.readouterr().err


# ---------------------------------------------------------------- the English DOCX


def test_english_docx_tags_latin_text_english_and_sets_it_in_latin_sizes(tmp_path):
    """Latin text tagged zh-CN is broken anywhere by LibreOffice/WPS ("rep|ort"); the English report
    tags it en-GB (CJK stays zh-CN), sets the body in 12 pt (3号 × 3/4) on a 21 pt line, headings
    bold, and its title and preamble read as English sentences."""
    import zipfile

    import docx

    path = tmp_path / "report.docx"
    assert main(["evaluate", str(SAMPLE), "--as-of", "2024-12-31", "--lang", "en", "-o", str(path)]) == 1
    with zipfile.ZipFile(path) as z:
        styles = z.read("word/styles.xml").decode("utf-8")
    defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles, re.S)[0]
    assert 'w:val="en-GB"' in defaults and 'w:eastAsia="zh-CN"' in defaults
    document = docx.Document(path)
    body = document.styles["公文正文"]
    assert body.font.size.pt == 12.0 and body.paragraph_format.line_spacing.pt == 21.0
    assert document.styles["一级标题"].font.bold and document.styles["公文标题"].font.bold
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[0] == (
        "县委宣传部 and others (3 units): Self-Inspection Report on the Ideological work responsibility system, "
        "2024 (Draft)"
    )
    assert texts[1].startswith("As the Ideological work responsibility system requires, 县委宣传部 and others")
    assert "(1) 县委宣传部" in texts
    assert not [t for t in texts if t[:1].islower()]  # no sentence opens in lower case ("second half of…")


def test_finding_messages_name_periods_and_days_in_words(capsys):
    """The JSON keeps the period code (2024-Q3) in `period`; the sentence a person reads says
    2024年第三季度, and a due day 2024年12月31日, never the codes."""
    import json

    main(["evaluate", str(SAMPLE), "--as-of", "2024-12-10", "--format", "json"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    q3 = next(
        f for f in findings if (f["unit"], f["rule"], f["period"]) == ("县教育局党组", "knowledge-study", "2024-Q3")
    )
    assert q3["message"] == "2024年第三季度 意识形态知识学习 0/1次，缺1次"
    # 序号20 of 县教育局党组: 2024-06-06, 意识形态知识学习, its 佐证材料 cell empty (一事一档)
    files = next(f for f in findings if f["rule"] == "evidence-on-file" and f["records"] == [20])
    assert files["message"] == "2024年6月6日 意识形态知识学习 未留存佐证材料" and files["period"] == "2024-06-06"
    due = [f["message"] for f in findings if f["status"] == "due"]
    assert due and all("2024年12月31日前完成" in m and "2024-" not in m for m in due)


def test_tables_people_read_name_their_periods(capsys):
    # 县委宣传部 holds one 意识形态知识学习 per quarter and one 汇报 per half year in the sample
    table = _run(["evaluate", str(SAMPLE), "--as-of", "2024-12-31"], capsys)
    assert "2024年第三季度" in table and "2024年下半年" in table
    assert not re.search(r"\b20\d\d-[QH]\d\b", table)  # the JSON's codes stay out of what people read
    # on 20 June the first half's 汇报 of 县教育局党组 (none on file yet) is due on 30 June
    soon = _run(["remind", str(SAMPLE), "--as-of", "2024-06-20", "--within", "30"], capsys)
    assert "2024年上半年" in soon and "2024-H1" not in soon


def test_help_lists_each_command_once_under_its_heading():
    from checklist.cli.app import build_parser

    for lang, heading in (("zh", "命令:"), ("en", "commands:")):
        text = build_parser(lang).format_help()
        lines = text.splitlines()
        below = lines[lines.index(heading) + 1]
        assert below.split()[0] == "evaluate"  # the first command, not the heading's word again
        assert sum(1 for line in lines if line.split()[:1] == ["template"]) == 1


def test_chinese_help_is_punctuated_as_chinese():
    # （可重复）, 默认：…, 1900至2100，… — full-width next to Chinese; ASCII stays where it is code
    # (--rules, .xlsx, unit,person,role) and in argparse's own section headings (选项:)
    from checklist.cli.app import COMMANDS, build_parser
    from checklist.cli.argwords import argparse_words

    with argparse_words("zh"):
        parser = build_parser("zh")
        texts = [parser.format_help()]
        for action in parser._subparsers._group_actions:  # type: ignore[union-attr]
            texts += [sub.format_help() for sub in action.choices.values()]
    assert len(texts) == 1 + len(COMMANDS)
    for text in texts:
        assert text.startswith("用法：")
        assert not re.findall(r"[\u4e00-\u9fff][,;()]|[,;()][\u4e00-\u9fff]", text), text
