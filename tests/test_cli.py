"""The command line's contract (DESIGN §7, §7.1): formats from -o, refusals before reading, bounded
options, exit codes 0/1/2/3/130, one line per error in the output language, --help in two languages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checklist.cli import main

FIXTURES = Path(__file__).parents[1] / "fixtures"
SAMPLE = FIXTURES / "sample_ledger.csv"
NOWHERE = "no-such-ledger.csv"  # a ledger that cannot be read: a refusal naming it would mean it was read


def _err(capsys) -> list[str]:
    return capsys.readouterr().err.strip().splitlines()


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("r.json", lambda data: json.loads(data)["schema"] == "checklist.result/1"),
        ("r.md", lambda data: data.decode().startswith("#")),
        ("r.HTM", lambda data: b"<html" in data[:200].lower()),
        ("r.xml", lambda data: b"<testsuite" in data),
        ("r.xlsx", lambda data: data[:2] == b"PK"),
        ("r.docx", lambda data: data[:2] == b"PK"),
        ("r.txt", lambda data: "县教育局党组" in data.decode() and "<" not in data.decode()),
    ],
)
def test_output_format_follows_the_extension(tmp_path, name, check):
    target = tmp_path / name
    assert main(["evaluate", str(SAMPLE), "--as-of", "2024-12-31", "-o", str(target)]) == 1
    assert check(target.read_bytes())


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["-o", "r.pdf"], ".pdf"),  # no such format
        (["-o", "r"], "扩展名"),  # no extension and no --format: nothing says what to write
        (["--format", "json", "-o", "r.html"], "--format json"),  # contradiction
        (["--format", "docx"], "-o FILE"),  # binary to a terminal
        (["--format", "xlsx"], "-o FILE"),
        (["-o", "."], "文件夹"),
        (["-o", "/"], "文件夹"),
        (["-o", "missing-dir/r.json"], "missing-dir"),
        (["-o", "x" * 300 + ".json"], "过长"),
        (["--year", "0"], "1900"),
        (["--year", "10000"], "1900"),
        (["--year", str(10**20)], "1900"),
        (["--year", "1899"], "1900"),
        (["--year", "2024", "--from", "2024-01-01", "--to", "2024-06-30"], "--year"),
        (["--from", "0001-01-01", "--to", "2024-12-31", "--compare-previous"], "--from"),
        (["--as-of", "2024-02-30"], "--as-of"),
    ],
)
def test_refusals_come_before_reading_in_one_chinese_line(tmp_path, monkeypatch, capsys, args, fragment):
    monkeypatch.chdir(tmp_path)
    assert main(["evaluate", NOWHERE, *args]) == 2
    err = _err(capsys)
    assert len(err) == 1 and fragment in err[0] and NOWHERE not in err[0], err
    assert "Traceback" not in err[0] and not list(tmp_path.iterdir())


def test_full_width_year_is_a_year(capsys):
    assert main(["evaluate", str(SAMPLE), "--year", "２０２４", "--as-of", "2024-12-31", "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["window"] == {"from": "2024-01-01", "to": "2024-12-31"}


def test_output_naming_the_ledger_is_refused_and_the_ledger_kept(tmp_path, capsys):
    ledger = tmp_path / "台账.txt"
    ledger.write_bytes(SAMPLE.read_bytes())
    assert main(["evaluate", str(ledger), "-o", str(ledger)]) == 2
    assert "输入文件" in _err(capsys)[0]
    assert ledger.read_bytes() == SAMPLE.read_bytes()
    plan = tmp_path / "plan.xlsx"
    assert main(["plan", str(SAMPLE), "-o", str(SAMPLE)]) == 2  # wrong extension, refused first
    assert main(["plan", str(SAMPLE), "--as-of", "2024-12-31", "-o", str(plan)]) == 0
    assert main(["plan", str(SAMPLE), "--as-of", "2024-12-31", "--ledger", str(plan), "-o", str(plan)]) == 0


@pytest.mark.parametrize(
    "args",
    [
        ["calendar", "--year", "9999", "-o", "x.ics"],
        ["calendar", "--year", "2024", "-o", "x.txt"],
        ["remind", NOWHERE, "--within", "99999999"],
        ["remind", NOWHERE, "--within", "-1"],
        ["remind", NOWHERE, "--year", "0"],
        ["audit", NOWHERE, "--backfill-days", "nan"],
        ["watch", "--within", "99999999"],
        ["watch", "--year", "0"],
        ["watch", "--idle", "nan"],
        ["watch", "--idle", "inf"],
    ],
)
def test_bounded_options_are_usage_errors(tmp_path, monkeypatch, capsys, args):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    err = _err(capsys)
    assert len(err) == 1 and err[0].startswith("错误：") and NOWHERE not in err[0], err


def _boom(error: BaseException):
    def evaluate(*args, **kwargs):
        raise error

    return evaluate


class _Panic(BaseException):
    """What a Rust reader's panic looks like from Python: a BaseException, not an Exception."""


@pytest.mark.parametrize("error", [RuntimeError("boom"), RecursionError("deep"), _Panic("reader panicked")])
def test_anything_unexpected_is_exit_3_in_one_line(monkeypatch, capsys, error):
    monkeypatch.setattr("checklist.engine.evaluate", _boom(error))
    assert main(["evaluate", str(SAMPLE), "--as-of", "2024-12-31"]) == 3
    err = _err(capsys)
    assert len(err) == 1 and err[0].startswith("内部错误：") and err[0].endswith("请报告此问题"), err
    assert main(["evaluate", str(SAMPLE), "--as-of", "2024-12-31", "--lang", "en", "--debug"]) == 3
    err = _err(capsys)
    assert err[0].startswith("internal error: ") and any(line.startswith("Traceback") for line in err)


def test_memory_exhaustion_and_interrupt(monkeypatch, capsys):
    monkeypatch.setattr("checklist.engine.evaluate", _boom(MemoryError()))
    assert main(["evaluate", str(SAMPLE), "--as-of", "2024-12-31"]) == 2
    assert "内存不足" in _err(capsys)[-1]
    monkeypatch.setattr("checklist.engine.evaluate", _boom(KeyboardInterrupt()))
    assert main(["evaluate", str(SAMPLE), "--as-of", "2024-12-31"]) == 130
    assert _err(capsys)[-1] == "已中断"


def test_help_follows_checklist_lang(monkeypatch, capsys):
    assert main(["evaluate", "--help"]) == 0
    chinese = capsys.readouterr().out
    assert chinese.startswith("用法：") and "输出格式" in chinese and "options" not in chinese
    monkeypatch.setenv("CHECKLIST_LANG", "en")
    assert main(["evaluate", "--help"]) == 0
    english = capsys.readouterr().out
    assert english.startswith("usage:") and "output format" in english


def test_argparse_errors_are_in_the_output_language(capsys):
    assert main(["evaluate"]) == 2
    assert "缺少以下参数" in _err(capsys)[0]
    assert main(["evaluate", "--lang", "en"]) == 2
    assert "the following arguments are required" in _err(capsys)[0]
    assert main(["evaluate", str(SAMPLE), "--format", "pdf"]) == 2
    assert "无效的选项值" in _err(capsys)[0]
