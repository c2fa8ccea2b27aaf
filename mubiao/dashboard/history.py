"""Status history: a ``StatusChange`` row each time a computed status changes.

``record(plan, as_of)`` computes the statuses (all, or some indicators and tasks) and
writes a row for each subject whose status differs from its last recorded one. Who calls
it: the ``report_approved`` / ``report_reopened`` receivers (at once, for the report's
indicators and task), the bulletin (for the whole plan, as of its date) and the demo
loader (replaying the year). ``statuses_as_of(plan, day)`` reads the history back: the
last recorded status of each subject on or before ``day``, which is what any view or
bulletin of that day showed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet
from django.tasks import task as background_task
from django.utils import timezone

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
    if indicators is None and tasks is None:
        result = compute(plan, as_of)
        before = statuses_as_of(plan, as_of)
    else:
        ind_qs = Indicator.objects.filter(plan=plan, pk__in=[i.pk for i in indicators or []])
        task_qs = Task.objects.filter(plan=plan, pk__in=[t.pk for t in tasks or []])
        result = compute(plan, as_of, ind_qs, task_qs)
        before = statuses_as_of(plan, as_of, ind_qs, task_qs)
    at = at or timezone.now()
    rows = []
    for ind in result.indicators:
        j = result.indicator_judgements[ind.pk]
        old = before.get(f"i{ind.pk}", "")
        if old != j.status:
            rows.append(
                StatusChange(
                    plan=plan, indicator=ind, status_from=old, status_to=j.status, as_of=as_of,
                    at=at, reason=j.explanation.reason, correction=correction and bool(old),
                    inputs=_inputs(j),
                )
            )  # fmt: skip
    for task in result.tasks:
        status = result.task_status[task.pk]
        old = before.get(f"t{task.pk}", "")
        if old != status:
            rows.append(
                StatusChange(
                    plan=plan, task=task, status_from=old, status_to=status, as_of=as_of, at=at,
                    reason="rollup", correction=correction and bool(old),
                    inputs={"reasons": [j.explain_zh for j in result.task_reasons[task.pk][:5]]},
                )
            )  # fmt: skip
    return StatusChange.objects.bulk_create(rows)


def _inputs(j) -> dict:
    """What the judgement rested on, small enough to keep with each row."""
    return {
        "rule": j.rule,
        "actual": j.actual,
        "expected": j.expected,
        "reference_date": j.reference_date.isoformat() if j.reference_date else None,
        "explain_zh": j.explain_zh,
    }


@background_task()
def record_statuses_daily() -> int:
    """Record today's changes of every active plan and rebuild its current-status table
    (for the database task worker)."""
    from mubiao.dashboard import current

    today = timezone.localdate()
    changes = 0
    for plan in Plan.objects.filter(status="active"):
        changes += len(record(plan, today))
        current.rebuild(plan, today)
    return changes
