"""`--split-by unit`: one report per unit, each holding nothing of the other units (DESIGN §7.1)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest

from checklist.engine import evaluate
from checklist.ledger import read_ledger
from checklist.ledger.side import read_units
from checklist.pack import load_pack
from checklist.render import RenderOptions, formats, render_split
from checklist.split import file_names, safe_file_name, split_by_unit

COUNTY = Path(__file__).parents[1] / "fixtures" / "county"
UNITS = ["县委宣传部", "县教育局党组", "城关镇党委", "县档案馆", "县文联"]


@pytest.fixture(scope="module")
def county():
    ledger = read_ledger(str(COUNTY / "sample_ledger.csv"))
    result = evaluate(
        load_pack("ideology-responsibility"),
        ledger,
        year=2024,
        as_of=dt.date(2024, 12, 31),
        unit_list=read_units(str(COUNTY / "units.csv")),
    )
    rows = dict(zip(ledger.table["row"].to_pylist(), ledger.table["unit"].to_pylist(), strict=True))
    return result, rows


def test_each_unit_gets_its_own_rows_and_accounting(county):
    result, rows = county
    parts = split_by_unit(result, rows)
    assert list(parts) == sorted(UNITS)
    # fixtures/county/README.md: 县委宣传部 序号1-30 with 序号4 rejected (imprecise date);
    # 县教育局党组 序号31-53 with 序号44 rejected (empty 活动类型); 城关镇党委 序号54-82 with five
    # unmatched (56, 59, 61, 66, 75) and 序号77 rejected (2024-13-01). CSV row = 序号 + 1.
    expected = {
        "县委宣传部": (30, 29, 0, 1, [], [5]),
        "县教育局党组": (23, 22, 0, 1, [], [45]),
        "城关镇党委": (29, 23, 5, 1, [57, 60, 62, 67, 76], [78]),
        "县档案馆": (0, 0, 0, 0, [], []),
        "县文联": (0, 0, 0, 0, [], []),
    }
    for unit, (n, matched, unmatched, rejected, unmatched_rows, rejected_rows) in expected.items():
        part = parts[unit]
        i = part.input
        assert (i.rows, i.matched, i.unmatched, i.rejected) == (n, matched, unmatched, rejected), unit
        assert i.rows == i.matched + i.unmatched + i.rejected
        assert [u.row for u in part.unmatched] == unmatched_rows
        assert [r.row for r in part.rejected] == rejected_rows
        assert {f.unit for f in part.findings} <= {unit}
        assert [u.unit for u in part.units] == [unit]
    # the whole adds up to the county's accounting: 82 = 74 + 5 + 3
    assert sum(p.input.rows for p in parts.values()) == result.input.rows == 82
    # its 名次 is its place in the whole run, not 1 of 1
    assert parts["县教育局党组"].units[0].rank == next(u.rank for u in result.units if u.unit == "县教育局党组")


def _text(name: str, data: str | bytes) -> str:
    if isinstance(data, str):
        return data
    if name.endswith((".xlsx", ".docx")):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    return data.decode("utf-8")


@pytest.mark.parametrize("fmt", formats())
def test_no_split_report_names_another_unit(county, fmt):
    result, rows = county
    files = dict(render_split(result, fmt, RenderOptions(lang="zh"), rows))
    extension = {"markdown": ".md", "junit": ".xml", "table": ".txt"}.get(fmt, f".{fmt}")
    assert sorted(files) == sorted(u + extension for u in UNITS)
    for name, data in files.items():
        unit = name.removesuffix(extension)
        text = _text(name, data)
        assert unit in text
        for other in UNITS:
            if other != unit:
                assert other not in text, f"{name} mentions {other}"


def test_unit_names_become_safe_file_names():
    assert safe_file_name("县委/宣传部") == "县委_宣传部"
    assert safe_file_name("..\\..\\etc") == "__.._etc"  # no separator, no leading dot
    assert safe_file_name("CON") == "_CON"
    assert safe_file_name("aux.txt") == "_aux.txt"
    assert safe_file_name("com1") == "_com1"
    assert safe_file_name("城关镇党委: 第一支部?") == "城关镇党委_ 第一支部_"
    assert safe_file_name("宣传科. ") == "宣传科"
    assert safe_file_name("") == "_"
    assert safe_file_name("党" * 300) == "党" * 80
    # two names that differ only in case, or that clean up the same, still get two files
    assert file_names(["Unit", "unit", "a/b", "a_b"]) == {
        "Unit": "Unit",
        "unit": "unit~2",
        "a/b": "a_b",
        "a_b": "a_b~2",
    }
