"""Evidence files: what a file really is (by its first bytes, not its name) and how big.

Accepted: images (JPEG, PNG, GIF, WebP), PDF, Word and Excel (both the OOXML zip formats
and the legacy OLE ones). The name's extension must agree with the content, so a script
renamed ``photo.jpg`` is refused.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"

# kind → (content type, extensions allowed for it)
KINDS: dict[str, tuple[str, frozenset[str]]] = {
    "jpeg": ("image/jpeg", frozenset({".jpg", ".jpeg"})),
    "png": ("image/png", frozenset({".png"})),
    "gif": ("image/gif", frozenset({".gif"})),
    "webp": ("image/webp", frozenset({".webp"})),
    "pdf": ("application/pdf", frozenset({".pdf"})),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        frozenset({".docx"}),
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        frozenset({".xlsx"}),
    ),
    "ole": ("application/octet-stream", frozenset({".doc", ".xls"})),
}
OLE_TYPES = {".doc": "application/msword", ".xls": "application/vnd.ms-excel"}


def max_bytes() -> int:
    return int(getattr(settings, "MUBIAO_EVIDENCE_MAX_MB", 20)) * 1024 * 1024


def sniff(head: bytes, data: bytes | None = None) -> str | None:
    """The kind of a file from its first bytes (and, for zips, its member names).

    >>> sniff(b"%PDF-1.7 ...")
    'pdf'
    >>> sniff(b"#!/bin/sh") is None
    True
    """
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(OLE):
        return "ole"
    if head.startswith(ZIP) and data is not None:
        return _office_zip(data)
    return None


def _office_zip(data: bytes) -> str | None:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return None
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    return None


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    data: bytes
    sha256: str


def check_upload(upload) -> CheckedFile:
    """Read and check one uploaded file; a ValidationError in plain words if refused."""
    name = PurePath(upload.name or "").name[:255] or "file"
    if upload.size is not None and upload.size > max_bytes():
        raise ValidationError(
            _("%(name)s is too large: at most %(mb)s MB per file.")
            % {"name": name, "mb": max_bytes() // (1024 * 1024)}
        )
    data = upload.read(max_bytes() + 1)
    if len(data) > max_bytes():
        raise ValidationError(
            _("%(name)s is too large: at most %(mb)s MB per file.")
            % {"name": name, "mb": max_bytes() // (1024 * 1024)}
        )
    if not data:
        raise ValidationError(_("%(name)s is empty.") % {"name": name})
    kind = sniff(data[:16], data)
    ext = PurePath(name).suffix.lower()
    if kind is None or ext not in KINDS[kind][1]:
        raise ValidationError(
            _("%(name)s is not an accepted file: send images, PDF, Word or Excel files.")
            % {"name": name}
        )
    content_type = OLE_TYPES[ext] if kind == "ole" else KINDS[kind][0]
    return CheckedFile(name, content_type, data, hashlib.sha256(data).hexdigest())
