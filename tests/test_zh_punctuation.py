"""Chinese texts are punctuated as Chinese: no ASCII , ; : ( ) ? ! next to a Chinese character.

Every zh template of the message catalogue is read, the rule kinds' WORDS included (importing
checklist.kinds adds them). ASCII stays where it is code or data a reader types or reads back
exactly; ALLOWED lists those places, each with its reason.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import checklist.kinds  # noqa: F401  (each rule kind adds its WORDS to the catalogue on import)
from checklist.cli import main
from checklist.text.catalogue import CATALOGUE

SAMPLE = Path(__file__).parents[1] / "fixtures" / "sample_ledger.csv"

# Chinese characters, CJK and full-width punctuation, and the curly quotes Chinese text uses.
_CHINESE = re.compile("[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’…]")
_ASCII_MARKS = ",;:()?!"
_FULL_WIDTH_MARKS = "，；：（）？！、。"
# {name}, {name:spec}, {name!r} and argparse's %(name)s: what they hold is decided by the caller.
_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[sr]")

ALLOWED: list[tuple[str, re.Pattern[str]]] = [
    # The message is about that very character (缺少冒号“:”, YAML 要用半角冒号“:”): it must be the
    # ASCII one, the full-width one is the mistake being explained.
    ("a quoted ASCII mark", re.compile(r"“[,:;]\s?”")),
    # A YAML mapping as the user writes it in a pack or mapping file (“字段: 表头”, “键: 值”).
    ("a quoted YAML key: value", re.compile(r"“[^“”]*: [^“”]*”")),
    # Pack keys as they are written in YAML (overrides:, every: year, per: person).
    ("a pack key", re.compile(r"\b(?:overrides|every|per):")),
    # A YAML flow list as typed in a pack ([甲, 乙]).
    ("a YAML flow list", re.compile(r"\[[^\[\]]*, [^\[\]]*\]")),
    # A JSON Lines example ({"tick": 日期}; doubled braces in a format template).
    ("a JSON example", re.compile(r"\{\{[^{}]*\}\}")),
    # CSV column lists the user copies into a header row (unit,type,parent,established,dissolved).
    ("a CSV column list", re.compile(r"\b[a-z_]+(?:,[a-z_]+)+\b")),
    # Addresses (http://127.0.0.1:{port}/, postgresql://…).
    ("a URL", re.compile(r"\b[a-z]+://\S*")),
    # A row reference in the contract format [FILE:][SHEET!]ROW (城关镇.xlsx:二季度!7).
    ("a row reference", re.compile(r"[^\s“”（）:]+\.(?:xlsx|xls|csv|jsonl):(?:[^\s!“”（）]+!)?\d+")),
]


def misplaced(text: str) -> list[str]:
    """Each ASCII mark in Chinese context in `text`, shown with its surroundings; [] when punctuated right.

    Context skips spaces and placeholders: in `写入 {path}:{reason}` the colon follows 入.
    """
    for _why, pattern in ALLOWED:
        text = pattern.sub("\0", text)
    text = _PLACEHOLDER.sub("", text)
    found = []
    for i, mark in enumerate(text):
        if mark in _ASCII_MARKS and (_chinese(text[:i][::-1]) or _chinese(text[i + 1 :])):
            found.append(text[max(0, i - 6) : i + 7].replace("\0", "…"))
    return found


def _chinese(side: str) -> bool:
    """Whether the first character of `side` that is not a space is Chinese."""
    near = side.lstrip(" ")
    return bool(near) and _CHINESE.match(near[0]) is not None


def spaced(text: str) -> list[str]:
    """Spaces next to full-width punctuation (`至 {end} ，截至`): full-width marks carry their own space."""
    return re.findall(f" [{_FULL_WIDTH_MARKS}]|[{_FULL_WIDTH_MARKS}] ", text)


def unbalanced(text: str) -> bool:
    """Whether a full-width bracket is closed by an ASCII one or the other way round (`（现有：{known})`)."""
    closing = {"(": ")", "（": "）"}
    stack: list[str] = []
    for char in _PLACEHOLDER.sub("", text):
        if char in closing:
            stack.append(closing[char])
        elif char in ")）" and (not stack or stack.pop() != char):
            return True
    return False


ZH = sorted((code, zh) for code, (zh, _en) in CATALOGUE.items())


def test_chinese_templates_use_chinese_punctuation():
    wrong = {code: found for code, zh in ZH if (found := misplaced(zh))}
    assert wrong == {}


def test_no_space_around_full_width_punctuation():
    wrong = {code: found for code, zh in ZH if (found := spaced(zh))}
    assert wrong == {}


def test_brackets_close_in_their_own_width():
    assert [code for code, zh in ZH if unbalanced(zh)] == []


@pytest.mark.parametrize(
    "text",
    [
        "评估期间 {start} 至 {end},截至 {as_of}",
        "超出范围:须在 {first} 至 {last} 之间",
        "无法写入 {path}:{reason}",
        "-o {path}:无法从扩展名判断输出格式",
        "规则包 {pack} 中没有规则 {rule!r}(现有:{known})",
        "是否为“{suggestion}”?",
        "参数 %(argument_name)s:%(message)s",
        "请用 -o FILE 指定输出文件(可与 --ledger 同名)",
        "已停止;文件可能已损坏",
        "重复!",
    ],
)
def test_the_check_finds_ascii_punctuation_in_chinese(text):
    assert misplaced(text)


@pytest.mark.parametrize(
    "text",
    [
        "缺少冒号“:”",
        "表头对照文件应为“字段: 表头”的若干行，例如“date: 会议日期”",
        "（继承来的规则，请在 overrides: 下修改）",
        "应为列表（写作 [甲, 乙]，或逐行以“- ”开头）",
        '时间随记录的日期和 {{"tick": 日期}} 行推进',
        "单位名单：unit,type,parent,established,dissolved",
        "请打开 http://127.0.0.1:{port}/ 或用 --port 换一个端口",
        "见 城关镇.xlsx:二季度!7 和 县教育局.csv:12",
        "评估期间 {start} 至 {end}，截至 {as_of}",
        "{option}: {reason}",
        "--year 不能与 --from/--to 同时使用",
    ],
)
def test_code_and_data_keep_their_ascii(text):
    assert misplaced(text) == []


def test_the_other_checks_can_fail():
    assert spaced("至 {end} ，截至") and spaced("截至：") == []
    assert unbalanced("（现有：{known})") and not unbalanced("（{pack} {version}，{rules} 条规则）")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "zh",
            ["台账：", "，匹配41，未识别2，", "考核排名：", "缺1次（接近但未计入：序号26（", "无效行（3）：", "指纹："],
        ),
        (
            "en",
            [
                "ledger: ",
                ", 41 matched, 2 unmatched, ",
                "Ranking:",
                " done (near misses: no. 26 (",
                "rejected rows (3):",
            ],
        ),
    ],
)
def test_the_terminal_reports_own_words_are_punctuated_by_language(lang, expected, capsys):
    """The table renderer puts labels, counts and asides together itself: in Chinese with 全角 marks."""
    main(
        [
            "evaluate",
            str(SAMPLE),
            "--as-of",
            "2024-12-31",
            "--lang",
            lang,
            "--units",
            str(SAMPLE.with_name("units.csv")),
        ]
    )
    out = capsys.readouterr().out
    assert [part for part in expected if part not in out] == []


@pytest.mark.parametrize(
    ("lang", "line"),
    [("zh", "错误：checklist：无法识别的参数：--bogus"), ("en", "error: checklist: unrecognized arguments: --bogus")],
)
def test_a_command_line_mistake_is_one_line_punctuated_by_language(lang, line, capsys):
    assert main(["calendar", "--bogus", "--lang", lang]) == 2
    assert capsys.readouterr().err.strip() == line


def test_the_pack_catalogue_is_punctuated_as_chinese(capsys):
    main(["rules", "show", "ideology-responsibility", "--lang", "zh"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == [
        "意识形态工作责任制落实清单（ideology-responsibility 1.0）",
        "来源：ideology-responsibility 1.0",
        "日历：自然年，ISO周（周一至周日）",
    ]
    assert "类别（10）" in lines and "  [低] evidence-on-file  一事一档：每项活动留存佐证材料" in lines


def test_the_shipped_packs_chinese_words_are_punctuated_as_chinese():
    """Rule titles, category labels and the articles a rule cites (《…条例（试行）》第十一条：…) are
    read in every report. Quotes of the seed (`seed: …`) are left as the seed writes them."""
    from checklist.pack import load_pack, shipped_pack_ids

    texts = {}
    for pack_id in shipped_pack_ids():
        pack = load_pack(pack_id)
        texts[pack_id] = pack.title
        texts |= {f"{pack_id}:{c}": cat.label or "" for c, cat in pack.categories.items()}
        for rule in pack.rules:
            texts[f"{pack_id}:{rule.id}"] = rule.title
            if rule.ref and not rule.ref.startswith("seed: "):
                texts[f"{pack_id}:{rule.id}:ref"] = rule.ref
    wrong = {where: found for where, text in texts.items() if (found := misplaced(text) or spaced(text))}
    assert wrong == {}
