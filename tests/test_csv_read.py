"""Reading CSV ledgers: small files read from memory exactly as large ones are read from disk."""

from __future__ import annotations

import pytest

from checklist.ledger import read_ledger

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
