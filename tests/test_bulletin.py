"""The county 通报 (DESIGN §10) and the `bulletin` / `--split-by unit` commands, on the county sample."""

from __future__ import annotations

import io
from pathlib import Path

import docx

from checklist.cli import main

COUNTY = Path(__file__).parents[1] / "fixtures" / "county"
ARGS = [str(COUNTY / "sample_ledger.csv"), "--units", str(COUNTY / "units.csv"), "--as-of", "2024-12-31"]


def _paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(path.read_bytes())).paragraphs if p.text.strip()]


def test_bulletin_states_the_picture_the_ranking_and_who_sent_nothing(tmp_path):
    target = tmp_path / "通报.docx"
    assert main(["bulletin", *ARGS, "-o", str(target)]) == 0
    text = _paragraphs(target)
    assert text[0] == "关于2024年度意识形态工作责任制落实情况考核结果的通报（草稿）"
    assert "3个单位报送了台账，2个单位未报送。" in text
    # Ratings by hand (DESIGN §5.1, weights high 3 / medium 2 / low 1; 22 in all with the response rule
    # and evidence): 县委宣传部 100.0; 城关镇党委 (22 − 3 for self-inspection + 1 × 20/23 − 1) / 22 = 85.8;
    # 县教育局党组 (2 + 2 × 3/4 + 3 + 3 + 2 + 1 × 21/21) / 22 = 12.5 / 22 = 56.8. Mean 242.6 / 3 = 80.9.
    assert "已报送单位平均考核得分80.9分，其中1个单位得满分，1个单位在90分以上，1个单位低于60分。" in text
    assert "以下2个单位未报送台账，未参加排名：县文联、县档案馆。" in text
    assert "考核得分较高的3个单位是：县委宣传部（100.0分）、城关镇党委（85.8分）、县教育局党组（56.8分）。" in text
    document = docx.Document(io.BytesIO(target.read_bytes()))
    ranking = document.tables[2]  # the parents, the duties, then annex 1: the full ranking
    rows = [[c.text for c in r.cells] for r in ranking.rows]
    assert rows[0] == ["名次", "单位", "上级", "考核得分", "达标率"]
    assert [r[:2] for r in rows[1:]] == [
        ["1", "县委宣传部"],
        ["2", "城关镇党委"],
        ["3", "县教育局党组"],
        ["未报送", "县文联"],
        ["未报送", "县档案馆"],
    ]


def test_bulletin_needs_a_docx_output(tmp_path, capsys):
    assert main(["bulletin", *ARGS]) == 2
    assert main(["bulletin", *ARGS, "-o", str(tmp_path / "通报.xlsx")]) == 2
    assert ".docx" in capsys.readouterr().err


def test_split_by_unit_writes_one_report_per_unit(tmp_path, capsys):
    folder = tmp_path / "各单位"
    # violations exist (县教育局党组, 城关镇党委 …): exit 1, as a whole run would
    assert main(["evaluate", *ARGS, "--split-by", "unit", "--format", "json", "-o", str(folder)]) == 1
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(f"{u}.json" for u in ["县委宣传部", "县教育局党组", "城关镇党委", "县档案馆", "县文联"])
    assert "已写入 5 份单位报告" in capsys.readouterr().err


def test_split_by_unit_refuses_a_file_as_the_folder(tmp_path, capsys):
    afile = tmp_path / "x.txt"
    afile.write_text("", encoding="utf-8")
    assert main(["evaluate", *ARGS, "--split-by", "unit"]) == 2
    assert main(["evaluate", *ARGS, "--split-by", "unit", "-o", str(afile)]) == 2
    assert "不是目录" in capsys.readouterr().err
