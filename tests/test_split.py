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


def _evaluated(ledger):
    """The county's evaluation: the shipped pack, 2024 as of 31 December, its units list."""
    return evaluate(
        load_pack("ideology-responsibility"),
        ledger,
        year=2024,
        as_of=dt.date(2024, 12, 31),
        unit_list=read_units(str(COUNTY / "units.csv")),
    )


@pytest.fixture(scope="module")
def county():
    ledger = read_ledger(str(COUNTY / "sample_ledger.csv"))
    result = _evaluated(ledger)
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


def _unit_files(tmp_path: Path) -> Path:
    """The county sample as a folder of one GBK CSV per unit, each with a 填报单位 line above the header
    and no 单位 column (the unit comes from that line), as units send them in."""
    import csv

    folder = tmp_path / "2024年各单位台账"
    folder.mkdir()
    with (COUNTY / "sample_ledger.csv").open(encoding="gbk", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], [r for r in rows[1:] if any(c.strip() for c in r)]
    at = header.index("单位")
    for unit in ("县委宣传部", "县教育局党组", "城关镇党委"):
        mine = [[c for i, c in enumerate(r) if i != at] for r in body if r[at] == unit]
        with (folder / f"{unit}.csv").open("w", encoding="gbk", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([f"填报单位：{unit}"])
            writer.writerow([h for i, h in enumerate(header) if i != at])
            writer.writerows(mine)
    return folder


def test_a_folder_of_unit_files_splits_with_references_into_each_units_own_file(tmp_path):
    from checklist.cli.split import ledger_rows

    ledger = read_ledger(str(_unit_files(tmp_path)))
    result = _evaluated(ledger)
    parts = split_by_unit(result, ledger_rows(ledger))
    # In its own file a unit's rows start at row 3 (填报单位 line, then the header): 县委宣传部's 序号4
    # is its 4th data row, row 6; 县教育局党组's 序号44 is its 14th (序号31 is the 1st), row 16;
    # 城关镇党委's 序号77 is its 24th (序号54 is the 1st), row 26.
    assert [r.ref for r in parts["县委宣传部"].rejected] == ["县委宣传部.csv:6"]
    assert [r.ref for r in parts["县教育局党组"].rejected] == ["县教育局党组.csv:16"]
    assert [r.ref for r in parts["城关镇党委"].rejected] == ["城关镇党委.csv:26"]
    # 城关镇党委's unmatched rows: 序号56, 59, 61, 66, 75 -> its data rows 3, 6, 8, 13, 22 -> rows 5, 8, 10, 15, 24
    assert [u.ref for u in parts["城关镇党委"].unmatched] == [f"城关镇党委.csv:{r}" for r in (5, 8, 10, 15, 24)]
    # the duplicate warning (序号35 and 53 of 县教育局党组) stays with 县教育局党组 only
    dup = [n for p in parts.values() for n in p.warnings if n.kind == "duplicate"]
    assert [n.rows for n in dup] == [["县教育局党组.csv:7", "县教育局党组.csv:25"]]
    assert all(n.kind != "duplicate" for n in parts["城关镇党委"].warnings)
    for unit, part in parts.items():
        i = part.input
        assert i.rows == i.matched + i.unmatched + i.rejected, unit
    assert (parts["城关镇党委"].input.rows, parts["城关镇党委"].input.unmatched) == (29, 5)
