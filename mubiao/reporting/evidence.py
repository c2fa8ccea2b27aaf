"""Evidence files: what a file really is (by its content, not its name), how big, how
many, and how it reaches the disk.

Accepted: images (JPEG, PNG, GIF, WebP), PDF, Word and Excel (both the OOXML zip formats
and the legacy OLE ones). The name's extension must agree with the content, so a script
renamed ``photo.jpg`` is refused, and an Office file carrying macros (a ``.xlsm`` or
``.docm`` renamed ``.xlsx``) is refused whatever its name.

A request carries at most ``MUBIAO_EVIDENCE_MAX_FILES`` files of at most
``MUBIAO_EVIDENCE_MAX_MB`` each and ``MUBIAO_EVIDENCE_MAX_TOTAL_MB`` together. Files are
never read whole into memory: Django spools a large upload to a temporary file, the
checks read it in chunks, and :func:`store` copies it to a temporary name beside its
place and renames it there once complete and flushed, so a file under its hash always
holds that hash's bytes. A process killed in between leaves a ``.part`` file (or a file
no row refers to), which :func:`clean_strays` (a ``mubiao tick`` job) removes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePath

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


def max_files() -> int:
    return int(getattr(settings, "MUBIAO_EVIDENCE_MAX_FILES", 10))


def max_total_bytes() -> int:
    return int(getattr(settings, "MUBIAO_EVIDENCE_MAX_TOTAL_MB", 50)) * 1024 * 1024


def sniff(head: bytes, data=None) -> str | None:
    """The kind of a file from its first bytes (and, for zips, its member names).

    ``data`` is the whole file (bytes or a seekable file object), needed for zips only.

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


MACROS = "macros"


def _office_zip(data) -> str | None:
    source = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    try:
        source.seek(0)
        names = zipfile.ZipFile(source).namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    lowered = [n.lower() for n in names]
    if any("vbaproject" in n for n in lowered):  # Excel's, Word's and PowerPoint's macros
        return MACROS
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    return None


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    upload: object  # the uploaded file, positioned anywhere; read it through chunks()
    size: int
    sha256: str

    @property
    def data(self) -> bytes:
        """The whole content (for small files and tests; :func:`store` streams)."""
        self.upload.seek(0)
        return self.upload.read()


def _too_large(name: str) -> ValidationError:
    return ValidationError(
        _("%(name)s is too large: at most %(mb)s MB per file.")
        % {"name": name, "mb": max_bytes() // (1024 * 1024)}
    )


def check_upload(upload) -> CheckedFile:
    """Check one uploaded file, reading it in chunks; a ValidationError in plain words."""
    name = PurePath(upload.name or "").name[:255] or "file"
    if upload.size is not None and upload.size > max_bytes():
        raise _too_large(name)
    digest, size, head = hashlib.sha256(), 0, b""
    upload.seek(0)
    for chunk in upload.chunks():
        if len(head) < 16:
            head += chunk[: 16 - len(head)]
        size += len(chunk)
        if size > max_bytes():
            raise _too_large(name)
        digest.update(chunk)
    if not size:
        raise ValidationError(_("%(name)s is empty.") % {"name": name})
    kind = sniff(head, upload)
    if kind == MACROS:
        raise ValidationError(
            _(
                "%(name)s contains macros (a macro-enabled Office file): save it as an "
                "ordinary .xlsx or .docx without macros, or as PDF, and attach that."
            )
            % {"name": name}
        )
    ext = PurePath(name).suffix.lower()
    if kind is None or ext not in KINDS[kind][1]:
        raise ValidationError(
            _("%(name)s is not an accepted file: send images, PDF, Word or Excel files.")
            % {"name": name}
        )
    content_type = OLE_TYPES[ext] if kind == "ole" else KINDS[kind][0]
    return CheckedFile(name, content_type, upload, size, digest.hexdigest())


def check_files(uploads: list) -> list[CheckedFile]:
    """Check every file of one request: how many, how big together, then each."""
    if len(uploads) > max_files():
        raise ValidationError(
            _("%(n)s files were attached: at most %(max)s can be sent at once.")
            % {"n": len(uploads), "max": max_files()}
        )
    total = sum(u.size or 0 for u in uploads)
    if total > max_total_bytes():
        raise ValidationError(
            _("The attached files come to %(mb)s MB: at most %(max)s MB can be sent at once.")
            % {"mb": f"{total / 1024 / 1024:.1f}", "max": max_total_bytes() // (1024 * 1024)}
        )
    return [check_upload(u) for u in uploads]


PART = ".part-"


def store(relative: str, checked: CheckedFile) -> str:
    """Write the file under ``relative`` (in MEDIA_ROOT) whole or not at all: copied to a
    temporary name beside it, flushed to disk, then renamed into place. Returns the name."""
    final = Path(settings.MEDIA_ROOT) / relative
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = final.with_name(f"{final.name}{PART}{uuid.uuid4().hex}")
    try:
        with temporary.open("wb") as out:
            checked.upload.seek(0)
            for chunk in checked.upload.chunks():
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, final)
    finally:
        temporary.unlink(missing_ok=True)
    return relative


HASH_NAME = re.compile(r"^[0-9a-f]{64}$")
STRAY_AFTER = dt.timedelta(hours=1)


def clean_strays(now: dt.datetime) -> int:
    """Remove what an interrupted upload left under ``evidence/``: temporary ``.part``
    files, and files no evidence row refers to (renamed into place, then the request
    failed before its row was committed), once they are an hour old. Returns how many."""
    from mubiao.reporting.models import Evidence

    root = Path(settings.MEDIA_ROOT) / "evidence"
    if not root.is_dir():
        return 0
    cutoff = (now - STRAY_AFTER).timestamp()
    known = set(Evidence.objects.values_list("file", flat=True))
    removed = 0
    for path in root.rglob("*"):
        if not path.is_file() or path.stat().st_mtime > cutoff:
            continue
        relative = path.relative_to(settings.MEDIA_ROOT).as_posix()
        stray = PART in path.name or (HASH_NAME.match(path.name) and relative not in known)
        if stray:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def clean_spools(now: dt.datetime) -> int:
    """Remove the upload spools (``FILE_UPLOAD_TEMP_DIR``) a server killed mid-body left,
    once an hour old: a request that ends, well or badly, removes its own. Returns how
    many."""
    root = getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)
    if not root or not Path(root).is_dir():
        return 0
    cutoff = (now - STRAY_AFTER).timestamp()
    removed = 0
    for path in Path(root).iterdir():
        if path.is_file() and path.stat().st_mtime <= cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
