"""Status history: a ``StatusChange`` row each time a computed status changes.

``record(plan, as_of)`` computes the statuses (all, or some indicators and tasks) and
writes a row for each subject whose status differs from its last recorded one. Who calls
it: the bulletin (for the whole plan, as of its date) and the demo loader (replaying the
year); the actions write their change rows through ``statuses.apply``, inside their
transaction. ``statuses_as_of(plan, day)`` reads the history back: the
last recorded status of each subject on or before ``day``, which is what any view or
bulletin of that day showed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet

from mubiao.dashboard.models import StatusChange
from mubiao.dashboard.status import compute
from mubiao.plans.models import Indicator, Plan, Task


def statuses_as_of(
    plan: Plan,
    day: dt.date,
    indicators: QuerySet[Indicator] | None = None,
    tasks: QuerySet[Task] | None = None,
) -> dict[str, str]:
    """{"i<id>" or "t<id>": status} as last recorded on or before ``day``; one query.

    Rows are read in the order they were recorded for each date, so a later row wins.
    With ``indicators`` or ``tasks``, only those subjects are read.
    """
    latest: dict[str, str] = {}
    rows = StatusChange.objects.filter(plan=plan, as_of__lte=day).order_by("as_of", "at", "pk")
    if indicators is not None or tasks is not None:
        none_i, none_t = Indicator.objects.none(), Task.objects.none()
        rows = rows.filter(
            Q(indicator__in=(indicators if indicators is not None else none_i).values("pk"))
            | Q(task__in=(tasks if tasks is not None else none_t).values("pk"))
        )
    for indicator_id, task_id, status in rows.values_list("indicator_id", "task_id", "status_to"):
        latest[f"i{indicator_id}" if indicator_id else f"t{task_id}"] = status
    return latest


def corrections_after(plan: Plan, day: dt.date) -> QuerySet[StatusChange]:
    """Corrections recorded after ``day``: a view of ``day`` says they exist."""
    return (
        StatusChange.objects.filter(plan=plan, correction=True, as_of__gt=day)
        .select_related("indicator", "task")
        .order_by("as_of", "pk")
    )


@transaction.atomic
def record(
    plan: Plan,
    as_of: dt.date,
    *,
    indicators: Iterable[Indicator] | None = None,
    tasks: Iterable[Task] | None = None,
    correction: bool = False,
    at: dt.datetime | None = None,
) -> list[StatusChange]:
    """Write a row for each status that changed; returns the rows written."""
    from mubiao.dashboard.statuses import record_changes

    if indicators is None and tasks is None:
        result = compute(plan, as_of)
    else:
        ind_qs = Indicator.objects.filter(plan=plan, pk__in=[i.pk for i in indicators or []])
        task_qs = Task.objects.filter(plan=plan, pk__in=[t.pk for t in tasks or []])
        result = compute(plan, as_of, ind_qs, task_qs)

    whole = indicators is None and tasks is None
    return record_changes(result, as_of, correction=correction, at=at, whole=whole)
