"""Statuses refresh the moment something they rest on changes (no nightly batch).

- A report approved or reopened: its subjects' status history (``history.record``) and
  their rows in the current-status table (``current.refresh``).
- A report submitted: its unit's report tallies in the table.
- A target, task, milestone or assignment saved or deleted: those subjects' rows, once
  the transaction commits (``current.touch``); the plan's bands, ranking, areas or
  cycles: the table is marked stale and rebuilt (``current.mark_stale``).
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from mubiao.dashboard import current, statuses
from mubiao.dashboard.models import BandSetting, RankingSetting
from mubiao.plans.models import Area, Assignment, Indicator, Milestone, Plan, Task
from mubiao.projects.models import Project
from mubiao.reporting.models import Cycle

# ── Edits of what the statuses rest on ──────────────────────────────────────────────


def _plan_of_task(task_id: int | None) -> int | None:
    if task_id is None:
        return None
    return Task.objects.filter(pk=task_id).values_list("plan_id", flat=True).first()


@receiver(post_save, sender=Indicator, dispatch_uid="current-indicator-save")
@receiver(post_delete, sender=Indicator, dispatch_uid="current-indicator-delete")
def indicator_changed(sender, instance: Indicator, raw: bool = False, **kwargs) -> None:
    if not raw:
        current.touch(
            instance.plan_id,
            indicators=[instance.pk],
            tasks=[instance.task_id] if instance.task_id else [],
        )


@receiver(post_save, sender=Task, dispatch_uid="current-task-save")
@receiver(post_delete, sender=Task, dispatch_uid="current-task-delete")
def task_changed(sender, instance: Task, raw: bool = False, **kwargs) -> None:
    if not raw:
        current.touch(instance.plan_id, tasks=[instance.pk])


# Saves leave the plan to the flush (one query for the whole transaction). Deletions
# look it up through the task at once, in ``pre_delete``: by the flush, a cascade may
# have deleted the task.
@receiver(post_save, sender=Milestone, dispatch_uid="current-milestone-save")
def milestone_saved(sender, instance: Milestone, raw: bool = False, **kwargs) -> None:
    if not raw:
        current.touch(None, tasks=[instance.task_id])


@receiver(pre_delete, sender=Milestone, dispatch_uid="current-milestone-delete")
def milestone_deleted(sender, instance: Milestone, **kwargs) -> None:
    current.touch(_plan_of_task(instance.task_id), tasks=[instance.task_id])


@receiver(post_save, sender=Assignment, dispatch_uid="current-assignment-save")
def assignment_saved(sender, instance: Assignment, raw: bool = False, **kwargs) -> None:
    if not raw:
        current.touch(
            None,
            tasks=[instance.task_id] if instance.task_id else [],
            indicators=[instance.indicator_id] if instance.indicator_id else [],
            units=[instance.unit_id],
        )


@receiver(pre_delete, sender=Assignment, dispatch_uid="current-assignment-delete")
def assignment_deleted(sender, instance: Assignment, **kwargs) -> None:
    if instance.task_id:
        plan_id = _plan_of_task(instance.task_id)
    else:
        plan_id = (
            Indicator.objects.filter(pk=instance.indicator_id)
            .values_list("plan_id", flat=True)
            .first()
        )
    current.touch(
        plan_id,
        tasks=[instance.task_id] if instance.task_id else [],
        indicators=[instance.indicator_id] if instance.indicator_id else [],
        units=[instance.unit_id],
    )


@receiver(post_save, sender=Project, dispatch_uid="current-project-save")
@receiver(post_delete, sender=Project, dispatch_uid="current-project-delete")
def project_changed(sender, instance: Project, raw: bool = False, **kwargs) -> None:
    """A key project's plan, stage or dates changed: the projects' summary is re-summed
    with the targets they count toward (whose actual is the projects' roll-up)."""
    if not raw:
        current.touch(instance.plan_id, projects=True)


@receiver(m2m_changed, sender=Project.counts_toward.through, dispatch_uid="current-counts-toward")
def project_links_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if reverse:  # indicator.projects.add(...)
        current.touch(instance.plan_id, indicators=[instance.pk])
    else:
        ids = pk_set or []
        if action == "post_clear":
            ids = []  # the links are gone: rebuild the plan's table
            statuses.mark_stale(instance.plan_id)
        current.touch(instance.plan_id, indicators=ids)


@receiver(post_save, sender=BandSetting, dispatch_uid="current-bands-save")
@receiver(post_delete, sender=BandSetting, dispatch_uid="current-bands-delete")
@receiver(post_save, sender=RankingSetting, dispatch_uid="current-ranking-save")
@receiver(post_delete, sender=RankingSetting, dispatch_uid="current-ranking-delete")
@receiver(post_save, sender=Area, dispatch_uid="current-area-save")
@receiver(post_delete, sender=Area, dispatch_uid="current-area-delete")
@receiver(post_save, sender=Cycle, dispatch_uid="current-cycle-save")
@receiver(post_delete, sender=Cycle, dispatch_uid="current-cycle-delete")
def plan_setting_changed(sender, instance, raw: bool = False, **kwargs) -> None:
    """A plan-wide input changed: every row may be affected, so the table is rebuilt."""
    if not raw:
        statuses.mark_stale(instance.plan_id)


@receiver(post_save, sender=Plan, dispatch_uid="current-plan-save")
def plan_changed(sender, instance: Plan, raw: bool = False, created: bool = False, **kwargs):
    """The plan's name, year or status changed: its table (and the pages cached under
    its version) are rebuilt."""
    if not raw and not created:
        statuses.mark_stale(instance.pk)
