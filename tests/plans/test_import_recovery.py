"""Background reading that recovers: a reading whose worker died (its heartbeat stale) is
read again, or failed with a sentence after its last attempt; the page stops waiting."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone

from mubiao.audit.models import AuditEntry
from mubiao.orgs.models import OrgUnit
from mubiao.plans import actions
from mubiao.plans.models import ImportDraft

TEXT = "一、主要目标\n地区生产总值增长6%左右。\n"


@pytest.fixture
def killed(world, django_capture_on_commit_callbacks):
    """A draft as a worker killed mid-extraction leaves it: running, 10 %, heartbeat old."""
    with django_capture_on_commit_callbacks(execute=False):  # no worker reads it
        draft = actions.start_import(
            world.users["supervisor"], issuer=OrgUnit.objects.get(code="city"), text=TEXT,
            plan_name="示范市重点工作",
        )  # fmt: skip
    old = timezone.now() - dt.timedelta(minutes=30)
    ImportDraft.objects.filter(pk=draft.pk).update(
        status=ImportDraft.Status.RUNNING, progress=10, heartbeat_at=old, attempts=1
    )
    draft.refresh_from_db()
    return draft


def test_a_reading_whose_worker_died_is_read_again(killed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.recover_stalled_imports(timezone.now()) == 1
    killed.refresh_from_db()
    assert killed.status == ImportDraft.Status.READY and killed.draft["targets"]
    assert killed.attempts == 2
    assert AuditEntry.objects.filter(action="import.recover").count() == 1


def test_after_its_last_attempt_it_fails_with_a_sentence(killed):
    ImportDraft.objects.filter(pk=killed.pk).update(attempts=actions.MAX_ATTEMPTS)
    assert actions.recover_stalled_imports(timezone.now()) == 1
    killed.refresh_from_db()
    assert killed.status == ImportDraft.Status.FAILED
    assert "中断了2次" in killed.message  # the office reads Chinese
    assert actions.recover_stalled_imports(timezone.now()) == 0  # resolved, once


def test_a_slow_but_living_worker_keeps_its_reading(killed):
    ImportDraft.objects.filter(pk=killed.pk).update(heartbeat_at=timezone.now())
    assert actions.recover_stalled_imports(timezone.now()) == 0
    killed.refresh_from_db()
    assert killed.status == ImportDraft.Status.RUNNING


def test_the_page_stops_polling_a_stalled_reading_and_says_so(killed, login):
    client = login("supervisor")
    page = client.get(killed.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert 'data-testid="stalled"' in page.text and "停止响应" in page.text
    assert 'hx-trigger="every 1s"' not in page.text
    poll = client.get(killed.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert poll.headers.get("HX-Refresh") == "true"  # the htmx poll ends with the full page


def test_a_fresh_reading_is_still_polled(killed, login):
    ImportDraft.objects.filter(pk=killed.pk).update(heartbeat_at=timezone.now())
    page = login("supervisor").get(killed.get_absolute_url())
    assert 'hx-trigger="every 1s"' in page.text and 'data-testid="stalled"' not in page.text


def test_both_recoveries_are_tick_jobs():
    from mubiao.lib import tick

    assert {"plans.stalled-imports", "reporting.evidence-strays"} <= set(tick.jobs())


def test_a_heartbeat_that_meets_a_busy_database_beats_again(killed, monkeypatch):
    from django.db import OperationalError

    calls: list[str] = []
    none = ImportDraft.objects.none

    def flaky(*args, **kwargs):
        calls.append("beat")
        if len(calls) == 1:
            raise OperationalError("database is locked")
        # Later beats touch no table: on SQLite the test's own open transaction holds the
        # write lock, and a real beat would wait out the lock (MUBIAO_DB_LOCK_WAIT) instead.
        return none()

    monkeypatch.setattr(ImportDraft.objects, "filter", flaky)
    with actions.heartbeat(killed, every=0.05):
        deadline = time.monotonic() + 10
        while len(calls) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert len(calls) >= 3  # the first beat failed; the thread went on beating
