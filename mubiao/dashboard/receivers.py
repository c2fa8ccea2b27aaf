"""Statuses refresh the moment a report is approved or reopened (no nightly batch)."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils import timezone

from mubiao.dashboard.history import record
from mubiao.plans.models import Indicator
from mubiao.reporting.models import Review
from mubiao.reporting.signals import report_approved, report_reopened


@receiver(report_approved, dispatch_uid="dashboard-refresh-on-approve")
@receiver(report_reopened, dispatch_uid="dashboard-refresh-on-reopen")
def refresh_report_statuses(sender, report, **kwargs) -> None:
    """Record the new statuses of the report's indicators and task.

    A report approved a second time (after being reopened) is a correction: the rows it
    causes are flagged, so views of earlier dates can say a figure was later corrected.
    """
    plan = report.cycle.plan
    if report.task_id:
        indicators = list(Indicator.objects.filter(task_id=report.task_id))
        tasks = [report.task]
    elif report.indicator_id:
        indicators, tasks = [report.indicator], []
        if report.indicator.task_id:
            tasks = [report.indicator.task]
    else:  # a key project's month: the targets it counts toward, and their tasks
        indicators = list(report.project.counts_toward.select_related("task"))
        tasks = list({i.task for i in indicators if i.task_id})
    approvals = report.reviews.filter(decision=Review.Decision.APPROVE).count()
    record(
        plan,
        timezone.localdate(),
        indicators=indicators,
        tasks=tasks,
        correction=approvals > 1,
    )
