"""Supervision (督查督办): leaders' instructions, supervision items, their nodes, notices.

The shape, in one paragraph: a leader writes an ``Instruction`` (批示) on an item of a plan;
it becomes a ``SupervisionItem`` (督办事项) or a comment the office must answer. An item
walks the nodes of :mod:`mubiao.supervision.workflow` (立项 → 交办 → 签收 → 办理 → 反馈 →
复核 → 办结); every step is a ``Node`` row (全程留痕) beside the audit row. The units write
``Feedback`` rounds (text, figures, evidence). A ``Notice`` (督办单, blue/yellow/red) tells
the lead unit its item is near its deadline, behind 序时进度 or overdue, and waits for an
answer; an ``Escalation`` (约谈, 挂牌督办) records what came after a red notice.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mubiao.monitor.deadlines import is_past
from mubiao.orgs.models import OrgUnit
from mubiao.plans.models import Indicator, Plan, Task


class Priority(models.TextChoices):
    NORMAL = "normal", _("normal")
    URGENT = "urgent", _("urgent")
    VERY_URGENT = "very_urgent", _("very urgent")


#: Most urgent first, for ordering lists.
PRIORITY_RANK = {Priority.VERY_URGENT: 0, Priority.URGENT: 1, Priority.NORMAL: 2}

USER = settings.AUTH_USER_MODEL


class SupervisionItem(models.Model):
    """A matter the office follows through to the end (督办事项)."""

    class State(models.TextChoices):
        REGISTERED = "registered", _("registered")  # 立项
        ASSIGNED = "assigned", _("assigned")  # 交办
        ACKNOWLEDGED = "acknowledged", _("acknowledged")  # 签收
        IN_PROGRESS = "in_progress", _("in progress")  # 办理
        REPORTED = "reported", _("reported, awaiting check")  # 反馈 → 复核
        CLOSED = "closed", _("closed")  # 办结 (销号)
        CANCELLED = "cancelled", _("cancelled")  # 撤销: the office withdrew it before 办结

    class Source(models.TextChoices):
        INSTRUCTION = "instruction", _("leader's instruction")
        MEETING = "meeting", _("meeting decision")
        RED_LIGHT = "red_light", _("red light")
        OVERDUE_REPORT = "overdue_report", _("overdue report")
        MANUAL = "manual", _("entered by hand")

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="supervision_items"
    )
    serial = models.PositiveIntegerField(_("serial number"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    title = models.CharField(_("title"), max_length=200)
    matter = models.TextField(_("matter"))
    lead_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("lead unit"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="supervision_items_led",
    )  # fmt: skip
    co_units = models.ManyToManyField(
        OrgUnit, verbose_name=_("co-units"), blank=True, related_name="supervision_items_shared"
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    priority = models.CharField(
        _("priority"), max_length=16, choices=Priority.choices, default=Priority.NORMAL
    )
    tasks = models.ManyToManyField(Task, verbose_name=_("tasks"), blank=True, related_name="+")
    indicators = models.ManyToManyField(
        Indicator, verbose_name=_("targets"), blank=True, related_name="+"
    )
    projects = models.ManyToManyField(
        "projects.Project", verbose_name=_("key projects"), blank=True, related_name="+"
    )
    reports = models.ManyToManyField(
        "reporting.Report", verbose_name=_("reports"), blank=True, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.REGISTERED
    )
    created_by = models.ForeignKey(
        USER,
        verbose_name=_("registered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered"))
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_on_time = models.BooleanField(_("closed on time"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    class Meta:
        verbose_name = _("supervision item")
        verbose_name_plural = _("supervision items")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "serial"], name="unique_item_serial")
        ]
        indexes = [models.Index(fields=["plan", "state"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:item", args=[self.code])

    @property
    def number(self) -> str:
        """督办〔2026〕3号: the plan's year and the item's serial."""
        return f"督办〔{self.plan.year}〕{self.serial}号"


class Node(models.Model):
    """One step of an item through the nodes, time-stamped (全程留痕)."""

    item = models.ForeignKey(SupervisionItem, on_delete=models.CASCADE, related_name="nodes")
    action = models.CharField(_("action"), max_length=16)
    state_from = models.CharField(_("from"), max_length=16, blank=True)
    state_to = models.CharField(_("to"), max_length=16)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("node")
        verbose_name_plural = _("nodes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"


class Feedback(models.Model):
    """A round of the units' feedback: progress while in hand, or the report that it is done."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("progress")
        FINAL = "final", _("done, for checking")

    item = models.ForeignKey(SupervisionItem, on_delete=models.CASCADE, related_name="feedback")
    number = models.PositiveIntegerField(_("round"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("what was done"))
    # [{"label": "完成投资", "value": "12.5", "unit": "亿元"}]: numbers checked on entry
    figures = models.JSONField(_("figures"), default=list, blank=True)
    by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="unique_feedback_round")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} #{self.number}"


def evidence_path(instance: FeedbackFile, filename: str) -> str:
    return f"supervision/{instance.feedback.item.code}/{instance.sha256}"


class FeedbackFile(models.Model):
    """Evidence attached to a feedback round, checked like the reports' evidence."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=evidence_path)
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.name


class Instruction(models.Model):
    """A leader's written instruction (领导批示) on an item of a plan, or on a matter."""

    class Want(models.TextChoices):
        ITEM = "item", _("make it a supervision item")
        ANSWER = "answer", _("the office answers")

    class Subject(models.TextChoices):
        TASK = "task", _("task")
        INDICATOR = "indicator", _("target")
        REPORT = "report", _("report")
        PROJECT = "project", _("key project")
        ITEM = "item", _("supervision item")
        PLAN = "plan", _("the plan as a whole")

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="instructions")
    author = models.ForeignKey(
        USER, verbose_name=_("leader"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(_("on"), max_length=16, choices=Subject.choices)
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    report = models.ForeignKey(
        "reporting.Report", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    project = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    on_item = models.ForeignKey(
        SupervisionItem, null=True, blank=True, on_delete=models.CASCADE,
        related_name="instructions",
    )  # fmt: skip
    text = models.TextField(_("instruction"))
    urgency = models.CharField(
        _("urgency"), max_length=16, choices=Priority.choices, default=Priority.NORMAL
    )
    want = models.CharField(_("what should follow"), max_length=8, choices=Want.choices)
    at = models.DateTimeField(_("written"))
    # What came of it: a supervision item, or the office's answer.
    became = models.OneToOneField(
        SupervisionItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="origin"
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    synthetic = models.BooleanField(_("synthetic demo data"), default=False)

    class Meta:
        verbose_name = _("instruction")
        verbose_name_plural = _("instructions")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return self.text[:40]

    def get_absolute_url(self) -> str:
        return reverse("supervision:instruction", args=[self.code])


class Notice(models.Model):
    """A supervision notice (督办单) to an item's lead unit: blue, yellow or red."""

    class Colour(models.TextChoices):
        BLUE = "blue", _("blue: deadline near")
        YELLOW = "yellow", _("yellow: behind schedule")
        RED = "red", _("red: overdue")

    code = models.UUIDField(_("code"), default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(SupervisionItem, on_delete=models.CASCADE, related_name="notices")
    colour = models.CharField(_("colour"), max_length=8, choices=Colour.choices)
    serial = models.PositiveIntegerField(_("serial number"))
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    issued_on = models.DateField(_("issued"))
    answer_by = models.DateField(_("answer by"))
    # None = generated by the daily job; a person = issued by hand.
    issued_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    automatic = models.BooleanField(_("generated"), default=False)
    read_at = models.DateTimeField(_("received"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            # The daily job issues each colour once per item: a second run, or two at once,
            # cannot make a duplicate.
            models.UniqueConstraint(
                fields=["item", "colour"], condition=Q(automatic=True), name="one_generated_notice"
            ),
            models.UniqueConstraint(
                fields=["plan", "colour", "serial"], name="unique_notice_serial"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("supervision:notice", args=[self.code])

    @property
    def number(self) -> str:
        """督办单〔2026〕红字第2号."""
        word = {"blue": "蓝", "yellow": "黄", "red": "红"}[self.colour]
        return f"督办单〔{self.plan.year}〕{word}字第{self.serial}号"

    def is_late_on(self, day) -> bool:
        """Its answer-by date has passed as of ``day`` (``monitor.deadlines.is_past``)."""
        return is_past(self.answer_by, day)


class Escalation(models.Model):
    """What came after a red notice: an interview (约谈) or listing (挂牌督办)."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", _("interview (约谈)")
        LISTED = "listed", _("listed for supervision (挂牌督办)")

    item = models.ForeignKey(SupervisionItem, on_delete=models.CASCADE, related_name="escalations")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    on = models.DateField(_("date"))
    outcome = models.TextField(_("outcome"))
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.on}"


class Message(models.Model):
    """A reminder about an item or notice, once per (key, channel, recipient)."""

    class Channel(models.TextChoices):
        APP = "app", _("in the app")
        EMAIL = "email", _("e-mail")
        WEBHOOK = "webhook", _("group robot")

    key = models.CharField(max_length=120)  # "notice:<code>" / "item:<code>:assigned"
    item = models.ForeignKey(SupervisionItem, on_delete=models.CASCADE, related_name="messages")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    to = models.CharField(max_length=200)
    recipient = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField()
    sent_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("supervision message")
        verbose_name_plural = _("supervision messages")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["key", "channel", "to"], name="one_message_per_key")
        ]

    def __str__(self) -> str:
        return self.key
