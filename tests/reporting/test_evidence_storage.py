"""Evidence on disk: checked by content in chunks, limited per request, written whole or
not at all, and what an interrupted upload leaves is cleaned away."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mubiao.reporting import actions
from mubiao.reporting import evidence as ev
from mubiao.reporting.actions import Content
from mubiao.reporting.models import Evidence, ReportVersion

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def zipped(*members: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        for member in members:
            z.writestr(member, "<x/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "members"),
    [
        ("台账.xlsx", ("xl/workbook.xml", "xl/vbaProject.bin")),
        ("报告.docx", ("word/document.xml", "word/vbaProject.bin")),
    ],
)
def test_a_macro_enabled_file_renamed_is_refused_by_its_content(name, members):
    with pytest.raises(ValidationError, match=r"宏|macros"):
        ev.check_upload(SimpleUploadedFile(name, zipped(*members)))


def test_the_check_reads_in_chunks_and_hashes_the_whole_file():
    data = b"%PDF-1.7\n" + os.urandom(200_000)
    upload = SimpleUploadedFile("方案.pdf", data)
    upload.DEFAULT_CHUNK_SIZE = 4096
    checked = ev.check_upload(upload)
    assert (checked.size, checked.sha256) == (len(data), hashlib.sha256(data).hexdigest())


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_too_many_files_in_one_request_are_refused_with_a_sentence(login, slot, media, settings):
    settings.MUBIAO_EVIDENCE_MAX_FILES = 3
    report = slot("fgw", "t1")
    files = [SimpleUploadedFile(f"现场{i}.png", PNG + bytes([i])) for i in range(4)]
    response = login("fgw").post(
        f"/reporting/r/{report.code}/",
        {"action": "save_draft", "progress": "现场照片", "files": files},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "共附了4个文件：一次最多可上传3个" in response.text
    assert not ReportVersion.objects.exists() and not Evidence.objects.exists()
    assert not [p for p in media.rglob("*") if p.is_file()]


def test_files_too_large_together_are_refused(world, slot, media, settings):
    settings.MUBIAO_EVIDENCE_MAX_TOTAL_MB = 1
    files = [SimpleUploadedFile(f"{i}.pdf", b"%PDF-1.7\n" + b"\x00" * 600_000) for i in range(2)]
    with pytest.raises(ValidationError, match="MB"):
        actions.save_draft(world.users["fgw"], slot("fgw", "t1"), Content(files=files))
    assert not Evidence.objects.exists()


def test_a_stored_file_is_complete_under_its_hash(world, slot, media):
    version = actions.save_draft(
        world.users["fgw"], slot("fgw", "t1"), Content(files=[SimpleUploadedFile("a.png", PNG)])
    )
    item = version.evidence.get()
    path = media / item.file.name
    assert hashlib.sha256(path.read_bytes()).hexdigest() == item.sha256 == path.name
    assert not [p for p in media.rglob("*") if ev.PART in p.name]


KILLED_WRITER = textwrap.dedent(
    """
    import sys, time
    from django.conf import settings
    settings.configure(MEDIA_ROOT=sys.argv[1])
    from mubiao.reporting import evidence as ev

    class Slow:
        def seek(self, n): pass
        def chunks(self):
            yield b"%PDF-1.7 first part "
            print("writing", flush=True)
            time.sleep(60)
            yield b"never"

    ev.store("evidence/1/ab/" + "ab" * 32, ev.CheckedFile("a.pdf", "application/pdf", Slow(), 1, "ab" * 32))
    """
)


def test_a_writer_killed_mid_upload_leaves_no_file_under_the_hash(media, db):
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(media)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout.readline().strip() == "writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    folder = media / "evidence/1/ab"
    assert not (folder / ("ab" * 32)).exists()  # nothing under a hash it does not match
    parts = [p for p in folder.iterdir() if ev.PART in p.name]
    assert len(parts) == 1
    # The tick job removes it once it is an hour old, not before.
    assert ev.clean_strays(timezone.now()) == 0
    assert ev.clean_strays(timezone.now() + dt.timedelta(hours=2)) == 1
    assert not parts[0].exists()


def test_the_cleaner_keeps_files_rows_refer_to(world, slot, media):
    version = actions.save_draft(
        world.users["fgw"], slot("fgw", "t1"), Content(files=[SimpleUploadedFile("a.png", PNG)])
    )
    kept = media / version.evidence.get().file.name
    orphan = kept.parent / ("0" * 64)  # renamed into place, then the request failed
    orphan.write_bytes(b"x")
    old = time.time() - 7200
    for path in (kept, orphan):
        os.utime(path, (old, old))
    assert ev.clean_strays(timezone.now()) == 1
    assert kept.exists() and not orphan.exists()


def test_the_tick_removes_an_upload_spool_once_it_is_an_hour_old(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path
    spool = tmp_path / "tmpab12cd.upload.pdf"  # a server killed while the body arrived
    spool.write_bytes(b"%PDF-1.7 half")
    assert ev.clean_spools(timezone.now()) == 0
    assert spool.exists()
    assert ev.clean_spools(timezone.now() + dt.timedelta(hours=2)) == 1
    assert not spool.exists()


def test_large_uploads_are_spooled_in_the_data_folder_not_the_systems(settings):
    assert Path(settings.FILE_UPLOAD_TEMP_DIR) == Path(settings.DATA_DIR) / "uploads"
    assert Path(settings.FILE_UPLOAD_TEMP_DIR).is_dir()
