"""The layout of Party and government documents (党政机关公文格式, GB/T 9704-2012) for python-docx.

A4; margins 37/35/28/26 mm (top/bottom/left/right); title 方正小标宋简体 2号 centred; body
仿宋_GB2312 3号 on a fixed 28 pt line; first-level headings (一、) 黑体, second-level (（一）) 楷体;
page numbers `— 1 —` in 宋体 4号 at the foot, odd pages right and even pages left; language zh-CN.
Fonts name their fallback in the font table (w:altName: 宋体 for 方正小标宋简体, 仿宋 for 仿宋_GB2312),
which Word and WPS use when the first font is not installed. Nothing of Word's default theme is
used (no theme fonts, no blue headings, no italic).

Reusable: the 自查报告 (render/docx.py) and the county 通报 are built with `Gongwen`.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from typing import Any

# font roles -> (font, fallback): the names Word and WPS know the fonts by
TITLE_FONT = ("方正小标宋简体", "宋体")
BODY_FONT = ("仿宋_GB2312", "仿宋")
HEI_FONT = ("黑体", "SimHei")
KAI_FONT = ("楷体_GB2312", "楷体")
SONG_FONT = ("宋体", "SimSun")
LATIN_FONT = "Times New Roman"
SIZE_2, SIZE_3, SIZE_4, SIZE_SMALL_4, SIZE_5 = 22.0, 16.0, 14.0, 12.0, 10.5  # 2号, 3号, 4号, 小四, 五号 in pt
LINE = 28.0  # body line pitch in pt (22 lines on the 225 mm text block)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
PAGE_MM = (210, 297)
TABLE_SIZE = SIZE_SMALL_4
SHORT_COLUMN_PT = 130.0  # a column whose longest cell fits this is never wrapped (names, dates, ids)
CELL_PAD_PT = 16.0
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"  # left + right cell margins and the border, per cell

STYLES = {
    # name -> (font, size pt, bold, alignment, first-line indent in characters, line pitch, outline level)
    "Normal": (BODY_FONT, SIZE_3, False, "justify", 0, LINE, None),
    "公文标题": (TITLE_FONT, SIZE_2, False, "center", 0, 36.0, None),
    "公文正文": (BODY_FONT, SIZE_3, False, "justify", 2, LINE, None),
    "一级标题": (HEI_FONT, SIZE_3, False, "justify", 2, LINE, 0),
    "二级标题": (KAI_FONT, SIZE_3, False, "justify", 2, LINE, 1),
    "附件标识": (HEI_FONT, SIZE_3, False, "left", 0, LINE, None),
    "附件标题": (TITLE_FONT, SIZE_2 - 4, False, "center", 0, 36.0, 0),
    "表格文字": (BODY_FONT, TABLE_SIZE, False, "left", 0, 18.0, None),
    "表头文字": (HEI_FONT, TABLE_SIZE, False, "center", 0, 18.0, None),
    "页码": (SONG_FONT, SIZE_4, False, "right", 0, None, None),
}


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def set_fonts(rpr: Any, east_asia: str, latin: str = LATIN_FONT) -> None:
    """w:rFonts with the East Asian font set (CJK text is drawn with w:eastAsia, not w:ascii), and no
    theme font references left to override it."""
    fonts = rpr.find(_qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(_qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(_qn(attr), None)
    fonts.set(_qn("w:ascii"), latin)
    fonts.set(_qn("w:hAnsi"), latin)
    fonts.set(_qn("w:cs"), latin)
    fonts.set(_qn("w:eastAsia"), east_asia)


def _lang(rpr: Any, latin: str = "zh-CN") -> None:
    """East Asian text is zh-CN; Latin text is tagged `latin`: an English document tags it en-GB, or
    LibreOffice and WPS break English words anywhere, as they may break Chinese text."""
    lang = rpr.find(_qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(_qn("w:lang"), {})
        rpr.append(lang)
    lang.set(_qn("w:val"), latin)
    lang.set(_qn("w:eastAsia"), "zh-CN")
    lang.set(_qn("w:bidi"), "ar-SA")


def text_width_pt(text: str, size: float = TABLE_SIZE) -> float:
    """How wide `text` is set in `size` pt: a CJK (wide) character is one em, others about half."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.62 for c in text)


def fit_widths(
    headers: Sequence[str], rows: Sequence[Sequence[str]], total: float, keep: set[int] | frozenset[int] = frozenset()
) -> list[float]:
    """Column widths (pt) summing to `total`: columns in `keep` (ids, dates, short words) get their
    longest line unbroken; the others share what is left by how much they say (a long cell is capped
    so it cannot starve the rest), never narrower than their header."""
    longest = [
        max([text_width_pt(h, TABLE_SIZE), *(text_width_pt(str(r[i])) for r in rows)]) + CELL_PAD_PT
        for i, h in enumerate(headers)
    ]
    floor = [text_width_pt(h, TABLE_SIZE) / (2 if len(h) > 3 else 1) + CELL_PAD_PT for h in headers]
    short = {i for i, w in enumerate(longest) if w <= SHORT_COLUMN_PT}
    fixed: dict[int, float] = {}
    for whole in (set(keep) | short, set(keep)):  # short columns too if room is left, else the asked ones
        fixed = {i: longest[i] for i in whole}
        if sum(fixed.values()) <= total * 0.7 or len(fixed) == len(headers):
            break
    else:
        fixed = {}  # cannot keep them whole: share by need
    rest = total - sum(fixed.values())
    free = [i for i in range(len(headers)) if i not in fixed]
    mean = [
        sum(text_width_pt(str(r[i])) for r in rows) / len(rows) + CELL_PAD_PT if rows else longest[i]
        for i in range(len(headers))
    ]
    need = {i: (min(longest[i], total * 0.45) + mean[i]) / 2 for i in free}  # the long cells and the usual ones
    widths = [0.0] * len(headers)
    for i, w in fixed.items():
        widths[i] = w
    if free:
        scale = rest / sum(need.values())
        for i in free:
            widths[i] = need[i] * scale
        for i in free:  # never below the header's width; take it from the widest
            if widths[i] < floor[i]:
                widest = max(free, key=lambda j: widths[j])
                take = floor[i] - widths[i]
                widths[widest] -= take
                widths[i] += take
    else:
        widths = [w * total / sum(widths) for w in widths]
    return widths


class Gongwen:
    """A 公文 being written, top to bottom: title, body, headings, 附件说明, 落款, annexes."""

    def __init__(self, lang: str = "zh") -> None:
        """`lang` "en" keeps the layout but sets Latin text as English: tagged en-GB (words wrap whole),
        body and headings three quarters of the 公文 sizes (3号 is large for Latin type), headings bold."""
        import docx

        self.lang = lang
        self.doc = docx.Document()
        self._defaults()
        self._styles()
        # Style ids looked up once: python-docx's `paragraph.style = …` and `styles[name]` walk every
        # style of the document on each call (16,000 paragraphs of a county's report took 30 s).
        self._style_ids = {role: self.doc.styles[role].style_id for role in STYLES}
        self._fallbacks()
        section = self.doc.sections[0]
        self._page(section, landscape=False)
        self.doc.settings.odd_and_even_pages_header_footer = True
        self._page_numbers(section)
        self._first = True

    # ------------------------------------------------------------ set-up
    def _defaults(self) -> None:
        styles = self.doc.styles.element
        rpr = styles.find(_qn("w:docDefaults")).find(_qn("w:rPrDefault")).find(_qn("w:rPr"))
        set_fonts(rpr, BODY_FONT[0])
        _lang(rpr, "en-GB" if self.lang == "en" else "zh-CN")
        ppr = styles.find(_qn("w:docDefaults")).find(_qn("w:pPrDefault")).find(_qn("w:pPr"))
        spacing = ppr.find(_qn("w:spacing"))
        if spacing is not None:
            ppr.remove(spacing)
        self._style_format(self.doc.styles["Normal"], "Normal")

    def _style_format(self, style: Any, role: str) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
        from docx.shared import Pt

        (font, _), size, bold, align, indent, pitch, outline = STYLES[role]
        if self.lang == "en" and size > TABLE_SIZE:
            size, pitch = size * 0.75, pitch * 0.75 if pitch else pitch
            bold = bold or role in ("公文标题", "一级标题", "二级标题", "附件标识", "附件标题")
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = False
        style.font.color.rgb = None
        set_fonts(style.element.get_or_add_rPr(), font)
        fmt = style.paragraph_format
        fmt.alignment = {
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
            "left": WD_ALIGN_PARAGRAPH.LEFT,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
        }[align]
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        fmt.first_line_indent = Pt(size * indent)
        if pitch:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(pitch)
        fmt.widow_control = True
        if outline is not None:
            ppr = style.element.get_or_add_pPr()
            level = ppr.makeelement(_qn("w:outlineLvl"), {_qn("w:val"): str(outline)})
            ppr.append(level)
            fmt.keep_with_next = True

    def _styles(self) -> None:
        from docx.enum.style import WD_STYLE_TYPE

        for role in STYLES:
            if role == "Normal":
                continue
            style = self.doc.styles.add_style(role, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = self.doc.styles["Normal"]
            style.quick_style = True
            self._style_format(style, role)

    def _fallbacks(self) -> None:
        """Name each Chinese font's fallback in the font table (w:altName), so a PC without
        方正小标宋简体 or 仿宋_GB2312 draws 宋体 or 仿宋 instead of a Western default."""
        from lxml import etree

        part = next(p for p in self.doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
        root = etree.fromstring(part.blob)
        w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        for name, alt in (TITLE_FONT, BODY_FONT, HEI_FONT, KAI_FONT, SONG_FONT):
            font = etree.SubElement(root, f"{{{w}}}font", {f"{{{w}}}name": name})
            etree.SubElement(font, f"{{{w}}}altName", {f"{{{w}}}val": alt})
            etree.SubElement(font, f"{{{w}}}charset", {f"{{{w}}}val": "86"})  # GB2312
            etree.SubElement(font, f"{{{w}}}family", {f"{{{w}}}val": "modern" if "仿宋" in name else "auto"})
            etree.SubElement(font, f"{{{w}}}pitch", {f"{{{w}}}val": "variable"})
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _page(self, section: Any, *, landscape: bool) -> None:
        from docx.enum.section import WD_ORIENT
        from docx.shared import Mm

        width, height = PAGE_MM
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (Mm(height), Mm(width)) if landscape else (Mm(width), Mm(height))
        m = MARGINS_MM
        # a landscape page is the portrait page turned: the 156 x 225 mm text block stays the same
        top, bottom, left, right = (
            (m["left"], m["right"], m["top"], m["bottom"])
            if landscape
            else (m["top"], m["bottom"], m["left"], m["right"])
        )
        section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
        section.left_margin, section.right_margin = Mm(left), Mm(right)
        section.header_distance = Mm(15)
        section.footer_distance = Mm(22)

    def _page_numbers(self, section: Any) -> None:
        """`— 1 —`, 宋体 4号: odd pages at the right, even pages at the left, one character in."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        for footer, align in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
        ):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0]
            paragraph._p.style = self._style_ids["页码"]
            paragraph.alignment = align
            if align == WD_ALIGN_PARAGRAPH.RIGHT:
                paragraph.paragraph_format.right_indent = Pt(SIZE_4)
            else:
                paragraph.paragraph_format.left_indent = Pt(SIZE_4)
            paragraph.add_run("— ")
            self._field(paragraph, "PAGE")
            paragraph.add_run(" —")

    @staticmethod
    def _field(paragraph: Any, code: str) -> None:
        run = paragraph.add_run()
        for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"), ("end", None)):
            if kind:
                run._r.append(run._r.makeelement(_qn("w:fldChar"), {_qn("w:fldCharType"): kind}))
            elif text == code:
                instr = run._r.makeelement(
                    _qn("w:instrText"), {"{http://www.w3.org/XML/1998/namespace}space": "preserve"}
                )
                instr.text = f" {code} "
                run._r.append(instr)
            else:
                t = run._r.makeelement(_qn("w:t"), {})
                t.text = text
                run._r.append(t)

    # ------------------------------------------------------------ content
    def _para(self, text: str, role: str) -> Any:
        if self._first:  # the template's empty first paragraph would push the title down
            self._first = False
            body = self.doc.element.body
            for p in body.findall(_qn("w:p")):
                body.remove(p)
        paragraph = self.doc.add_paragraph(text)
        paragraph._p.style = self._style_ids[role]
        return paragraph

    def _keep_last(self) -> None:
        """The 落款 never stands alone on a page: the paragraph before it moves along."""
        if self.doc.paragraphs:
            self.doc.paragraphs[-1].paragraph_format.keep_with_next = True

    def title(self, text: str) -> None:
        self._para(text, "公文标题")
        self._para("", "公文正文")  # one empty line between title and body

    def para(self, text: str) -> None:
        self._para(text, "公文正文")

    def heading1(self, text: str) -> None:
        self._para(text, "一级标题")

    def heading2(self, text: str) -> None:
        self._para(text, "二级标题")

    def annex_list(self, label: str, names: Sequence[str]) -> None:
        """附件说明: one empty line after the body, then 附件：1. … with later names aligned under the first."""
        from docx.shared import Pt

        if not names:
            return
        self._keep_last()
        self._para("", "公文正文").paragraph_format.keep_with_next = True
        indent = text_width_pt(label, SIZE_3)
        for n, name in enumerate(names, start=1):
            numbered = f"{n}. {name}" if len(names) > 1 else name
            p = self._para((label if n == 1 else "") + numbered, "公文正文")
            p.paragraph_format.keep_with_next = True
            if n > 1:
                p.paragraph_format.left_indent = Pt(SIZE_3 * 2 + indent)
                p.paragraph_format.first_line_indent = Pt(0)

    def signature(self, unit: str, date: str) -> None:
        """落款: the unit, and under it the date, right-aligned four characters in (成文日期右空四字)."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        self._keep_last()
        for _ in range(2):
            self._para("", "公文正文").paragraph_format.keep_with_next = True
        date_width = text_width_pt(date, SIZE_3)
        unit_width = text_width_pt(unit, SIZE_3)
        for text, right in ((unit, 4 * SIZE_3 + max(0.0, (date_width - unit_width) / 2)), (date, 4 * SIZE_3)):
            p = self._para(text, "公文正文")
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p.paragraph_format.first_line_indent = Pt(0)
            p.paragraph_format.right_indent = Pt(max(right, 0.0))

    def annex(self, label: str, title: str, *, landscape: bool = True) -> None:
        """A new annex on a new page (landscape for wide tables): 附件1 at the top left, its title centred."""
        from docx.enum.section import WD_SECTION

        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        self._page(section, landscape=landscape)
        self._para(label, "附件标识")
        self._para(title, "附件标题")
        self._para("", "表格文字")

    def text_width(self) -> float:
        section = self.doc.sections[-1]
        width, left, right = section.page_width, section.left_margin, section.right_margin
        if width is None or left is None or right is None:  # python-docx: None when the section does not say
            raise ValueError("page size and margins are set in Gongwen.__init__")
        return (width - left - right) / 12700  # EMU -> pt

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]], keep: set[int] | None = None) -> None:
        """A ruled table with a bold 黑体 header row repeated on every page; widths fitted to the text."""
        from docx.shared import Pt

        widths = [Pt(w) for w in fit_widths(headers, rows, self.text_width() - 2, keep or set())]
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = self.doc.styles["Table Grid"]
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width  # the grid, which WPS and LibreOffice follow
        self._cells(table.rows[0], headers, "表头文字", widths)
        header_props = table.rows[0]._tr.get_or_add_trPr()
        header_props.append(header_props.makeelement(_qn("w:tblHeader"), {}))
        for values in rows:
            row = table.add_row()
            self._cells(row, [str(v) for v in values], "表格文字", widths)
            props = row._tr.get_or_add_trPr()
            props.append(props.makeelement(_qn("w:cantSplit"), {}))
        self._para("", "表格文字")

    def _cells(self, row: Any, values: Sequence[str], role: str, widths: Sequence[Any]) -> None:
        for cell, value, width in zip(row.cells, values, widths, strict=True):
            cell.width = width  # the cells, which Word follows
            paragraph = cell.paragraphs[0]
            paragraph._p.style = self._style_ids[role]
            paragraph.add_run(value)

    def to_bytes(self) -> bytes:
        props = self.doc.core_properties
        props.language = "zh-CN"
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()
