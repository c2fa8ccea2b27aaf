"""The bulletin as an official document (公文, after GB/T 9704): the Word rendering.

Paper A4 (210 × 297 mm; margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm right); body
text 3号仿宋 (16 pt FangSong), first-level headings 黑体, second-level 楷体, the title 2号
小标宋 (22 pt), the issuing office's mark in red 小标宋; Chinese fonts are set on the
East Asian slot (``w:eastAsia``), which is what Word and LibreOffice use for Chinese
text; page numbers in the footer as "— 1 —" (4号, 14 pt). Everything it prints comes from
``content`` (``bulletin.content_of``): the report data as of the bulletin's date and the
office's edited narrative, so the same content renders the same document.
"""

from __future__ import annotations

import io
import itertools
import re

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from mubiao.lib.text import printable_tree

BODY_FONT = "仿宋_GB2312"
BODY_FALLBACK = "FangSong"
HEADING_1 = "黑体"
HEADING_2 = "楷体_GB2312"
TITLE_FONT = "方正小标宋简体"
RED = RGBColor(0xC0, 0x00, 0x00)
BLACK = RGBColor(0, 0, 0)


def render(content: dict) -> bytes:
    """The .docx bytes of one bulletin (control characters taken out: content frozen
    before they were refused still renders)."""
    content = printable_tree(content)
    doc = Document()
    _page(doc)
    _styles(doc)
    _head(doc, content)
    for section in content["sections"]:
        _heading(doc, section["heading"], 1)
        for block in section["blocks"]:
            _block(doc, block)
    _attachment_note(doc, content)
    _signature(doc, content)  # 落款 and 成文日期 before the attachments' pages
    _attachments(doc, content)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# ── the title's lines ──────────────────────────────────────────────────────────────

#: Ems of 2号 (22 pt) a line of the type area holds: 156 mm ÷ 22 pt ≈ 20.
TITLE_EMS = 20
#: What never breaks: a number with its unit (2026年, 10月, 第9期, 1–10月, 85.2%), a
#: bracketed phrase, a run of Latin letters; anything else is one character.
_ATOM = re.compile(
    r"第?\d+(?:[.–—-]\d+)*(?:季度|[年月日期号个项家%])?|[（(〔《“][^）)〕》”]*[）)〕》”]|[A-Za-z]+|."
)


def _ems(text: str) -> float:
    """Width in ems: a Chinese character or full-width mark 1, digits and Latin ½."""
    return sum(0.5 if ord(c) < 0x2E80 and c not in "—–" else 1.0 for c in text)


def title_lines(parts: list[str], ems: float = TITLE_EMS) -> list[str]:
    """The title set in lines as 公文 titles are (GB/T 9704: 梯形或菱形), never breaking
    a number from its unit: one line when it fits, else the two (or more) lines of the
    most even widths, preferring breaks between ``parts`` (关于 | the plan | the period |
    推进情况的通报) to breaks inside one; "2026年10月" is never cut at "10|月"."""
    atoms: list[tuple[str, bool]] = []  # (text, a part begins here)
    for part in parts:
        for i, atom in enumerate(_ATOM.findall(part)):
            atoms.append((atom, i == 0))
    text = "".join(a for a, _start in atoms)
    if _ems(text) <= ems or len(atoms) < 2:
        return [text] if text else []
    best: tuple[float, list[str]] | None = None
    for n in range(2, 2 + int(_ems(text) // ems) + 1):
        for cut in _cuts(len(atoms), n):
            lines = ["".join(a for a, _s in atoms[i:j]) for i, j in itertools.pairwise(cut)]
            widths = [_ems(line) for line in lines]
            if max(widths) > ems:
                continue
            inside = sum(1 for c in cut[1:-1] if not atoms[c][1])
            score = max(widths) - min(widths) + 3 * inside
            if best is None or score < best[0]:
                best = (score, lines)
        if best is not None:
            return best[1]
    return [text]


def _cuts(count: int, lines: int):
    """Every way of cutting ``count`` atoms into ``lines`` non-empty runs, as bounds."""
    for inner in itertools.combinations(range(1, count), lines - 1):
        yield (0, *inner, count)


# ── page and styles ──────────────────────────────────────────────────────────────────


def _page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(20)
    _page_number(section.footer.paragraphs[0])


def _page_number(paragraph) -> None:
    """ "— N —" with N a PAGE field, centred, 4号 (14 pt) Song."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, "— ", "宋体", 14)
    run = _run(paragraph, "", "宋体", 14)
    for kind, text in (
        ("begin", None),
        (None, " PAGE "),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            shown = OxmlElement("w:t")
            shown.text = text
            run._r.append(shown)
    _run(paragraph, " —", "宋体", 14)


def _fonts(
    element, east_asia: str, size: float | None = None, latin: str = "Times New Roman"
) -> None:
    """Set the run or style's fonts: Latin, and the East Asian slot Chinese text uses."""
    rpr = element.get_or_add_rPr() if hasattr(element, "get_or_add_rPr") else element
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(slot), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(theme)) is not None:
            del fonts.attrib[qn(theme)]


def _styles(doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.size = Pt(16)
    normal.font.color.rgb = BLACK
    _fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    fmt = normal.paragraph_format
    fmt.line_spacing = Pt(28.95)  # 22 lines a page, as GB/T 9704 asks
    fmt.space_before = fmt.space_after = Pt(0)


def _run(
    paragraph, text: str, east_asia: str = BODY_FONT, size: float = 16, *, bold=False, colour=BLACK
):
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = colour
    _fonts(run._r, east_asia)
    return run


def _paragraph(
    doc, text: str = "", *, indent: bool = True, align=None, font: str = BODY_FONT, size: float = 16
):
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    if text:
        _run(p, text, font, size)
    return p


def _heading(doc, text: str, level: int) -> None:
    """一、… in 黑体 (level 1), （一）… in 楷体 (level 2): plain paragraphs, black, no theme."""
    font = HEADING_1 if level == 1 else HEADING_2
    _paragraph(doc, text, font=font).paragraph_format.keep_with_next = True


# ── the head: issuing office, number, title, addressees ──────────────────────────────


def _head(doc, content: dict) -> None:
    mark = _paragraph(doc, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _run(mark, content["office_mark"], TITLE_FONT, 26, colour=RED)
    number = _paragraph(doc, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _run(number, content["issue_number"], BODY_FONT, 16)
    _rule(doc)
    if content.get("synthetic"):
        _paragraph(
            doc,
            "（本通报所用进展数据含模拟数据，仅供演示。）",
            indent=False,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            size=12,
        )
    _paragraph(doc, indent=False)
    title = _paragraph(doc, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    for i, line in enumerate(content.get("title_lines") or [content["title"]]):
        run = _run(title, line, TITLE_FONT, 22)
        if i:
            run._r.insert(0, OxmlElement("w:br"))  # the line break before this line
    _paragraph(doc, indent=False)
    _paragraph(doc, content["addressees"], indent=False)
    _paragraph(doc, content["basis"])


def _rule(doc) -> None:
    """The red line under the issuing office's mark."""
    p = doc.add_paragraph()
    ppr = p._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (
        ("w:val", "single"),
        ("w:sz", "12"),
        ("w:space", "1"),
        ("w:color", "C00000"),
    ):
        bottom.set(qn(key), value)
    border.append(bottom)
    ppr.append(border)


# ── blocks: paragraphs, sub-headings, tables ─────────────────────────────────────────


def _block(doc, block: dict) -> None:
    match block["kind"]:
        case "text":
            _paragraph(doc, block["text"])
        case "subheading":
            _heading(doc, block["text"], 2)
        case "table":
            _table(doc, block)


def _table(doc, block: dict) -> None:
    """A table at the text's width, columns as wide as their longest entries need
    (bounded), the header row repeated on every page, no row split across pages."""
    if block.get("caption"):
        caption = _paragraph(
            doc,
            block["caption"],
            indent=False,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            font=HEADING_1,
            size=14,
        )
        caption.paragraph_format.keep_with_next = True
    table = doc.add_table(rows=1, cols=len(block["header"]))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for cell, text in zip(table.rows[0].cells, block["header"], strict=True):
        _cell(cell, text, HEADING_1)
    for row in block["rows"]:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            _cell(cell, str(text), BODY_FONT)
    widths = _widths(block)
    for i, width in enumerate(widths):
        table.columns[i].width = width
        for cell in table.columns[i].cells:
            cell.width = width
    for i, row in enumerate(table.rows):
        props = row._tr.get_or_add_trPr()
        props.append(OxmlElement("w:cantSplit"))
        if i == 0:
            props.append(OxmlElement("w:tblHeader"))  # repeated at the top of each page


#: The text's width on A4 with the 公文 margins (210 − 28 − 26 mm).
TEXT_WIDTH_MM = 156


def _widths(block: dict) -> list[Mm]:
    """Each column's share of the text width by its longest entry (4 to 12 characters:
    绿灯 and 第1 on one line; a header counts for half, as it may wrap)."""
    weights = []
    for i, head in enumerate(block["header"]):
        longest = max([len(str(row[i])) for row in block["rows"]] + [len(head) // 2, 4])
        weights.append(min(longest, 12))
    total = sum(weights)
    return [Mm(TEXT_WIDTH_MM * w / total) for w in weights]


def _cell(cell, text: str, font: str) -> None:
    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.line_spacing = Pt(18)
    _run(p, text, font, 10.5)


def _attachment_note(doc, content: dict) -> None:
    """附件说明: the attachments named below the text, before the signature."""
    if not content["attachments"]:
        return
    _kept(_paragraph(doc))
    names = "；".join(f"{i}. {a['title']}" for i, a in enumerate(content["attachments"], 1))
    _kept(_paragraph(doc, f"附件：{names}"))


def _kept(paragraph):
    """Kept on the page of the next paragraph: the 附件 note, the 落款 and the date move to
    the next page together rather than leave the date alone on a page of its own."""
    paragraph.paragraph_format.keep_with_next = True
    paragraph.paragraph_format.keep_together = True
    return paragraph


def _attachments(doc, content: dict) -> None:
    for i, attachment in enumerate(content["attachments"], 1):
        doc.add_page_break()
        _paragraph(doc, f"附件{i}", indent=False, font=HEADING_1)
        title = _paragraph(doc, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
        _run(title, attachment["title"], TITLE_FONT, 18)
        if attachment["rows"]:
            _table(doc, attachment)
        else:
            _paragraph(doc, "（无）", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)


def _signature(doc, content: dict) -> None:
    for _ in range(2):
        _kept(_paragraph(doc, indent=False))
    office = _paragraph(doc, content["signature"], indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    office.paragraph_format.right_indent = Pt(64)
    _kept(office)
    signed = _paragraph(doc, content["signed_on"], indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    signed.paragraph_format.right_indent = Pt(64)
    if content.get("contact"):
        _paragraph(doc)
        _paragraph(doc, content["contact"])
