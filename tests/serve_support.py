"""What the `checklist serve` tests share: ledgers made for them and a client that fills forms."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import openpyxl

ROOT = Path(__file__).parents[1]
SAMPLE = ROOT / "fixtures" / "sample_ledger.xlsx"
EDU = "县教育局党组"
TOWN = "城关镇党委"
DEPT = "县委宣传部"


def fixed_ledger(path: Path) -> Path:
    """The sample workbook after 县教育局党组 held its year-end 通报 in December (the sample has it on
    26 November, outside the December window of 'year-end-briefing'): that one shortfall is fixed."""
    book = openpyxl.load_workbook(SAMPLE)
    sheet = book.worksheets[0]
    sheet.append(
        [
            99,
            EDU,
            dt.datetime(2024, 12, 20),
            "党内通报",
            "年底通报意识形态领域情况",
            "全体党员",
            "通报文件",
            dt.datetime(2024, 12, 21),
        ]
    )
    book.save(path)
    return path


def csv_ledger(rows: list[list[str]], unit_line: str | None = None) -> bytes:
    """A GBK CSV as WPS exports it, optionally with a 填报单位 line above the header."""
    out = io.StringIO()
    writer = csv.writer(out)
    if unit_line:
        writer.writerow([unit_line])
    writer.writerow(["序号", "单位", "日期", "活动类型", "主题", "参加人员", "佐证材料"])
    writer.writerows(rows)
    return out.getvalue().encode("gbk")


def token(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "every page with a form carries the CSRF token"
    return found.group(1)


def upload(client, files: list[tuple[str, bytes]], year: str = "2024", as_of: str = "2024-12-31", **extra):
    """Fill the upload form as a person would: the token from the page, then the files."""
    page = client.get("/")
    data = {"csrf": token(page.text), "pack": "ideology-responsibility", "year": year, "as_of": as_of}
    data.update(extra)
    parts = [("files", (name, body, "application/octet-stream")) for name, body in files]
    return client.post("/evaluate", data=data, files=parts, follow_redirects=False)
