"""Default reporting calendars (Henan practice) and the cycles of a plan.

Quarterly reports are due on the 25th of the quarter's last month (3/25, 6/25, 9/25,
12/25); monthly reports on the 5th of the next month. A grace window (default 5 days)
runs from the due date to the lock; a cycle opens ``open_days`` before its period ends.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from dataclasses import dataclass

from django.db import models, transaction
from django.utils.translation import gettext as _

from mubiao.plans.models import Plan
from mubiao.reporting.models import Cycle


@dataclass(frozen=True)
class CycleDates:
    code: str
    kind: str
    start: dt.date
    end: dt.date
    opens_on: dt.date
    due_on: dt.date
    locks_on: dt.date


@functools.lru_cache(maxsize=512)
def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


ONE_DAY = dt.timedelta(days=1)


def last_month_ended(as_of: dt.date) -> dt.date:
    """The last day of the last month over by the end of ``as_of`` (31 December is its
    own month's end)."""
    return as_of if (as_of.month, as_of.day) == (12, 31) else as_of.replace(day=1) - ONE_DAY


def monthly_dues(plan_id: int) -> dict[dt.date, dt.date]:
    """The due day of each of the plan's monthly cycles, by the cycle's last day: one
    query, for a caller that asks about many months (the bulletins page)."""
    return dict(
        Cycle.objects.filter(plan_id=plan_id, kind=Cycle.Kind.MONTH)
        .order_by()
        .values_list("end", "due_on")
    )


def _monthly_due(
    plan_id: int, end: dt.date, dues: dict[dt.date, dt.date] | None = None
) -> dt.date | None:
    """The due day of the plan's monthly cycle that ends on ``end``, if it has one (from
    ``dues``, ``monthly_dues``, when the caller has read them)."""
    if dues is not None:
        return dues.get(end)
    return (
        Cycle.objects.filter(plan_id=plan_id, kind=Cycle.Kind.MONTH, end=end)
        .order_by()
        .values_list("due_on", flat=True)
        .first()
    )


def data_month(as_of: dt.date, plan_id: int, year: int) -> dt.date | None:
    """The last day of the plan's data month as of ``as_of`` (PRACTICE.md §1), or ``None``
    before the plan's year has one.

    The data month is the last month of the plan's year that has ended by ``as_of`` *and
    whose monthly reports were due by then*: on 3 December, November's reports being due
    on the 5th, it is October (figures 1–10月, judged at 10/12), not a November nobody has
    reported yet; from 6 December it is November. Seen after the year, it is December
    once December's reports were due. A month without a monthly cycle of the plan counts
    from the day after it ends (the last day of the year counts as December's own).
    """
    end = last_month_ended(as_of)
    if end.year > year:
        end = dt.date(year, 12, 31)
    if end.year < year:
        return None
    due = _monthly_due(plan_id, end)
    if due is not None and as_of <= due:
        end = end.replace(day=1) - ONE_DAY
    return end if end.year == year else None


def data_month_days(
    plan_id: int, year: int, month: int, dues: dict[dt.date, dt.date] | None = None
) -> tuple[dt.date, dt.date | None]:
    """The first and last day (``None``: no last day) on which ``month`` of ``year`` is the
    plan's data month (:func:`data_month`): from the day after its reports were due (or
    after it ended) to the day the next month's reports are due (or the next month's
    end). October 2026, reports due on the 5th: 6 November to 5 December. December has
    no last day: it stays the data month of the year seen from any later day.
    """
    end = month_end(year, month)
    due = _monthly_due(plan_id, end, dues)
    calendar_first = end if month == 12 else end + ONE_DAY
    first = calendar_first if due is None else max(calendar_first, due + ONE_DAY)
    if month == 12:
        return first, None
    following = month_end(year, month + 1)
    calendar_last = following - ONE_DAY if month + 1 == 12 else following
    due_next = _monthly_due(plan_id, following, dues)
    return first, calendar_last if due_next is None else max(calendar_last, due_next)


def monthly_calendar(year: int, *, due_day: int = 5, grace_days: int = 5) -> list[CycleDates]:
    """Twelve months; each due on ``due_day`` of the next month.

    >>> monthly_calendar(2026)[2].due_on
    datetime.date(2026, 4, 5)
    """
    cycles = []
    for month in range(1, 13):
        start, end = dt.date(year, month, 1), month_end(year, month)
        due = (end + dt.timedelta(days=1)).replace(day=due_day)
        opens = max(start, end - dt.timedelta(days=7))
        cycles.append(
            CycleDates(f"{year}{month:02d}", Cycle.Kind.MONTH, start, end, opens, due,
                       due + dt.timedelta(days=grace_days))
        )  # fmt: skip
    return cycles


def quarterly_calendar(year: int, *, due_day: int = 25, grace_days: int = 5) -> list[CycleDates]:
    """Four quarters; each due on ``due_day`` of the quarter's last month.

    >>> [c.due_on.isoformat() for c in quarterly_calendar(2026)]
    ['2026-03-25', '2026-06-25', '2026-09-25', '2026-12-25']
    """
    cycles = []
    for quarter in range(1, 5):
        last_month = quarter * 3
        start, end = dt.date(year, last_month - 2, 1), month_end(year, last_month)
        due = dt.date(year, last_month, due_day)
        opens = due - dt.timedelta(days=15)
        cycles.append(
            CycleDates(f"{year}Q{quarter}", Cycle.Kind.QUARTER, start, end, opens, due,
                       due + dt.timedelta(days=grace_days))
        )  # fmt: skip
    return cycles


def cycle_name(dates: CycleDates) -> str:
    if dates.kind == Cycle.Kind.MONTH:
        return _("%(year)s-%(month)02d monthly report") % {
            "year": dates.start.year,
            "month": dates.start.month,
        }
    if dates.kind == Cycle.Kind.QUARTER:
        return _("%(year)s Q%(quarter)s quarterly report") % {
            "year": dates.start.year,
            "quarter": (dates.start.month - 1) // 3 + 1,
        }
    return dates.code


@transaction.atomic
def ensure_cycles(plan: Plan, kind: str = Cycle.Kind.MONTH) -> list[Cycle]:
    """Create the plan's cycles of that kind for its year if missing; idempotent."""
    calendars = {Cycle.Kind.MONTH: monthly_calendar, Cycle.Kind.QUARTER: quarterly_calendar}
    if kind not in calendars:
        raise ValueError(f"no default calendar for {kind!r} cycles")
    cycles = []
    for dates in calendars[kind](plan.year):
        cycle, _created = Cycle.objects.get_or_create(
            plan=plan,
            code=dates.code,
            defaults={
                "kind": dates.kind,
                "name": cycle_name(dates),
                "start": dates.start,
                "end": dates.end,
                "opens_on": dates.opens_on,
                "due_on": dates.due_on,
                "locks_on": dates.locks_on,
            },
        )
        cycles.append(cycle)
    return cycles


def subject_assignments(plan: Plan, kind: str | None = None):
    """Who reports on what: every assignment of an issued task, and of an issued standalone
    indicator (下发 comes before reporting: a task still being drafted has no slots). Given
    a cycle's kind, a task whose reporting rhythm (报送频次) is another kind is left out."""
    from mubiao.plans.models import Assignment

    found = Assignment.objects.filter(
        models.Q(task__plan=plan, task__issued_at__isnull=False)
        | models.Q(
            indicator__plan=plan,
            indicator__task__isnull=True,
            indicator__issued_at__isnull=False,
        )
    )
    if kind is not None:
        found = found.exclude(models.Q(task__isnull=False) & ~models.Q(task__rhythm__in=["", kind]))
    return found


#: A cycle's report slots are made this many days before it opens, so the units see
#: their coming reports and a page view never has to make them.
SLOTS_AHEAD = dt.timedelta(days=3)


def open_cycles(now: dt.datetime) -> int:
    """The polling job ``reporting.open-cycles``: make the report slots of every cycle
    that opens within ``SLOTS_AHEAD`` and has none yet; returns the cycles done.

    Each cycle is claimed with a conditional UPDATE (``slots_made_at`` still empty) inside
    the transaction that makes its slots: two ticks never make them twice.
    """
    from django.utils import timezone

    from mubiao.lib.tick import claim

    today = timezone.localdate(now)
    due = Cycle.objects.filter(slots_made_at__isnull=True, opens_on__lte=today + SLOTS_AHEAD)
    done = 0
    for pk in list(due.order_by("opens_on", "pk").values_list("pk", flat=True)):
        with transaction.atomic():
            if not claim(Cycle.objects.filter(pk=pk, slots_made_at__isnull=True),
                         slots_made_at=now):  # fmt: skip
                continue
            ensure_reports(Cycle.objects.select_related("plan").get(pk=pk))
            done += 1
    return done


def ensure_open_reports(plan: Plan) -> int:
    """The slots of the plan's cycles whose slots were made already, for the assignments
    added since (an action assigning a unit calls it); returns the cycles looked at."""
    cycles = list(Cycle.objects.filter(plan=plan, slots_made_at__isnull=False))
    for cycle in cycles:
        ensure_reports(cycle)
    return len(cycles)


def ensure_reports(cycle: Cycle) -> int:
    """Create the report slots of a cycle (one per unit and subject); idempotent.

    Subjects are the plan's assigned tasks and standalone indicators, and whatever the
    registered subject kinds add (key projects in monthly cycles: ``reporting.subjects``,
    filled in by the projects app). Returns how many slots the cycle has. Safe to call
    under concurrency: existing slots are left alone (the unique constraints decide).
    Called by the polling job and by actions, never by a page view.
    """
    from mubiao.reporting import subjects
    from mubiao.reporting.models import Report

    existing = set(
        Report.objects.filter(cycle=cycle).values_list(
            "unit_id", "task_id", "indicator_id", "project_id"
        )
    )
    new = [
        Report(cycle=cycle, unit_id=a.unit_id, task_id=a.task_id, indicator_id=a.indicator_id, role=a.role)
        for a in subject_assignments(cycle.plan, cycle.kind)
        if (a.unit_id, a.task_id, a.indicator_id, None) not in existing
    ]  # fmt: skip
    for kind in subjects.kinds():
        if kind.slots is not None:
            new += [
                r
                for r in kind.slots(cycle)
                if (r.unit_id, r.task_id, r.indicator_id, r.project_id) not in existing
            ]
    if new:
        Report.objects.bulk_create(new, ignore_conflicts=True)
    if cycle.slots_made_at is None:
        from django.utils import timezone

        cycle.slots_made_at = timezone.now()
        Cycle.objects.filter(pk=cycle.pk, slots_made_at__isnull=True).update(
            slots_made_at=cycle.slots_made_at
        )
    return len(existing) + len(new)
