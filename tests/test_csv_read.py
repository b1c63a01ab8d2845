"""Reading CSV ledgers: small files read from memory exactly as large ones are read from disk."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklist.errors import LedgerError
from checklist.ledger import read_ledger, readers
from checklist.ledger.readers import RawTable, read_tables
from checklist.ledger.sources import from_paths

LEDGER = (
    "单位,日期,活动类型,主题\r\n"
    "县委宣传部,2024-03-15,专题研究,意识形态工作专题会\r\n"
    "县委宣传部,2024-06-20,集中学习,理论学习中心组学习\r\n"
)


@pytest.mark.parametrize("name", ["台账.gz", "台账.bz2", "台账.csv.zst", "台账.lz4", "台账.br"])
@pytest.mark.parametrize("copies", [1, 3000])  # a small file and one over the head sniffed (256 KB)
def test_a_text_ledger_named_like_a_compressed_file_is_read_as_text(name, copies):
    # An upload keeps its suffix on the temporary file; pyarrow given that name guessed a compression by it.
    header, *rows = LEDGER.splitlines(keepends=True)
    data = (header + "".join(rows) * copies).encode()
    ledger = read_ledger(data, name=name)
    assert ledger.rows == 2 * copies
    assert ledger.table["title"].to_pylist()[:2] == ["意识形态工作专题会", "理论学习中心组学习"]


# ---------------------------------------------------------------- small files read from memory

TITLE = "2024年度意识形态工作责任制落实台账"
HEAD = "序号,日期,活动类型,主题,参加人员,佐证材料"
ROW = "{n},2024-03-{d:02d},集中学习,第{n}次理论学习中心组学习,张三、李四,会议记录"


def _rows(count: int, delimiter: str = ",") -> list[str]:
    return [ROW.format(n=n, d=n % 28 + 1).replace(",", delimiter) for n in range(1, count + 1)]


def _lines(*lines: str, end: str = "\r\n") -> str:
    return "".join(line + end for line in lines)


# name -> (bytes, header row, spreadsheet rows read, notice kinds), all worked out from the lines written.
SHAPES: dict[str, tuple[bytes, int, list[int], list[str]]] = {
    "gbk_unit_line_and_title": (
        _lines(f"{TITLE},,,,,", "填报单位：城关镇党委", HEAD, *_rows(30)).encode("gbk"),
        3,
        list(range(4, 34)),
        ["encoding"],
    ),
    "utf8_bom": (_lines(HEAD, *_rows(30)).encode("utf-8-sig"), 1, list(range(2, 32)), []),
    "quoted_title_over_two_lines": (
        _lines(
            HEAD, *_rows(3), '4,2024-03-05,专题研究,"上午：部署\r\n下午：讨论，附件2份",张三,纪要', *_rows(2)
        ).encode(),
        1,
        [2, 3, 4, 5, 6, 7],  # a CSV's rows are numbered by record, as a spreadsheet opening it shows them
        [],
    ),
    "stray_quote": (
        _lines(HEAD, '1,2024-03-01,集中学习,"引号,张三,纪要', *_rows(4)[1:]).encode(),
        1,
        [2, 3, 4, 5],
        ["quote"],
    ),
    "semicolons": (_lines(HEAD.replace(",", ";"), *_rows(12, ";")).encode(), 1, list(range(2, 14)), []),
    "tabs_and_lf": (_lines(HEAD.replace(",", "\t"), *_rows(12, "\t"), end="\n").encode(), 1, list(range(2, 14)), []),
    "blank_lines_between_rows": (
        _lines(HEAD, *_rows(3), "", *_rows(2), "").encode(),
        1,
        list(range(2, 9)),  # an empty line is a (blank) row too: the ledger accounts for it
        [],
    ),
    "title_rows_above_header": (
        _lines(TITLE, "县委宣传部（盖章）,,填报时间：2024年12月", "", HEAD, *_rows(5)).encode(),
        4,
        [5, 6, 7, 8, 9],
        [],
    ),
    "ragged_row": (
        _lines(HEAD, *_rows(2), ROW.format(n=3, d=4) + ",多出的一格", *_rows(2)).encode(),
        1,
        [2, 3, 4, 5, 6],
        ["ragged"],
    ),
    "gbk_with_undecodable_bytes": (
        _lines(HEAD, *_rows(3)).encode("gbk").replace("李四".encode("gbk"), b"\xff\xfe", 1),
        1,
        [2, 3, 4],
        ["encoding", "encoding"],  # garbled rows, and the file's GB18030 reading
    ),
    "bare_cr_no_last_newline": (_lines(HEAD, *_rows(4), end="\r").rstrip("\r").encode(), 1, [2, 3, 4, 5], []),
    "utf16": (_lines(HEAD, *_rows(4)).encode("utf-16"), 1, [2, 3, 4, 5], []),
}


def _dump(raw: RawTable) -> tuple[object, ...]:
    """Everything a RawTable says, as plain values (chunking aside: the small file is one block)."""
    return (
        raw.headers,
        raw.header_row,
        [column.to_pylist() for column in raw.columns],
        raw.rows.to_pylist(),
        [(n.kind, n.rows, n.message, n.code) for n in raw.notices],
        raw.preamble,
        [(row, str(reason)) for row, reason in raw.unreadable],
        raw.one_line_each,
    )


def _read_both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    """(read from memory, read from the file) — each a dump, or the error's text."""
    read: list[bool] = []
    original = readers._in_memory

    def spy(path: Path, head: bytes, text: str) -> readers._CsvBytes:
        source = original(path, head, text)
        read.append(source.data is not None)
        return source

    def outcome() -> object:
        try:
            return _dump(read_tables(path)[1].read[0][1])
        except LedgerError as err:
            return str(err)

    with monkeypatch.context() as patched:
        patched.setattr(readers, "_in_memory", spy)
        fast = outcome()
    with monkeypatch.context() as patched:
        patched.setattr(readers, "_in_memory", lambda path, head, text: readers._CsvBytes(path))
        general = outcome()
    assert read in ([], [True])  # the small file was read from memory (when it got that far)
    return fast, general


@pytest.mark.parametrize("shape", SHAPES)
def test_a_small_file_read_from_memory_is_read_as_from_disk(tmp_path, monkeypatch, shape):
    data, header_row, rows, kinds = SHAPES[shape]
    path = tmp_path / "城关镇.csv"
    path.write_bytes(data)
    fast, general = _read_both(path, monkeypatch)
    assert fast == general
    raw = read_tables(path)[1].read[0][1]
    assert raw.headers == HEAD.split(",")
    assert (raw.header_row, raw.rows.to_pylist()) == (header_row, rows)
    assert sorted(n.kind for n in raw.notices) == sorted(kinds)


CSV_PIECES = st.sampled_from(
    [b'"', b"\r", b"\n", b"\r\n", b",", b";", b"\t", "单位".encode(), '引号"'.encode("gbk"), b"\xff", b"\xe4\xb8"]
    + [line.encode() for line in (HEAD, *_rows(3))]
)


@settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=st.lists(CSV_PIECES, max_size=40), bom=st.booleans(), gbk=st.booleans())
def test_any_small_file_reads_the_same_from_memory(tmp_path, monkeypatch, lines, bom, gbk):
    head = HEAD.encode("gbk" if gbk else "utf-8")
    path = tmp_path / "台账.csv"
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + head + b"\r\n" + b"".join(lines))
    fast, general = _read_both(path, monkeypatch)
    assert fast == general


LINE_PIECES = st.sampled_from(["\r\n", "\r", "\n", "\x0b", "\x1c", "\x85", "\u2028", ",", "单位", "a" * 700])


@settings(max_examples=300, deadline=None, derandomize=True)
@given(pieces=st.lists(LINE_PIECES, max_size=120), count=st.integers(0, 25))
def test_the_first_lines_are_those_of_the_whole_text(pieces, count):
    text = "".join(pieces)
    assert readers._first_lines(text, count) == text.splitlines()[:count]


@pytest.mark.parametrize("before", [4094, 4095, 4096])  # a CR LF cut by the first prefix, or not
def test_the_first_lines_around_a_line_break_cut_by_the_prefix(before):
    text = "甲" * before + "\r\n" + "".join(f"第{i}行,单位\r\n" for i in range(30))
    assert readers._first_lines(text, 20) == text.splitlines()[:20]


@pytest.mark.parametrize("width", [200, 210])  # 4096 characters: 20 whole lines and part of one, or 19 and part
def test_the_first_lines_leave_out_the_line_the_prefix_cut(width):
    text = ("x" * (width - 2) + "\r\n") * 40
    assert readers._first_lines(text, 20) == ["x" * (width - 2)] * 20


# ---------------------------------------------------------------- which files a folder gives


def test_a_folder_gives_each_ledger_once_in_path_order(tmp_path):
    root = tmp_path / "2024年报送"
    for folder in ("城关镇", "河口乡", ".备份"):
        (root / folder).mkdir(parents=True)
    for name in ("城关镇/台账.csv", "河口乡/台账.csv", "河口乡/季度.xlsx", "县直.jsonl", ".备份/台账.csv"):
        (root / name).write_bytes(b"x")
    (root / "城关镇" / "~$季度.xlsx").write_bytes(b"lock")
    (root / "说明.docx").write_bytes(b"x")
    (root / "城关镇" / "链接.csv").symlink_to(root / "县直.jsonl")  # the same file by another name
    sources = from_paths([root, root / "县直.jsonl"])
    # Sorted by the path below the folder, by code point: 县 (U+53BF) < 城 (U+57CE) < 河 (U+6CB3); the
    # link's target is read once, under the name met first; repeated names are told apart by folder.
    assert [(s.name, s.path.relative_to(root).as_posix()) for s in sources] == [
        ("县直.jsonl", "县直.jsonl"),
        ("城关镇/台账.csv", "城关镇/台账.csv"),
        ("河口乡/台账.csv", "河口乡/台账.csv"),  # 台 (U+53F0) < 季 (U+5B63)
        ("季度.xlsx", "河口乡/季度.xlsx"),
    ]
