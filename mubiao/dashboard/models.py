"""What the monitoring side stores: status history, band settings, bulletins.

Statuses, expected progress, forecasts and rankings are computed from reports, targets
and the calendar (``mubiao.dashboard.status``). What is stored is what cannot be
recomputed honestly later: each *change* of a computed status (a ``StatusChange`` row,
like healthchecks' ``Flip``), the settings that feed the engine (bands, ranking formula)
and the bulletins that were published.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mubiao.monitor import Status
from mubiao.plans.models import Indicator, Plan, Task
from mubiao.reporting.models import Cycle

STATUS_CHOICES = [(s.value, s.value) for s in Status]


class StatusChange(models.Model):
    """A computed status of an indicator or a task changed on ``as_of``.

    ``status_from`` is empty for the first status ever recorded. ``correction`` marks a
    change caused by a corrected report (a report approved again after it was reopened):
    a view or bulletin rebuilt as of an earlier date shows what was known then, and the
    correction is flagged beside it.
    """

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="status_changes"
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    task = models.ForeignKey(
        Task,
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    status_from = models.CharField(_("from"), max_length=8, choices=STATUS_CHOICES, blank=True)
    status_to = models.CharField(_("to"), max_length=8, choices=STATUS_CHOICES)
    as_of = models.DateField(_("as of"))
    at = models.DateTimeField(_("recorded"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    inputs = models.JSONField(_("inputs"), default=dict, blank=True)
    correction = models.BooleanField(_("later correction"), default=False)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["as_of", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(task__isnull=False, indicator__isnull=True)
                | Q(task__isnull=True, indicator__isnull=False),
                name="status_change_has_one_subject",
            )
        ]
        indexes = [models.Index(fields=["plan", "as_of"])]

    def __str__(self) -> str:
        subject = self.indicator or self.task
        return f"{self.as_of} {subject}: {self.status_from or '—'} → {self.status_to}"

    @property
    def subject_key(self) -> str:
        return f"i{self.indicator_id}" if self.indicator_id else f"t{self.task_id}"


class BandSetting(models.Model):
    """The bands a plan uses for one rule (JSON as ``Bands.to_data``); else the defaults."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="band_settings"
    )
    rule = models.CharField(_("rule"), max_length=32)
    data = models.JSONField(_("bands"))

    class Meta:
        verbose_name = _("band setting")
        verbose_name_plural = _("band settings")
        constraints = [models.UniqueConstraint(fields=["plan", "rule"], name="unique_plan_rule")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.rule}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from mubiao.monitor import Bands

        try:
            Bands.from_data(self.data)
        except (ValueError, TypeError, KeyError) as exc:
            raise ValidationError({"data": str(exc)}) from exc


class BandRevision(models.Model):
    """A plan's bands for one rule changed from ``effective_from`` on (the day of the
    change): the bands before it (``old``; null for the engine's defaults) stay in force
    for the days before, so a past day is judged on the bands of that day, as a target
    revised from a date is (``plans.TargetRevision``)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="band_revisions"
    )
    rule = models.CharField(_("rule"), max_length=32)
    effective_from = models.DateField(_("effective from"))
    old = models.JSONField(_("bands before"), null=True, blank=True)
    new = models.JSONField(_("bands after"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)

    class Meta:
        verbose_name = _("band revision")
        verbose_name_plural = _("band revisions")
        ordering = ["effective_from", "pk"]
        indexes = [models.Index(fields=["plan", "effective_from"])]

    def __str__(self) -> str:
        return f"{self.plan} · {self.rule} · {self.effective_from}"


#: The ranking when a plan states none: timeliness and progress count equally, and each
#: overdue item costs five points.
DEFAULT_RANKING = {
    "terms": [
        {"measure": "on_time_rate", "weight": 40},
        {"measure": "share_green", "weight": 40},
        {"measure": "overdue", "weight": -5},
    ],
    "tie_breaks": [{"measure": "overdue", "order": "asc"}],
}


class RankingSetting(models.Model):
    """A plan's ranking formula (JSON as ``RankingFormula.to_data``) and exemptions."""

    plan = models.OneToOneField(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="ranking_setting"
    )
    formula = models.JSONField(_("formula"))
    # {unit code: reason}
    exemptions = models.JSONField(_("exemptions"), default=dict, blank=True)
    # How counties and functional zones are ranked by their key-project investment
    # completion rate, and the 红黑榜 where the plan uses one (``standings_of``):
    # {"order": "desc"|"asc", "red": {"size": 5, "comparison": ">=", "threshold": 100},
    #  "black": {...}, "exemptions": {unit name: reason}}; {} is highest first, no lists.
    units = models.JSONField(_("ranking of counties and zones"), default=dict, blank=True)

    class Meta:
        verbose_name = _("ranking setting")
        verbose_name_plural = _("ranking settings")

    def __str__(self) -> str:
        return str(self.plan)


def bulletin_path(instance: Bulletin, filename: str) -> str:
    return f"bulletins/{instance.cycle.plan.code}/{instance.code}.docx"


def bulletin_pdf_path(instance: Bulletin, filename: str) -> str:
    return f"bulletins/{instance.cycle.plan.code}/{instance.code}.pdf"


class Bulletin(models.Model):
    """A bulletin (通报) of one cycle, with the date it was built as of: a draft the office
    edits (content built, no files) until it is published (content frozen, files rendered)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="bulletins"
    )
    as_of = models.DateField(_("as of"))
    file = models.FileField(_("file"), upload_to=bulletin_path, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A summary of what it said, so it can be compared with a rebuild.
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    # 发文字号 / 期号, e.g. 督查通报〔2026〕第9期: numbered per plan and year, editable.
    issue_number = models.CharField(_("issue number"), max_length=64, blank=True)
    # The office's edited narrative (addressees, basis sentence, 下步工作要求, signature)
    # and the whole content rendered, frozen when it was published: the files are
    # rendered from it, so the published document is reproducible as of its date.
    narrative = models.JSONField(_("narrative"), default=dict, blank=True)
    content = models.JSONField(_("content"), default=dict, blank=True)
    pdf = models.FileField(_("PDF copy"), upload_to=bulletin_pdf_path, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PUBLISHED
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["-as_of", "-created_at"]

    def __str__(self) -> str:
        return f"{self.cycle} ({self.as_of:%Y-%m-%d})"

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def file_name(self) -> str:
        return f"{self.cycle.plan.code}-{self.cycle.code}-{self.as_of:%Y%m%d}.docx"

    @property
    def pdf_name(self) -> str:
        return self.file_name.removesuffix(".docx") + ".pdf"


class StatusCache(models.Model):
    """The header of a plan's current-status table: the day its rows are computed as of.

    The rows (``CurrentStatus``, ``UnitStanding``) are a cache of ``status.compute`` for
    the whole plan, rebuildable at any time (``current.rebuild``). They are kept current
    by the same events that write the status history: an approval or reopening refreshes
    the report's subjects at once; an edit of a target, task, milestone or assignment
    refreshes those subjects; a change of the plan's bands, ranking, areas or cycles marks
    the table ``stale``; a new day makes it out of date and it is rebuilt.
    """

    plan = models.OneToOneField(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="status_cache"
    )
    as_of = models.DateField(_("as of"))
    built_at = models.DateTimeField(_("built"))
    refreshed_at = models.DateTimeField(_("last refreshed"))
    stale = models.BooleanField(_("needs a rebuild"), default=False)
    # One more at every rebuild and refresh: what caches of today's pages are keyed by.
    version = models.PositiveIntegerField(_("version"), default=0)
    # One more at every change but a report's submission, approval, return or unlock of
    # today (which cannot change how an earlier day is judged: its history is read up to
    # that day), a corrected figure excepted: the pages of past days are keyed by it.
    past_version = models.PositiveIntegerField(_("version of past days"), default=0)
    # One more with ``past_version`` and at every report's change on a key project's
    # month: the key projects' pages are keyed by it (a target's or a task's report
    # changes none of them).
    projects_version = models.PositiveIntegerField(_("version of the key projects"), default=0)
    rebuild_requested_at = models.DateTimeField(_("rebuild requested"), null=True, blank=True)
    synthetic = models.BooleanField(_("has synthetic reports"), default=False)
    # Kept with the header, as the pages show them: the ranking of the standings, the
    # key projects' summary and the number of overdue reports.
    ranking = models.JSONField(_("ranking"), null=True, blank=True)
    projects = models.JSONField(_("key projects"), null=True, blank=True)
    # The counties', zones' and enterprises' standings by their key projects
    # (``unit_standings.standings_of``), as the ranking page prints them.
    standings = models.JSONField(_("standings by key projects"), null=True, blank=True)
    # The key projects' library page's figures over the whole library
    # (``projects.library.figures_of``).
    library = models.JSONField(_("key projects' library"), null=True, blank=True)
    overdue_reports = models.IntegerField(_("overdue reports"), default=0)
    overdue_milestones = models.IntegerField(_("overdue milestones"), default=0)
    # Counted from the rows whenever they change: lights by kind, and the areas' roll-up.
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    areas = models.JSONField(_("areas"), default=list, blank=True)

    class Meta:
        verbose_name = _("current-status table")
        verbose_name_plural = _("current-status tables")

    def __str__(self) -> str:
        return f"{self.plan} @ {self.as_of}"


class CurrentStatus(models.Model):
    """One indicator's or task's ledger row as of its plan's ``StatusCache.as_of``.

    ``row`` is the report-data builder's row (JSON); the other columns are copies of the
    parts that pages filter, count and order by in SQL.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="current_statuses")
    indicator = models.OneToOneField(
        Indicator, null=True, blank=True, on_delete=models.CASCADE, related_name="current_status"
    )
    task = models.OneToOneField(
        Task, null=True, blank=True, on_delete=models.CASCADE, related_name="current_status"
    )
    kind = models.CharField(max_length=9)  # "indicator" sorts before "task", as in the ledger
    order = models.IntegerField(default=0)
    subject_pk = models.IntegerField()
    status = models.CharField(max_length=8, choices=STATUS_CHOICES)
    headline = models.BooleanField(default=False)
    ratio = models.FloatField(null=True, blank=True)
    area = models.CharField(max_length=200, blank=True)
    top_area = models.ForeignKey(
        "plans.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.TextField(blank=True)
    unit_names = models.TextField(blank=True)  # "|name|name|", for an exact-name filter
    overdue_milestones = models.IntegerField(default=0)
    row = models.JSONField(default=dict)
    trend = models.JSONField(null=True, blank=True)  # a headline target's monthly curve

    class Meta:
        verbose_name = _("current status")
        verbose_name_plural = _("current statuses")
        constraints = [
            models.CheckConstraint(
                condition=Q(task__isnull=False, indicator__isnull=True)
                | Q(task__isnull=True, indicator__isnull=False),
                name="current_status_has_one_subject",
            )
        ]
        indexes = [
            # The ledger's order, unfiltered and by status; the area roll-up; the
            # headline targets; the tasks with overdue milestones.
            models.Index(fields=["plan", "kind", "order", "subject_pk"]),
            models.Index(fields=["plan", "status", "kind", "order", "subject_pk"]),
            models.Index(fields=["plan", "kind", "top_area", "status"]),
            models.Index(fields=["plan", "headline", "kind", "order", "subject_pk"]),
            models.Index(fields=["plan", "overdue_milestones", "order", "subject_pk"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_pk}: {self.status}"


class UnitStanding(models.Model):
    """One unit's scorecard inputs as of its plan's ``StatusCache.as_of``: the lights of
    the items it leads, its overdue milestones and its report tallies."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="unit_standings")
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+")
    assigned = models.BooleanField(default=True)  # False: only reports (no ranking)
    lights = models.JSONField(default=dict)  # {status: count}
    overdue_milestones = models.IntegerField(default=0)
    counted = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    late = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("unit standing")
        verbose_name_plural = _("unit standings")
        constraints = [
            models.UniqueConstraint(fields=["plan", "unit"], name="unique_plan_unit_standing")
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.unit}"
