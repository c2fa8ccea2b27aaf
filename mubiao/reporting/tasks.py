"""Background tasks of reporting, run by the database worker (``manage.py task_worker``)."""

from __future__ import annotations

from django.tasks import task

from mubiao.reporting.reminders import send_reminders


@task
def send_reminders_task() -> dict[str, int]:
    """Send the reminders that are due (idempotent; schedule it hourly or daily)."""
    return send_reminders()
