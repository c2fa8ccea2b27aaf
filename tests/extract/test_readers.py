"""Reading files: txt (UTF-8, BOM, GBK), docx, html, pdf, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from mubiao.extract import ExtractError, extract_text, read_bytes, read_file

SENTENCE = "主要预期目标是:地区生产总值增长6%左右。"


@pytest.mark.parametrize(
    "data",
    [
        SENTENCE.encode("utf-8"),
        b"\xef\xbb\xbf" + SENTENCE.encode("utf-8"),
        SENTENCE.encode("gbk"),
        SENTENCE.encode("gb18030"),
        SENTENCE.encode("utf-16"),
    ],
    ids=["utf8", "utf8-bom", "gbk", "gb18030", "utf16"],
)
def test_it_reads_text_in_common_encodings(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(data)
    assert read_file(path) == SENTENCE


def test_it_counts_spans_after_the_bom() -> None:
    text = read_bytes(b"\xef\xbb\xbf" + SENTENCE.encode("utf-8"), "a.txt")
    (target,) = extract_text(text).targets
    assert text[slice(*target.span)] == "地区生产总值增长6%左右"


def test_it_reads_docx_paragraphs_and_tables(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("一、稳定增长")
    document.add_paragraph(SENTENCE)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "牵头单位"
    table.rows[0].cells[1].text = "市发展改革委"
    path = tmp_path / "plan.docx"
    document.save(str(path))
    text = read_file(path)
    assert SENTENCE in text and "市发展改革委" in text
    assert len(extract_text(text).targets) == 1


def test_it_reads_html_text_only() -> None:
    html = f"<html><head><title>t</title><script>var x='增长9%';</script></head><body><p>{SENTENCE}</p><div>附&nbsp;件</div></body></html>"
    text = read_bytes(html.encode("utf-8"), "page.html")
    assert SENTENCE in text and "var x" not in text and "附\xa0件" in text


def _tiny_pdf(words: str) -> bytes:
    """A one-page PDF with a text layer (Helvetica, ASCII), written by hand."""
    stream = f"BT /F1 12 Tf 72 720 Td ({words}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for k, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % k + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def test_it_reads_a_pdf_text_layer() -> None:
    assert "GDP growth 6%" in read_bytes(_tiny_pdf("GDP growth 6%"), "plan.pdf")


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"not a zip at all", "broken.docx"),
        (b"%PDF-1.4 nothing here", "broken.pdf"),
        (_tiny_pdf(""), "empty.pdf"),
        (b"\x00\x01\x02\x03binary", "data.txt"),
        (b"PK\x03\x04", "sheet.xlsx"),
        (b"\xff\xfe\xfd\x80\x81", "odd.txt"),
    ],
)
def test_it_raises_one_clear_error_for_unreadable_files(data: bytes, name: str) -> None:
    with pytest.raises(ExtractError) as info:
        read_bytes(data, name)
    assert name in str(info.value) and "\n" not in str(info.value)


def test_it_raises_a_clear_error_for_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match="does not exist"):
        read_file(tmp_path / "nope.txt")


def docx_bomb(megabytes: int = 70) -> bytes:
    """A small .docx whose document part unpacks to ``megabytes`` MB (written streaming)."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        info = zipfile.ZipInfo("word/document.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as part:
            for _ in range(megabytes):
                part.write(b" " * (1024 * 1024))
    return out.getvalue()


def test_a_docx_zip_bomb_is_refused_from_its_directory_alone() -> None:
    bomb = docx_bomb()
    assert len(bomb) < 1024 * 1024  # under 1 MB on the wire
    with pytest.raises(ExtractError, match="unpacks to more than 64 MB"):
        read_bytes(bomb, "计划.docx")
