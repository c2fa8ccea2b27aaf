"""Fault injection: real processes killed with SIGKILL at the worst moment.

Each test runs the app's own processes (the task worker, the web server) on a temporary
SQLite file, kills one mid-work, starts it again, and checks what the database holds:
an import whose worker died resolves (read again, to a draft ready for review) within
its timeout; a submission whose server died is wholly saved or absent, never half-written.
The moment of the kill is made certain by a pause injected into the process (it writes a
marker file, then sleeps); every wait polls with a deadline.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PORT = free_port()  # a port nothing else listens on, so parallel runs do not meet

# The processes run on their own SQLite file whatever database the suite uses (their
# environment drops DATABASE_URL), so the PostgreSQL run repeats them rather than skip.


def wait_for(check, seconds: float, what: str):
    """Poll ``check()`` until it is truthy, for at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """A migrated database file, made once and copied for each test."""
    base = tmp_path_factory.mktemp("faults")
    subprocess.run(
        [sys.executable, "-m", "mubiao.cli", "manage", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT, env=environment(base), check=True, timeout=120,
    )  # fmt: skip
    return base / "mubiao.sqlite3"


def environment(data_dir: Path, **more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MUBIAO_", "DATABASE_URL"))}
    env.update(MUBIAO_MODE="demo", MUBIAO_DATA_DIR=str(data_dir),
               DJANGO_SETTINGS_MODULE="mubiao.settings", **more)  # fmt: skip
    return env


@pytest.fixture
def place(migrated, tmp_path):
    """(data dir, env, run(script) → its stdout) on a fresh copy of the migrated file."""
    shutil.copy(migrated, tmp_path / "mubiao.sqlite3")
    shutil.copy(migrated.parent / "secret_key", tmp_path / "secret_key")
    env = environment(tmp_path)

    def run(script: str, timeout: float = 60) -> str:
        done = subprocess.run([sys.executable, "-c", PRELUDE + textwrap.dedent(script)],
                              cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=timeout)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    return tmp_path, env, run


PRELUDE = textwrap.dedent(
    """
    import sys, time
    import django
    django.setup()
    """
)

# --- the worker, killed while it extracts -------------------------------------------------

START_IMPORT = """
from mubiao.orgs.models import OrgUnit
from mubiao.plans import actions
from tests.conftest import build_world
from tests.plans.test_import import NOTICE
world = build_world()
draft = actions.start_import(world.users["supervisor"], issuer=OrgUnit.objects.get(code="city"),
                             text=NOTICE, plan_name="示范市重点工作")
print(draft.code)
"""

# A real worker whose extraction stops in the middle (marker file, then a long sleep).
STALLED_WORKER = """
import mubiao.extract
from pathlib import Path
from django.core.management import call_command

def stuck(*args, **kw):
    Path(sys.argv[1]).write_text("extracting")
    time.sleep(600)

mubiao.extract.extract_text = stuck
call_command("task_worker", "--no-startup-delay", "--interval", "0.1")
"""

RECOVER = """
import datetime as dt
from django.utils import timezone
from mubiao.plans import actions
print(actions.recover_stalled_imports(timezone.now() + dt.timedelta(hours=1)))
"""


def draft_row(data_dir: Path, code: str):
    db = sqlite3.connect(data_dir / "mubiao.sqlite3")
    try:
        return db.execute(
            "select status, progress, attempts, draft from plans_importdraft where code = ?",
            [code.replace("-", "")],
        ).fetchone()
    finally:
        db.close()


def test_a_worker_killed_mid_extraction_is_replaced_and_the_import_resolves(place):
    data_dir, env, run = place
    code = run(START_IMPORT).strip()
    marker = data_dir / "extracting"
    worker = subprocess.Popen(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(STALLED_WORKER), str(marker)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for(marker.exists, 30, "the worker to start extracting")
        assert draft_row(data_dir, code)[:2] == ("running", 10)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert draft_row(data_dir, code)[0] == "running"  # stuck until the tick notices
    assert run(RECOVER).strip() == "1"  # the heartbeat is stale: read it again
    assert draft_row(data_dir, code)[0] == "queued"
    subprocess.run(
        [sys.executable, "-m", "mubiao.cli", "manage", "task_worker", "--batch",
         "--no-startup-delay"], cwd=ROOT, env=env, check=True, timeout=60,
        capture_output=True,
    )  # fmt: skip
    status, progress, attempts, draft = draft_row(data_dir, code)
    assert (status, progress, attempts) == ("ready", 100, 2)
    assert len(json.loads(draft)["tasks"]) == 3


# --- the web server, killed while it saves a submission -----------------------------------

MAKE_SLOT = """
import time_machine
from tests.conftest import IN_MARCH
with time_machine.travel(IN_MARCH, tick=True):
    from mubiao.api.actions import create_token
    from mubiao.reporting.cycles import ensure_cycles, ensure_reports
    from mubiao.reporting.models import Cycle, Report
    from tests.conftest import build_world
    world = build_world()
    march = next(c for c in ensure_cycles(world.plan, Cycle.Kind.MONTH) if c.code == "202603")
    ensure_reports(march)
    report = Report.objects.get(cycle=march, unit__code="swj", task__code="t1")
    _t, raw = create_token(world.users["swj"], name="faults", read_only=False)
    print(report.code, raw)
"""

# The app's server (runserver, one process) in March 2026; with a marker path, each
# submission stops after its version and values are written, before the commit.
SERVER = """
import time_machine
from pathlib import Path
from django.core.management import call_command
from tests.conftest import IN_MARCH

time_machine.travel(IN_MARCH, tick=True).start()
if len(sys.argv) > 2:
    from mubiao.reporting import actions
    write = actions._write

    def slow_write(*args, **kw):
        done = write(*args, **kw)
        Path(sys.argv[2]).write_text("written, not committed")
        time.sleep(600)
        return done

    actions._write = slow_write
call_command("runserver", sys.argv[1], "--noreload", "--skip-checks")
"""


def serve(env, marker: Path | None = None) -> subprocess.Popen:
    argv = [sys.executable, "-c", PRELUDE + textwrap.dedent(SERVER), f"127.0.0.1:{PORT}"]
    server = subprocess.Popen(
        [*argv, *([str(marker)] if marker else [])],
        cwd=ROOT, env={**env, "MUBIAO_ALLOWED_HOSTS": "127.0.0.1"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip

    def up() -> bool:
        assert server.poll() is None, "the server died"
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=2)
        except urllib.error.URLError:
            return False
        return True

    wait_for(up, 30, "the server to answer")
    return server


def submit(code: str, token: str) -> int:
    body = json.dumps({"progress": "已开工12个", "values": {"projects": 12, "investment": 34.5}})
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}/api/v1/reports/{code}/submit", data=body.encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=20) as response:
        return response.status


def stored(data_dir: Path, code: str) -> tuple:
    db = sqlite3.connect(data_dir / "mubiao.sqlite3")
    try:
        (report_id, state) = db.execute(
            "select id, state from reporting_report where code = ?", [code.replace("-", "")]
        ).fetchone()
        versions = db.execute(
            "select count(*) from reporting_reportversion where report_id = ?", [report_id]
        ).fetchone()[0]
        values = db.execute(
            "select count(*) from reporting_reportvalue v join reporting_reportversion r "
            "on v.version_id = r.id where r.report_id = ?", [report_id],
        ).fetchone()[0]  # fmt: skip
        audit = db.execute(
            "select count(*) from audit_auditentry where action = 'report.submit'"
        ).fetchone()[0]
        return state, versions, values, audit
    finally:
        db.close()


def test_a_server_killed_mid_submission_leaves_it_wholly_absent_then_takes_it_whole(place):
    data_dir, env, run = place
    code, token = run(MAKE_SLOT).split()
    marker = data_dir / "written"
    server = serve(env, marker)
    answers: list = []
    client = threading.Thread(target=lambda: answers.append(_try(submit, code, token)))
    try:
        client.start()
        wait_for(marker.exists, 20, "the submission to be half-way")
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
        client.join(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert answers and answers[0] != 200  # never acknowledged
    assert stored(data_dir, code) == ("not_started", 0, 0, 0)  # absent, not half-written
    server = serve(env)  # started again, unhindered
    try:
        assert submit(code, token) == 200
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
    assert stored(data_dir, code) == ("submitted", 1, 2, 1)  # wholly saved


def _try(func, *args):
    try:
        return func(*args)
    except (urllib.error.URLError, ConnectionError, OSError) as exc:
        return repr(exc)
