"""Every write of the reporting workflow, one function each.

Each action is atomic, takes the acting user first, checks the workflow table
(:mod:`mubiao.reporting.workflow`), writes one audit row and returns what it made. Views,
the Excel importer and the CLI call these; there is no second path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mubiao.audit.events import Event
from mubiao.audit.models import record
from mubiao.lib import text
from mubiao.orgs.access import User
from mubiao.orgs.models import OrgUnit
from mubiao.plans.models import Indicator
from mubiao.reporting import evidence as ev
from mubiao.reporting import subjects, workflow
from mubiao.reporting.models import (
    Cycle,
    Evidence,
    Reminder,
    Report,
    ReportValue,
    ReportVersion,
    Review,
    Unlock,
    evidence_path,
)
from mubiao.reporting.signals import report_approved, report_reopened, report_submitted

S = Report.State
UNLOCK_DAYS = 7


def _judge(report: Report, *, tallies_only: bool = False, tallies: bool = True) -> None:
    """Keep the plan's status store and history, inside the action's transaction.

    A submission changes only the unit's report tallies (a value counts once approved);
    an approval, a return or a late unlock changes the report's subjects too; an
    approval changes no tallies (``tallies=False``: no submission or return moved).
    Each is dated today (``dated``): an earlier day, judged from the history up to it,
    does not move.
    """
    from mubiao.dashboard import statuses

    plan = report.cycle.plan
    statuses.apply(plan, [report.unit] if tallies_only else [report], tallies=tallies, dated=True)


@dataclass
class Content:
    """What a unit writes in one version."""

    progress: str = ""
    problems: str = ""
    next_steps: str = ""
    assessment: str = ""
    # indicator code → the cumulative actual as typed ("" or None = not given)
    values: dict[str, object] = field(default_factory=dict)
    files: list[ev.CheckedFile] = field(default_factory=list)
    # a key project's month: {"invested": "1200", "stage": "building"} (as typed)
    figures: dict[str, object] = field(default_factory=dict)
    # A lead unit submitting before all co-units have reported: why it does not wait.
    # "" (the form asked and got nothing) is refused; None (a caller that does not ask,
    # such as the Excel import) records the co-units not waited for with no reason.
    without_parts_reason: str | None = None
    # A figure below zero where none can be (a total to date, a month's investment) is
    # refused unless the unit confirms it: None = not confirmed (the form's box left
    # unticked, the Excel import); a text = confirmed, and the reason the reviewer reads.
    negative_reason: str | None = None


def target_of(report: Report) -> str:
    """The report's public name in the audit trail: the plan and the report's number."""
    return f"report:{report.cycle.plan.code}/{report.number}"


def indicators_of(report: Report) -> list[Indicator]:
    """The indicators a report carries values for. Targets that key projects count toward
    (the 1,000 projects, the ¥150 bn) are rolled up from the projects' approved months,
    never typed, so a task's report leaves them out."""
    if report.task_id:
        return list(report.task.indicators.filter(projects__isnull=True))
    if report.indicator_id:
        return [report.indicator]
    return []  # a key project reports figures (projects.ProjectFigures), not indicator values


def latest_version(report: Report) -> ReportVersion | None:
    return report.versions.order_by("-number").first()


def _check(user: User, report: Report, action: str) -> workflow.Transition:
    """The transition, or PermissionDenied / ValidationError in plain words."""
    t = workflow.BY_ACTION[action]
    actors = workflow.actors_of(user, report)
    if report.state in t.sources and t.needs_open and "unit" in actors:
        if workflow.not_yet_open(report):
            raise ValidationError(
                _("This cycle opens on %(date)s; it cannot be reported before then.")
                % {"date": report.cycle.opens_on.isoformat()}
            )
        if workflow.is_locked(report):
            raise ValidationError(
                _("The cycle is locked; ask the supervision office for a late unlock.")
            )
    if workflow.transition_allowed(t, report, actors):
        return t
    allowed = t.whole if report.is_consolidation or report.task_id is None else t.parts
    if not (allowed & actors):
        raise PermissionDenied(_("You may not do this on this report."))
    raise ValidationError(
        _("This cannot be done now: %(state)s") % {"state": workflow.describe(report)}
    )


def _lock(report: Report) -> Report:
    """Re-read the report under a row lock so two writers queue, not race."""
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("cycle__plan__issuer", "unit", "task", "indicator", "project")
        .get(pk=report.pk)
    )


def may_be_negative(indicator: Indicator) -> bool:
    """Can a reported actual of this indicator be below zero? A growth rate can fall (a
    decline); a count, an amount or a level reached so far cannot."""
    return (
        indicator.kind == Indicator.Kind.GROWTH
        or indicator.accumulation == Indicator.Accumulation.RATE
    )


def negative_hint() -> str:
    """How a unit keeps a figure below zero that is true (a statistical correction)."""
    return _(
        "If the figure really is below zero (a statistical correction), tick the "
        "confirmation on the report form and give the reason."
    )


def _parse_values(
    report: Report, values: dict[str, object], *, negative_ok: bool = False
) -> dict[Indicator, Decimal | None]:
    by_code = {i.code: i for i in indicators_of(report)}
    unknown = sorted(set(values) - set(by_code))
    if unknown:
        raise ValidationError(
            _("%(codes)s is not a target of this report.") % {"codes": ", ".join(unknown)}
        )
    parsed: dict[Indicator, Decimal | None] = {}
    for code, raw in values.items():
        text = "" if raw is None else str(raw).strip().replace(",", "")
        if text == "":
            parsed[by_code[code]] = None
            continue
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or abs(number) >= Decimal("1e15"):
            raise ValidationError(
                _("%(metric)s: %(value)s is not a number.")
                % {"metric": by_code[code].metric, "value": str(raw)[:40]}
            )
        if number < 0 and not negative_ok and not may_be_negative(by_code[code]):
            raise ValidationError(
                _(
                    "%(metric)s: %(value)s is negative, and this target's figure is a "
                    "total reached so far, which cannot go below zero. Enter the year's "
                    "total to date."
                )
                % {"metric": by_code[code].metric, "value": text[:40]}
                + " "
                + negative_hint()
            )
        parsed[by_code[code]] = number
    return parsed


TEXT_FIELDS = ("progress", "problems", "next_steps")


def clean_texts(content: Content) -> dict[str, str]:
    """The version's texts as they will be stored (:func:`mubiao.lib.text.clean`), or a
    ValidationError naming the field: the same rule for the form, the API and Excel."""
    labels = {f: str(ReportVersion._meta.get_field(f).verbose_name) for f in TEXT_FIELDS}
    return {f: text.clean(getattr(content, f), labels[f]) for f in TEXT_FIELDS}


def _snapshot(version: ReportVersion | None) -> dict[str, Any]:
    if version is None:
        return {}
    return {
        "version": version.number,
        "progress": version.progress,
        "problems": version.problems,
        "next_steps": version.next_steps,
        "assessment": version.assessment,
        "values": {
            v.indicator.code: None if v.value is None else str(v.value.normalize())
            for v in version.values.select_related("indicator")
        },
        "submitted": version.submitted_at is not None,
        **({"negative_reason": version.negative_reason} if version.negative_reason else {}),
        **_figures_snapshot(version),
    }


def _figures_snapshot(version: ReportVersion) -> dict[str, Any]:
    kind = subjects.kind_of(version.report)
    if kind.snapshot_figures is None:
        return {}
    return {"figures": kind.snapshot_figures(version)}


def _write(
    user: User, report: Report, content: Content, *, submit: bool
) -> tuple[ReportVersion, dict[str, Any]]:
    texts = clean_texts(content)
    if content.assessment and content.assessment not in ReportVersion.Assessment.values:
        raise ValidationError(_("Choose a self-assessment from the list."))
    confirmed = content.negative_reason is not None
    values = _parse_values(report, content.values, negative_ok=confirmed)
    kind = subjects.kind_of(report)
    figures = None
    below_zero = [
        i.metric for i, v in values.items() if v is not None and v < 0 and not may_be_negative(i)
    ]
    if kind.parse_figures is not None:
        figures = kind.parse_figures(content.figures, required=submit, negative_ok=confirmed)
        if kind.below_zero is not None:
            below_zero += kind.below_zero(figures)
    negative_reason = _negative_reason(content, below_zero)
    files = ev.check_files(content.files)
    before = latest_version(report)
    if before is not None and before.submitted_at is None:
        version = before  # an unsubmitted draft is the unit's scratch pad, not a record
        snapshot = _snapshot(before)
    else:
        number = (before.number if before else 0) + 1
        version = ReportVersion(report=report, number=number, created_by=user)
        snapshot = _snapshot(before)
    version.progress = texts["progress"]
    version.problems = texts["problems"]
    version.next_steps = texts["next_steps"]
    version.assessment = content.assessment
    version.negative_reason = negative_reason
    if submit:
        version.submitted_at = timezone.now()
        version.is_late = workflow.is_late(report)
    version.save()
    version.values.all().delete()
    ReportValue.objects.bulk_create(
        [ReportValue(version=version, indicator=i, value=v) for i, v in values.items()]
    )
    if kind.write_figures is not None:
        kind.write_figures(version, figures)
    for f in files:
        _store_evidence(user, report, version, f)
    return version, snapshot


def _negative_reason(content: Content, below_zero: list[str]) -> str:
    """The unit's reason for figures below zero it confirmed ("" when there are none);
    a confirmation without a reason is refused, naming the figures."""
    if not below_zero:
        return ""
    label = str(ReportVersion._meta.get_field("negative_reason").verbose_name)
    reason = text.clean(content.negative_reason, label)
    if not reason:
        raise ValidationError(
            _(
                "%(figures)s below zero: give the reason (a statistical correction, for "
                "example) to confirm it, or correct the figure."
            )
            % {"figures": "、".join(below_zero)}
        )
    return reason


def _store_evidence(
    user: User, report: Report, version: ReportVersion, f: ev.CheckedFile
) -> Evidence:
    item = Evidence(
        version=version,
        report=report,
        name=f.name,
        content_type=f.content_type,
        size=f.size,
        sha256=f.sha256,
        uploaded_by=user,
    )
    # Whole or not at all: a temporary file renamed into place (mubiao.reporting.evidence).
    item.file.name = ev.store(evidence_path(item, f.sha256), f)
    item.save()
    return item


@transaction.atomic
def save_draft(user: User, report: Report, content: Content) -> ReportVersion:
    """Keep what the unit has written so far; nothing is submitted."""
    report = _lock(report)
    _check(user, report, "save_draft")
    state_before = report.state
    version, snapshot = _write(user, report, content, submit=False)
    if report.state == S.NOT_STARTED:
        report.state = S.DRAFT
        report.save(update_fields=["state"])
    record(user, Event.REPORT_SAVE_DRAFT, target_of(report),
           before={"state": state_before, **(snapshot or {})},
           after={"state": report.state, **_snapshot(version)})  # fmt: skip
    return version


@transaction.atomic
def submit(user: User, report: Report, content: Content) -> ReportVersion:
    """Submit a version: to the lead unit (a co-unit's part) or to the supervisor."""
    report = _lock(report)
    _check(user, report, "submit")
    missing = [p.unit.short_name for p in workflow.missing_parts(report)]
    reason = (content.without_parts_reason or "").strip()
    if missing and not reason and content.without_parts_reason is not None:
        raise ValidationError(
            _(
                "%(units)s have not reported their parts yet: wait for them, or say why "
                "you submit without them."
            )
            % {"units": "、".join(missing)}
        )
    state_before = report.state
    version, snapshot = _write(user, report, content, submit=True)
    if missing:
        version.without_parts = missing
        version.without_parts_reason = reason
        version.save(update_fields=["without_parts", "without_parts_reason"])
    report.state = S.SUBMITTED
    report.returned_at = None  # submitted again: no longer overdue
    fields = ["state", "returned_at"]
    if report.first_submitted_at is None:
        report.first_submitted_at = version.submitted_at
        fields.append("first_submitted_at")
    report.save(update_fields=fields)
    report.unlocks.filter(used_at__isnull=True, until__gt=timezone.now()).update(
        used_at=version.submitted_at
    )
    record(user, Event.REPORT_SUBMIT, target_of(report),
           before={"state": state_before, **(snapshot or {})},
           after={"state": report.state, "late": version.is_late, **_snapshot(version)},
           note=(f"{'、'.join(missing)}: {reason}" if missing else ""))  # fmt: skip
    _judge(report, tallies_only=True)
    transaction.on_commit(lambda: report_submitted.send(sender=Report, report=report, actor=user))
    return version


@transaction.atomic
def reopen(user: User, report: Report) -> Report:
    """The lead unit takes back its submitted consolidation to merge a part sent late.

    Only before the supervision office has decided, and only when a co-unit's part arrived
    after the consolidation was submitted; the report becomes a draft again (the
    submitted version stays on record) and the next submission is a new version.
    """
    report = _lock(report)
    _check(user, report, "reopen")
    late = [p.unit.short_name for p in workflow.late_parts(report)]
    report.state = S.DRAFT
    report.save(update_fields=["state"])
    record(user, Event.REPORT_REOPEN, target_of(report),
           before={"state": S.SUBMITTED}, after={"state": S.DRAFT, "late_parts": late})  # fmt: skip
    _judge(report, tallies_only=True)
    return report


def _review(user: User, report: Report, decision: str, comment: str) -> Review:
    version = latest_version(report)
    review = Review.objects.create(
        report=report,
        version=version,
        decision=decision,
        reviewer=user,
        comment=text.clean(comment, str(Review._meta.get_field("comment").verbose_name)),
    )
    return review


@transaction.atomic
def approve(user: User, report: Report, comment: str = "") -> Review:
    """Approve the submitted version; the report is locked from then on."""
    review = _approve(user, report, comment)
    _judge(review.report, tallies=False)
    return review


def _approve(user: User, report: Report, comment: str = "") -> Review:
    report = _lock(report)
    _check(user, report, "approve")
    review = _review(user, report, Review.Decision.APPROVE, comment)  # type: ignore[arg-type]  # a TextChoices member is a str; without Django's stubs mypy sees its (value, label) tuple
    report.state = S.APPROVED
    report.approved_at = review.at
    report.save(update_fields=["state", "approved_at"])
    record(user, Event.REPORT_APPROVE, target_of(report),
           before={"state": S.SUBMITTED}, after={"state": S.APPROVED, "version": review.version.number},
           note=review.comment)  # fmt: skip
    transaction.on_commit(lambda: report_approved.send(sender=Report, report=report, actor=user))
    return review


@transaction.atomic
def return_report(user: User, report: Report, comment: str) -> Review:
    """Send the submitted version back with a comment saying what to correct."""
    if not (comment or "").strip():
        raise ValidationError(_("Say what needs correcting: a comment is required to return."))
    report = _lock(report)
    _check(user, report, "return")
    review = _review(user, report, Review.Decision.RETURN, comment)  # type: ignore[arg-type]  # a TextChoices member is a str; without Django's stubs mypy sees its (value, label) tuple
    report.state = S.RETURNED
    report.returned_at = review.at
    report.save(update_fields=["state", "returned_at"])
    record(user, Event.REPORT_RETURN, target_of(report),
           before={"state": S.SUBMITTED}, after={"state": S.RETURNED, "version": review.version.number},
           note=review.comment)  # fmt: skip
    _judge(report, tallies_only=True)
    return review


def bulk_approve(user: User, reports: Iterable[Report]) -> list[Review]:
    """Approve several submitted reports, each with its own review and audit row, in one
    transaction; their subjects are judged once, together.

    All are checked first: if any may not be approved, none is.
    """
    reports = list(
        Report.objects.select_related("cycle__plan__issuer", "unit", "task", "indicator", "project")
        .filter(pk__in=[r.pk for r in reports])
        .order_by("pk")
    )
    for report in reports:
        _check(user, report, "approve")
    with transaction.atomic():
        reviews = [_approve(user, report) for report in reports]
        from mubiao.dashboard import statuses

        for plan_id in {r.report.cycle.plan_id for r in reviews}:
            mine = [r.report for r in reviews if r.report.cycle.plan_id == plan_id]
            # Approvals move no tallies, and no earlier day (``dated``).
            statuses.apply(mine[0].cycle.plan, mine, tallies=False, dated=True)
        return reviews


@transaction.atomic
def unlock(user: User, report: Report, reason: str, *, days: int = UNLOCK_DAYS) -> Unlock:
    """Late unlock (补报): reopen an approved or locked report for ``days`` days."""
    if not (reason or "").strip():
        raise ValidationError(_("A late unlock needs a reason."))
    report = _lock(report)
    _check(user, report, "unlock")
    state_before = report.state
    grant = Unlock.objects.create(
        report=report,
        reason=text.clean(reason, str(Unlock._meta.get_field("reason").verbose_name)),
        granted_by=user,
        until=timezone.now() + dt.timedelta(days=days),
    )
    if report.state == S.APPROVED:
        report.state = S.RETURNED
        report.approved_at = None
        report.returned_at = grant.granted_at
        report.save(update_fields=["state", "approved_at", "returned_at"])
        transaction.on_commit(
            lambda: report_reopened.send(sender=Report, report=report, actor=user)
        )
    record(user, Event.REPORT_UNLOCK, target_of(report),
           before={"state": state_before},
           after={"state": report.state, "until": grant.until.isoformat()},
           note=grant.reason)  # fmt: skip
    _judge(report, tallies_only=state_before != S.APPROVED)
    return grant


@transaction.atomic
def import_reports(
    user: User,
    cycle: Cycle,
    items: list[tuple[Report, Content]],
    *,
    submit_them: bool = False,
    source: str = "",
) -> list[Report]:
    """Save (or submit) several reports from one uploaded file: all of them or none.

    Each report goes through :func:`save_draft` or :func:`submit` (their checks, versions
    and audit rows); one more audit row records the import itself.
    """
    problems = []
    for report, content in items:
        try:
            with transaction.atomic():
                (submit if submit_them else save_draft)(user, report, content)
        except (ValidationError, PermissionDenied) as exc:
            subject = report.subject_name
            reason = " ".join(getattr(exc, "messages", [str(exc)]))
            problems.append(f"{report.unit.short_name} · {subject}: {reason}")
    if problems:
        raise ValidationError(problems)
    record(user, Event.REPORT_IMPORT, f"cycle:{cycle.plan.code}/{cycle.code}",
           after={"reports": [target_of(r) for r, _c in items], "submitted": submit_them},
           note=source)  # fmt: skip
    return [report for report, _content in items]


URGE_EVERY = dt.timedelta(hours=4)  # the office may urge the same unit again after this


@dataclass
class Urged:
    units: list[OrgUnit]  # the units reminded now
    waiting: list[OrgUnit]  # units urged less than URGE_EVERY ago: not reminded again yet
    reminders: int  # reminder rows written (one per report × person × channel)


@transaction.atomic
def urge(user: User, cycle: Cycle, unit_codes: list[str] | None = None) -> Urged:
    """催报: remind now every listed unit that has not submitted in the cycle.

    The supervision office only. Each reporter of the unit (or of the nearest unit above
    with reporters) gets the reminder in the app, and by e-mail where they have an
    address (sent after the commit). A unit urged less than ``URGE_EVERY`` ago is left
    out and named, so a double click does not flood a unit. One audit row for the whole.
    """
    from django.conf import settings
    from django.core.mail import send_mail
    from django.utils import translation

    from mubiao.reporting import access
    from mubiao.reporting.models import Reminder
    from mubiao.reporting.reminders import OPEN_STATES, Due, message, recipients

    if not access.reviews_plan(user, cycle.plan):
        raise PermissionDenied(_("Only the supervision office may urge units to report."))
    open_reports = (
        Report.objects.select_for_update(of=("self",))
        .filter(cycle=cycle, state__in=OPEN_STATES)
        .select_related("cycle__plan__issuer", "unit", "task", "indicator", "project")
        .order_by("unit__path", "pk")
    )
    if unit_codes is not None:
        open_reports = open_reports.filter(unit__code__in=unit_codes)
    by_unit: dict[OrgUnit, list[Report]] = {}
    for report in open_reports:
        by_unit.setdefault(report.unit, []).append(report)
    if not by_unit:
        raise ValidationError(_("Every listed unit has reported: nobody to urge."))
    since = timezone.now() - URGE_EVERY
    recent = set(
        Reminder.objects.filter(
            report__cycle=cycle, kind=Reminder.Kind.URGE, sent_at__gte=since
        ).values_list("report__unit_id", flat=True)
    )
    urged, waiting, rows, mails = [], [], 0, []
    for unit, reports in by_unit.items():
        if unit.pk in recent:
            waiting.append(unit)
            continue
        urged.append(unit)
        for report in reports:
            item = Due(report, Reminder.Kind.URGE, Reminder.Level.REPORTER)  # type: ignore[arg-type]  # TextChoices/IntegerChoices members are a str and an int; without Django's stubs mypy sees (value, label) tuples
            with translation.override(settings.LANGUAGE_CODE):  # the units read Chinese
                text = _("The supervision office urges: %(message)s") % {"message": message(item)}
            for person in recipients(item):
                Reminder.objects.create(report=report, kind=item.kind, level=item.level,
                                        channel=Reminder.Channel.APP, to=f"user:{person.username}",
                                        recipient=person, message=text)  # fmt: skip
                rows += 1
                if person.email:
                    mails.append((person.email, text))
    if mails:
        subject = _("mubiao reminder")
        transaction.on_commit(
            lambda: [send_mail(subject, t, None, [to], fail_silently=True) for to, t in mails]
        )
    record(user, Event.REPORT_URGE, f"cycle:{cycle.plan.code}/{cycle.code}",
           after={"units": [u.code for u in urged], "waiting": [u.code for u in waiting],
                  "reminders": rows})  # fmt: skip
    return Urged(urged, waiting, rows)


@transaction.atomic
def mark_reminders_read(user: User) -> int:
    """Mark every unread in-app reminder of ``user`` read; returns how many. A person marks
    only their own reminders (the query is theirs by construction); one audit row when
    anything changed."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    now = timezone.now()
    unread = Reminder.objects.select_for_update().filter(recipient=user, read_at__isnull=True)
    count = unread.update(read_at=now)
    if count:
        record(user, Event.REMINDERS_READ, f"user:{user.get_username()}", after={"read": count})
    return count
