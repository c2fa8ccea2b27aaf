"""Reading source files into text: .txt (UTF-8 with or without BOM, GB18030/GBK),
.docx (python-docx), .html/.htm (text only, stdlib parser) and .pdf with a text layer
(pypdf). Whatever cannot be read raises `ExtractError` with one plain sentence.

The text returned is the text "as read": spans of the DraftPlan count code points of it.
"""

from __future__ import annotations

import io
from html.parser import HTMLParser
from pathlib import Path

from .errors import ExtractError

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}


def read_file(path: str | Path) -> str:
    """Read a file from disk (see `read_bytes` for the formats)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise ExtractError(f"The file {p} does not exist.") from None
    except IsADirectoryError:
        raise ExtractError(f"{p} is a folder, not a file.") from None
    except OSError as exc:
        raise ExtractError(f"The file {p} cannot be opened: {exc.strerror or exc}.") from None
    return read_bytes(data, p.name)


def read_bytes(data: bytes, filename: str) -> str:
    """The text of a file's bytes; the format is chosen by the file name's suffix.

    >>> read_bytes("\\ufeff目标".encode("utf-8"), "a.txt")
    '目标'
    >>> read_bytes("目标".encode("gbk"), "a.txt")
    '目标'
    """
    suffix = Path(filename).suffix.lower()
    if suffix in (".docx",):
        return _docx(data, filename)
    if suffix in (".html", ".htm", ".xhtml"):
        return _html(decode(data, filename))
    if suffix == ".pdf":
        return _pdf(data, filename)
    if suffix in (".doc", ".xls", ".xlsx", ".ppt", ".pptx", ".wps", ".zip", ".rar"):
        raise ExtractError(
            f"{filename}: this kind of file ({suffix}) cannot be read; save it as .docx, .pdf or .txt."
        )
    return decode(data, filename)


def check_readable(data: bytes, filename: str) -> None:
    """The cheap checks of `read_bytes`, without reading the text: a kind of file that
    cannot be read, or a .docx that would unpack too far (its zip directory alone), is an
    ExtractError. For a caller that reads a large file later, elsewhere."""
    suffix = Path(filename).suffix.lower()
    if suffix in (".doc", ".xls", ".xlsx", ".ppt", ".pptx", ".wps", ".zip", ".rar"):
        read_bytes(data, filename)  # raises the same sentence
    if suffix == ".docx":
        _check_unpacked(data, filename)


def decode(data: bytes, filename: str = "the file") -> str:
    """Text from bytes: UTF-8 (a BOM is dropped), UTF-16 with a BOM, else GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ExtractError(f"{filename} looks like a binary file, not text.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ExtractError(f"{filename} is neither UTF-8 nor GBK/GB18030 text.") from None


# A .docx is a zip; its parts are unpacked into memory to be read. A document of text
# unpacks to a few MB; more is a zip bomb (a few hundred KB unpacking to 100 MB or more).
MAX_DOCX_UNPACKED = 64 * 1024 * 1024


def _check_unpacked(data: bytes, filename: str, limit: int = MAX_DOCX_UNPACKED) -> None:
    """Refuse a zip whose members would unpack to more than ``limit`` bytes, from the
    zip's directory alone (nothing is decompressed)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip: python-docx says so below
    if unpacked > limit:
        raise ExtractError(
            f"{filename} unpacks to more than {limit // (1024 * 1024)} MB, far more than a "
            "document's text; it is refused (save the document again, without embedded "
            "files, as .docx or .pdf)."
        )


def _docx(data: bytes, filename: str) -> str:
    import docx  # python-docx, imported on first use
    from docx.opc.exceptions import PackageNotFoundError

    _check_unpacked(data, filename)
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise ExtractError(
            f"{filename} is not a readable .docx file ({exc.__class__.__name__})."
        ) from None
    except Exception as exc:  # zipfile.BadZipFile and lxml errors come in many kinds
        raise ExtractError(
            f"{filename} is not a readable .docx file ({exc.__class__.__name__})."
        ) from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            cells: list[str] = []
            for cell in row.cells:
                if not cells or cells[-1] != cell.text:
                    cells.append(cell.text)
            lines.append(" ".join(cells))
    return "\n".join(lines)


class _TextOnly(HTMLParser):
    SKIP = frozenset({"script", "style", "noscript", "template", "head"})
    BLOCK = frozenset(
        {
            "p",
            "div",
            "br",
            "li",
            "tr",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "section",
            "article",
            "table",
            "title",
        }
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data.replace("\n", " "))


def _html(markup: str) -> str:
    parser = _TextOnly()
    parser.feed(markup)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    return "\n".join(line for line in lines if line)


def _pdf(data: bytes, filename: str) -> str:
    import pypdf  # imported on first use
    from pypdf.errors import PyPdfError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, OSError, TypeError) as exc:
        raise ExtractError(
            f"{filename} is not a readable PDF ({exc.__class__.__name__})."
        ) from None
    text = "\n".join(pages)
    if not text.strip():
        raise ExtractError(f"{filename} has no text layer (a scanned PDF); run OCR first.")
    return text
