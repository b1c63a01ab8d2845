"""The message catalogue: every code in both languages, with the same arguments."""

from __future__ import annotations

import datetime as dt
import string

import pytest

import checklist.kinds  # noqa: F401  (each kind's words join the catalogue when the kinds load)
from checklist.text import joined, msg, number, own_words, say, system_lang
from checklist.text.catalogue import CATALOGUE


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_code_has_both_languages_with_the_same_arguments(code):
    zh, en = CATALOGUE[code]
    assert zh.strip() and en.strip()
    assert _fields(zh) == _fields(en), code


def test_numbers_dates_and_lists_follow_the_language():
    assert number(2.0) == "2" and number(1.5) == "1.5" and number(None) == ""
    assert joined(["城关镇", "河口乡"], "zh") == "城关镇、河口乡"
    assert joined([3, 17], "en") == "3, 17"
    assert joined(range(12), "zh", limit=3) == "0、1、2等"
    assert say("internal", "en", detail=dt.date(2024, 3, 1)) == "internal error: 2024-03-01; please report it"


def test_whole_lists_and_clauses():
    assert joined(["学习", "会议", "宣讲"] * 5, "zh", limit=None) == "、".join(["学习", "会议", "宣讲"] * 5)
    assert say("list.clauses", "zh").join(["记录 3", "记录 7"]) == "记录 3；记录 7"
    assert say("list.clauses", "en").join(["record 3", "record 7"]) == "record 3; record 7"


def test_own_words_of_a_model_or_its_json_record():
    from checklist.pack.model import Category

    record = {"id": "r1", "title": "每季度专题研究", "title_en": "Quarterly review"}
    assert own_words(record, "zh") == "每季度专题研究"
    assert own_words(record, "en") == "Quarterly review"
    # a pack without English words shows its Chinese ones in an English report
    assert own_words({"title": "每季度专题研究", "title_en": None}, "en") == "每季度专题研究"
    cat = Category(label="理论学习", label_en="Theory study")
    assert (own_words(cat, "zh", "label"), own_words(cat, "en", "label")) == ("理论学习", "Theory study")


def test_an_unknown_code_fails_where_it_is_made():
    with pytest.raises(KeyError):
        msg("no.such.code")


@pytest.mark.parametrize(
    ("env", "lang"),
    [
        ({"CHECKLIST_LANG": "en"}, "en"),
        ({"CHECKLIST_LANG": "zh_CN"}, "zh"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "CHECKLIST_LANG": "zh"}, "zh"),
    ],
)
def test_help_language_follows_checklist_lang_then_the_locale(env, lang):
    assert system_lang(env) == lang
