"""`checklist audit` speaks the clerk's language: the integrity sentences come from the catalogue, in
Chinese by default and in English with --lang en (no English words in the one, the other's own)."""

from __future__ import annotations

import re
from pathlib import Path

from checklist.cli import main

# A township's quarter as its clerk exports it from WPS: a title row, a 填报单位 line, mixed date forms,
# GBK. The second record (a 3月8日 study session) was entered on 5月20日: 73 days later (23 days left
# in March, 30 in April, 20 in May), past the 30-day limit, so it is the one back-filled record.
LEDGER = "\n".join(
    [
        "2024年意识形态工作台账,,,,",
        "填报单位：城关镇党委,,,,",
        "日期,活动类型,主题,佐证材料,登记日期",
        "2024-01-16,专题研究,党委会专题研究意识形态工作,会议纪要,2024-01-17",
        "2024年3月8日,意识形态知识学习,理论学习中心组学习,学习笔记,2024/5/20",
        "2024.4.12,形势政策教育,形势政策报告会,签到表,2024-04-13",
        "2024/6/18,向上级汇报,上半年意识形态工作汇报,汇报材料,2024-06-19",
    ]
)
ZH = "城关镇党委：1条记录在活动日期30天后才登记（最长73天），是否补录？"
EN = "城关镇党委: 1 record(s) entered more than 30 days after the activity (up to 73 days): back-filled?"


def _ledger(tmp_path: Path) -> Path:
    path = tmp_path / "城关镇党委台账.csv"
    path.write_bytes((LEDGER + "\n").encode("gbk"))
    return path


def test_audit_says_back_filled_in_chinese(tmp_path, capsys):
    path = _ledger(tmp_path)
    assert main(["audit", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == [f"[补录] {ZH}（行 5）"]  # the file's 5th line: title, unit line, header, 1st record
    assert re.findall(r"[A-Za-z]+", out) == []


def test_audit_says_back_filled_in_english(tmp_path, capsys):
    path = _ledger(tmp_path)
    assert main(["audit", str(path), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == [f"[back-filled] {EN} (rows 5)"]
    assert "补录" not in out


def test_evaluate_audit_json_keeps_both_languages(tmp_path, capsys):
    path = _ledger(tmp_path)
    main(["evaluate", str(path), "--as-of", "2024-06-30", "--audit", "--format", "json"])
    out = capsys.readouterr().out
    assert ZH in out and EN in out
