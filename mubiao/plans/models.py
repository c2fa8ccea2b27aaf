"""A plan and its tree: frames, areas, tasks, indicators, milestones, assignments.

Names follow the glossary (docs/glossary.md). Public codes, never row ids, appear in URLs;
a task's or indicator's code is unique within its plan.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mubiao.orgs.models import OrgUnit, code_validator


def code_field(**kwargs) -> models.SlugField:
    return models.SlugField(_("code"), max_length=64, validators=[code_validator], **kwargs)


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ACTIVE = "active", _("active")
        CLOSED = "closed", _("closed")

    code = code_field(unique=True)
    name = models.CharField(_("name"), max_length=200)
    issuer = models.ForeignKey(
        OrgUnit, verbose_name=_("issuer"), on_delete=models.PROTECT, related_name="plans"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    summary = models.TextField(_("summary"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # 签收: how many days a unit has to acknowledge (or object to) a task once issued.
    acknowledge_days = models.PositiveSmallIntegerField(_("days to acknowledge"), default=5)
    # 临近 (due soon): a report is due soon this many days before its due date.
    warning_days = models.PositiveSmallIntegerField(_("warning days before a due date"), default=3)
    # The plan's conventions (docs/monitor.md, "The plan's conventions"). 序时进度 of every
    # indicator that states none: {"type": "monthly" | "linear" | "quarterly" | "stated" …};
    # empty = months of data (按月序时), as bulletins count.
    progress_schedule = models.JSONField(
        _("expected-progress convention"), default=dict, blank=True
    )
    # The key projects' 序时进度; empty = the plan's convention above.
    project_schedule = models.JSONField(
        _("key projects' expected-progress schedule"), default=dict, blank=True
    )
    rate_decimals = models.PositiveSmallIntegerField(
        _("decimals of printed rates"),
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(3)],
        help_text=_("Completion rates, 序时进度 and gaps are printed, and gaps computed, to this."),
    )

    class StartRateBasis(models.TextChoices):
        BY_MONTH = "by_month", _("new projects planned to start by the data month")
        THIS_YEAR = "this_year", _("new projects planned to start this year")
        ALL = "all", _("all projects of the library")

    start_rate_basis = models.CharField(
        _("start rate denominator"),
        max_length=16,
        choices=StartRateBasis.choices,
        default=StartRateBasis.BY_MONTH,
    )

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-year", "code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("plans:plan", args=[self.code])

    def clean(self) -> None:
        super().clean()
        for name in ("progress_schedule", "project_schedule"):
            _check_schedule(getattr(self, name), name)


class Document(models.Model):
    """A source text a plan was imported from; items keep the span they came from."""

    class Kind(models.TextChoices):
        WORK_REPORT = "work_report", _("work report")
        DIVISION_NOTICE = "division_notice", _("task-division notice")
        INTERVIEW = "interview", _("interview")
        OTHER = "other", _("other")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="documents"
    )
    code = code_field()
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=500, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    # The text as read, when the plan was imported through mubiao. Plans loaded as data
    # keep only spans into their source file, not a copy of it.
    text = models.TextField(_("text"), blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="unique_document_code")
        ]

    def __str__(self) -> str:
        return self.title


class SourceSpan(models.Model):
    """Where an item came from: a document and a [start, end) span in code points."""

    document = models.ForeignKey(
        Document,
        verbose_name=_("source document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    span_start = models.PositiveIntegerField(_("span start"), null=True, blank=True)
    span_end = models.PositiveIntegerField(_("span end"), null=True, blank=True)

    class Meta:
        abstract = True

    def clean(self) -> None:
        if (self.span_start is None) != (self.span_end is None):
            raise ValidationError(_("A span needs both a start and an end."))
        if self.span_start is not None and self.span_end < self.span_start:
            raise ValidationError(_("A span cannot end before it starts."))

    @property
    def source_text(self) -> str:
        if self.document and self.document.text and self.span_start is not None:
            return self.document.text[self.span_start : self.span_end]
        return ""


class Frame(models.Model):
    """A named slogan structure that groups areas ("1+2+4+N", 五聚五提)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="frames"
    )
    code = code_field()
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("frame")
        verbose_name_plural = _("frames")
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="unique_frame_code")]

    def __str__(self) -> str:
        return self.name


class Area(models.Model):
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="areas"
    )
    code = code_field()
    number = models.CharField(_("number"), max_length=16, blank=True)
    name = models.CharField(_("name"), max_length=200)
    subtitle = models.CharField(_("subtitle"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent area"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    frame = models.ForeignKey(
        Frame,
        verbose_name=_("frame"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="areas",
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="unique_area_code")]

    def __str__(self) -> str:
        return f"{self.number}{'、' if self.number else ''}{self.name}"

    def clean(self) -> None:
        if self.parent_id and self.parent.plan_id != self.plan_id:
            raise ValidationError({"parent": _("The parent area belongs to another plan.")})


RHYTHMS = [
    ("month", _("monthly")),
    ("quarter", _("quarterly")),
    ("half", _("half-yearly")),
    ("year", _("yearly")),
]


class Task(SourceSpan):
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="tasks"
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    code = code_field()
    number = models.CharField(_("number"), max_length=16, blank=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    leader = models.CharField(_("responsible leader"), max_length=100, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    # 报送频次: "" reports in every cycle of the plan; otherwise only in cycles of that kind.
    rhythm = models.CharField(
        _("reporting rhythm"), max_length=8, choices=RHYTHMS, blank=True, default=""
    )
    # 下发: reporting starts on a task only once the office has issued it.
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    # Raised by every edit; an edit made from an older version is refused, not applied.
    version = models.PositiveIntegerField(_("version"), default=1)
    # The milestone codes given so far (m1, m2 …), so a deleted one's code is not reused.
    milestone_seq = models.PositiveIntegerField(
        _("milestone codes given"), default=0, editable=False
    )

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="unique_task_code")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:task", args=[self.plan.code, self.code])

    def clean(self) -> None:
        super().clean()
        if self.area_id and self.area.plan_id != self.plan_id:
            raise ValidationError({"area": _("The area belongs to another plan.")})

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_issued(self) -> bool:
        return self.issued_at is not None


class Indicator(SourceSpan):
    """A measurable quantity with its target."""

    class Kind(models.TextChoices):
        GROWTH = "growth", _("growth rate")
        LEVEL = "level", _("scale reached")
        AMOUNT = "amount", _("amount")
        COUNT = "count", _("count")
        RATIO = "ratio", _("ratio")
        MILESTONE = "milestone", _("milestone")
        QUALITATIVE = "qualitative", _("qualitative")

    class Comparator(models.TextChoices):
        AT_LEAST = ">=", _("at least")
        AT_MOST = "<=", _("at most")
        ABOUT = "~", _("about")
        EXACTLY = "=", _("exactly")
        RANGE = "range", _("between")
        QUALITATIVE = "qualitative", _("qualitative")

    class Direction(models.TextChoices):
        UP = "up", _("higher is better")
        DOWN = "down", _("lower is better")
        KEEP = "keep", _("keep near the target")

    class Accumulation(models.TextChoices):
        CUMULATIVE = "cumulative", _("cumulative over the year")
        RATE = "rate", _("year-to-date rate")
        STOCK = "stock", _("level at a point in time")
        ONCE = "once", _("done once")

    NUMERIC_COMPARATORS = frozenset({">=", "<=", "~", "=", "range"})

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="indicators"
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
    )
    task = models.ForeignKey(
        Task,
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    code = code_field()
    metric = models.CharField(_("metric"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    comparator = models.CharField(_("comparator"), max_length=16, choices=Comparator.choices)
    value = models.DecimalField(
        _("target value"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    value_max = models.DecimalField(
        _("upper bound"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    unit = models.CharField(_("unit of measure"), max_length=32, blank=True)
    period = models.CharField(_("period"), max_length=8)
    baseline = models.DecimalField(
        _("baseline"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.UP
    )
    binding = models.BooleanField(_("binding target"), default=False)
    accumulation = models.CharField(
        _("accumulation"),
        max_length=16,
        choices=Accumulation.choices,
        default=Accumulation.CUMULATIVE,
    )
    headline = models.BooleanField(_("headline target"), default=False)
    # 序时进度: {"type": "linear" | "quarterly" | "seasonal", "shares": [12 cumulative shares]};
    # empty = learned from ``baseline_series`` when there is one, else linear.
    schedule = models.JSONField(_("expected-progress schedule"), default=dict, blank=True)
    # Last year's twelve monthly flows (None where a month was not published), from which a
    # seasonal curve is learned: investment is back-loaded, a straight line paints it red.
    baseline_series = models.JSONField(_("last year's monthly values"), default=list, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    # A target standing outside any task is issued on its own; one inside a task with it.
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="unique_indicator_code"),
            models.CheckConstraint(
                condition=Q(comparator="range", value_max__isnull=False) | ~Q(comparator="range"),
                name="range_has_upper_bound",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.target_display}"

    def clean(self) -> None:
        super().clean()
        _check_schedule(self.schedule)
        _check_baseline_series(self.baseline_series)
        if self.comparator in self.NUMERIC_COMPARATORS and self.value is None:
            raise ValidationError({"value": _("A numeric target needs a value.")})
        if self.comparator == self.Comparator.RANGE:
            if self.value_max is None or (self.value is not None and self.value_max < self.value):
                raise ValidationError(
                    {"value_max": _("A range needs an upper bound at least its lower bound.")}
                )
        if self.task_id and self.task.plan_id != self.plan_id:
            raise ValidationError({"task": _("The task belongs to another plan.")})

    @property
    def responsible(self) -> list[Assignment]:
        """Its own assignments, or else its task's (lead first). Prefetch both to read cheaply."""
        own = list(self.assignments.all())
        return own or (list(self.task.assignments.all()) if self.task_id else [])

    @property
    def target_display(self) -> str:
        """The target as people write it: "≥ 5.5%", "约 700家", "2000–2200亿元"."""
        return target_text(self.comparator, self.value, self.value_max, self.unit)

    def target_on(self, day) -> tuple[str, object, object]:
        """(comparator, value, value_max) in force on ``day``: a target changed later
        still reads as it was then (past judgements and bulletins keep the old target)."""
        later = self.revisions.filter(effective_from__gt=day).order_by("effective_from", "pk")
        first = later.first()
        if first is None:
            return self.comparator, self.value, self.value_max
        return first.old_comparator, first.old_value, first.old_value_max


def target_text(comparator: str, value, value_max, unit: str | None) -> str:
    """A target as people write it (``Indicator.target_display``), from its fields: for
    pages that read them without making the model."""
    if value is None:
        return str(dict(Indicator.Comparator.choices).get(comparator, comparator))
    value_text = _plain_number(value)
    if comparator == Indicator.Comparator.RANGE:
        return f"{value_text}–{_plain_number(value_max)}{unit or ''}"
    symbol = {">=": "≥ ", "<=": "≤ ", "~": "≈ ", "=": ""}[comparator]
    return f"{symbol}{value_text}{unit or ''}"


def _check_schedule(schedule, field: str = "schedule") -> None:
    """A 序时进度 as the monitor reads it (``schedule_from_dict``), or empty; refused in
    the user's language under ``field``."""
    if schedule is None or schedule == {}:
        return
    if not isinstance(schedule, dict):
        raise ValidationError(
            {field: _('Give the schedule as an object, such as {"type": "monthly"}.')}
        )
    from mubiao.monitor import ScheduleError, schedule_from_dict

    try:
        schedule_from_dict(schedule)
        json.dumps(schedule, allow_nan=False)  # PostgreSQL's JSON has no NaN or Infinity
    except ScheduleError as exc:
        reason = SCHEDULE_ERRORS.get(exc.code)
        said = str(reason) % exc.params if reason else str(exc)
        raise ValidationError(
            {field: _("The expected-progress schedule is refused: %(reason)s.")
             % {"reason": said.rstrip(".。")}}
        ) from exc  # fmt: skip
    except (ValueError, TypeError, ArithmeticError) as exc:  # a share or value not a number
        raise ValidationError(
            {field: _("The expected-progress schedule is refused: %(reason)s.")
             % {"reason": _("its shares and values must be numbers")}}
        ) from exc  # fmt: skip


#: The monitor's schedule rules (``ScheduleError.code``) in the user's language.
SCHEDULE_ERRORS = {
    "unknown_type": _("the type %(type)s is not one of monthly, linear, quarterly, "
                      "seasonal or stated"),
    "last_year_twelve": _("last year's months (last_year) need twelve values, null where a "
                          "month was not published"),
    "seasonal_shares": _("a seasonal schedule needs its twelve cumulative shares (shares) "
                         "or last year's months (last_year)"),
    "stated_points": _("a stated schedule needs its points, {month: cumulative share}"),
    "seasonal_count": _("a seasonal schedule needs twelve monthly shares, not %(n)s"),
    "seasonal_range": _("seasonal shares are numbers from 0 to 1"),
    "never_fall": _("the shares are cumulative and never fall from one month to the next"),
    "december_one": _("the December share is the whole year, 1, not %(share)s"),
    "stated_map": _("a stated schedule maps months (1 to 12) to cumulative shares"),
    "stated_months": _("a stated schedule's months are from 1 to 12"),
    "stated_december": _("a stated schedule gives the share for the whole year (month 12)"),
    "stated_range": _("stated shares are numbers from 0 to 10 (1 is the plan's target)"),
}  # fmt: skip


def _check_baseline_series(series) -> None:
    """Last year's twelve monthly values: numbers, or null where a month was not published."""
    if series is None or series == []:
        return
    if not isinstance(series, list) or len(series) != 12:
        raise ValidationError({"baseline_series": _("Give twelve monthly values.")})
    if not all(value is None or _finite(value) for value in series):
        raise ValidationError(
            {"baseline_series": _(
                "Last year's monthly values must be numbers, or null where a month "
                "was not published."
            )}
        )  # fmt: skip


def _finite(value) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        return False


def _plain_number(value) -> str:
    """1500.0000 → "1500", 5.50 → "5.5"."""
    text = format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)
    return text


class Milestone(models.Model):
    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="milestones"
    )
    #: "m1", "m2" … within its task, never reused: its address in the API and the editor.
    code = code_field(blank=True)
    text = models.CharField(_("deliverable"), max_length=300)
    due = models.DateField(_("due"))
    done_at = models.DateField(_("done on"), null=True, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due", "order"]
        constraints = [
            models.UniqueConstraint(fields=["task", "code"], name="unique_milestone_code")
        ]

    def __str__(self) -> str:
        return f"{self.due:%Y-%m-%d} {self.text}"

    def save(self, *args, **kwargs) -> None:
        if not self.code:
            self.code = next_milestone_code(self.task_id)
        super().save(*args, **kwargs)


def next_milestone_code(task_id: int) -> str:
    """The task's next milestone code from its counter (the update locks the task's row),
    so a deleted milestone's code does not come back for another; never one it holds."""
    tasks = Task.objects.filter(pk=task_id)
    tasks.update(milestone_seq=models.F("milestone_seq") + 1)
    seq = tasks.values_list("milestone_seq", flat=True).get()
    codes = Milestone.objects.filter(task_id=task_id).values_list("code", flat=True)
    highest = max((int(c[1:]) for c in codes if c[:1] == "m" and c[1:].isdigit()), default=0)
    if seq <= highest:  # the counter was written back from an older copy of the task
        seq = highest + 1
        tasks.update(milestone_seq=seq)
    return f"m{seq}"


class Assignment(models.Model):
    """A unit responsible for a task (or for an indicator that stands outside any task)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("lead unit")
        CO = "co", _("co-operating unit")

    task = models.ForeignKey(
        Task,
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices)
    # True where the source names no unit and the assignment was made for the demo.
    assumed = models.BooleanField(_("assumed (not in the source)"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)
    # 签收: the unit acknowledged its part, or objected with a reason (then the office
    # answers by changing the task or by issuing it again).
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    objection = models.TextField(_("objection"), blank=True)
    objected_at = models.DateTimeField(_("objected"), null=True, blank=True)
    # The day the unit was last reminded to acknowledge: claimed by a conditional update,
    # so a unit is reminded at most once a day, by the tick or by the office's button.
    ack_reminded_on = models.DateField(_("reminded to acknowledge on"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-role", "order"]  # lead before co
        constraints = [
            models.CheckConstraint(
                condition=Q(task__isnull=False, indicator__isnull=True)
                | Q(task__isnull=True, indicator__isnull=False),
                name="assignment_has_one_subject",
            ),
            models.UniqueConstraint(
                fields=["task", "unit"],
                condition=Q(task__isnull=False),
                name="unique_task_unit",
            ),
            models.UniqueConstraint(
                fields=["indicator", "unit"],
                condition=Q(indicator__isnull=False),
                name="unique_indicator_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} ({self.get_role_display()})"


class TargetRevision(models.Model):
    """A target's value changed from a date on (调整): the old value stays in force before it."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="revisions"
    )
    effective_from = models.DateField(_("effective from"))
    old_comparator = models.CharField(_("old comparator"), max_length=16)
    old_value = models.DecimalField(
        _("old value"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    old_value_max = models.DecimalField(
        _("old upper bound"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    new_comparator = models.CharField(_("new comparator"), max_length=16)
    new_value = models.DecimalField(
        _("new value"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    new_value_max = models.DecimalField(
        _("new upper bound"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)

    class Meta:
        verbose_name = _("target revision")
        verbose_name_plural = _("target revisions")
        ordering = ["effective_from", "pk"]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.effective_from}"


def evidence_path(instance: ChangeRequest, filename: str) -> str:
    return f"change-requests/{instance.code}/{filename}"


class ChangeRequest(models.Model):
    """调整申请: a unit asks to change a target, a deadline or its assignment."""

    class Kind(models.TextChoices):
        TARGET = "target", _("target")
        DEADLINE = "deadline", _("deadline")
        ASSIGNMENT = "assignment", _("assignment")

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for a decision")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    code = models.UUIDField(_("code"), unique=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="change_requests"
    )
    task = models.ForeignKey(
        Task, verbose_name=_("task"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="change_requests",
    )  # fmt: skip
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="change_requests",
    )  # fmt: skip
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("asking unit"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # What is asked: {"value": "6.0", "value_max": null} | {"deadline": "2026-12-31"} |
    # {"unit": code, "role": "lead"|"co"|"none"}; ``current`` is what it was when asked.
    proposed = models.JSONField(_("proposed"))
    current = models.JSONField(_("current"), default=dict)
    reason = models.TextField(_("reason"))
    evidence = models.FileField(_("evidence"), upload_to=evidence_path, blank=True)
    effective_from = models.DateField(_("effective from"))
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.unit}"


class Notice(models.Model):
    """A message in the app to one person: a task issued to their unit, a request decided."""

    class Kind(models.TextChoices):
        ISSUED = "issued", _("task issued")
        DECIDED = "decided", _("change request decided")
        OBJECTION = "objection", _("objection raised")
        REQUESTED = "requested", _("change requested")
        REMIND = "remind", _("reminded to acknowledge")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
        related_name="plan_notices",
    )  # fmt: skip
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="notices"
    )
    task = models.ForeignKey(
        Task, verbose_name=_("task"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.message[:60]


class ImportDraft(models.Model):
    """One import of a source text: extracted, reviewed by a person, then accepted.

    The extractor's output is kept as its contract JSON (``draft``); the reviewer's
    corrections are kept apart (``edits``), so both can be shown and audited.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to be read")
        RUNNING = "running", _("being read")
        READY = "ready", _("ready for review")
        FAILED = "failed", _("could not be read")
        ACCEPTING = "accepting", _("being accepted")
        ACCEPTED = "accepted", _("accepted")

    code = models.UUIDField(_("code"), unique=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    issuer = models.ForeignKey(
        OrgUnit, verbose_name=_("issuer"), on_delete=models.PROTECT, related_name="+"
    )
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("into plan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="imports",
    )
    plan_name = models.CharField(_("new plan's name"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    kind = models.CharField(
        _("kind of document"),
        max_length=20,
        choices=Document.Kind.choices,
        default=Document.Kind.OTHER,
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    text = models.TextField(_("text as read"), blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # Touched by the worker at every step of a reading; a running draft whose heartbeat
    # is stale lost its worker and is read again, or failed after MAX_ATTEMPTS.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    message = models.TextField(_("message"), blank=True)
    draft = models.JSONField(_("extracted draft"), null=True, blank=True)
    edits = models.JSONField(_("reviewer's corrections"), default=dict, blank=True)
    document = models.ForeignKey(
        Document,
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    # A large draft is accepted by the worker in chunks; each chunk commits its place here
    # (phase, items done, the rows made so far, who accepted), so a worker that dies
    # resumes where the last committed chunk ended.
    accepting = models.JSONField(_("accepting in the background"), default=dict, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name or str(self.code)

    def get_absolute_url(self) -> str:
        return reverse("imports:review", args=[self.code])

    # A worker is on it: being read, or being accepted (a heartbeat, a stalled retry).
    BUSY = (Status.RUNNING, Status.ACCEPTING)

    @property
    def stalled(self) -> bool:
        """Running, but its worker has not touched it for longer than the timeout: the
        page stops waiting and says so (the tick job retries or fails it)."""
        from django.conf import settings
        from django.utils import timezone

        if self.status not in self.BUSY or self.heartbeat_at is None:
            return False
        limit = dt.timedelta(seconds=settings.MUBIAO_TASK_STALE_SECONDS)
        return timezone.now() - self.heartbeat_at > limit
