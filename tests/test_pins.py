"""Pins for behaviour that one-line bugs got past before: each test fails against such a mutant
(waiver dates, --lang, the fingerprint, the waiver note's language, the near-miss cap, errors, pack bytes)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from checklist import evaluate, load_pack, read_ledger
from checklist.cli import main
from checklist.errors import UsageError
from checklist.kinds.frequency import MAX_NEAR_MISSES
from checklist.ledger.side import Waiver

FIXTURES = Path(__file__).parents[1] / "fixtures"
HEADER = ["单位", "日期", "活动类型", "主题", "佐证材料"]
D = dt.date


def _ledger(tmp_path: Path, rows: list[list[str]], name: str = "台账.csv"):
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return read_ledger(path)


def _pack(tmp_path: Path, language: str = "zh", extra: str = ""):
    path = tmp_path / f"pack-{language}.yaml"
    path.write_text(
        f"pack: pins\nversion: '1'\ntitle: 学习\nlanguage: {language}\n"
        "categories:\n  study: {label: 集中学习, label_en: Group study}\n"
        "rules:\n  - {id: quarterly, title: 每季度学习, title_en: Study every quarter, category: study,"
        f" every: quarter, at_least: 1{extra}}}\n",
        encoding="utf-8",
    )
    return load_pack(path)


def _waiver(start: D, end: D, reason: str = "机构改革") -> Waiver:
    return Waiver("一支部", "quarterly", start, end, reason, "县委组织部", None, 2)


def test_a_waiver_covers_only_the_findings_inside_its_dates(tmp_path):
    # Q2 and Q3 lie inside April–September; Q1 starts before the waiver, Q4 ends after it.
    ledger = _ledger(tmp_path, [["一支部", "2023-05-01", "集中学习", "去年的学习", "纪要"]])
    result = evaluate(
        _pack(tmp_path), ledger, year=2024, as_of=D(2024, 12, 31), waivers=[_waiver(D(2024, 4, 1), D(2024, 9, 30))]
    )
    assert [(f.period, f.status) for f in result.findings] == [
        ("2024-Q1", "gap"),
        ("2024-Q2", "waived"),
        ("2024-Q3", "waived"),
        ("2024-Q4", "gap"),
    ]


def test_the_waiver_note_is_in_the_packs_language(tmp_path):
    ledger = _ledger(tmp_path, [["一支部", "2023-05-01", "集中学习", "去年的学习", "纪要"]])
    cover = [_waiver(D(2024, 1, 1), D(2024, 3, 31))]
    zh = evaluate(_pack(tmp_path, "zh"), ledger, year=2024, as_of=D(2024, 12, 31), waivers=cover).findings[0]
    en = evaluate(_pack(tmp_path, "en"), ledger, year=2024, as_of=D(2024, 12, 31), waivers=cover).findings[0]
    assert zh.status == en.status == "waived"
    assert zh.message.endswith(" [豁免：机构改革]") and "waived" not in zh.message
    assert en.message.endswith(" [waived: 机构改革]") and "豁免" not in en.message


def test_output_follows_lang_not_the_packs_language(capsys):
    sample = str(FIXTURES / "sample_ledger.csv")
    common = ["evaluate", sample, "--as-of", "2024-12-31", "--format", "markdown"]
    main([*common, "--lang", "en"])
    english = capsys.readouterr().out
    main(common)  # the shipped pack is Chinese: without --lang, so is the report
    chinese = capsys.readouterr().out
    assert "| met |" in english and "Study ideological work as a dedicated agenda item" in english
    assert "达标" not in english
    assert "达标" in chinese and "| met |" not in chinese


def test_the_fingerprint_changes_with_the_ledgers_bytes_and_only_with_them(tmp_path):
    pack = _pack(tmp_path)
    row = ["一支部", "2024-02-01", "集中学习", "一季度学习", "纪要"]
    first = evaluate(pack, _ledger(tmp_path, [row], "a.csv"), year=2024, as_of=D(2024, 12, 31))
    same = evaluate(pack, _ledger(tmp_path, [row], "b.csv"), year=2024, as_of=D(2024, 12, 31))
    # one character of a title no rule reads: the findings are the same, the ledger is not
    edited = evaluate(
        pack, _ledger(tmp_path, [[*row[:3], "一季度学习!", row[4]]], "c.csv"), year=2024, as_of=D(2024, 12, 31)
    )
    assert first.findings == edited.findings
    assert first.fingerprint == same.fingerprint != edited.fingerprint


def test_the_fingerprint_uses_the_pack_bytes_read_at_load_time(tmp_path):
    ledger = _ledger(tmp_path, [["一支部", "2024-02-01", "集中学习", "一季度学习", "纪要"]])
    pack = _pack(tmp_path)
    before = evaluate(pack, ledger, year=2024, as_of=D(2024, 12, 31)).fingerprint
    (tmp_path / "pack-zh.yaml").unlink()  # evaluation must not read pack files again
    assert evaluate(pack, ledger, year=2024, as_of=D(2024, 12, 31)).fingerprint == before
    severe = _pack(tmp_path, extra=", severity: high")  # other bytes, another fingerprint
    assert evaluate(severe, ledger, year=2024, as_of=D(2024, 12, 31)).fingerprint != before


def test_near_misses_are_capped_at_five(tmp_path):
    # The rule counts only the last 10 days of each quarter; seven records earlier in March missed it.
    rows = [["一支部", f"2024-03-{day:02d}", "集中学习", f"学习{day}", "纪要"] for day in range(1, 8)]
    pack = _pack(tmp_path, extra=", window: {last_days: 10}")
    result = evaluate(pack, _ledger(tmp_path, rows), start=D(2024, 1, 1), end=D(2024, 3, 31), as_of=D(2024, 3, 31))
    (q1,) = result.findings
    assert q1.status == "gap" and q1.count == 0
    assert MAX_NEAR_MISSES == 5
    assert [m.record for m in q1.near_misses] == [2, 3, 4, 5, 6]


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"start": D(2024, 1, 1)}, "engine.window_half"),
        ({"start": D(2024, 6, 1), "end": D(2024, 1, 1)}, "engine.window_reversed"),
        ({"units": ["三支部"]}, "engine.unknown_units"),
        ({"group_by": "type"}, "engine.group_by"),
    ],
)
def test_library_errors_carry_a_code_and_name_no_cli_flag(tmp_path, options, code):
    ledger = _ledger(tmp_path, [["一支部", "2024-02-01", "集中学习", "一季度学习", "纪要"]])
    with pytest.raises(UsageError) as caught:
        evaluate(_pack(tmp_path), ledger, as_of=D(2024, 12, 31), **options)
    # the code and both sentences, whether the error keeps its Message as an argument or as attributes
    message = getattr(caught.value, "message", None) or caught.value.args[0]
    assert message.code == code
    for lang in ("zh", "en"):
        assert "--" not in message.text(lang)
