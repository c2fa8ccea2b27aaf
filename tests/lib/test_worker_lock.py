"""The task worker outlives a long write: a lock met while it polls for or claims a task
is waited out and the loop goes on (``manage.py task_worker``, mubiao.lib.worker), where
django_tasks_db's own ``db_worker`` died with "database is locked". Started by either
name, with its system checks, under a write held longer than the busy timeout, it starts
and waits the lock out (the checks used to fail with "SQLite does not support
JSONFields", and the worker exited)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

from mubiao.lib import worker

HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE django_tasks_database_dbtaskresult SET status = status")
print("holding", flush=True)
sys.stdin.readline()  # until the test says so
conn.execute("COMMIT")
"""
ROOT = Path(__file__).resolve().parents[2]


def test_db_worker_is_the_worker_that_waits_out_a_lock():
    for name in ("task_worker", "db_worker"):
        command = load_command_class(get_commands()[name], name)
        assert isinstance(command, worker.Command), name


@pytest.mark.parametrize("name", ["task_worker", "db_worker"])
def test_the_worker_starts_under_a_held_write_lock_and_waits_it_out(tmp_path, name):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MUBIAO_", "DATABASE_URL"))}
    env.update(MUBIAO_MODE="demo", MUBIAO_DATA_DIR=str(tmp_path), MUBIAO_DB_LOCK_WAIT="1",
               DATABASE_URL=f"sqlite:///{tmp_path / 'w.sqlite3'}",
               DJANGO_SETTINGS_MODULE="mubiao.settings")  # fmt: skip
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "django_tasks_database", "-v0"], env=env, check=True,
                   cwd=ROOT, timeout=60)  # fmt: skip
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path / "w.sqlite3")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    proc = None
    try:
        assert holder.stdout.readline().strip() == "holding"
        log = tmp_path / "worker.log"
        with log.open("w") as err:
            # With its system checks: they read the database while the write is held.
            proc = subprocess.Popen(
                [*manage, name, "--batch", "--no-startup-delay", "--interval", "0.1"],
                env=env, cwd=ROOT, stdout=err, stderr=subprocess.STDOUT,
            )  # fmt: skip
            # One claim waits the busy timeout (5 s), then the lock wait is over (1 s):
            # db_worker ended here. Wait until the worker says it met the lock.
            deadline = time.monotonic() + 25
            while "database locked while polling" not in log.read_text():
                assert proc.poll() is None, log.read_text()  # still alive
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
            assert proc.poll() is None, log.read_text()
            holder.stdin.write("go\n")
            holder.stdin.flush()
            assert holder.wait(timeout=10) == 0
            # The lock gone, its next claim finds the queue empty: a batch worker's clean end.
            assert proc.wait(timeout=15) == 0, log.read_text()
        assert "No more tasks to run" in log.read_text()
        assert "JSONField" not in log.read_text()
    finally:
        for p in (holder, proc):
            if p is not None and p.poll() is None:
                p.kill()
                p.wait()
