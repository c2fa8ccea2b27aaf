"""The `mubiao` command: demo, serve, extract, load, bench, manage.

Contract: ../shared/contracts/cli.md. Errors go to stderr in plain words and the exit
status is non-zero; nothing here prints a traceback for a user's mistake.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


class CommandError(Exception):
    """A failure to report in one line, without a traceback."""


DEMO_MARKER = "demo-database"  # written into the data folder by `mubiao demo` and `load`


def _demo_left_here() -> bool:
    """Nothing says production (no mode, key or database given) and this checkout's data
    folder holds the demo: the commands then work on the demo's database as it does."""
    if any(os.environ.get(k) for k in ("MUBIAO_MODE", "MUBIAO_SECRET_KEY", "DATABASE_URL")):
        return False
    data_dir = Path(os.environ.get("MUBIAO_DATA_DIR") or BASE_DIR / "var")
    return (data_dir / DEMO_MARKER).exists()


def setup_django(mode: str | None = None) -> None:
    if mode:
        os.environ["MUBIAO_MODE"] = mode
    elif _demo_left_here():
        os.environ["MUBIAO_MODE"] = "demo"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mubiao.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        raise CommandError(str(exc)) from exc


def manage(*args: str, **options: object) -> None:
    from django.core.management import call_command

    call_command(*args, **options)


def cmd_demo(args: argparse.Namespace) -> int:
    setup_django("demo")
    from django.conf import settings

    from mubiao.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo
    from mubiao.plans.models import Plan

    manage("migrate", "--no-input", verbosity=0)
    if Plan.objects.filter(code="nanyang-2026").exists():
        print("Nanyang 2026 is already loaded.", file=sys.stderr)
        from mubiao.dashboard.demo_progress import load_demo_progress
        from mubiao.demo import ensure_demo_accounts
        from mubiao.reporting.cycles import ensure_cycles

        ensure_demo_accounts()
        from django.utils import translation

        plan = Plan.objects.get(code="nanyang-2026")
        with translation.override(settings.LANGUAGE_CODE):
            ensure_cycles(plan, "month")
        load_demo_progress(plan)  # a database loaded before demo progress existed gets it
        from mubiao.supervision.demo import load_demo_supervision

        load_demo_supervision(plan)  # likewise for the supervision demo
    else:
        print("Loading Nanyang 2026 …", file=sys.stderr)
        load_demo()
    _mark_demo(settings.DATA_DIR)
    url = f"http://127.0.0.1:{args.port}/"
    print(f"\nmubiao demo: {url}  (database: {settings.DATABASES['default']['NAME']})")
    print(f"Demo logins, password “{DEMO_PASSWORD}”:")
    for account in DEMO_ACCOUNTS:
        print(f"  {account.login:10} {account.title} ({account.unit})")
    if args.no_serve:
        return 0
    print("Press Ctrl-C to stop.\n", flush=True)
    # Beside the web server: the background worker (imports, bulletins) and the polling
    # jobs (a new day, cycles opening, reminders, stalled imports: ``mubiao tick --loop``).
    # The two helpers are restarted whenever they die; all stop together with the server.
    return run_together(
        [
            gunicorn_argv(args.port, workers=2, host="127.0.0.1"),
            [sys.executable, "-m", "mubiao.cli", "manage", "task_worker"],
            [sys.executable, "-m", "mubiao.cli", "tick", "--loop"],
        ],
        restart={1, 2},
    )


def gunicorn_argv(port: int, workers: int, host: str) -> list[str]:
    return [
        sys.executable, "-m", "gunicorn", "mubiao.wsgi:application",
        "--bind", f"{host}:{port}", "--workers", str(workers),
        "--access-logfile", "-", "--no-control-socket",
    ]  # fmt: skip


def run_gunicorn(port: int, workers: int, host: str) -> int:
    return run_together([gunicorn_argv(port, workers, host)])


def run_together(
    commands: list[list[str]],
    *,
    grace: float = 10.0,
    restart: set[int] | frozenset[int] = frozenset(),
    on_restart=None,
) -> int:
    """Start the commands, each in its own process group, and wait. When one ends, or on
    Ctrl-C or SIGTERM, stop them all: SIGTERM to each group (a server's workers with it),
    then SIGKILL to whatever is still there after ``grace`` seconds. Nothing started here
    outlives this process. Returns the first non-zero exit status (0 after a stop signal).

    The commands whose index is in ``restart`` (helpers such as the task worker) are
    started again when they end, at most once a second, instead of stopping the others;
    ``on_restart(index)`` is called each time.
    """
    import signal
    import time

    stopping: list[int] = []

    def stop(signum: int, _frame: object) -> None:
        stopping.append(signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    children = [
        subprocess.Popen(argv, env=os.environ.copy(), start_new_session=True) for argv in commands
    ]
    started = [time.monotonic()] * len(children)
    status = 0

    def keep_helpers() -> None:
        for i in restart:
            if children[i].poll() is not None and time.monotonic() - started[i] >= 1.0:
                children[i] = subprocess.Popen(
                    commands[i], env=os.environ.copy(), start_new_session=True
                )
                started[i] = time.monotonic()
                if on_restart is not None:
                    on_restart(i)

    try:
        while not stopping and all(
            c.poll() is None for i, c in enumerate(children) if i not in restart
        ):
            keep_helpers()
            time.sleep(0.2)
        ended = [
            c.returncode
            for i, c in enumerate(children)
            if i not in restart and c.returncode not in (None, 0)
        ]
        status = 0 if stopping else (ended[0] if ended else 0)
    finally:
        _stop_groups(children, grace)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return status


def _stop_groups(children: list[subprocess.Popen[bytes]], grace: float) -> None:
    import signal
    import time

    def signal_group(child: subprocess.Popen[bytes], sig: int) -> None:
        try:
            os.killpg(child.pid, sig)
        except ProcessLookupError:
            pass

    for child in children:
        signal_group(child, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    for child in children:  # the group too: a worker whose master already went
        signal_group(child, signal.SIGKILL)
        child.wait()


def _mark_demo(data_dir: Path) -> None:
    """Say that this data folder holds the demo, so `mubiao ledger`, `remind` … use it."""
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    (Path(data_dir) / DEMO_MARKER).write_text(
        "This folder holds the mubiao demo's database; mubiao commands run without\n"
        "MUBIAO_MODE, MUBIAO_SECRET_KEY or DATABASE_URL use it.\n",
        encoding="utf-8",
    )


def cmd_serve(args: argparse.Namespace) -> int:
    setup_django()
    manage("migrate", "--no-input", verbosity=0)
    manage("collectstatic", "--no-input", verbosity=0)
    return run_gunicorn(args.port, workers=args.workers, host=args.host)


def cmd_load(args: argparse.Namespace) -> int:
    setup_django(os.environ.get("MUBIAO_MODE") or "demo")
    from mubiao.demo import load_demo
    from mubiao.orgs.loader import LoadError

    manage("migrate", "--no-input", verbosity=0)
    try:
        plan = load_demo()
    except LoadError as exc:
        raise CommandError(str(exc)) from exc
    from django.conf import settings

    if settings.DEMO:
        _mark_demo(settings.DATA_DIR)
    print(f"Loaded {plan.name}: {plan.tasks.count()} tasks, {plan.indicators.count()} targets.")
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from mubiao.extract import cli as extract_cli

    return extract_cli.run(args)


def add_extract_arguments(parser: argparse.ArgumentParser) -> None:
    try:
        from mubiao.extract import cli as extract_cli
    except ImportError:
        parser.add_argument("file")
        return
    extract_cli.add_arguments(parser)


def cmd_bench(args: argparse.Namespace) -> int:
    name = args.name
    if not name.isidentifier():
        raise CommandError(f"no benchmark called {name!r}")
    try:
        module = importlib.import_module(f"bench.{name}")
    except ModuleNotFoundError as exc:
        known = sorted(p.stem for p in (BASE_DIR / "bench").glob("[a-z]*.py"))
        raise CommandError(f"no benchmark called {name!r}; known: {', '.join(known)}") from exc
    result = module.run(args.args)
    print(json.dumps(result, ensure_ascii=False))
    return 0


def cmd_remind(args: argparse.Namespace) -> int:
    setup_django()
    import datetime as dt

    from mubiao.reporting.reminders import send_reminders

    try:
        today = dt.date.fromisoformat(args.date) if args.date else None
    except ValueError as exc:
        raise CommandError(f"--date must be YYYY-MM-DD, not {args.date!r}") from exc
    print(json.dumps(send_reminders(today)))
    return 0


def cmd_ledger(args: argparse.Namespace) -> int:
    """The ledger of one plan as JSON (stdout or -o FILE) or Excel (-o FILE)."""
    import datetime as dt

    setup_django()
    from mubiao.dashboard import ledger
    from mubiao.dashboard.current import report_data_for
    from mubiao.plans.models import Plan

    plan = Plan.objects.filter(code=args.plan).first()
    if plan is None:
        raise CommandError(f"no plan with code {args.plan!r}")
    try:
        as_of = dt.date.fromisoformat(args.as_of) if args.as_of else None
    except ValueError as exc:
        raise CommandError(f"--as-of {args.as_of!r} is not a date (YYYY-MM-DD)") from exc
    if as_of is None:
        from django.utils import timezone

        as_of = timezone.localdate()
    data = report_data_for(plan, None, as_of, scope_all=True)
    if args.format == "xlsx":
        if not args.output:
            raise CommandError("--format xlsx needs -o FILE")
        Path(args.output).write_bytes(ledger.xlsx_bytes(data, ledger.rows(data), plan))
        print(f"Wrote {args.output}", file=sys.stderr)
        return 0
    text = json.dumps(ledger.json_rows(data), ensure_ascii=False, indent=1)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0


def cmd_tick(args: argparse.Namespace) -> int:
    """Run the polling jobs (what time alone changes) once, or every --interval seconds
    until SIGTERM or Ctrl-C; each round prints one line of JSON {job: things done}."""
    import signal
    import threading

    setup_django()
    from mubiao.lib import tick

    only = args.job or None
    known = tick.jobs()
    unknown = sorted(set(only or ()) - set(known))
    if unknown:
        raise CommandError(f"no tick job called {', '.join(unknown)}; known: {', '.join(known)}")

    def report(result: dict[str, int]) -> None:
        print(json.dumps(result, ensure_ascii=False), flush=True)

    if not args.loop:
        result = tick.run_once(only=only)
        report(result)
        return 1 if any(n < 0 for n in result.values()) else 0
    if args.interval <= 0:
        raise CommandError("--interval must be a positive number of seconds")
    stop = threading.Event()

    def stop_soon(signum, frame) -> None:
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stop_soon)
    tick.loop(args.interval, stop, only=only, report=report)
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["mubiao manage", *args.args])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mubiao", description="mubiao: a city's goal–task system (目标任务体系)."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands: list[tuple[str, str, Callable[[argparse.Namespace], int]]] = [
        ("demo", "migrate, load Nanyang 2026 and the demo accounts, and serve", cmd_demo),
        ("serve", "the production server (gunicorn) on the configured database", cmd_serve),
        ("extract", "read a plan's text and print its draft goal tree", cmd_extract),
        ("load", "load (or update) the Nanyang 2026 data into the database", cmd_load),
        ("ledger", "the ledger (台账) of a plan as JSON or Excel", cmd_ledger),
        ("bench", "run a benchmark; the last line of output is JSON", cmd_bench),
        ("tick", "run the polling jobs: a new day, deadlines, cycles opening (--loop)", cmd_tick),
        ("remind", "send the due reminders now (mubiao tick sends them daily)", cmd_remind),
        ("manage", "run a Django management command", cmd_manage),
    ]
    parsers = {}
    for name, help_text, func in commands:
        parsers[name] = sub.add_parser(name, help=help_text, description=help_text)
        parsers[name].set_defaults(func=func)
    parsers["demo"].add_argument("--port", type=int, default=8000)
    parsers["demo"].add_argument("--no-serve", action="store_true", help="stop after loading")
    parsers["serve"].add_argument("--port", type=int, default=8000)
    parsers["serve"].add_argument("--host", default="127.0.0.1")
    parsers["serve"].add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    add_extract_arguments(parsers["extract"])
    parsers["ledger"].add_argument("plan", help="the plan's code, e.g. nanyang-2026")
    parsers["ledger"].add_argument("--as-of", help="YYYY-MM-DD (default: today)")
    parsers["ledger"].add_argument("--format", choices=["json", "xlsx"], default="json")
    parsers["ledger"].add_argument("-o", "--output", help="write to this file")
    parsers["bench"].add_argument("name")
    parsers["bench"].add_argument("args", nargs=argparse.REMAINDER)
    parsers["remind"].add_argument("--date", help="as if today were YYYY-MM-DD (local time)")
    parsers["tick"].add_argument("--loop", action="store_true", help="repeat until SIGTERM")
    parsers["tick"].add_argument("--interval", type=float, default=60.0,
                                 help="seconds between rounds with --loop (default 60)")  # fmt: skip
    parsers["tick"].add_argument("--job", action="append", help="run only this job (repeatable)")
    parsers["manage"].add_argument("args", nargs=argparse.REMAINDER)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CommandError as exc:
        print(f"mubiao {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
