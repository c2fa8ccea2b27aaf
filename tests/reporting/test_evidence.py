"""Evidence files: the type comes from the content, the size is bounded."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from mubiao.reporting.evidence import OLE, check_upload


def office(member: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(member, "<x/>")
    return out.getvalue()


ACCEPTED = [
    ("现场.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
    ("a.PNG", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image/png"),
    ("a.gif", b"GIF89a" + b"\x00" * 20, "image/gif"),
    ("a.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 8, "image/webp"),
    ("方案.pdf", b"%PDF-1.7\n" + b"\x00" * 20, "application/pdf"),
    ("报告.docx", office("word/document.xml"),
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("台账.xlsx", office("xl/workbook.xml"),
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("旧.doc", OLE + b"\x00" * 20, "application/msword"),
    ("旧.xls", OLE + b"\x00" * 20, "application/vnd.ms-excel"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "data", "content_type"), ACCEPTED)
def test_it_accepts_images_pdf_word_and_excel(name, data, content_type):
    checked = check_upload(SimpleUploadedFile(name, data))
    assert (checked.content_type, checked.data, len(checked.sha256)) == (content_type, data, 64)


REFUSED = [
    ("photo.jpg", b"#!/bin/sh\necho hi\n"),  # a script with an image's name
    ("report.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20),  # an image calling itself a PDF
    ("page.html", b"<html><script>alert(1)</script>"),
    ("x.docx", office("xl/workbook.xml")),  # a workbook named as a document
    ("x.docx", b"PK\x03\x04 not really a zip"),
    ("archive.zip", office("word/document.xml")),
    ("empty.png", b""),
    ("../../etc/passwd.png", b"root:x:0:0"),
]


@pytest.mark.parametrize(("name", "data"), REFUSED)
def test_it_refuses_what_is_not_what_it_says(name, data):
    with pytest.raises(ValidationError):
        check_upload(SimpleUploadedFile(name, data))


def test_it_refuses_a_file_over_the_limit(settings):
    settings.MUBIAO_EVIDENCE_MAX_MB = 1
    big = b"%PDF-1.7\n" + b"\x00" * (1024 * 1024)
    with pytest.raises(ValidationError, match="MB"):
        check_upload(SimpleUploadedFile("big.pdf", big))


def test_it_keeps_only_the_base_name():
    checked = check_upload(SimpleUploadedFile("../../x/现场.png", b"\x89PNG\r\n\x1a\n\x00"))
    assert checked.name == "现场.png"
