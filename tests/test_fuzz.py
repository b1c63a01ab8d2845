"""Fuzz properties (issue 11), small enough for CI: whatever bytes arrive, the library returns a ledger
whose rows add up or raises one checklist error of one line; never another exception. The long
campaign over the same targets (and XLS, side inputs and CLI options) is bench/fuzz.py."""

from __future__ import annotations

import json
import re
from xml.dom import minidom

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklist.errors import InputError, PackError
from checklist.ledger import read_ledger
from checklist.text import one_line, printable, xml_safe

FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
HEADER = "序号,日期,单位,活动类型,主题\n".encode()
PIECES = st.sampled_from(
    [
        b'"',
        b"\r",
        b"\n",
        b",",
        b";",
        b"\t",
        b"\xe4\xb8",
        b"\xff",
        b"2024-03-15",
        "三会一课".encode(),
        b"=1+1",
        b"\x1b[2J",
    ]
)
CSV_BYTES = st.lists(st.one_of(PIECES, st.binary(max_size=8)), max_size=60).map(b"".join)


def _holds(path) -> None:
    try:
        ledger = read_ledger(path)
    except InputError as err:
        assert err.problems and all("\n" not in str(p) for p in err.problems)
        return
    assert ledger.rows == ledger.table.num_rows + len(ledger.rejected)


@FAST
@given(body=CSV_BYTES)
def test_any_csv_body_is_read_or_refused_in_one_line(tmp_path, body):
    path = tmp_path / "台账.csv"
    path.write_bytes(HEADER + body)
    _holds(path)


@FAST
@given(data=st.binary(max_size=300))
def test_any_bytes_at_all(tmp_path, data):
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    _holds(path)


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=10,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    records=st.lists(
        st.fixed_dictionaries(
            {"日期": st.sampled_from(["2024-03-15", "3月15日", "", "x"])}, optional={"活动类型": JSON_VALUES}
        ),
        min_size=1,
        max_size=5,
    ),
    tail=st.sampled_from(["", "{", "[" * 5000, '{"n": ' + "9" * 5000 + "}", "\x00"]),
)
def test_any_json_lines_are_read_or_refused(tmp_path, records, tail):
    path = tmp_path / "台账.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n" + tail, encoding="utf-8")
    _holds(path)


@settings(max_examples=30, deadline=None)
@given(
    insert=st.sampled_from(["[" * 2000, "9" * 4301, "\x01", "&a [*a, *a]", "{", "\t", ": :"]), at=st.integers(0, 4000)
)
def test_any_damaged_pack_is_a_pack_error(tmp_path_factory, insert, at):
    from pathlib import Path

    from checklist.pack import load_pack

    source = (Path(__file__).parents[1] / "rules" / "branch-routines.yaml").read_text(encoding="utf-8")
    path = tmp_path_factory.mktemp("pack") / "pack.yaml"
    path.write_text(source[:at] + insert + source[at:], encoding="utf-8")
    try:
        load_pack(str(path))
    except PackError as err:  # every problem found is listed, each on one line
        assert err.problems and all("\n" not in str(p) for p in err.problems)


@settings(max_examples=200, deadline=None)
@given(text=st.text())
def test_sanitisers(text):
    shown = printable(text)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", shown)
    assert "\n" not in one_line(text) and "\r" not in one_line(text)
    minidom.parseString(f"<a>{xml_safe(text).replace('&', '&amp;').replace('<', '&lt;')}</a>".encode())
