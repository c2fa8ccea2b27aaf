"""``mubiao tick`` removes the large uploads no reading will take, and keeps the ones
still waiting for their worker."""

from __future__ import annotations

import datetime as dt
import os
import uuid

from django.utils import timezone

from mubiao.lib import tick
from mubiao.orgs.models import OrgUnit
from mubiao.plans.actions import clean_unread_uploads, unread_upload
from mubiao.plans.models import ImportDraft


def _file(path, hours_old: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PK\x03\x04 not read yet")
    when = (timezone.now() - dt.timedelta(hours=hours_old)).timestamp()
    os.utime(path, (when, when))


def test_only_uploads_no_reading_will_take_are_removed(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    city = OrgUnit.objects.get(code="city")

    def draft(status, text=""):
        return ImportDraft.objects.create(
            created_by=world.users["supervisor"], issuer=city, status=status, text=text
        )

    waiting = draft(ImportDraft.Status.QUEUED)
    running = draft(ImportDraft.Status.RUNNING)
    failed = draft(ImportDraft.Status.FAILED)
    read = draft(ImportDraft.Status.READY, text="全年地区生产总值增长5.5%以上")
    deleted = unread_upload(waiting).with_name(f"{uuid.uuid4()}.upload")
    for kept in (waiting, running, failed, read):
        _file(unread_upload(kept), hours_old=3)
    _file(deleted, hours_old=3)
    part = unread_upload(waiting).with_name(f"{uuid.uuid4()}.part")
    _file(part, hours_old=3)
    young = unread_upload(waiting).with_name(f"{uuid.uuid4()}.upload")
    _file(young, hours_old=0.2)  # a request may still be writing it

    assert clean_unread_uploads(timezone.now()) == 4
    assert unread_upload(waiting).exists() and unread_upload(running).exists()
    assert young.exists()
    assert not unread_upload(failed).exists() and not unread_upload(read).exists()
    assert not deleted.exists() and not part.exists()
    assert clean_unread_uploads(timezone.now()) == 0


def test_the_tick_removes_them(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    stray = tmp_path / "imports" / f"{uuid.uuid4()}.upload"
    _file(stray, hours_old=2)
    assert tick.run_once(only=["plans.upload-strays"]) == {"plans.upload-strays": 1}
    assert not stray.exists()
