"""Reporting pages: the unit's inbox, the report form, review queue, who has not reported.

Every page reads through :mod:`mubiao.reporting.access` and writes through
:mod:`mubiao.reporting.actions`; a refused action comes back as a plain message with a 4xx
status and nothing saved.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mubiao.audit import events
from mubiao.audit.models import AuditEntry
from mubiao.orgs import access as org_access
from mubiao.plans import access as plan_access
from mubiao.plans.models import Area, Assignment, Indicator, Plan
from mubiao.reporting import access, actions, merge, subjects, workflow
from mubiao.reporting import excel as excel_io
from mubiao.reporting import inbox as inbox_data
from mubiao.reporting.models import (
    Cycle,
    Evidence,
    Reminder,
    Report,
    ReportValue,
    ReportVersion,
    Review,
)

S = Report.State
SENT = (S.SUBMITTED, S.APPROVED)
KEEP_AFTER_LOCK = inbox_data.KEEP_AFTER_LOCK
REPORT_RELATED = inbox_data.REPORT_RELATED
current_cycles = inbox_data.current_cycles
_queue = inbox_data.review_queue


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The unit's to-do list: returned, overdue, due soon, to report; and its reminders.
    ``?group=returned`` (or another group) shows that list alone: the home page's counts
    link there."""
    user = request.user
    plans = plan_access.visible_plans(user)
    box = inbox_data.inbox_of(user)
    cycles, own, mine = box.cycles, box.own, box.mine
    today = workflow.today()
    only = request.GET.get("group", "")
    groups = box.groups
    if only in groups:
        groups = {only: groups[only]}
    reviewing = [p for p in plans if access.reviews_plan(user, p)]
    overseen = [p for p in plans if plan_access.oversees(user, p)]
    context = {
        "groups": groups,
        "only": only if only in box.groups else "",
        "done": [] if only in box.groups else box.done,
        "reminders": Reminder.objects.filter(recipient=user, channel=Reminder.Channel.APP)
        .select_related("report__cycle", "report__task", "report__indicator", "report__unit")
        .order_by("-sent_at")[:20],
        "reviewing": [(p, _queue(p).count()) for p in reviewing],
        "overseen_cycles": [c for c in cycles if c.plan in overseen],
        "today": today,
        "unit_cycles": [c for c in cycles if today < c.locks_on and mine.filter(cycle=c).exists()],
        "has_units": bool(org_access.unit_roots(user)),
        "project_cycles": _project_cycles(own, cycles, today),
        "projects_overdue_earlier": inbox_data.overdue_earlier(user, plans, cycles, today)
        .filter(project__isnull=False)
        .count(),
    }
    return render(request, "reporting/inbox.html", context)


def _project_cycles(
    own: QuerySet[Report], cycles: list[Cycle], today: dt.date
) -> list[tuple[Cycle, int, int, int]]:
    """(cycle, not yet submitted, all, overdue) of the unit's key-project months per open
    cycle; overdue (逾期) by the one rule (``workflow.overdue_q``), as the dashboard counts."""
    rows = []
    for cycle in cycles:
        slots = own.filter(cycle=cycle, project__isnull=False)
        total = slots.count()
        if total:
            todo = slots.exclude(state__in=(S.SUBMITTED, S.APPROVED)).count()
            rows.append((cycle, todo, total, slots.filter(workflow.overdue_q(today)).count()))
    return rows


def _content_from(request: HttpRequest, report: Report) -> actions.Content:
    post = request.POST
    return actions.Content(
        progress=post.get("progress", ""),
        problems=post.get("problems", ""),
        next_steps=post.get("next_steps", ""),
        assessment=post.get("assessment", ""),
        values={i.code: post.get(f"value-{i.code}", "") for i in actions.indicators_of(report)},
        files=request.FILES.getlist("files"),
        figures={k: post.get(k, "") for k in FIGURES} if report.project_id else {},
        # The form shows the reason box only when co-units are missing; asked = required.
        without_parts_reason=post.get("without_parts_reason", "")
        if workflow.missing_parts(report)
        else None,
        # The box "this figure really is below zero" ticked: its reason ("" is refused).
        negative_reason=post.get("negative_reason", "") if post.get("confirm_negative") else None,
    )


def _run(request: HttpRequest, report: Report, action: str):
    """Call the action named in the form; returns a success message."""
    user, text = request.user, request.POST.get("comment", "")
    if action == "save_draft":
        actions.save_draft(user, report, _content_from(request, report))
        return _("The draft is saved.")
    if action == "submit":
        actions.submit(user, report, _content_from(request, report))
        return _("Submitted.")
    as_lead = workflow.is_part(report) and not access.reviews_plan(user, report.cycle.plan)
    if action == "approve":
        actions.approve(user, report, text)
        return _("The part is accepted.") if as_lead else _("Approved.")
    if action == "return":
        actions.return_report(user, report, text)
        return (
            _("The part is returned to the co-unit for more.")
            if as_lead
            else _("Returned to the unit.")
        )
    if action == "unlock":
        actions.unlock(user, report, text)
        return _("Reopened for a late report.")
    if action == "reopen":
        actions.reopen(user, report)
        return _("Your consolidation is a draft again: merge the late parts and submit.")
    raise ValidationError(_("Unknown action."))


@login_required
def report_detail(request: HttpRequest, code) -> HttpResponse:
    report = access.get_report_for_user(request.user, code)
    error = None
    if request.method == "POST":
        try:
            message = _run(request, report, request.POST.get("action", ""))
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, message)
            return redirect("reporting:report", code=report.code)
        report.refresh_from_db()
    context = _report_context(request, report, request.POST if error else None)
    context["error"] = error
    return render(request, "reporting/report.html", context, status=400 if error else 200)


def _versions(reports) -> QuerySet[ReportVersion]:
    return ReportVersion.objects.filter(report__in=reports).prefetch_related(
        "values__indicator", "evidence"
    )


TEXTS = ("progress", "problems", "next_steps", "assessment")
# a key project's month (mubiao.projects.figures)
FIGURES = ("invested", "stage", "funds_secured")


def _figures_form(report: Report, latest: ReportVersion | None, posted) -> dict:
    if not report.project_id:
        return {}
    if posted is not None:
        return {k: posted.get(k, "") for k in FIGURES}
    row = getattr(latest, "figures", None) if latest else None
    if row is None:
        return {"invested": "", "stage": report.project.stage, "funds_secured": ""}
    return {"invested": row.invested, "stage": row.stage, "funds_secured": row.funds_secured}


def _negative_form(latest: ReportVersion | None, posted) -> dict:
    """The confirmation of a figure below zero as the form shows it: what was posted after
    a refusal, else the draft's own reason."""
    if posted is not None:
        return {"confirmed": bool(posted.get("confirm_negative")),
                "reason": posted.get("negative_reason", "")}  # fmt: skip
    reason = latest.negative_reason if latest and latest.submitted_at is None else ""
    return {"confirmed": bool(reason), "reason": reason}


def _report_context(request: HttpRequest, report: Report, posted=None) -> dict:
    """The page's data; after a refused POST the form shows what was typed, not the old."""
    versions = list(_versions([report]).order_by("-number"))
    latest = versions[0] if versions else None
    values = {v.indicator.code: v.value for v in latest.values.all()} if latest else {}
    form = {f: getattr(latest, f, "") for f in TEXTS}
    if posted is not None:
        values = {i.code: posted.get(f"value-{i.code}", "") for i in actions.indicators_of(report)}
        form = {f: posted.get(f, "") for f in TEXTS}
    buttons = workflow.buttons(request.user, report)
    indicators = actions.indicators_of(report)
    parts = []
    sums: dict = {}
    late_codes: set = set()
    missing_parts: list[Report] = []
    chains = workflow.Chains([report])  # its lead, parts and their submissions, read once
    if workflow.consolidates(report, chains):  # the parts are this lead report's to merge
        others = (
            access.visible_reports(request.user, report.cycle.plan)
            .filter(cycle=report.cycle, task=report.task)
            .exclude(role=Assignment.Role.LEAD)  # other lead units' own reports are no parts
            .select_related("unit")
            .prefetch_related(
                Prefetch(
                    "versions",
                    queryset=ReportVersion.objects.prefetch_related(
                        "values__indicator", "evidence"
                    ).order_by("-number"),
                )
            )
        )
        late_codes = {p.code for p in workflow.late_parts(report, chains)}
        parts = [
            {
                "report": r,
                "latest": next(iter(r.versions.all()), None),
                "late": r.code in late_codes,
                "sentence": workflow.describe(r, chains),
            }
            for r in others
        ]
        missing_parts = workflow.missing_parts(report, chains)
        submitted = merge.latest_parts([p["report"] for p in parts])
        sums = merge.part_sums(indicators, submitted)
        if posted is None and request.GET.get("merge") == "1" and submitted:
            form = {**form, **merge.merged_texts(form, submitted)}
            values = merge.merged_values(values, sums)
    previous = _previous_values(report, indicators)
    return {
        "report": report,
        "plan": report.cycle.plan,
        "sentence": workflow.describe(report),
        "latest": latest,
        "versions": versions,
        "rows": [(i, values.get(i.code)) for i in indicators],
        "lines": [
            {
                "indicator": i,
                "value": values.get(i.code),
                "previous": previous.get(i.code),
                "sum": sums.get(i.code),
            }
            for i in indicators
        ],
        "missing_parts": missing_parts,
        "posted_reason": posted.get("without_parts_reason", "") if posted is not None else "",
        "negative": _negative_form(latest, posted),
        "is_part": workflow.is_part(report),
        "late_parts": [p for p in parts if p["late"]],
        "merging": request.GET.get("merge") == "1",
        "lead_deciding": workflow.is_part(report)
        and not access.reviews_plan(request.user, report.cycle.plan),
        "form": form,
        "figures": _figures_form(report, latest, posted),
        "stages": report.project.Stage.choices if report.project_id else [],
        "editing": [(b, label) for b, label in buttons if b.needs_open],
        "deciding": [
            (b, label) for b, label in buttons if not b.needs_open and b.action != "reopen"
        ],
        "reopening": [(b, label) for b, label in buttons if b.action == "reopen"],
        "parts": parts,
        "reviews": report.reviews.select_related("reviewer", "version"),
        "evidence": report.evidence.select_related("version").order_by("uploaded_at"),
        "assessments": actions.ReportVersion.Assessment.choices,
        "late": workflow.is_late(report),
        "locked": workflow.is_locked(report),
    }


def _previous_values(report: Report, indicators) -> dict:
    """indicator code → the cumulative value this unit gave in the previous cycle."""
    if not indicators:
        return {}
    cycle = report.cycle
    before = (
        Cycle.objects.filter(plan_id=cycle.plan_id, kind=cycle.kind, start__lt=cycle.start)
        .order_by("-start")
        .first()
    )
    if before is None:
        return {}
    subject = (
        {"report__task_id": report.task_id}
        if report.task_id
        else {"report__indicator_id": report.indicator_id}
    )
    version = (
        ReportVersion.objects.filter(
            report__cycle=before,
            report__unit_id=report.unit_id,
            submitted_at__isnull=False,
            **subject,
        )
        .order_by("-number")
        .first()
    )
    if version is None:
        return {}
    return {
        v.indicator.code: v.value
        for v in version.values.select_related("indicator")
        if v.value is not None
    }


@login_required
def evidence_file(request: HttpRequest, code, sha256: str) -> FileResponse:
    """Serve an evidence file to those who may see its report, and only them."""
    report = access.get_report_for_user(request.user, code)
    item = Evidence.objects.filter(report=report, sha256=sha256).order_by("pk").first()
    if item is None:
        raise Http404("file")
    inline = item.content_type.startswith("image/") or item.content_type == "application/pdf"
    return FileResponse(
        item.file.open("rb"),
        as_attachment=not inline,
        filename=item.name,
        content_type=item.content_type,
    )


def _plan_for_reviewer(user, plan_code: str) -> Plan:
    plan = plan_access.get_plan_for_user(user, plan_code)
    if not access.reviews_plan(user, plan):
        raise PermissionDenied("review")
    return plan


#: Rows per page of the review queue: a screen the office reads and ticks (its select-all
#: ticks the page); the filters and the counts above it cover the whole queue.
QUEUE_PAGE = 50


@login_required
def review_queue(request: HttpRequest, plan_code: str) -> HttpResponse:
    """The supervisor's queue of submitted consolidated reports, oldest first, a page at
    a time. What the filters need (unit, top area, resubmitted, late) is read for the
    whole queue as plain values in one query; only the page's rows are read in full."""
    plan = _plan_for_reviewer(request.user, plan_code)
    error = None
    if request.method == "POST":
        chosen = access.plan_reports(plan).filter(code__in=_codes(request.POST.getlist("report")))
        try:
            if not chosen:
                raise ValidationError(_("Tick at least one report."))
            done = actions.bulk_approve(request.user, chosen)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("%(n)s reports approved.") % {"n": len(done)})
            return redirect("reporting:review", plan_code=plan.code)
    chosen_filters = {k: request.GET.get(k, "") for k in ("unit", "area", "state", "late")}
    index = _queue_index(plan)
    units = sorted({row.unit for row in index}, key=lambda u: u.path)
    areas = sorted({row.top for row in index if row.top}, key=lambda a: a.order)
    kept = [row for row in index if _passes(row, chosen_filters)]
    page = Paginator(kept, QUEUE_PAGE).get_page(request.GET.get("page"))
    on_page = {row.pk: row for row in page.object_list}
    rows = list(
        _queue(plan)
        .filter(pk__in=on_page)
        .select_related(*QUEUE_RELATED)
        .only(*QUEUE_FIELDS)
        .order_by("first_submitted_at", "pk")
    )
    for report in rows:
        report.top = on_page[report.pk].top
    _annotate_queue(plan, rows)
    _add_figures(plan, rows)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "plan": plan,
        "queue": rows,
        "shown": len(kept),
        "total": len(index),
        "page": page,
        "query": query.urlencode(),
        **_report_url(),
        "error": error,
        "units": units,
        "areas": areas,
        "chosen": chosen_filters,
    }
    return render(request, "reporting/review.html", context, status=400 if error else 200)


# A report's address is the same but for its code: a long list reverses it once.
_URL_CODE = "00000000-0000-0000-0000-000000000000"


def _report_url() -> dict[str, str]:
    """``url_head`` + a report's code + ``url_tail`` is the report's page."""
    head, tail = reverse("reporting:report", args=[_URL_CODE]).split(_URL_CODE)
    return {"url_head": head, "url_tail": tail}


# What a queue row prints: the report's own fields, the cycle's label, the unit's and the
# subject's names (a task's or a key project's long texts are not read).
QUEUE_RELATED = ("cycle", "unit", "task", "indicator", "project")
QUEUE_FIELDS = (
    "code", "role", "state", "first_submitted_at", "cycle_id", "unit_id", "task_id",
    "indicator_id", "project_id", "cycle__code", "cycle__name", "cycle__kind",
    "cycle__plan_id", "unit__short_name", "unit__code", "task__title", "task__area_id",
    "indicator__metric", "indicator__unit", "indicator__code", "indicator__area_id",
    "project__name",
)  # fmt: skip


@dataclass(frozen=True)
class _UnitChoice:
    """A unit in the queue's filter."""

    code: str
    short_name: str
    path: str


@dataclass(frozen=True)
class _QueueEntry:
    """What the queue's filters read of one queued report, for the whole queue at once."""

    pk: int
    unit: _UnitChoice
    top: Area | None
    resubmitted: bool
    late: bool


def _queue_index(plan: Plan) -> list[_QueueEntry]:
    """Every queued report, oldest first, as the filters see it: its unit, its top area,
    whether it was ever returned, whether its latest version came late (one query)."""
    returned = Review.objects.filter(report=OuterRef("pk"), decision=Review.Decision.RETURN)
    latest = ReportVersion.objects.filter(report=OuterRef("pk")).order_by("-number")
    rows = (
        _queue(plan)
        .order_by("first_submitted_at", "pk")
        .annotate(was_returned=Exists(returned), came_late=Subquery(latest.values("is_late")[:1]))
        .values_list("pk", "unit__code", "unit__short_name", "unit__path", "task__area_id",
                     "indicator__area_id", "was_returned", "came_late")
    )  # fmt: skip
    areas = {a.pk: a for a in plan.areas.all()}
    entries = []
    for pk, code, short_name, path, task_area, indicator_area, was_returned, late in rows:
        area_id = task_area or indicator_area
        while area_id is not None and areas[area_id].parent_id:
            area_id = areas[area_id].parent_id
        top = areas.get(area_id) if area_id is not None else None
        unit = _UnitChoice(code, short_name, path)
        entries.append(_QueueEntry(pk, unit, top, bool(was_returned), bool(late)))
    return entries


def _annotate_queue(plan: Plan, reports: list[Report]) -> None:
    """What a page of the queue shows, read for its rows at once, so the page takes the
    same few queries however long the queue: each report's latest version with its
    values (``r.latest``), its indicators (``r.indicators``) and the values its unit gave
    for the same subject in the previous cycle (``r.previous``, by indicator code)."""
    ids = [r.pk for r in reports]
    latest: dict[int, ReportVersion] = {}
    newest = ReportVersion.objects.filter(report=OuterRef("report_id")).order_by("-number")
    versions = ReportVersion.objects.filter(
        report_id__in=ids, number=Subquery(newest.values("number")[:1])
    ).only("report_id", "number", "is_late", "without_parts")
    for version in versions:
        latest[version.report_id] = version
    values: dict[int, dict[int, object]] = defaultdict(dict)
    for version_id, indicator_id, value in ReportValue.objects.filter(
        version__in=latest.values()
    ).values_list("version_id", "indicator_id", "value"):
        values[version_id][indicator_id] = value
    by_task: dict[int, list[Indicator]] = defaultdict(list)
    task_ids = {r.task_id for r in reports if r.task_id}
    shown = plan.indicators.filter(task_id__in=task_ids, projects__isnull=True)
    for indicator in shown.only("task_id", "code", "metric", "unit", "order"):
        by_task[indicator.task_id].append(indicator)
    previous = _previous_cycle_values(plan, reports)
    for report in reports:
        report.latest = latest.get(report.pk)
        report.latest_values = values.get(report.latest.pk, {}) if report.latest else {}
        if report.task_id:
            report.indicators = by_task.get(report.task_id, [])
        else:
            report.indicators = [report.indicator] if report.indicator_id else []
        report.previous = previous.get(_subject_key(report), {})


def _subject_key(report: Report, cycle_id: int | None = None) -> tuple:
    subject = ("t", report.task_id) if report.task_id else ("i", report.indicator_id)
    return (cycle_id or report.cycle_id, report.unit_id, *subject)


def _previous_cycle_values(plan: Plan, reports: list[Report]) -> dict[tuple, dict]:
    """(cycle, unit, subject) of each queued report → indicator code → the cumulative value
    the unit gave for that subject in the cycle before (its latest submitted version)."""
    before: dict[int, int] = {}  # cycle → the previous cycle of its kind
    last_of_kind: dict[str, int] = {}
    for cycle_id, kind in plan.cycles.order_by("start").values_list("pk", "kind"):
        if kind in last_of_kind:
            before[cycle_id] = last_of_kind[kind]
        last_of_kind[kind] = cycle_id
    wanted = {
        _subject_key(r, before[r.cycle_id]): r
        for r in reports
        if r.cycle_id in before and (r.task_id or r.indicator_id)
    }
    if not wanted:
        return {}
    found: dict[tuple, int] = {}  # subject key → its latest submitted version's id
    versions = (
        ReportVersion.objects.filter(
            Q(report__task_id__in={k[3] for k in wanted if k[2] == "t"})
            | Q(report__indicator_id__in={k[3] for k in wanted if k[2] == "i"}),
            report__cycle_id__in={k[0] for k in wanted},
            report__unit_id__in={k[1] for k in wanted},
            report__project__isnull=True,
            submitted_at__isnull=False,
        )
        .order_by("-number")
        .values_list(
            "pk", "report__cycle_id", "report__unit_id", "report__task_id", "report__indicator_id"
        )
    )
    for pk, cycle_id, unit_id, task_id, indicator_id in versions:
        key = (
            (cycle_id, unit_id, "t", task_id) if task_id else (cycle_id, unit_id, "i", indicator_id)
        )
        if key in wanted and key not in found:
            found[key] = pk
    by_version: dict[int, dict] = defaultdict(dict)
    for version_id, code, value in ReportValue.objects.filter(
        version_id__in=found.values(), value__isnull=False
    ).values_list("version_id", "indicator__code", "value"):
        by_version[version_id][code] = value
    return {_subject_key(wanted[key]): by_version[pk] for key, pk in found.items()}


def _passes(row: _QueueEntry, chosen: dict[str, str]) -> bool:
    if chosen["unit"] and row.unit.code != chosen["unit"]:
        return False
    if chosen["area"] and (row.top is None or row.top.code != chosen["area"]):
        return False
    if chosen["state"] == "first" and row.resubmitted:
        return False
    if chosen["state"] == "again" and not row.resubmitted:
        return False
    if chosen["late"] in ("1", "0") and row.late != (chosen["late"] == "1"):
        return False
    return True


def _add_figures(plan: Plan, rows: list[Report]) -> None:
    """What the reviewer sees before opening: each value, its change from the previous
    cycle, and the subject's light (the plan's current status)."""
    from mubiao.dashboard.models import CurrentStatus

    lights = {}
    shown = Q(task_id__in={r.task_id for r in rows if r.task_id}) | Q(
        indicator_id__in={r.indicator_id for r in rows if r.indicator_id}
    )
    for cs in CurrentStatus.objects.filter(shown, plan=plan).only(
        "task_id", "indicator_id", "status"
    ):
        lights[("t", cs.task_id) if cs.task_id else ("i", cs.indicator_id)] = cs.status
    for report in rows:
        version = report.latest
        previous = report.previous
        values = report.latest_values
        report.figures = [
            {
                "name": i.metric,
                "unit": i.unit,
                "value": values.get(i.pk),
                "change": (values[i.pk] - previous[i.code])
                if values.get(i.pk) is not None and previous.get(i.code) is not None
                else None,
            }
            for i in report.indicators
        ]
        key = ("t", report.task_id) if report.task_id else ("i", report.indicator_id)
        report.light = lights.get(key, "")
        report.late = bool(version and version.is_late)
        report.without_parts = version.without_parts if version else []
    # A subject kind with figures of its own (a key project's month) lists them instead.
    by_kind: dict[str, list[Report]] = defaultdict(list)
    for report in rows:
        kind = subjects.kind_of(report)
        if kind.queue_figures is not None and report.latest is not None:
            by_kind[kind.name].append(report)
    for reports in by_kind.values():
        shown = subjects.kind_of(reports[0]).queue_figures([r.latest for r in reports])
        for report in reports:
            report.figures = shown.get(report.latest.pk, [])


def _codes(values: list[str]) -> list[str]:
    """Only well-formed UUIDs reach the database (a forged value is simply not found)."""
    import uuid

    good = []
    for value in values:
        try:
            good.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return good


@login_required
def missing(request: HttpRequest, plan_code: str, cycle_code: str) -> HttpResponse:
    """Units that have not submitted in a cycle, live (the page polls itself)."""
    plan = plan_access.get_plan_for_user(request.user, plan_code)
    if not plan_access.oversees(request.user, plan):
        raise PermissionDenied("missing")
    cycle = Cycle.objects.filter(plan=plan, code=cycle_code).first()
    if cycle is None:
        raise Http404("cycle")
    if request.method == "POST":
        return _urge(request, plan, cycle)
    # The cycle's slots are counted by the database; of the unsent ones (the list the home
    # page counts, inbox.not_submitted) the tasks' and targets' are read and listed under
    # their unit, and a unit's key projects' months (dozens a county) are counted, listed
    # in full on the unit's own view (?unit=<code>).
    counts = (
        access.visible_reports(request.user, plan)
        .filter(cycle=cycle)
        .aggregate(total=Count("pk"), submitted=Count("pk", filter=Q(state__in=SENT)))
    )
    unsent = inbox_data.not_submitted(request.user, plan, cycle)
    only = request.GET.get("unit", "")
    if only:
        unsent = unsent.filter(unit__code=only)
    units = (
        unsent.values("unit_id", "unit__code", "unit__short_name")
        .annotate(months=Count("pk", filter=Q(project__isnull=False)))
        .order_by("unit__path")
    )
    listed = unsent if only else unsent.filter(project__isnull=True)
    by_unit: dict[int, list[Report]] = defaultdict(list)
    for r in listed.select_related("task", "indicator", "project").order_by(
        "unit__path", "task__order", "pk"
    ):
        by_unit[r.unit_id].append(r)
    rows = [
        (
            _UnitChoice(u["unit__code"], u["unit__short_name"], ""),
            by_unit[u["unit_id"]],
            0 if only else u["months"],
        )
        for u in units
    ]
    context = {
        "plan": plan,
        "cycle": cycle,
        "late_parts": workflow.late_parts_in(cycle),
        "cycles": plan.cycles.order_by("start"),
        "rows": rows,
        "only": only,
        **_report_url(),
        "total": counts["total"],
        "submitted": counts["submitted"],
        "late": workflow.today() > cycle.due_on,
        "may_urge": access.reviews_plan(request.user, plan),
    }
    template = "reporting/missing.html#table" if request.htmx else "reporting/missing.html"
    return render(request, template, context)


def _urge(request: HttpRequest, plan: Plan, cycle: Cycle) -> HttpResponse:
    """催报 from the missing-reports page: the ticked units (or all listed) now."""
    codes = [c for c in request.POST.getlist("unit") if c] or None
    try:
        done = actions.urge(request.user, cycle, codes)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if done.units:
            messages.success(
                request,
                _("Reminded now: %(units)s.")
                % {"units": "、".join(u.short_name for u in done.units)},
            )
        if done.waiting:
            messages.warning(
                request,
                _("Already urged within the last %(hours)s hours, not reminded again: %(units)s.")
                % {
                    "hours": int(actions.URGE_EVERY.total_seconds() // 3600),
                    "units": "、".join(u.short_name for u in done.waiting),
                },
            )
    return redirect("reporting:missing", plan_code=plan.code, cycle_code=cycle.code)


@login_required
def task_history(request: HttpRequest, plan_code: str, task_code: str) -> HttpResponse:
    """A task's reporting history: every version, review and audit row (an htmx fragment)."""
    task = plan_access.get_task_for_user(request.user, plan_code, task_code)
    reports = access.visible_reports(request.user, task.plan).filter(task=task)
    versions = (
        ReportVersion.objects.filter(report__in=reports, submitted_at__isnull=False)
        .select_related("report__cycle", "report__unit", "created_by")
        .order_by("-submitted_at")
    )
    units = {r.unit.code for r in reports.select_related("unit")}
    audit = [
        e
        for e in AuditEntry.objects.filter(
            target__startswith=f"report:{task.plan.code}/", target__endswith=f"/{task.code}"
        ).select_related("actor")[:200]
        if e.target.split("/")[-2] in units
    ]
    for entry in audit:
        entry.label = events.label(entry.action)
    context = {"task": task, "versions": versions, "audit": audit}
    return render(request, "reporting/history.html", context)


@require_POST
@login_required
def mark_read(request: HttpRequest) -> HttpResponse:
    actions.mark_reminders_read(request.user)
    return redirect("reporting:inbox")


def _cycle_for_user(user, plan_code: str, cycle_code: str) -> Cycle:
    plan = plan_access.get_plan_for_user(user, plan_code)
    cycle = Cycle.objects.select_related("plan").filter(plan=plan, code=cycle_code).first()
    if cycle is None:
        raise Http404("cycle")
    return cycle


@login_required
def excel(request: HttpRequest, plan_code: str, cycle_code: str) -> HttpResponse:
    """GET: the unit's Excel template for the cycle. POST: read a filled one back."""
    cycle = _cycle_for_user(request.user, plan_code, cycle_code)
    if not org_access.unit_roots(request.user):
        raise PermissionDenied("excel")
    if workflow.today() < cycle.opens_on:
        opens = _("This cycle opens on %(date)s; it cannot be reported before then.")
        context = {"cycle": cycle, "problems": [opens % {"date": cycle.opens_on.isoformat()}]}
        return render(request, "reporting/import_errors.html", context, status=400)
    if request.method != "POST":
        # A GET never writes: the template lists the slots the cycle already has.
        response = HttpResponse(
            excel_io.export_template(request.user, cycle),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"mubiao-{cycle.plan.code}-{cycle.code}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationError(_("Choose the filled Excel file to upload."))
        changed = excel_io.import_file(
            request.user, cycle, upload, submit_them=request.POST.get("submit") == "1"
        )
    except ValidationError as exc:
        context = {"cycle": cycle, "problems": exc.messages}
        return render(request, "reporting/import_errors.html", context, status=400)
    messages.success(
        request,
        _("%(n)s reports saved from the file; unchanged rows were left alone.")
        % {"n": len(changed)},
    )
    return redirect("reporting:inbox")
