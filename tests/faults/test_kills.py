"""Fault injection: real processes killed with SIGKILL at the worst moment.

Each test runs the app's own processes (the task worker, the web server: runserver, and
gunicorn as in production) on a temporary SQLite file, kills one mid-work, starts it
again, and checks what the database and the disk hold: an import whose worker died
resolves (read again, to a draft ready for review) within its timeout; a submission
whose server died is wholly saved or absent, never half-written; an evidence file is
under its hash only whole, and what a killed upload left is removed by ``mubiao tick``.
The moment of the kill is made certain by a pause injected into the process (it writes a
marker file, then sleeps); every wait polls with a deadline.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.parse
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


# --- the production server (gunicorn), killed mid-upload and mid-submission ---------------

# A unit's report submitted (with one photo) and returned for correction: the unit is
# about to submit again, with more evidence.
RETURNED = """
import time_machine
from tests.conftest import IN_MARCH
with time_machine.travel(IN_MARCH, tick=True):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from mubiao.reporting import actions
    from mubiao.reporting.cycles import ensure_cycles, ensure_reports
    from mubiao.reporting.models import Cycle, Report
    from tests.conftest import build_world
    from tests.faults.test_kills import PHOTO
    world = build_world()
    march = next(c for c in ensure_cycles(world.plan, Cycle.Kind.MONTH) if c.code == "202603")
    ensure_reports(march)
    report = Report.objects.get(cycle=march, unit__code="swj", task__code="t1")
    first = actions.Content(progress="已开工10个", values={"projects": "10", "investment": "30"},
                            files=[SimpleUploadedFile("现场.png", PHOTO)])
    actions.submit(world.users["swj"], report, first)
    actions.return_report(world.users["supervisor"], report, "请补充施工合同")
    print(report.code)
"""
PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(64))

# gunicorn, one worker, in March 2026; with a marker path, each evidence file stops once
# it is renamed into place under its hash, before the submission's commit.
GUNICORN = """
import time_machine
from pathlib import Path
from tests.conftest import IN_MARCH

time_machine.travel(IN_MARCH, tick=True).start()
if len(sys.argv) > 2:
    from mubiao.reporting import evidence
    store, marker = evidence.store, Path(sys.argv[2])

    def slow_store(*args, **kw):
        done = store(*args, **kw)
        marker.write_text(done)
        time.sleep(600)
        return done

    evidence.store = slow_store
from gunicorn.app.wsgiapp import run
sys.argv = ["gunicorn", "mubiao.wsgi:application", "--bind", sys.argv[1], "--workers", "1",
            "--timeout", "120"]
run()
"""


def gunicorn(env, marker: Path | None = None) -> subprocess.Popen:
    """gunicorn (master and worker) in a process group of its own, once it answers."""
    argv = [sys.executable, "-c", PRELUDE + textwrap.dedent(GUNICORN), f"127.0.0.1:{PORT}"]
    server = subprocess.Popen(
        [*argv, *([str(marker)] if marker else [])],
        cwd=ROOT, env={**env, "MUBIAO_ALLOWED_HOSTS": "127.0.0.1"}, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip

    def up() -> bool:
        assert server.poll() is None, "the server died"
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=2)
        except urllib.error.URLError:
            return False
        return True

    wait_for(up, 30, "gunicorn to answer")
    return server


def kill_group(server: subprocess.Popen) -> None:
    """SIGKILL the server's master and worker at once, and wait until both are gone (a
    zombie holds no file or lock)."""
    os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=10)

    def gone() -> bool:
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[2] == str(server.pid) and fields[0] != "Z":  # pgrp, state
                return False
        return True

    wait_for(gone, 10, "the server's processes to end")


def stop_group(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


class Browser:
    """A person at the site: cookies kept, forms posted as a browser posts them."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def headers(self, **more: str) -> dict[str, str]:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {"Host": f"127.0.0.1:{PORT}", "Cookie": cookie, **more}

    def keep(self, response) -> None:
        for value in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name] = rest.split(";")[0]

    def send(self, method: str, path: str, body: bytes = b"", **headers: str):
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=20)
        try:
            conn.request(method, path, body=body or None, headers=self.headers(**headers))
            response = conn.getresponse()
            page = response.read().decode()
            self.keep(response)
            return response.status, page
        finally:
            conn.close()

    def token(self, path: str) -> str:
        status, page = self.send("GET", path)
        assert status == 200, (path, status)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]

    def log_in(self, name: str) -> None:
        fields = {"csrfmiddlewaretoken": self.token("/accounts/login/"),
                  "username": name, "password": "pw"}  # fmt: skip
        status, _ = self.send("POST", "/accounts/login/", urllib.parse.urlencode(fields).encode(),
                              **{"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
        assert status == 302, "not logged in"


BOUNDARY = "----mubiao-faults"


def resubmission(token: str, file_name: str) -> tuple[bytes, bytes]:
    """The report form's submit, as multipart: (everything before the file's bytes, after)."""
    fields = {"csrfmiddlewaretoken": token, "action": "submit", "progress": "已开工12个",
              "value-projects": "12", "value-investment": "34.5"}  # fmt: skip
    head = "".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
        for k, v in fields.items()
    )
    head += (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; '
        f'filename="{file_name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    )
    return head.encode(), f"\r\n--{BOUNDARY}--\r\n".encode()


def post_report(browser: Browser, code: str, data: bytes, name: str = "合同.pdf") -> int:
    path = f"/reporting/r/{code}/"
    head, tail = resubmission(browser.token(path), name)
    status, _ = browser.send("POST", path, head + data + tail,
                             **{"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})  # fmt: skip
    return status


def evidence_on_disk(data_dir: Path) -> tuple[list[Path], list[Path]]:
    """(files under a hash name, anything else) below media/evidence."""
    files = [p for p in (data_dir / "media" / "evidence").rglob("*") if p.is_file()]
    hashed = [p for p in files if re.fullmatch(r"[0-9a-f]{64}", p.name)]
    return hashed, [p for p in files if p not in hashed]


def each_matches_its_hash(paths: list[Path]) -> bool:
    return all(hashlib.sha256(p.read_bytes()).hexdigest() == p.name for p in paths)


def rows(data_dir: Path, code: str) -> tuple:
    """(state, versions, submitted versions, evidence rows, report.submit audit rows)."""
    db = sqlite3.connect(data_dir / "mubiao.sqlite3")
    try:
        (report_id, state) = db.execute(
            "select id, state from reporting_report where code = ?", [code.replace("-", "")]
        ).fetchone()
        one = lambda sql: db.execute(sql, [report_id]).fetchone()[0]  # noqa: E731
        return (
            state,
            one("select count(*) from reporting_reportversion where report_id = ?"),
            one("select count(*) from reporting_reportversion where report_id = ? "
                "and submitted_at is not null"),
            one("select count(*) from reporting_evidence where report_id = ?"),
            one("select count(*) from audit_auditentry where action = 'report.submit' "
                "and ? is not null"),
        )  # fmt: skip
    finally:
        db.close()


def tick(env, *, hours_later: Path | None = None) -> dict:
    """``mubiao tick`` (its two file cleaners), after ageing what lies below ``hours_later``
    by two hours (the cleaners leave what is under an hour old)."""
    if hours_later is not None:
        old = time.time() - 7200
        for path in hours_later.rglob("*"):
            os.utime(path, (old, old))
    done = subprocess.run(
        [sys.executable, "-m", "mubiao.cli", "tick", "--job", "reporting.upload-spools",
         "--job", "reporting.evidence-strays"], cwd=ROOT, env=env, check=True, timeout=60,
        capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


RETURNED_ROWS = ("returned", 1, 1, 1, 1)  # the first submission, with its photo


def test_gunicorn_killed_mid_upload_leaves_no_file_under_a_wrong_hash_and_nothing_written(place):
    data_dir, env, run = place
    code = run(RETURNED).strip()
    spool = data_dir / "uploads"
    server = gunicorn(env)
    browser = Browser()
    upload = None
    try:
        browser.log_in("swj")
        path = f"/reporting/r/{code}/"
        size = 8 * 1024 * 1024  # spooled to disk (over FILE_UPLOAD_MAX_MEMORY_SIZE)
        head, tail = resubmission(browser.token(path), "合同.pdf")
        upload = socket.create_connection(("127.0.0.1", PORT), timeout=20)
        headers = browser.headers(**{
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Content-Length": str(len(head) + size + len(tail)),
        })  # fmt: skip
        lines = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        start = f"POST {path} HTTP/1.1\r\n{lines}\r\n".encode("latin-1")
        first = b"%PDF-1.7\n" + b"\x00" * (1024 * 1024)  # a ninth of the file, no more
        upload.sendall(start + head + first)
        wait_for(lambda: [p for p in spool.iterdir() if p.stat().st_size >= 512 * 1024],
                 20, "the server to spool the upload")  # fmt: skip
        kill_group(server)
    finally:
        if upload is not None:
            upload.close()
        if server.poll() is None:
            kill_group(server)
    hashed, others = evidence_on_disk(data_dir)
    assert len(hashed) == 1 and each_matches_its_hash(hashed) and not others  # the photo
    assert rows(data_dir, code) == RETURNED_ROWS  # nothing of the upload written
    assert len(list(spool.iterdir())) == 1  # what the killed server was spooling
    server = gunicorn(env)  # started again, it takes the submission whole
    try:
        browser.log_in("swj")
        assert post_report(browser, code, b"%PDF-1.7\n" + os.urandom(4096)) == 302
    finally:
        stop_group(server)
    assert rows(data_dir, code) == ("submitted", 2, 2, 2, 2)
    hashed, others = evidence_on_disk(data_dir)
    assert len(hashed) == 2 and each_matches_its_hash(hashed) and not others
    assert tick(env, hours_later=spool)["reporting.upload-spools"] == 1
    assert not list(spool.iterdir())


def test_gunicorn_killed_mid_submission_leaves_the_earlier_one_and_its_files_whole(place):
    data_dir, env, run = place
    code = run(RETURNED).strip()
    marker = data_dir / "stored"
    server = gunicorn(env, marker)
    browser = Browser()
    answers: list = []
    data = b"%PDF-1.7\n" + os.urandom(4096)
    try:
        browser.log_in("swj")
        client = threading.Thread(
            target=lambda: answers.append(_try(post_report, browser, code, data))
        )
        client.start()
        wait_for(marker.exists, 20, "the new file to be in place, not committed")
        kill_group(server)
        client.join(timeout=30)
    finally:
        if server.poll() is None:
            kill_group(server)
    assert answers and answers[0] != 302  # never acknowledged
    assert rows(data_dir, code) == RETURNED_ROWS  # no version, value, file row or audit
    orphan = data_dir / "media" / marker.read_text()
    hashed, others = evidence_on_disk(data_dir)
    assert orphan in hashed and len(hashed) == 2 and not others
    assert each_matches_its_hash(hashed)  # in place only whole
    assert tick(env)["reporting.evidence-strays"] == 0  # under an hour old: left alone
    assert tick(env, hours_later=data_dir / "media")["reporting.evidence-strays"] == 1
    assert not orphan.exists() and len(evidence_on_disk(data_dir)[0]) == 1  # the photo kept
    server = gunicorn(env)
    try:
        browser.log_in("swj")
        assert post_report(browser, code, data) == 302
    finally:
        stop_group(server)
    assert rows(data_dir, code) == ("submitted", 2, 2, 2, 2)
    assert orphan.exists() and each_matches_its_hash(evidence_on_disk(data_dir)[0])
