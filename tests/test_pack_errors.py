"""Broken packs give located one-line errors: file:line:col, the path, the bad value, what was expected."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from checklist.errors import PackError, UsageError
from checklist.pack import load_pack

HEAD = """\
pack: city-pack
version: "1.0"
title: 某市意识形态工作清单
categories:
  topical_study:
    label: 专题研究意识形态工作
rules:
"""

RULE = """\
  - id: topical-study
    title: 每年专题研究意识形态工作不少于2次
    category: topical_study
    every: year
    at_least: 2
"""

# (id, {file name: text}, file that is loaded, expected "file:line:col", fragments of the message)
CASES = [
    (
        "typo-in-enum",
        {"p.yaml": HEAD + RULE.replace("every: year", "every: quartely")},
        "p.yaml",
        "p.yaml:11:12",
        ["rules[0].every", "'quartely' is not one of week, month, quarter, half, year"],
    ),
    (
        "unknown-key",
        {"p.yaml": HEAD + RULE + "    evrey: year\n"},
        "p.yaml",
        "p.yaml:13:5",
        ["rules[0].evrey", "unknown key 'evrey'", "did you mean 'every'"],
    ),
    (
        "wrong-type",
        {"p.yaml": HEAD + RULE.replace("at_least: 2", "at_least: two")},
        "p.yaml",
        "p.yaml:12:15",
        ["rules[0].at_least", "'two'", "number"],
    ),
    (
        "unknown-category",
        {"p.yaml": HEAD + RULE.replace("category: topical_study", "category: topical_studdy")},
        "p.yaml",
        "p.yaml:10:15",
        ["rules[0].category", "unknown category 'topical_studdy'", "did you mean 'topical_study'"],
    ),
    (
        "missing-key",
        {"p.yaml": HEAD + RULE.replace("    title: 每年专题研究意识形态工作不少于2次\n", "")},
        "p.yaml",
        "p.yaml:8:5",
        ["rules[0]", "missing required key 'title'"],
    ),
    (
        "unknown-kind",
        {"p.yaml": HEAD + RULE + "    kind: frequncy\n"},
        "p.yaml",
        "p.yaml:13:11",
        ["rules[0].kind", "'frequncy' is not one of frequency"],
    ),
    (
        "duplicate-id",
        {"p.yaml": HEAD + RULE + RULE},
        "p.yaml",
        "p.yaml:13:9",
        ["rules[1].id", "rule id 'topical-study' is defined twice", "p.yaml:8:9"],
    ),
    (
        "duplicate-yaml-key",
        {"p.yaml": HEAD + RULE + "    every: month\n"},
        "p.yaml",
        "p.yaml:13:5",
        ["duplicate key 'every'"],
    ),
    (
        "inherited-duplicate-needs-overrides",
        {
            "base.yaml": HEAD + RULE,
            "p.yaml": "pack: child\nversion: '1'\ntitle: 子\nextends: [base.yaml]\nrules:\n" + RULE,
        },
        "p.yaml",
        "p.yaml:6:9",
        ["defined twice", "base.yaml:8:9", "overrides"],
    ),
    (
        "override-of-unknown-rule",
        {
            "base.yaml": HEAD + RULE,
            "p.yaml": "pack: child\nversion: '1'\ntitle: 子\nextends: [base.yaml]\n"
            "overrides:\n  topical-studdy: {at_least: 3}\n",
        },
        "p.yaml",
        "p.yaml:6:3",
        ["overrides.topical-studdy", "unknown rule 'topical-studdy'", "did you mean 'topical-study'"],
    ),
    (
        "override-with-bad-value",
        {
            "base.yaml": HEAD + RULE,
            "p.yaml": "pack: child\nversion: '1'\ntitle: 子\nextends: [base.yaml]\n"
            "overrides:\n  topical-study:\n    every: yearly\n",
        },
        "p.yaml",
        "p.yaml:7:12",
        ["overrides.topical-study.every", "'yearly' is not one of"],
    ),
    (
        "extends-cycle",
        {
            "a.yaml": "pack: a\nversion: '1'\ntitle: A\nextends: [b.yaml]\n",
            "b.yaml": "pack: b\nversion: '1'\ntitle: B\nextends: [a.yaml]\n",
        },
        "a.yaml",
        "b.yaml:4:11",
        ["extends[0]", "extends cycle", "a.yaml -> ", "b.yaml -> ", "a.yaml"],
    ),
    (
        "extends-missing-pack",
        {"p.yaml": "pack: a\nversion: '1'\ntitle: A\nextends: [no-such-pack]\n"},
        "p.yaml",
        "p.yaml:4:11",
        ["extends[0]", "no rule pack 'no-such-pack'"],
    ),
    (
        "window-on-a-quarter",
        {"p.yaml": HEAD + RULE.replace("every: year", "every: quarter") + "    window: {from: '12-01', to: '12-31'}\n"},
        "p.yaml",
        "p.yaml:8:5",
        ["rules[0]", "calendar-day windows (from/to) belong to every: year"],
    ),
    (
        "bad-month-day",
        {"p.yaml": HEAD + RULE + "    window: {from: '02-30', to: '12-31'}\n"},
        "p.yaml",
        "p.yaml:13:20",
        ["rules[0].window.from", "'02-30' is not a day of the year"],
    ),
    (
        "yaml-syntax",
        {"p.yaml": HEAD + RULE + "    at_most: [1, 2\n"},
        "p.yaml",
        "p.yaml:14:1",
        ["YAML syntax error"],
    ),
    (
        "empty-file",
        {"p.yaml": ""},
        "p.yaml",
        "p.yaml:1:1",
        ["empty pack"],
    ),
    (
        "not-a-mapping",
        {"p.yaml": "- just\n- a list\n"},
        "p.yaml",
        "p.yaml:1:1",
        ["a pack is a mapping"],
    ),
]


def _write(tmp_path: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")


@pytest.mark.parametrize(("files", "entry", "where", "fragments"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_pack_is_located(tmp_path, monkeypatch, files, entry, where, fragments):
    _write(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(PackError) as info:
        load_pack(entry)
    lines = str(info.value).splitlines()
    line = next((x for x in lines if x.startswith(where + ":")), None)
    assert line is not None, f"no error at {where} in {lines}"
    for fragment in fragments:
        assert fragment in line, f"{fragment!r} not in {line!r}"


def test_several_errors_give_several_lines(tmp_path, monkeypatch):
    text = HEAD + RULE.replace("every: year", "every: quartely").replace("at_least: 2", "at_least: two")
    _write(tmp_path, {"p.yaml": text})
    monkeypatch.chdir(tmp_path)
    with pytest.raises(PackError) as info:
        load_pack("p.yaml")
    assert [p.location.line for p in info.value.problems] == [11, 12]


def test_non_utf8_pack_names_the_byte(tmp_path, monkeypatch):
    (tmp_path / "gbk.yaml").write_bytes((HEAD + RULE).encode("gbk"))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(PackError) as info:
        load_pack("gbk.yaml")
    message = str(info.value)
    # Line 3 is `title: 某市…`. GBK 某 is C4 B3, which happens to be valid UTF-8 (U+0133);
    # 市 is CA D0, and D0 cannot follow CA in UTF-8: the 9th character, byte 0xca.
    assert message.startswith("gbk.yaml:3:9: ")
    assert "not UTF-8" in message and "0xca" in message


def test_alias_bomb_is_rejected_quickly(tmp_path, monkeypatch):
    # Nine levels of ten aliases each expand to 10**9 nodes if anyone walked them.
    levels = ['a0: &a0 ["lol"]']
    levels += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    (tmp_path / "bomb.yaml").write_text("\n".join(levels) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    started = time.perf_counter()
    with pytest.raises(PackError) as info:
        load_pack("bomb.yaml")
    assert time.perf_counter() - started < 1.0
    assert str(info.value).startswith("bomb.yaml:") and "alias" in str(info.value)


def test_oversized_pack_is_rejected(tmp_path, monkeypatch):
    (tmp_path / "big.yaml").write_text(HEAD + "#" * (3 * 1024 * 1024), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(PackError, match=r"^big\.yaml: pack is \d+ bytes; the limit is"):
        load_pack("big.yaml")


def test_unknown_pack_id_is_a_usage_error():
    with pytest.raises(UsageError, match="no rule pack 'ideology-responsibilty'"):
        load_pack("ideology-responsibilty")
