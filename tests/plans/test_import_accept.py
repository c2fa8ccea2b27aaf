"""A large import is accepted by the worker in chunks: a unit's submission in between
succeeds, the page shows how far it is, and a worker killed mid-accept is resolved."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from mubiao.audit.models import AuditEntry
from mubiao.orgs.models import OrgUnit
from mubiao.plans import actions
from mubiao.plans.models import ImportDraft, Indicator, Plan, Task
from mubiao.reporting import actions as reporting
from mubiao.reporting.actions import Content
from mubiao.reporting.models import Report
from tests.plans.big_draft import big_draft

ROOT = Path(__file__).resolve().parent.parent.parent
TASKS, PER_TASK = 120, 6  # 840 items: above the inline limit, four chunks of 250


def ready_draft(supervisor, tasks: int = TASKS, per_task: int = PER_TASK) -> ImportDraft:
    text, data = big_draft(tasks, per_task)
    return ImportDraft.objects.create(
        created_by=supervisor, issuer=OrgUnit.objects.get(code="city"), plan_name="大计划",
        year=2026, text=text, sha256=hashlib.sha256(text.encode()).hexdigest(),
        status=ImportDraft.Status.READY, draft=data,
    )  # fmt: skip


def test_a_large_draft_is_queued_and_accepted_in_chunks(
    world, march, django_capture_on_commit_callbacks, monkeypatch
):
    draft = ready_draft(world.users["supervisor"])
    chunks: list[int] = []
    real = actions.run_accept
    monkeypatch.setattr(
        actions, "run_accept", lambda d: real(d, lambda d: chunks.append(d.progress))
    )
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert actions.accept_import(world.users["supervisor"], draft) is None
    draft.refresh_from_db()
    assert draft.status == ImportDraft.Status.ACCEPTING and not Plan.objects.filter(name="大计划")
    for callback in queued:  # the worker picks the task up
        callback()
    draft.refresh_from_db()
    assert draft.status == ImportDraft.Status.ACCEPTED and draft.progress == 100
    plan = Plan.objects.get(name="大计划")
    assert plan.tasks.count() == TASKS and plan.indicators.count() == TASKS * PER_TASK
    assert plan.areas.count() == 10
    # start, tasks in one chunk, targets in three; progress grows chunk by chunk
    assert len(chunks) == 5 and chunks == sorted(chunks) and chunks[-1] == 99
    task = Task.objects.get(plan=plan, number="7")
    assert task.assignments.get().unit.code == "fgw" and task.area.name == "第1项重点领域"
    assert Indicator.objects.get(plan=plan, metric="完成第7项任务第2类项目").task == task
    entry = AuditEntry.objects.get(action="import.accept")
    assert entry.actor == world.users["supervisor"] and entry.after["targets"] == TASKS * PER_TASK


@pytest.mark.django_db(transaction=True)
def test_a_units_submission_between_chunks_succeeds(clock):
    from tests.conftest import build_world

    world = build_world()
    from mubiao.reporting.cycles import ensure_cycles, ensure_reports
    from mubiao.reporting.models import Cycle

    march = next(c for c in ensure_cycles(world.plan, Cycle.Kind.MONTH) if c.code == "202603")
    ensure_reports(march)
    report = Report.objects.filter(cycle=march, unit__code="fgw", task__code="t1").get()
    draft = ready_draft(world.users["supervisor"])
    draft.accepting = {"user": world.users["supervisor"].pk, "phase": "start", "done": 0}
    draft.status = ImportDraft.Status.ACCEPTING
    draft.save()
    seen: list[str] = []

    def submit_elsewhere(_draft) -> None:
        """A unit submits from another connection while the accept is between chunks."""
        assert not connection.in_atomic_block  # the chunk has committed
        if seen:
            return

        def run() -> None:
            try:
                with connection.cursor() as cursor:  # fail at once rather than wait
                    if connection.vendor == "sqlite":
                        cursor.execute("PRAGMA busy_timeout = 0")
                reporting.submit(world.users["fgw"], report, Content(progress="按期推进"))
                seen.append("submitted")
            except Exception as exc:  # the test reports what went wrong
                seen.append(repr(exc))
            finally:
                connection.close()

        worker = threading.Thread(target=run)
        worker.start()
        worker.join(timeout=60)

    done = actions.run_accept(draft, submit_elsewhere)
    assert done.status == ImportDraft.Status.ACCEPTED
    assert seen == ["submitted"]
    report.refresh_from_db()
    assert report.versions.count() == 1


# A worker accepting a large draft, killed between two chunks (after the tasks chunk).
KILLED_ACCEPT = textwrap.dedent(
    """
    import time
    import django
    django.setup()
    from mubiao.plans import actions
    from mubiao.plans.models import ImportDraft
    from tests.conftest import build_world
    from tests.plans.test_import_accept import ready_draft

    world = build_world()
    draft = ready_draft(world.users["supervisor"])
    draft.accepting = {"user": world.users["supervisor"].pk, "phase": "start", "done": 0}
    draft.status = ImportDraft.Status.ACCEPTING
    draft.save()
    steps = []

    def after_chunk(draft):
        steps.append(draft.accepting["phase"])
        print(draft.accepting["phase"], flush=True)
        if len(steps) == 3:  # two committed chunks past the start: areas, tasks, 250 targets
            time.sleep(120)

    actions.run_accept(draft, after_chunk)
    """
)

# The tick job finds the stale heartbeat and queues the resume.
RECOVER = textwrap.dedent(
    """
    import datetime as dt
    import django
    django.setup()
    from django.utils import timezone
    from mubiao.plans import actions
    print(actions.recover_stalled_imports(timezone.now() + dt.timedelta(hours=1)))
    """
)


def test_a_worker_killed_mid_accept_is_resumed_to_a_whole_plan(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MUBIAO_", "DATABASE_URL"))}
    env.update(MUBIAO_DATA_DIR=str(tmp_path), MUBIAO_MODE="demo",
               DJANGO_SETTINGS_MODULE="mubiao.settings")  # fmt: skip

    def run(*args: str, **kw) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
            timeout=300, **kw,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done

    run("-m", "mubiao.cli", "manage", "migrate", "--no-input", "-v", "0")
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_ACCEPT], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        phases = [proc.stdout.readline().strip() for _ in range(3)]
        assert phases == ["tasks", "targets", "targets"], proc.stderr.read() if proc.stderr else ""
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    db = sqlite3.connect(tmp_path / "mubiao.sqlite3")
    count = lambda table: db.execute(f"select count(*) from {table}").fetchone()[0]  # noqa: E731
    state = db.execute("select status, accepting from plans_importdraft").fetchone()
    assert state[0] == "accepting" and json.loads(state[1])["done"] == 250
    assert count("plans_task") == 4 + TASKS  # the world's plan's four, and this one's
    made = count("plans_indicator")
    db.close()
    assert run("-c", RECOVER).stdout.strip() == "1"
    run("-m", "mubiao.cli", "manage", "task_worker", "--batch", "--no-startup-delay")
    db = sqlite3.connect(tmp_path / "mubiao.sqlite3")
    state = db.execute("select status, progress, plan_id from plans_importdraft").fetchone()
    assert state[:2] == ("accepted", 100)
    per_plan = "select count(*), count(distinct code) from {} where plan_id = ?"
    assert db.execute(per_plan.format("plans_task"), [state[2]]).fetchone() == (TASKS, TASKS)
    targets = db.execute(per_plan.format("plans_indicator"), [state[2]]).fetchone()
    assert targets == (TASKS * PER_TASK, TASKS * PER_TASK) and made < count("plans_indicator")
    actions_seen = [a for (a,) in db.execute("select action from audit_auditentry")]
    assert actions_seen.count("import.accept") == 1 and actions_seen.count("import.recover") == 1
    db.close()


def test_an_accept_stopped_too_often_removes_the_plan_it_was_making(world):
    draft = ready_draft(world.users["supervisor"])
    draft.accepting = {"user": world.users["supervisor"].pk, "phase": "start", "done": 0}
    draft.status = ImportDraft.Status.ACCEPTING
    draft.save()
    steps: list[str] = []

    def die(draft) -> None:
        steps.append(draft.accepting["phase"])
        if len(steps) == 2:
            raise KeyboardInterrupt  # the worker goes away after two chunks

    with pytest.raises(KeyboardInterrupt):
        actions.run_accept(draft, die)
    assert Plan.objects.filter(name="大计划").get().tasks.count() == TASKS
    state = {
        **ImportDraft.objects.get(pk=draft.pk).accepting,
        "attempts": actions.MAX_ACCEPT_ATTEMPTS,
    }
    old = timezone.now() - dt.timedelta(hours=1)
    ImportDraft.objects.filter(pk=draft.pk).update(accepting=state, heartbeat_at=old)
    assert actions.recover_stalled_imports(timezone.now()) == 1
    draft.refresh_from_db()
    assert draft.status == ImportDraft.Status.READY and draft.plan is None
    assert "已删除" in draft.message  # the office reads Chinese
    assert not Plan.objects.filter(name="大计划").exists()
    assert not Task.objects.filter(plan__name="大计划").exists()
    # Accepted again, it is whole.
    actions.accept_import(world.users["supervisor"], draft)
    draft.refresh_from_db()
    actions.run_accept(draft)
    plan = Plan.objects.get(name="大计划")
    assert plan.tasks.count() == TASKS and plan.indicators.count() == TASKS * PER_TASK
