"""A write that meets another process's long write waits for it (the busy timeout, then the
BEGIN tried again), and past ``MUBIAO_DB_LOCK_WAIT`` is a 503 with a sentence, not a 500."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from django.db import OperationalError, connections, transaction
from django.test import RequestFactory

from mubiao.lib import db as lockdb
from mubiao.lib.sqlite3.base import DatabaseWrapper
from mubiao.settings import sqlite_database

HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO note (text) VALUES ('held')")
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


@pytest.fixture
def lock_db(tmp_path, django_db_blocker):
    """A file database on mubiao's SQLite backend (one attempt waits only 0.2 s), as alias
    ``lockdb``; and ``hold(seconds)``: another process holding its write lock that long."""
    config = {**connections.settings["default"], **sqlite_database(tmp_path / "lock.sqlite3")}
    config["OPTIONS"] = {**config["OPTIONS"], "timeout": 0.2}
    wrapper = DatabaseWrapper(config, alias="lockdb")
    with django_db_blocker.unblock():
        connections["lockdb"] = wrapper
        with wrapper.cursor() as c:
            c.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT)")
        started = []

        def hold(seconds: float) -> subprocess.Popen:
            proc = subprocess.Popen(
                [sys.executable, "-c", HOLDER, str(config["NAME"]), str(seconds)],
                stdout=subprocess.PIPE, text=True,
            )  # fmt: skip
            assert proc.stdout.readline().strip() == "holding"
            started.append(proc)
            return proc

        def notes() -> list[str]:
            with wrapper.cursor() as c:
                c.execute("SELECT text FROM note ORDER BY id")
                return [row[0] for row in c.fetchall()]

        yield hold, notes
        for proc in started:
            proc.wait(timeout=10)
        wrapper.close()
        del connections["lockdb"]


def write(text: str) -> None:
    with transaction.atomic(using="lockdb"):
        with connections["lockdb"].cursor() as c:
            c.execute("INSERT INTO note (text) VALUES (%s)", [text])


def autocommit_write(text: str) -> None:
    with connections["lockdb"].cursor() as c:
        c.execute("INSERT INTO note (text) VALUES (%s)", [text])


@pytest.mark.parametrize("writer", [write, autocommit_write])
def test_a_write_waits_out_another_process_s_long_write(lock_db, settings, writer):
    settings.DB_LOCK_WAIT = 10
    hold, notes = lock_db
    start = time.monotonic()
    hold(1.5)  # far longer than one attempt's busy timeout (0.2 s)
    writer("mine")
    assert time.monotonic() - start >= 1.0  # it waited for the hold to end, then wrote
    assert notes() == ["held", "mine"]  # nothing lost on either side


def test_past_the_lock_wait_the_write_fails_whole_and_the_answer_is_a_503(lock_db, settings):
    settings.DB_LOCK_WAIT = 0.6
    hold, notes = lock_db
    proc = hold(3)
    with pytest.raises(OperationalError) as caught:
        write("mine")
    assert lockdb.is_locked(caught.value)
    proc.wait(timeout=10)
    assert notes() == ["held"]  # nothing half-written

    request = RequestFactory().post("/reporting/r/x/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    middleware = lockdb.BusyMiddleware(lambda r: None)
    with transaction.atomic():  # the page is rendered in the user's language
        from django.utils import translation

        with translation.override("zh-hans"):
            page = middleware.process_exception(request, caught.value)
    assert page.status_code == 503 and page["Retry-After"]
    assert "没有保存" in page.content.decode()
    api = middleware.process_exception(RequestFactory().post("/api/v1/reports/x"), caught.value)
    assert api.status_code == 503 and "没有保存" in json.loads(api.content)["detail"]
    assert middleware.process_exception(request, OperationalError("no such table")) is None
