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

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_UNPACKED = 100 * 1024 * 1024


class UnsafeWorkbook(Exception):
    """A file that is not an openable, macro-free, reasonably sized .xlsx."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "not_xlsx" | "macros" | "too_big"


def safe_cell(value: Any) -> Any:
    """A cell value that no spreadsheet will run as a formula.

    >>> safe_cell("=HYPERLINK(1)"), safe_cell("南阳"), safe_cell(5)
    ("'=HYPERLINK(1)", '南阳', 5)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unsafe_cell(value: Any) -> Any:
    """The inverse of :func:`safe_cell` for text read back from a cell.

    >>> unsafe_cell("'=1+1"), unsafe_cell("'南阳")
    ('=1+1', "'南阳")
    """
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


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
