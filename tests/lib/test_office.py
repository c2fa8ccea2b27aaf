"""Opening uploaded workbooks safely (DB-free)."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from mubiao.lib.office import UnsafeWorkbook, check_archive, open_workbook, safe_cell, unsafe_cell


def workbook_bytes() -> bytes:
    book = Workbook()
    book.active.append(["a", "b"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_it_opens_a_plain_workbook():
    assert list(open_workbook(workbook_bytes()).active.iter_rows(values_only=True)) == [("a", "b")]


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        (("xl/vbaProject.bin", b"\x00" * 8), "macros"),
        (("xl/bomb.bin", b"\x00" * (3 * 1024 * 1024)), "too_big"),
    ],
)
def test_it_refuses_macros_and_bombs_from_the_directory(extra, reason):
    buffer = io.BytesIO(workbook_bytes())
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(*extra)
    with pytest.raises(UnsafeWorkbook) as caught:
        check_archive(buffer.getvalue(), max_unpacked=2 * 1024 * 1024)
    assert caught.value.reason == reason


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 broken", b"<?xml version='1.0'?><x/>"])
def test_it_refuses_what_is_not_a_workbook(data):
    with pytest.raises(UnsafeWorkbook) as caught:
        open_workbook(data)
    assert caught.value.reason == "not_xlsx"


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_formula_text_round_trips_as_text(text):
    assert safe_cell(text) == "'" + text
    assert unsafe_cell(safe_cell(text)) == text


def test_the_docstring_examples_hold():
    import doctest

    from mubiao.lib import office

    assert doctest.testmod(office).failed == 0
