"""The documents people hand in, looked at as they will be: the DOCX's 公文 layout read from its XML,
the workbook's print setup, and both rendered by LibreOffice to PDF and PNG (kept in tests/artefacts/,
one conversion per document type). No English word in the Chinese documents of the sample."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx.enum.text import WD_LINE_SPACING

from checklist.cli import main

ROOT = Path(__file__).parents[1]
SAMPLE = ROOT / "fixtures" / "sample_ledger.csv"
ARTEFACTS = ROOT / "tests" / "artefacts"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOOLS = shutil.which("pdftoppm") and shutil.which("pdfinfo") and shutil.which("pdftotext")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MM = 1440 / 25.4  # twips per millimetre


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("documents")
    paths = {}
    for ext in ("docx", "xlsx", "html", "md"):
        paths[ext] = folder / f"自查报告.{ext}"
        assert main(["evaluate", str(SAMPLE), "--as-of", "2024-12-31", "-o", str(paths[ext])]) == 1
    return paths


def _xml(path: Path, part: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(part).decode("utf-8")


def test_docx_is_a4_with_the_gongwen_margins(outputs):
    document = _xml(outputs["docx"], "word/document.xml")
    sections = re.findall(r"<w:sectPr.*?</w:sectPr>", document, re.S)
    body = sections[-0 if len(sections) == 1 else 0]  # the first section is the report itself (portrait)
    assert re.search(r'<w:pgSz w:w="11906" w:h="16838"', body)  # A4 portrait in twips
    margins = dict(re.findall(r'w:(top|bottom|left|right)="(\d+)"', re.search(r"<w:pgMar[^>]*>", body)[0]))
    # GB/T 9704-2012: 37 / 35 / 28 / 26 mm
    assert {k: round(int(v) / MM) for k, v in margins.items()} == {"top": 37, "bottom": 35, "left": 28, "right": 26}


def test_docx_fonts_sizes_language_and_page_numbers(outputs):
    import docx

    styles = _xml(outputs["docx"], "word/styles.xml")

    def style(name: str) -> str:
        return re.search(rf'<w:style [^>]*w:styleId="{name}".*?</w:style>', styles, re.S)[0]

    # East Asian fonts are set through w:eastAsia (CJK text ignores w:ascii); sizes in half-points
    for name, font, size in (
        ("公文标题", "方正小标宋简体", 44),  # 2号
        ("公文正文", "仿宋_GB2312", 32),  # 3号
        ("一级标题", "黑体", 32),
        ("二级标题", "楷体_GB2312", 32),
    ):
        xml = style(name)
        assert f'w:eastAsia="{font}"' in xml and f'<w:sz w:val="{size}"/>' in xml, name
        assert "<w:i/>" not in xml and "w:color" not in xml and "Theme" not in xml, name
    body = docx.Document(outputs["docx"]).styles["公文正文"].paragraph_format
    assert (body.line_spacing.pt, body.line_spacing_rule) == (28.0, WD_LINE_SPACING.EXACTLY)  # 28 pt fixed
    defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles, re.S)[0]
    assert 'w:eastAsia="zh-CN"' in defaults and "Theme" not in defaults
    fonts = _xml(outputs["docx"], "word/fontTable.xml")
    assert re.search(r'w:name="方正小标宋简体"><w:altName w:val="宋体"/>', fonts)
    assert re.search(r'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>', fonts)
    footer = "".join(_xml(outputs["docx"], f"word/footer{i}.xml") for i in (1, 2))
    assert footer.count("PAGE") == 2 and footer.count("— ") == 2  # — 1 — on odd and even pages
    paragraphs = docx.Document(outputs["docx"]).paragraphs
    assert paragraphs[0].text == "县委宣传部等3个单位2024年度意识形态工作责任制落实情况自查报告（草稿）"
    assert [p.text for p in paragraphs if p.style.name == "一级标题"] == [
        "一、基本情况",
        "二、存在问题",
        "三、整改措施",
        "四、下一步打算",
    ]
    texts = [p.text for p in paragraphs]
    # 下一步打算 lists next year's duties with their dates (the pack's calendar), not "nothing due"
    assert "3. 每季度至少组织1次意识形态知识学习，分别于2025年3月31日、6月30日、9月30日、12月31日前完成。" in texts
    assert texts[texts.index("县委宣传部等3个单位") + 1] == "2024年12月31日"  # 落款: unit, then date


def test_xlsx_prints_landscape_one_page_wide_with_a_status_dropdown(outputs):
    book = openpyxl.load_workbook(outputs["xlsx"])
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert (setup.orientation, str(setup.paperSize)) == ("landscape", "9"), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth in (None, 1)
        assert setup.fitToHeight == 0  # one page wide (1 is the default width), as many pages tall as needed
        assert sheet.print_title_rows in ("1:1", "$1:$1"), sheet.title  # the header row on every page
    plan = book["整改台账"]
    widths = {plan.cell(1, c).value: plan.column_dimensions[plan.cell(1, c).column_letter].width for c in range(1, 14)}
    assert widths["整改措施"] >= 30 and widths["责任人"] >= 12  # the columns people fill in are wide
    lists = [v for v in plan.data_validations.dataValidation if v.type == "list"]
    assert [v.formula1 for v in lists] == ['"未整改,整改中,已销号"'] and "J2" in str(lists[0].sqref)
    # every printed page is headed by what it is: the sample's gaps are 县教育局党组's (first) and 城关镇党委's
    assert plan.oddHeader.center.text == "县教育局党组等2个单位整改台账"


ID = re.compile(r"ZG-[0-9A-F]{10}|[a-z]+(?:-[a-z]+)+|[0-9a-f]{16}")  # item ids, pack ids, the fingerprint
ALLOWED = {"Excel", "HYPERLINK", "http"}  # the spreadsheet's name; the sample's planted formula title


def _english(text: str) -> set[str]:
    return {w for w in re.findall(r"[A-Za-z]{2,}", ID.sub(" ", text)) if w not in ALLOWED}


def test_no_english_word_in_the_chinese_documents(outputs):
    import docx

    document = docx.Document(outputs["docx"])
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert _english("\n".join([p.text for p in document.paragraphs] + cells)) == set()
    book = openpyxl.load_workbook(outputs["xlsx"])
    values = [str(c.value) for s in book.worksheets for row in s.iter_rows() for c in row if c.value is not None]
    assert _english("\n".join(values) + "\n".join(book.sheetnames)) == set()
    assert _english(outputs["md"].read_text(encoding="utf-8")) == set()


def _pdf(path: Path, out: Path) -> Path:
    done = subprocess.run(
        [SOFFICE, "--headless", f"-env:UserInstallation=file://{out}/profile", "--convert-to", "pdf", str(path)],
        cwd=out,
        capture_output=True,
        timeout=180,
        check=False,
    )
    pdf = out / (path.stem + ".pdf")
    assert pdf.exists(), done.stderr.decode(errors="replace")[-2000:]
    return pdf


@pytest.fixture(scope="module")
def pdfs(outputs, tmp_path_factory) -> dict[str, Path]:
    if SOFFICE is None or not PDFTOOLS:
        pytest.skip("no LibreOffice or poppler-utils here (.ci/run installs libreoffice-*-nogui and poppler-utils)")
    out = tmp_path_factory.mktemp("pdf")
    found = {}
    for ext in ("docx", "xlsx"):
        copy = out / f"report-{ext}.{ext}"
        shutil.copy(outputs[ext], copy)
        found[ext] = _pdf(copy, out)
        ARTEFACTS.mkdir(exist_ok=True)
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(found[ext]), str(ARTEFACTS / ext)], check=True, timeout=120)
    return found


def _pages(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True)
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info.stdout)]


def test_docx_renders_on_a4_with_its_annexes_landscape(pdfs):
    pages = _pages(pdfs["docx"])
    assert pages[0] == pytest.approx((595.3, 841.9), abs=1)  # the report: A4 portrait
    assert pages[-1] == pytest.approx((841.9, 595.3), abs=1)  # the annex tables: A4 landscape
    text = subprocess.run(["pdftotext", str(pdfs["docx"]), "-"], capture_output=True, text=True, check=True).stdout
    assert re.search(r"—\s*1\s*—", text) and re.search(r"—\s*2\s*—", text)


def test_xlsx_renders_one_page_wide_with_no_cut_cell(pdfs, outputs):
    pages = _pages(pdfs["xlsx"])
    assert pages and all(p == pytest.approx((841.9, 595.3), abs=1) for p in pages)  # landscape A4
    text = subprocess.run(
        ["pdftotext", "-raw", str(pdfs["xlsx"]), "-"], capture_output=True, text=True, check=True
    ).stdout
    plan = openpyxl.load_workbook(outputs["xlsx"])["整改台账"]
    ids = [row[0].value for row in plan.iter_rows(min_row=2)]
    assert len(ids) == 11 and all(i in text for i in ids)  # every id whole, none broken over lines
    assert "备注" in text and "销号依据" in text  # the last columns printed on the same page width
    assert "县教育局党组等2个单位整改台账" in text  # the page header prints
    # wrapped cells grew their rows instead of being cut: each problem's last words are printed
    squeezed = re.sub(r"\s+", "", text)
    for row in plan.iter_rows(min_row=2):
        assert re.sub(r"\s+", "", row[4].value)[-5:] in squeezed


def test_html_names_the_units_and_year_prints_and_cites_activities(outputs):
    page = outputs["html"].read_text(encoding="utf-8")
    assert "<title>县委宣传部等3个单位2024年度台账核查结果</title>" in page
    assert "<h1>县委宣传部等3个单位2024年度台账核查结果</h1>" in page
    assert "@media print{@page{size:A4 landscape" in page
    # 县教育局党组's topical study: one record, 序号17 of 2024-04-02, cited with its date and name
    assert "2024年4月2日“党组会专题研究意识形态工作”，序号17" in page


def test_each_units_counts_add_up_in_the_report(outputs):
    """A duty is checked once per period, so a unit has more checks than duties: the sentence says
    both and its own counts add up (达标 + 未达标 + 待完成 [+ 豁免] = 项次)."""
    import docx

    text = "\n".join(p.text for p in docx.Document(outputs["docx"]).paragraphs)
    pattern = re.compile(
        r"对照(\d+)项职责要求逐项逐期核查(\d+)项次，达标(\d+)项次，未达标(\d+)项次，待完成(\d+)项次(?:，豁免(\d+)项次)?"
    )
    found = pattern.findall(text)
    assert len(found) >= 3  # one per unit of the sample
    for duties, checks, met, missed, due, waived in found:
        assert int(checks) == int(met) + int(missed) + int(due) + int(waived or 0) >= int(duties)
