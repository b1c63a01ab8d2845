"""Pack-loading errors read in the user's language (issue 14): rule packs as Chinese offices write them,
with the mistakes they make, give one located line per mistake in Chinese (default) or English, each
with a catalogue code; pydantic's own English never reaches the reader."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from checklist.cli import main
from checklist.errors import PackError
from checklist.pack import load_pack

# A county office's first pack: ids in Chinese, enum values in Chinese, a number in words, a
# full-width colon typed by the input method, a list written as one string, a stray key.
COUNTY_PACK = """\
pack: 县委宣传部清单
version: 1.0
title: 某县意识形态工作责任制清单
categories:
  专题研究:
    label: 专题研究意识形态工作
    keywords: [意识形态]
rules:
  - id: topical-study
    title: 每年专题研究意识形态工作不少于2次
    category: 专题研究
    every: 每年
    at_least: 两次
    severity: 高
  - id: report
    kind: deadline
    title: 年底前报送年度报告
    category: 专题研究
    by: 2024年12月31日
  - id: resp
    kind: respons
    title: 舆情发生后及时报告
  - id: files
    kind: evidence
    title: 一事一档
    categories: 专题研究
    require: []
    enabled: 是
    颜色: 红
"""

# (line:col, dotted path, Chinese words that must be there, English words that must be there, code)
EXPECTED = [
    ("1:7", "pack", ["“县委宣传部清单”不是有效的标识", "小写英文字母"], ["is not a valid id"], "pack.value.id"),
    ("12:12", "rules[0].every", ["“每年”不是可选值", "应写作 year"], ["'每年' is not one of", "(write year)"], None),
    ("13:15", "rules[0].at_least", ["应为数字，而不是“两次”"], ["should be a number, got '两次'"], "pack.value.number"),
    ("14:15", "rules[0].severity", ["“高”不是可选值", "high、medium、low", "应写作 high"], ["(write high)"], None),
    ("19:9", "rules[1].by", ["应为日期", "而不是“2024年12月31日”"], ["should be a date like 2024-03-31"], None),
    ("21:11", "rules[2].kind", ["规则类型 kind 为“respons”", "response"], ["kind 'respons' is not one of"], None),
    ("26:17", "rules[3].categories", ["应为列表", "而不是“专题研究”"], ["should be a list", "got '专题研究'"], None),
    ("27:14", "rules[3].require", ["至少要有 1 项"], ["needs at least 1 item"], "pack.value.too_short"),
    ("28:14", "rules[3].enabled", ["应为 true 或 false，而不是“是”", "应写作 true"], ["should be true or false"], None),
    ("29:5", "rules[3].颜色", ["未知的键“颜色”"], ["unknown key '颜色'"], "pack.key.unknown"),
]


def _load(tmp_path: Path, text: str, name: str = "县清单.yaml") -> PackError:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_pack(str(path))
    return caught.value


def test_a_county_pack_gives_one_located_chinese_line_per_mistake(tmp_path):
    err = _load(tmp_path, COUNTY_PACK)
    zh = err.text("zh").splitlines()
    en = err.text("en").splitlines()
    assert len(zh) == len(EXPECTED) == len(en)
    for where, path, zh_words, en_words, code in EXPECTED:
        head = f"{tmp_path / '县清单.yaml'}:{where}: {path}: "
        zh_line = next((x for x in zh if x.startswith(head)), None)
        en_line = next((x for x in en if x.startswith(head)), None)
        assert zh_line is not None and en_line is not None, (head, zh)
        for word in zh_words:
            assert word in zh_line, (word, zh_line)
        for word in en_words:
            assert word in en_line, (word, en_line)
        if code:
            assert code in {p.code for p in err.problems}
    for line in zh:
        said = line.split(": ", 2)[2]
        # Chinese sentences: the only Latin words are the pack language's own keys and values.
        assert not re.search(r"\b(should|Input|Field|valid|required|got|not)\b", said), line


def test_every_problem_has_a_catalogue_code(tmp_path):
    err = _load(tmp_path, COUNTY_PACK)
    assert all(p.code and p.code.startswith("pack.") for p in err.problems)
    assert "pack.value.invalid" not in {p.code for p in err.problems}  # no mistake fell to the catch-all


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        (  # the input method's full-width colon
            "pack: a\nversion: '1'\ntitle: 清单\nrules:\n  - id: a\n    title: 学习\n"
            "    every：year\n    at_least: 2\n",
            "YAML 语法错误：找不到应有的冒号“:”。本行用了全角冒号“：”",
            "YAML syntax error: could not find expected ':'; the line has a full-width colon",
        ),
        (  # a tab for indentation
            "pack: a\nversion: '1'\ntitle: 清单\nrules:\n\t- id: a\n",
            "YAML 语法错误：有制表符（Tab）；YAML 只能用空格缩进",
            "YAML syntax error: a tab character",
        ),
        (  # an unclosed bracket
            "pack: a\nversion: '1'\ntitle: 清单\nextends: [branch-routines\n",
            "方括号“[”没有闭合",
            "a '[' is not closed",
        ),
        (  # a colon inside a title
            "pack: a\nversion: '1'\ntitle: 清单: 2024年\n",
            "此处不能出现“键: 值”",
            "mapping values are not allowed here",
        ),
        (  # a date YAML cannot build
            "pack: a\nversion: '1'\ntitle: 清单\ncategories: {s: {label: 学习}}\nrules:\n"
            "  - {id: a, kind: deadline, title: t, category: s, by: 2024-13-01}\n",
            "rules[0].by: “2024-13-01”不是有效的日期",
            "rules[0].by: '2024-13-01' is not a valid date",
        ),
        (  # no space after the list dash
            "pack: a\nversion: '1'\ntitle: 清单\nrules:\n  -id: a\n",
            "rules: 应为列表（写作 [甲, 乙]，或逐行以“- ”开头），而不是一组“键: 值”（列表项的“-”后要有一个空格）",
            "rules: should be a list ([a, b], or lines starting with '- '), got a mapping (a list item needs",
        ),
        (  # two forms of a window at once (a model check)
            "pack: a\nversion: '1'\ntitle: 清单\ncategories: {s: {label: 学习}}\nrules:\n"
            "  - {id: a, title: t, category: s, every: month, at_least: 1, window: {last_days: 5, by_day: 20}}\n",
            "rules[0].window: from/to、first_days、last_days、by_day只能给出其中一个",
            "rules[0].window: give exactly one of from/to, first_days, last_days, by_day",
        ),
        (  # an unknown category, close to a known one
            "pack: a\nversion: '1'\ntitle: 清单\ncategories: {专题研究: {label: 学习}}\nrules:\n"
            "  - {id: a, title: t, category: 专题研空, every: year, at_least: 1}\n",
            "rules[0].category: 未定义的类别“专题研空”（是否应为“专题研究”？）",
            "rules[0].category: unknown category '专题研空' (did you mean '专题研究'?)",
        ),
        (  # a pack saved by Notepad in GBK
            None,
            "不是 UTF-8 文本（字节 0x",
            "not UTF-8 text (byte 0x",
        ),
    ],
    ids=["full-width-colon", "tab", "bracket", "colon-in-title", "bad-date", "dash", "window", "category", "gbk"],
)
def test_typical_mistakes_read_in_both_languages(tmp_path, text, zh, en):
    if text is None:
        path = tmp_path / "县清单.yaml"
        path.write_bytes("pack: a\nversion: '1'\ntitle: 某县清单\n".encode("gbk"))
        with pytest.raises(PackError) as caught:
            load_pack(str(path))
        err = caught.value
    else:
        err = _load(tmp_path, text)
    assert zh in err.text("zh")
    assert en in err.text("en")
    assert all(re.match(r".+:\d+:\d+: ", line) for line in err.text("zh").splitlines())  # located


def test_cli_prints_pack_errors_in_chinese_by_default_and_english_on_request(tmp_path, capsys):
    path = tmp_path / "县清单.yaml"
    path.write_text(COUNTY_PACK, encoding="utf-8")
    ledger = str(Path(__file__).parents[1] / "fixtures" / "sample_ledger.csv")
    assert main(["evaluate", ledger, "--rules", str(path)]) == 2
    zh = capsys.readouterr().err
    assert main(["evaluate", ledger, "--rules", str(path), "--lang", "en"]) == 2
    en = capsys.readouterr().err
    assert len(zh.splitlines()) == len(EXPECTED) == len(en.splitlines())
    assert "应为数字，而不是“两次”" in zh and "should be a number, got '两次'" in en
    assert "Traceback" not in zh + en


def test_unknown_pack_name_is_said_in_chinese(capsys):
    assert main(["rules", "show", "意识形态"]) == 2
    err = capsys.readouterr().err
    assert "找不到规则包“意识形态”" in err and "branch-routines" in err


def test_pack_model_raises_no_bare_english_sentences():
    """Every check in the pack language raises ValueError(msg(...)), never a sentence in one language
    (the shared parts in pack/model.py, each kind's model in checklist/kinds/<kind>.py)."""
    src = Path(__file__).parents[1] / "src" / "checklist"
    sources = [src / "pack" / "model.py", *sorted((src / "kinds").glob("[!_]*.py"))]  # not the assembly
    bare = [
        (source.name, node.lineno)
        for source in sources
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8")))
        if isinstance(node, ast.Raise)
        and isinstance(node.exc, ast.Call)
        and getattr(node.exc.func, "id", "") == "ValueError"
        and node.exc.args
        and isinstance(node.exc.args[0], ast.Constant | ast.JoinedStr)
    ]
    assert bare == []
