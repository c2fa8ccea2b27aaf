"""Deadline day: every unit of a province-sized setup submits its report within minutes.

    mubiao bench deadline [--units 300] [--concurrency 16] [--workers 2] [--max-seconds 600]

Against a gunicorn server started as ``mubiao serve`` starts it (loopback only), on a
fresh SQLite database, and also on a fresh PostgreSQL database when ``DATABASE_URL`` is
set (created beside the given one and dropped afterwards). Each unit opens its report
form and submits it (values, 进展情况, 存在问题, 下步打算); a trivial page of the same server
(the login page) is then loaded with the same number of requests and concurrency, for
comparison. Reports lost = submissions the server acknowledged (redirect) that are not in
the database afterwards; it must be 0.

Progress goes to stderr; ``run`` returns the figures (the CLI prints them as JSON).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
REQUEST_TIMEOUT = 30


def say(*args) -> None:
    print("bench deadline:", *args, file=sys.stderr, flush=True)


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="mubiao bench deadline", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-seconds", type=float, default=600, help="stop sending after this")
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args(argv)
    if not 1 <= args.units <= 5000 or not 1 <= args.concurrency <= 500:
        parser.error("--units must be 1–5000 and --concurrency 1–500")
    return args


# ---- inside the server's environment (a child process with Django set up) -------------


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mubiao.settings")
    import django

    django.setup()


def setup_world(units: int, out: str) -> None:
    """Migrate, then make a province with ``units`` units, one task each, an open cycle."""
    _django()
    import datetime as dt

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from mubiao.orgs.models import Membership, OrgUnit
    from mubiao.plans.loader import load_plan
    from mubiao.reporting.cycles import ensure_reports
    from mubiao.reporting.models import Cycle, Report

    call_command("migrate", "--no-input", verbosity=0)
    with transaction.atomic():
        province = OrgUnit.objects.create(code="bench", name="示范省人民政府", short_name="示范省",
                                          kind="government", level="province")  # fmt: skip
        made = [
            OrgUnit.objects.create(code=f"u{i:04d}", name=f"示范省第{i}厅", short_name=f"第{i}厅",
                                   kind="department", parent=province)
            for i in range(units)
        ]  # fmt: skip
        plan, _ = load_plan({
            "plan": {"code": "bench-2026", "name": "示范省目标任务", "issuer": "bench", "year": 2026},
            "tasks": [{"code": f"t{i:04d}", "title": f"重点任务{i}", "lead": [u.code]} for i, u in enumerate(made)],
            "indicators": [{"code": f"i{i:04d}", "task": f"t{i:04d}", "metric": "完成投资", "kind": "amount",
                            "comparator": ">=", "value": 100, "unit": "亿元"} for i in range(units)],
        }, "bench")  # fmt: skip
        users = get_user_model()
        people = users.objects.bulk_create([users(username=f"r{i:04d}") for i in range(units)])
        Membership.objects.bulk_create(
            [Membership(user=p, unit=u, role="reporter") for p, u in zip(people, made, strict=True)]
        )
        today = timezone.localdate()
        cycle = Cycle.objects.create(
            plan=plan, code="deadline", kind="custom", name="截止日", start=today - dt.timedelta(days=30),
            end=today, opens_on=today - dt.timedelta(days=1), due_on=today, locks_on=today + dt.timedelta(days=5),
        )  # fmt: skip
        ensure_reports(cycle)
    rows = []
    reports = {
        r.unit.code: r.code for r in Report.objects.filter(cycle=cycle).select_related("unit")
    }
    for person, unit in zip(
        users.objects.filter(username__startswith="r").order_by("username"), made, strict=True
    ):
        session = SessionStore()
        session[SESSION_KEY] = str(person.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = person.get_session_auth_hash()
        session.create()
        rows.append({"session": session.session_key, "report": str(reports[unit.code]),
                     "indicator": f"i{int(unit.code[1:]):04d}"})  # fmt: skip
    Path(out).write_text(json.dumps({"cookie": settings.SESSION_COOKIE_NAME, "units": rows}))


def count_submitted(out: str) -> None:
    _django()
    from mubiao.reporting.models import ReportVersion

    codes = ReportVersion.objects.filter(
        report__cycle__code="deadline", submitted_at__isnull=False
    ).values_list("report__code", flat=True)
    Path(out).write_text(json.dumps(sorted({str(c) for c in codes})))


# ---- the driver ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _child(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "bench.deadline", *args], env=env, cwd=ROOT, check=True)


def _wait_for(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server stopped while starting")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def _request(
    port: int, method: str, path: str, headers: dict, body: str | None = None
) -> tuple[int, float]:
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - start
    except OSError:
        return 0, time.perf_counter() - start
    finally:
        conn.close()


def _summary(results: list[tuple[int, float]], seconds: float, ok: set[int]) -> dict:
    times = sorted(t for _, t in results)
    q = statistics.quantiles(times, n=100) if len(times) >= 2 else times * 99
    return {
        "requests": len(results),
        "seconds": round(seconds, 2),
        "requests_per_second": round(len(results) / seconds, 1) if seconds else None,
        "p50_ms": round(q[49] * 1000, 1),
        "p95_ms": round(q[94] * 1000, 1),
        "errors": sum(1 for status, _ in results if status not in ok),
    }


def _load(port: int, world: dict, args: argparse.Namespace) -> dict:
    cookie = world["cookie"]
    stop_at = time.monotonic() + args.max_seconds
    forms, submits, acked = [], [], []

    def one(unit: dict) -> None:
        if time.monotonic() > stop_at:
            return
        csrf = secrets.token_hex(16)  # a 32-character secret: Django accepts it unmasked
        headers = {"Cookie": f"{cookie}={unit['session']}; csrftoken={csrf}", "Host": "127.0.0.1"}
        path = f"/reporting/r/{unit['report']}/"
        forms.append(_request(port, "GET", path, headers))
        body = urlencode({
            "action": "submit", f"value-{unit['indicator']}": "123.4", "progress": "已完成年度投资的八成",
            "problems": "用地指标紧张", "next_steps": "加快推进", "assessment": "on_track",
        })  # fmt: skip
        post_headers = {
            **headers,
            "X-CSRFToken": csrf,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        status, took = _request(port, "POST", path, post_headers, body)
        submits.append((status, took))
        if status == 302:
            acked.append(unit["report"])

    start = time.perf_counter()
    with ThreadPoolExecutor(args.concurrency) as pool:
        list(pool.map(one, world["units"]))
    submit_seconds = time.perf_counter() - start
    trivial = []

    def plain(_i: int) -> None:
        trivial.append(_request(port, "GET", "/accounts/login/", {"Host": "127.0.0.1"}))

    start = time.perf_counter()
    with ThreadPoolExecutor(args.concurrency) as pool:
        list(pool.map(plain, range(len(forms) + len(submits))))
    trivial_seconds = time.perf_counter() - start
    return {
        "form_and_submit": _summary(forms + submits, submit_seconds, {200, 302}),
        "submit": _summary(submits, submit_seconds, {302}),
        "trivial_page": _summary(trivial, trivial_seconds, {200}),
        "acked": acked,
    }


def _one_database(name: str, env: dict, args: argparse.Namespace, tmp: Path) -> dict:
    say(f"{name}: setting up {args.units} units …")
    world_file, found_file = tmp / f"{name}-world.json", tmp / f"{name}-found.json"
    _child(env, "--setup", str(world_file), "--units", str(args.units))
    world = json.loads(world_file.read_text())
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "mubiao.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--no-control-socket", "--log-level", "warning"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    try:
        _wait_for(port, server)
        say(f"{name}: {args.units} units submitting, {args.concurrency} at a time …")
        figures = _load(port, world, args)
    finally:
        server.terminate()
        server.wait(timeout=30)
    _child(env, "--count", str(found_file))
    found = set(json.loads(found_file.read_text()))
    acked = figures.pop("acked")
    figures["units"] = args.units
    figures["submitted"] = len(found)
    figures["reports_lost"] = len(set(acked) - found)
    figures["submit_p50_vs_trivial"] = round(
        figures["submit"]["p50_ms"] / max(figures["trivial_page"]["p50_ms"], 0.001), 1
    )
    say(
        f"{name}: {figures['submit']['requests_per_second']} submissions/s, lost {figures['reports_lost']}"
    )
    return figures


def _postgres_env(base: dict, url: str, name: str) -> tuple[dict, Callable[[], None]]:
    """A fresh database beside the one in ``url``; returns its env and a function to drop it."""
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path=parts.path))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return {**base, "DATABASE_URL": urlunsplit(parts._replace(path=f"/{name}"))}, drop


def run(argv: list[str]) -> dict:
    args = _parse(argv)
    result: dict = {"benchmark": "deadline", "units": args.units, "concurrency": args.concurrency,
                    "workers": args.workers}  # fmt: skip
    database_url = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory(prefix="mubiao-deadline-") as tmp_name:
        tmp = Path(tmp_name)
        base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        # The children run the demo's settings even when a test runner started the bench
        # with its own settings module in the environment: in the test mode every process
        # would make its own secret key and the server could not read the setup's sessions.
        base.update({"MUBIAO_MODE": "demo", "MUBIAO_DATA_DIR": str(tmp), "PYTHONPATH": str(ROOT),
                     "DJANGO_SETTINGS_MODULE": "mubiao.settings"})  # fmt: skip
        result["sqlite"] = _one_database("sqlite", base, args, tmp)
        if database_url and not args.sqlite_only:
            env, drop = _postgres_env(base, database_url, f"mubiao_bench_{os.getpid()}")
            try:
                result["postgresql"] = _one_database("postgresql", env, args, tmp)
            finally:
                drop()
    return result


def main() -> None:
    if len(sys.argv) >= 3 and sys.argv[1] in {"--setup", "--count"}:
        out = sys.argv[2]
        if sys.argv[1] == "--setup":
            setup_world(int(sys.argv[sys.argv.index("--units") + 1]), out)
        else:
            count_submitted(out)
        return
    print(json.dumps(run(sys.argv[1:]), ensure_ascii=False))


if __name__ == "__main__":
    main()
