"""The task worker outlives a long write: a lock met while it polls for or claims a task
is waited out and the loop goes on (``manage.py task_worker``, mubiao.lib.worker), where
django_tasks_db's own ``db_worker`` died with "database is locked"."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

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


def test_the_worker_waits_out_a_held_write_lock_and_goes_on(tmp_path):
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
    worker = None
    try:
        assert holder.stdout.readline().strip() == "holding"
        log = tmp_path / "worker.log"
        with log.open("w") as err:
            worker = subprocess.Popen(
                [*manage, "task_worker", "--batch", "--no-startup-delay", "--interval", "0.1",
                 "--skip-checks"],  # its checks read the database, which waits too
                env=env, cwd=ROOT, stdout=err, stderr=subprocess.STDOUT,
            )  # fmt: skip
            # One claim waits the busy timeout (5 s), then the lock wait is over (1 s):
            # db_worker ended here. Wait until the worker says it met the lock, twice.
            deadline = time.monotonic() + 25
            while log.read_text().count("database locked while polling") < 2:
                assert worker.poll() is None, log.read_text()  # still alive
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
            holder.stdin.write("go\n")
            holder.stdin.flush()
            assert holder.wait(timeout=10) == 0
            # The lock gone, its next claim finds the queue empty: a batch worker's clean end.
            assert worker.wait(timeout=15) == 0, log.read_text()
        assert "No more tasks to run" in log.read_text()
    finally:
        for proc in (holder, worker):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
