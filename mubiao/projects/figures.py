"""A key project's monthly report, on the reporting app's workflow.

A project's month is an ordinary ``reporting.Report`` slot whose subject is the project
(``Report.project``): the same actions (save_draft, submit, approve, return, unlock), the
same workflow table, versions, evidence (形象进度 photos), locking and late unlock. What
is particular to a project is kept beside each version in ``ProjectFigures``: the
investment completed in the month (万元), the stage at the month's end and, where the unit
reports them, the funds secured so far this year (本年累计到位资金, 万元). The reporting
actions call :func:`parse`, :func:`write` and :func:`snapshot` for project slots.

Who reports: the project's lead unit, or its county when it has no lead unit
(:func:`reporter_id`); a county government also fills in for its departments, as for
tasks. Slots exist in the plan's monthly cycles only (:func:`project_slots`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mubiao.plans.models import Assignment
from mubiao.projects.models import Project, ProjectFigures

LIMIT = Decimal("1e12")  # 万元: far above any project, below the column's precision


@dataclass(frozen=True)
class Figures:
    invested: Decimal | None  # completed in the month, 万元
    stage: str
    funds_secured: Decimal | None = None  # secured this year by the month's end, 万元


def reporter_id(project: Project) -> int | None:
    """The unit that reports the project's month: its lead unit, else its county."""
    return project.lead_id or project.county_id


def project_slots(cycle) -> list:
    """Unsaved report slots for every project of the plan in a monthly cycle."""
    from mubiao.reporting.models import Cycle, Report

    if cycle.kind != Cycle.Kind.MONTH:
        return []
    projects = Project.objects.filter(plan_id=cycle.plan_id).only("pk", "lead_id", "county_id")
    return [
        Report(cycle=cycle, unit_id=reporter_id(p), project_id=p.pk, role=Assignment.Role.LEAD)
        for p in projects
        if reporter_id(p) is not None
    ]


def _typed_number(raw: object) -> tuple[str, Decimal | None]:
    """(the text as typed without thousands separators, its number): the number is None
    when the text is not a finite number of 万元 below ``LIMIT`` (and for blank text)."""
    text = "" if raw is None else str(raw).strip().replace(",", "").replace("，", "")
    try:
        number: Decimal | None = Decimal(text) if text else None
    except InvalidOperation:
        number = None
    if number is not None and (not number.is_finite() or abs(number) >= LIMIT):
        number = None
    return text, number


def parse_amount(raw: object, *, negative_ok: bool = False) -> Decimal | None:
    """A number of 万元 as typed ("1,200.5"), None when blank; ValidationError otherwise.
    Below zero (a statistical correction, 核减) only when the unit confirmed it."""
    text, number = _typed_number(raw)
    if text == "":
        return None
    if number is None:
        raise ValidationError(
            _("Investment completed in the month: %(value)s is not a number.") % {"value": raw}
        )
    if number < 0 and not negative_ok:
        from mubiao.reporting.actions import negative_hint

        raise ValidationError(
            _(
                "Investment completed in the month cannot be negative (%(value)s): enter "
                "what was invested this month, 0 if nothing."
            )
            % {"value": text[:40]}
            + " "
            + negative_hint()
        )
    return number.quantize(Decimal("0.01"))


def parse_funds(raw: object) -> Decimal | None:
    """The funds secured this year (万元) as typed, None when blank (not reported);
    ValidationError for anything but a number of zero or more."""
    text, number = _typed_number(raw)
    if text == "":
        return None
    if number is None:
        raise ValidationError(
            _("Funds secured this year: %(value)s is not a number.") % {"value": str(raw)[:40]}
        )
    if number < 0:
        raise ValidationError(
            _(
                "Funds secured this year cannot be negative (%(value)s): enter the funds in "
                "place since January, or leave it blank if the project does not report them."
            )
            % {"value": text[:40]}
        )
    return number.quantize(Decimal("0.01"))


def parse(raw: dict[str, object], *, required: bool, negative_ok: bool = False) -> Figures:
    """Check the month's figures; a submission needs the investment and the stage, a draft
    may leave them blank; the funds secured are optional in both."""
    invested = parse_amount(raw.get("invested"), negative_ok=negative_ok)
    funds = parse_funds(raw.get("funds_secured"))
    stage = str(raw.get("stage") or "").strip()
    if stage and stage not in Project.Stage.values:
        raise ValidationError(_("Choose the project's stage from the list."))
    if required and invested is None:
        raise ValidationError(_("Enter the investment completed in the month (0 if none)."))
    if required and not stage:
        raise ValidationError(_("Choose the project's stage from the list."))
    if funds is not None and invested is None:
        raise ValidationError(
            _("Enter the investment completed in the month (0 if none) with the funds secured.")
        )
    return Figures(invested, stage, funds)


def below_zero(figures: Figures) -> list[str]:
    """The figures' labels below zero (a confirmed correction), for the reviewer's note."""
    if figures.invested is not None and figures.invested < 0:
        return [_("Investment completed in the month")]
    return []


def write(version, figures: Figures | None) -> None:
    """Put the figures on a version (a draft's are replaced, as its other content is)."""
    ProjectFigures.objects.filter(version=version).delete()
    if figures is not None and figures.invested is not None:
        ProjectFigures.objects.create(
            version=version,
            invested=figures.invested,
            stage=figures.stage or Project.Stage.BUILDING,
            funds_secured=figures.funds_secured,
        )


def queue_figures(versions) -> dict[int, list[dict]]:
    """version id → the month's investment and stage, as the review queue lists them
    (worded and printed as the report page prints them)."""
    from mubiao.projects.templatetags.projects import grouped

    return {
        row.version_id: [
            {
                "name": _("Investment completed in the month (10k yuan)"),
                "text": grouped(row.invested, 2),
                "unit": "",
            },
            {"name": _("Stage at the month's end"), "text": row.get_stage_display(), "unit": ""},
            *(
                [
                    {
                        "name": _("Funds secured this year (10k yuan)"),
                        "text": grouped(row.funds_secured, 2),
                        "unit": "",
                    }
                ]
                if row.funds_secured is not None
                else []
            ),
        ]
        for row in ProjectFigures.objects.filter(version__in=versions)
    }


def snapshot(version) -> dict | None:
    """The figures as the audit trail records them."""
    row = ProjectFigures.objects.filter(version=version).first()
    return None if row is None else as_text(row)


def as_text(row: ProjectFigures) -> dict[str, str]:
    """The figures as text ("1200.5"), the funds secured only where reported: the audit
    trail's snapshot and the API's version."""
    out = {"invested": f"{row.invested.normalize():f}", "stage": row.stage}
    if row.funds_secured is not None:
        out["funds_secured"] = f"{row.funds_secured.normalize():f}"
    return out
