"""Polling jobs: the work that time alone causes (``mubiao tick``).

A new day, a deadline passing, a cycle opening, a plan marked stale: nothing a person
does causes these, so no action can do them and no page view may (a GET never writes).
One polling command runs them instead, once (``mubiao tick``) or every ``--interval``
seconds (``mubiao tick --loop``, beside the web server).

Apps add their jobs from ``AppConfig.ready()``::

    from mubiao.lib import tick

    tick.register("reporting.open-cycles", open_cycles)

A job is ``func(now) -> int``: it receives the current aware datetime and returns how many
things it did. Two ticks may run at once (two servers, a loop and a manual run), so a job
claims each piece of due work with a conditional ``UPDATE`` (:func:`claim`): the tick whose
update changed the row does the work, the other finds nothing to do. A job's own
transaction keeps the claim and the work together: if the work fails, the claim is rolled
back and the next tick tries again.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

log = logging.getLogger("mubiao.tick")

Job = Callable[[dt.datetime], int]

_jobs: dict[str, Job] = {}


def register(name: str, func: Job) -> None:
    """Add a polling job (again under the same name: replaced, so a reload is harmless)."""
    if not name or not callable(func):
        raise ValueError("a tick job needs a name and a function of the current time")
    _jobs[name] = func


def unregister(name: str) -> None:
    _jobs.pop(name, None)


def jobs() -> dict[str, Job]:
    """The registered jobs by name, in the order they were registered."""
    return dict(_jobs)


def claim(queryset: Any, **changes: Any) -> bool:
    """Claim one piece of due work: ``queryset`` (already filtered to the row *and* the
    condition that makes it due) is updated with ``changes``; True for the tick whose
    update changed a row. Two ticks racing for the same row: exactly one gets True."""
    return bool(queryset.update(**changes))


def run_once(now: dt.datetime | None = None, only: Iterable[str] | None = None) -> dict[str, int]:
    """Run every registered job (or those named) once; {name: things done}.

    A job that fails is logged and counted as -1; the others still run.
    """
    from django.utils import timezone

    now = now or timezone.now()
    wanted = set(only) if only is not None else None
    unknown = (wanted or set()) - set(_jobs)
    if unknown:
        raise KeyError(", ".join(sorted(unknown)))
    done: dict[str, int] = {}
    for name, func in jobs().items():
        if wanted is not None and name not in wanted:
            continue
        try:
            done[name] = int(func(now))
        except Exception:  # one failing job must not stop the others
            log.exception("tick job %s failed", name)
            done[name] = -1
    return done


def loop(
    interval: float,
    stop: threading.Event,
    *,
    only: Iterable[str] | None = None,
    report: Callable[[dict[str, int]], None] | None = None,
) -> int:
    """Run the jobs every ``interval`` seconds until ``stop`` is set; returns the rounds run.

    ``stop`` is checked between jobs' rounds and while waiting, so a SIGTERM ends the loop
    after the round in progress (never in the middle of a job's transaction).
    """
    from django.db import close_old_connections

    rounds = 0
    names = list(only) if only is not None else None
    while not stop.is_set():
        close_old_connections()
        result = run_once(only=names)
        rounds += 1
        if report is not None:
            report(result)
        stop.wait(interval)
    return rounds
