"""Opening uploaded Excel workbooks safely, and writing cells no spreadsheet will run.

An .xlsx file is a zip of XML parts. Before openpyxl reads one we check, from the zip's
directory alone, that it is a zip at all, that it carries no VBA macros, and that it does
not unpack to more than a fixed size (a zip bomb). openpyxl itself parses the XML parts
with entity expansion disabled (it uses defusedxml-style settings through the standard
library's expat, which does not fetch external entities).
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.workbook.workbook import Workbook

from mubiao.lib.text import MAX_CELL, cell_length, printable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A leading apostrophe is quoted too, so "'=x" and "'南阳" survive the round trip.
QUOTED_STARTS = (*FORMULA_STARTS, "'")
MAX_UNPACKED = 100 * 1024 * 1024


class UnsafeWorkbook(Exception):
    """A file that is not an openable, macro-free, reasonably sized .xlsx."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "not_xlsx" | "macros" | "too_big" | "bad_sheet"


# Every upload of a workbook (reports, project figures, plans, account lists) says the same.
WORKBOOK_REFUSALS = {
    "not_xlsx": gettext_lazy("this is not an Excel (.xlsx) file"),
    "macros": gettext_lazy("workbooks with macros are not accepted"),
    "too_big": gettext_lazy("the workbook unpacks to more than 100 MB"),
    "bad_sheet": gettext_lazy(
        "a worksheet in this file is damaged and cannot be read; open it in Excel or WPS, "
        "save it again and upload that copy"
    ),
}


def safe_cell(value: Any) -> Any:
    """A cell value that no spreadsheet will run as a formula, and that reads back as it was.

    Text starting like a formula, or with an apostrophe, gets one more apostrophe in front
    (:func:`unsafe_cell` takes it off); control characters, which no cell may hold, are
    dropped; text longer than a cell holds is cut to it (entry refuses such text, so only
    older data can be cut, and the importers keep the stored text when a cell is its cut
    copy).

    >>> safe_cell("=HYPERLINK(1)"), safe_cell("南阳"), safe_cell(5), safe_cell("'引号")
    ("'=HYPERLINK(1)", '南阳', 5, "''引号")
    """
    if isinstance(value, str):
        value = printable(value)
        if value.startswith(QUOTED_STARTS):
            value = "'" + value
        return value[:MAX_CELL]
    return value


def unsafe_cell(value: Any) -> Any:
    """The inverse of :func:`safe_cell` for text read back from a cell.

    >>> unsafe_cell("'=1+1"), unsafe_cell("'南阳"), unsafe_cell("''引号")
    ('=1+1', "'南阳", "'引号")
    """
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(QUOTED_STARTS):
        return value[1:]
    return value


def read_back(cell_text: str, stored: str) -> str:
    """The text a re-uploaded cell means: the stored text when the cell holds exactly the
    cut copy an export made of it (text stored before entry was limited), else the cell's.

    >>> long = "长" * 40000
    >>> read_back(str(unsafe_cell(safe_cell(long))), long) == long
    True
    >>> read_back("新", long)
    '新'
    """
    if stored and cell_length(stored) > MAX_CELL:
        if cell_text == str(unsafe_cell(safe_cell(stored))).strip():
            return stored
    return cell_text


def check_archive(data: bytes, max_unpacked: int = MAX_UNPACKED) -> None:
    """Raise UnsafeWorkbook unless ``data`` is a macro-free zip of bounded size."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile:
        raise UnsafeWorkbook("not_xlsx") from None
    if any(info.filename.lower().endswith("vbaproject.bin") for info in infos):
        raise UnsafeWorkbook("macros")
    if sum(info.file_size for info in infos) > max_unpacked:
        raise UnsafeWorkbook("too_big")


def open_workbook(data: bytes) -> Workbook:
    """The workbook, read-only and with cached values, after :func:`check_archive`."""
    check_archive(data)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise UnsafeWorkbook("not_xlsx") from exc


def sheet_rows(sheet: Any) -> list[tuple]:
    """Every row of a worksheet as values; UnsafeWorkbook("bad_sheet") when the sheet's
    XML is damaged (a valid .xlsx whose worksheet part is not a worksheet), or when the
    "sheet" is a chart sheet or missing."""
    if sheet is None or not hasattr(sheet, "iter_rows"):
        raise UnsafeWorkbook("bad_sheet")
    try:
        return list(sheet.iter_rows(values_only=True))
    except Exception as exc:  # openpyxl and the XML parser raise many kinds
        raise UnsafeWorkbook("bad_sheet") from exc


def print_ready(sheet, *, header_row: int, freeze: str) -> None:
    """A sheet as offices print it: A4 landscape fitted to the page width, the header row
    repeated on every page and frozen on screen (``freeze``: the first cell that
    scrolls), page numbers "n / N" in the footer. Shared by every Excel export."""
    sheet.freeze_panes = freeze
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.oddFooter.center.text = "&P / &N"


def header_style(row) -> None:
    """Bold, wrapped, centred and shaded: the ledger's header cells."""
    for cell in row:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.fill = PatternFill("solid", fgColor="DDE3EA")
