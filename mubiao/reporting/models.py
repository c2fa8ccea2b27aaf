"""Reporting cycles and the progress reports units submit in them.

The shape, in one paragraph: a plan has cycles (``2026Q1``, ``202603``) with open, due and
lock dates. For each cycle, every unit responsible for a task (or for an indicator outside
any task) has one ``Report`` slot. What the unit writes goes into ``ReportVersion`` rows:
append-only, a correction is a new version, nothing submitted is ever overwritten. Each
version carries the cumulative actual of each indicator (``ReportValue``) and its evidence
files. Reviews, late unlocks (补报) and reminders are rows of their own, so the history of
every report can be told from the database alone.

A slot's subject is a task, a standalone indicator or a key project (its monthly figures).
The lead unit's report on a task is the consolidated one; co-units' reports on the same
task are their parts (``Report.is_consolidation`` tells them apart).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mubiao.orgs.models import OrgUnit
from mubiao.plans.models import Assignment, Indicator, Plan, Task


class Cycle(models.Model):
    """One reporting period of a plan, with its calendar."""

    class Kind(models.TextChoices):
        MONTH = "month", _("monthly")
        QUARTER = "quarter", _("quarterly")
        HALF = "half", _("half-yearly")
        YEAR = "year", _("yearly")
        CUSTOM = "custom", _("custom")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="cycles"
    )
    # DHIS2-style period code: 2026, 2026S1, 2026Q1, 202603; or a custom slug.
    code = models.CharField(_("period code"), max_length=16)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    start = models.DateField(_("period start"))
    end = models.DateField(_("period end"))
    opens_on = models.DateField(_("opens on"))
    due_on = models.DateField(_("due on"))
    # After the due date a grace window runs until the lock; then only a late unlock helps.
    locks_on = models.DateField(_("locks on"))
    # When its report slots were made (``mubiao tick``, a few days before it opens).
    slots_made_at = models.DateTimeField(_("report slots made"), null=True, blank=True)
    # The day ``mubiao tick`` last sent this cycle's reminders: claimed with a conditional
    # UPDATE, so two ticks never remind the same cycle twice on a day.
    reminded_on = models.DateField(_("reminders sent on"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("reporting cycle")
        verbose_name_plural = _("reporting cycles")
        ordering = ["plan", "start", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="unique_cycle_code"),
            models.CheckConstraint(condition=Q(start__lte=models.F("end")), name="cycle_dates"),
            models.CheckConstraint(
                condition=Q(opens_on__lte=models.F("due_on")) & Q(due_on__lte=models.F("locks_on")),
                name="cycle_calendar",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The period as people say it, in the active language: 2026年10月 / October 2026
        (never the code 202610, nor ``name``, which keeps the language it was created in).
        The one way a cycle is named on a page: ``{{ cycle.label }}``, or, for stored data
        that kept only the code and name, the ``cycle_label`` filter (reporting tags)."""
        return period_label(self.code, fallback=self.name)


MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")  # fmt: skip
QUARTERS_ZH = ("一", "二", "三", "四")


def period_label(code: str, *, fallback: str = "") -> str:
    """202610 → 2026年10月 / October 2026; 2026Q1 → 2026年第一季度 / Q1 2026; 2026S1 →
    2026年上半年 / H1 2026; 2026 → 2026年 / 2026. Other codes: ``fallback`` or the code."""
    from django.utils.translation import get_language

    zh = (get_language() or "zh-hans").lower().startswith("zh")
    text = (code or "").strip()
    if len(text) == 6 and text.isdigit() and 1 <= int(text[4:]) <= 12:
        year, month = text[:4], int(text[4:])
        return f"{year}年{month}月" if zh else f"{MONTHS_EN[month - 1]} {year}"
    if len(text) == 6 and text[:4].isdigit() and text[4] == "Q" and text[5] in "1234":
        year, q = text[:4], int(text[5])
        return f"{year}年第{QUARTERS_ZH[q - 1]}季度" if zh else f"Q{q} {year}"
    if len(text) == 6 and text[:4].isdigit() and text[4] == "S" and text[5] in "12":
        year, half = text[:4], int(text[5])
        return f"{year}年{'上' if half == 1 else '下'}半年" if zh else f"H{half} {year}"
    if len(text) == 4 and text.isdigit():
        return f"{text}年" if zh else text
    return fallback or text


class Report(models.Model):
    """The slot of one unit for one subject (a task, or a standalone indicator) in a cycle.

    ``state`` is the workflow state of the newest version, kept on the slot so inboxes are
    one query; the versions and reviews are the record.
    """

    class State(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned")
        APPROVED = "approved", _("approved")

    # The public identifier in URLs and files (never the row id).
    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="reports"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="reports"
    )
    task = models.ForeignKey(
        Task,
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
    )
    # A key project's monthly report (重点项目月报): the project's lead unit (or its county)
    # reports its month's investment and stage (``projects.ProjectFigures``).
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("key project"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
    )
    role = models.CharField(_("role"), max_length=8, choices=Assignment.Role.choices)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.NOT_STARTED
    )
    # Set when the first version is submitted; each contributor's timeliness on its own.
    first_submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    # When it was last sent back (returned, or reopened by a late unlock) and not
    # submitted since: cleared by the next submission. Overdue again meanwhile.
    returned_at = models.DateTimeField(_("sent back"), null=True, blank=True)
    # Synthetic demo progress is marked, in the data and in the UI.
    synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["cycle", "unit", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(task__isnull=False, indicator__isnull=True, project__isnull=True)
                | Q(task__isnull=True, indicator__isnull=False, project__isnull=True)
                | Q(task__isnull=True, indicator__isnull=True, project__isnull=False),
                name="report_has_one_subject",
            ),
            models.UniqueConstraint(
                fields=["cycle", "unit", "task"],
                condition=Q(task__isnull=False),
                name="unique_task_report",
            ),
            models.UniqueConstraint(
                fields=["cycle", "unit", "indicator"],
                condition=Q(indicator__isnull=False),
                name="unique_indicator_report",
            ),
            models.UniqueConstraint(
                fields=["cycle", "unit", "project"],
                condition=Q(project__isnull=False),
                name="unique_project_report",
            ),
        ]
        indexes = [
            models.Index(fields=["cycle", "state"]),
            models.Index(fields=["unit", "state"]),
            # Overdue reports: a past-due cycle's slots not yet submitted, and those sent
            # back and not submitted since (few: submitting clears returned_at).
            models.Index(fields=["cycle", "first_submitted_at"]),
            models.Index(
                fields=["cycle", "returned_at"],
                condition=Q(returned_at__isnull=False),
                name="report_sent_back",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.unit} · {self.subject}"

    @property
    def number(self) -> str:
        """The report's public number, in files and the audit trail: its cycle, unit and
        subject codes (``202603/fgw/t01``; a standalone indicator's subject reads
        ``indicator:i10``, a key project's ``project:p001``). Unlike ``code`` (the UUID in
        URLs) a person can read it and tell which report a row is."""
        if self.task_id:
            subject = self.task.code
        elif self.indicator_id:
            subject = f"indicator:{self.indicator.code}"
        else:
            subject = f"project:{self.project.code}"
        return f"{self.cycle.code}/{self.unit.code}/{subject}"

    @property
    def subject(self):
        """The task, indicator or key project reported on."""
        return self.task or self.indicator or self.project

    @property
    def subject_name(self) -> str:
        if self.task_id:
            return self.task.title
        if self.indicator_id:
            return self.indicator.metric
        return self.project.name

    @property
    def is_consolidation(self) -> bool:
        return self.role == Assignment.Role.LEAD

    @property
    def is_overdue(self) -> bool:
        """逾期 as of today (``monitor.deadlines.is_overdue``): the due date (local,
        Asia/Shanghai) has passed and the report does not stand submitted.

        A report submitted on time and waiting for review is not overdue; a returned one
        is, once the due date has passed, until it is submitted again.
        """
        return self.is_overdue_on(timezone.localdate())

    def is_overdue_on(self, day) -> bool:
        """逾期 as of ``day`` (``monitor.deadlines.is_overdue``)."""
        from mubiao.monitor.deadlines import is_overdue

        return is_overdue(
            self.cycle.due_on, day,
            first_submitted=timezone.localdate(self.first_submitted_at) if self.first_submitted_at else None,
            returned=timezone.localdate(self.returned_at) if self.returned_at else None,
        )  # fmt: skip


class ReportVersion(models.Model):
    """What a unit wrote, once. Never updated after it is submitted."""

    class Assessment(models.TextChoices):
        ON_TRACK = "on_track", _("on track")
        BEHIND = "behind", _("behind schedule")
        STALLED = "stalled", _("stalled")
        DONE = "done", _("done")

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    progress = models.TextField(_("progress"), blank=True)  # 进展情况
    problems = models.TextField(_("problems"), blank=True)  # 存在问题
    next_steps = models.TextField(_("next steps"), blank=True)  # 下步打算
    assessment = models.CharField(
        _("self-assessment"), max_length=16, choices=Assessment.choices, blank=True
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    is_late = models.BooleanField(_("late"), default=False)
    # A lead unit that submits its consolidation before every co-unit has reported says
    # why (the supervision office reads it); the units it did not wait for are kept.
    without_parts = models.JSONField(_("co-units not waited for"), default=list, blank=True)
    without_parts_reason = models.TextField(_("reason to submit without them"), blank=True)
    # A figure below zero where none can be (a total to date, a month's investment) that
    # the unit confirmed: its reason, shown to the reviewer ("" when there is none).
    negative_reason = models.TextField(_("reason for a figure below zero"), blank=True)

    class Meta:
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="unique_report_version")
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"


class ReportValue(models.Model):
    """The cumulative actual of one indicator as reported in one version."""

    version = models.ForeignKey(
        ReportVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="values"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="values"
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4, null=True)
    done = models.BooleanField(_("done"), null=True, blank=True)  # for milestones
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")
        constraints = [
            models.UniqueConstraint(fields=["version", "indicator"], name="unique_version_value")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.metric} = {self.value}"


def evidence_path(instance: Evidence, filename: str) -> str:
    # Stored under a random name: the original name is kept in the row, never trusted on disk.
    return f"evidence/{instance.report_id}/{instance.sha256[:2]}/{instance.sha256}"


class Evidence(models.Model):
    """A file attached to a report version (形象进度 photos, documents)."""

    version = models.ForeignKey(
        ReportVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_path)
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.name


class Review(models.Model):
    class Decision(models.TextChoices):
        APPROVE = "approve", _("approved")
        RETURN = "return", _("returned")

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="reviews"
    )
    version = models.ForeignKey(
        ReportVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="reviews"
    )
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.report} {self.get_decision_display()}"


class Unlock(models.Model):
    """An audited reopening of a locked or approved report (补报)."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="unlocks"
    )
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)
    until = models.DateTimeField(_("open until"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("late unlock")
        verbose_name_plural = _("late unlocks")
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return f"{self.report} → {self.until:%Y-%m-%d}"


class Reminder(models.Model):
    """One reminder sent about one report; the unique key makes sending idempotent."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("due soon")
        OVERDUE = "overdue", _("overdue")
        # 催报: sent at once by the supervision office from the missing-reports page
        URGE = "urge", _("urged by the supervision office")

    class Level(models.IntegerChoices):
        REPORTER = 1, _("reporter")
        HEAD = 2, _("unit head")
        SUPERVISOR = 3, _("supervisor")

    class Channel(models.TextChoices):
        APP = "app", _("in the app")
        EMAIL = "email", _("e-mail")
        WEBHOOK = "webhook", _("group robot")

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(_("escalation level"), choices=Level.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    # Who or where it went, as a key for the unique constraint: "user:<username>", "webhook".
    to = models.CharField(_("sent to"), max_length=200)
    message = models.TextField(_("message"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at"]
        constraints = [
            # The calendar's reminders go once; the office may urge again (rate-limited).
            models.UniqueConstraint(
                fields=["report", "kind", "level", "channel", "to"],
                condition=~Q(kind="urge"),
                name="unique_reminder",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient or self.get_channel_display()}"
