"""The polling jobs: registered by apps, run once or in a loop, each piece claimed once."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mubiao.lib import tick

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_apps_register_their_jobs():
    assert {"statuses.new-day", "reporting.open-cycles"} <= set(tick.jobs())


def test_a_job_gets_the_time_and_a_failing_job_does_not_stop_the_others():
    seen: list[dt.datetime] = []

    def good(now: dt.datetime) -> int:
        seen.append(now)
        return 2

    def bad(now: dt.datetime) -> int:
        raise RuntimeError("boom")

    tick.register("test.good", good)
    tick.register("test.bad", bad)
    try:
        moment = dt.datetime(2026, 4, 1, 8, tzinfo=dt.UTC)
        assert tick.run_once(moment, only=["test.good", "test.bad"]) == {
            "test.good": 2,
            "test.bad": -1,
        }
        assert seen == [moment]
        with pytest.raises(KeyError):
            tick.run_once(moment, only=["test.nothing"])
        with pytest.raises(ValueError):
            tick.register("", good)
    finally:
        tick.unregister("test.good")
        tick.unregister("test.bad")


@pytest.mark.django_db
def test_two_ticks_racing_for_one_piece_of_work_claim_it_once(world):
    from mubiao.plans.models import Plan

    due = Plan.objects.filter(pk=world.plan.pk, summary="")
    assert tick.claim(due, summary="claimed") is True
    assert tick.claim(Plan.objects.filter(pk=world.plan.pk, summary=""), summary="x") is False


@pytest.mark.django_db
def test_the_loop_stops_between_rounds_when_told():
    rounds: list[dict] = []
    stop = threading.Event()
    tick.register("test.count", lambda now: 1)
    try:

        def report(result: dict) -> None:
            rounds.append(result)
            if len(rounds) == 3:
                stop.set()

        assert tick.loop(0.01, stop, only=["test.count"], report=report) == 3
    finally:
        tick.unregister("test.count")
    assert rounds == [{"test.count": 1}] * 3


def test_mubiao_tick_loops_until_sigterm_and_exits_cleanly(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MUBIAO_", "DATABASE_URL"))}
    env.update(MUBIAO_DATA_DIR=str(tmp_path), MUBIAO_MODE="demo")
    migrate = subprocess.run(
        [sys.executable, "-m", "mubiao.cli", "manage", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert migrate.returncode == 0, migrate.stderr
    once = subprocess.run(
        [sys.executable, "-m", "mubiao.cli", "tick"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert once.returncode == 0, once.stderr
    assert '"statuses.new-day": 0' in once.stdout  # an empty database: nothing to do
    proc = subprocess.Popen(
        [sys.executable, "-m", "mubiao.cli", "tick", "--loop", "--interval", "0.2"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        assert proc.stdout is not None
        first = proc.stdout.readline()  # one line of JSON per round
        assert '"reporting.open-cycles"' in first
        assert time.monotonic() < deadline
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    unknown = subprocess.run(
        [sys.executable, "-m", "mubiao.cli", "tick", "--job", "nothing"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert unknown.returncode == 1
    assert "no tick job called nothing" in unknown.stderr
