"""The project library: ledger with filters and summaries, a project page, Excel in and out."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mubiao.dashboard import cached_pages
from mubiao.orgs import access
from mubiao.plans import access as plan_access
from mubiao.plans.models import Plan
from mubiao.projects import access as project_access
from mubiao.projects import actions, library
from mubiao.projects import figures_excel as figures_excel_io
from mubiao.projects import measures as pm
from mubiao.projects.analysis_excel import analysis_xlsx, printed_rates
from mubiao.projects.excel import ProjectSheetError, export_projects
from mubiao.projects.models import Chain, Project
from mubiao.reporting import workflow
from mubiao.reporting.access import reports_to_fill, visible_reports
from mubiao.reporting.models import Cycle

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILTERS = ("county", "chain", "category", "stage", "behind")


def _filtered(request: HttpRequest, projects: QuerySet[Project]) -> QuerySet[Project]:
    get = request.GET
    if get.get("county"):
        projects = projects.filter(county__code=get["county"])
    if get.get("chain"):
        projects = projects.filter(chain__code=get["chain"])
    if get.get("category") in Project.Category.values:
        projects = projects.filter(category=get["category"])
    if get.get("stage") in Project.Stage.values:
        projects = projects.filter(stage=get["stage"])
    if get.get("q"):
        projects = projects.filter(name__icontains=get["q"][:50])
    return projects


@login_required
def project_list(request: HttpRequest, plan_code: str) -> HttpResponse:
    plan = plan_access.get_plan_for_user(request.user, plan_code)
    projects = _filtered(request, project_access.visible_projects(request.user, plan))
    if request.GET.get("format") == "xlsx" and request.GET.get("layout") != "analysis":
        response = HttpResponse(
            export_projects(projects.order_by("order", "code")), content_type=XLSX
        )
        response["Content-Disposition"] = f'attachment; filename="{plan.code}-projects.xlsx"'
        return response
    today = timezone.localdate()
    if request.GET.get("format") == "xlsx":  # the analysis layout
        rows = pm.progress_of(
            projects.prefetch_related("county", "chain").order_by("order", "code"), plan.year, today
        )
        selected = [r for r in rows if r.behind] if request.GET.get("behind") == "1" else rows
        response = HttpResponse(
            analysis_xlsx(selected, f"{plan.name} · {_('Key projects')}", today),
            content_type=XLSX,
        )
        name = f"{plan.code}-projects-analysis-{today.isoformat()}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    # The page around its upload form, kept under the key projects' version of today's
    # store (every import, every report's change on a key project's month and every
    # action but another report's submission, review or unlock bumps it) and who looks.
    version = cached_pages.current_version(plan, "projects")
    key = version and cached_pages.key(request, version, by_user=True)
    top, bottom = cached_pages.cached(key, lambda: _list_halves(request, plan, projects, today))
    return render(
        request,
        "projects/list.html",
        {
            "plan": plan,
            "top": mark_safe(top),
            "bottom": mark_safe(bottom),
            "can_manage": actions.can_manage_projects(request.user, plan),
        },
    )


def _list_halves(
    request: HttpRequest, plan: Plan, projects: QuerySet[Project], today: dt.date
) -> tuple[str, str]:
    """The project library's page before and after its upload form. The figures around
    the list (``projects.library``) are the store's for a view of the whole library by
    one who sees all of it, with only the page's 50 projects measured; any other view
    measures its projects and counts the same figures over them (the targets' roll-up,
    of the whole plan's projects, is the store's whenever it holds today)."""
    ordered = projects.prefetch_related("county", "chain").order_by("order", "code")
    behind = request.GET.get("behind") == "1"
    whole = stored_library(plan, today)
    stored = None
    if not any(request.GET.get(k) for k in (*FILTERS, "q")) and plan_access.oversees(
        request.user, plan
    ):
        stored = whole
    if stored is not None:
        figures = library.readable(stored)
        page = Paginator(ordered, 50).get_page(request.GET.get("page"))
        page.object_list = pm.progress_of(list(page.object_list), plan.year, today)
    else:
        rows = pm.progress_of(ordered, plan.year, today)
        # the targets' roll-up counts the whole plan's projects: the store's, when it has it
        targets = whole["targets"] if whole is not None else None
        figures = library.readable(library.figures_of(plan, rows, today, projects, targets))
        page = Paginator([r for r in rows if r.behind] if behind else rows, 50).get_page(
            request.GET.get("page")
        )
    t, f, m = figures["totals"], figures["breakdowns"], figures["measures"]
    f["tables"] = [
        (_("By tier"), f["by_tier"]),
        (_("By stage"), f["by_stage"]),
        (_("By category"), f["by_category"]),
    ]
    query = request.GET.copy()
    query.pop("page", None)
    for row in m["by_county"]:  # funds secured per county, counted as everywhere (pm.funds)
        row["f"] = figures["county_funds"].get(row["county__code"] or "", pm.funds([]))
    actuals = figures["targets"]
    targets = plan_access.visible_indicators(request.user, plan).filter(pk__in=actuals)
    context = {
        "plan": plan,
        "page": page,
        # A project's and a county's page, as the halves around its code: reversing each
        # of the list's URLs would cost more than the rest of its row.
        "project_url": reverse("projects:detail", args=[plan.code, "0"]).rsplit("0", 1),
        "county_url": reverse("projects:county", args=[plan.code, "0"]).rsplit("0", 1),
        "query": query.urlencode(),
        "m": m,
        "t": t,
        "f": f,
        "targets": [(i, actuals[i.pk]) for i in targets.order_by("order")],
        "counties": access.visible_units(request.user).filter(level="county"),
        "chains": Chain.objects.filter(plan=plan),
        "categories": Project.Category.choices,
        "stages": Project.Stage.choices,
        "chosen": {k: request.GET.get(k, "") for k in (*FILTERS, "q")},
        "synthetic": projects.filter(synthetic=True).exists(),
    }
    top = render_to_string("projects/list.html#top", context, request)
    return top, render_to_string("projects/list.html#bottom", context, request)


def stored_library(plan: Plan, day: dt.date) -> dict | None:
    """The whole library's figures the plan's store holds for ``day`` (today), or None
    when it holds another day, is stale or has none (``projects.library``)."""
    from mubiao.dashboard.models import StatusCache

    return (
        StatusCache.objects.filter(plan=plan, as_of=day, stale=False)
        .values_list("library", flat=True)
        .first()
    )


@login_required
def project_detail(request: HttpRequest, plan_code: str, project_code: str) -> HttpResponse:
    project = project_access.get_project_for_user(request.user, plan_code, project_code)
    today = timezone.localdate()
    progress = pm.progress_of([project], project.plan.year, today)[0]
    rate, share, gap = printed_rates(progress)
    reports = (
        visible_reports(request.user, project.plan)
        .filter(project=project)
        .select_related("cycle", "unit")
        .order_by("cycle__start")
    )
    return render(
        request,
        "projects/detail.html",
        {
            "plan": project.plan,
            "project": project,
            "targets": project.counts_toward.all(),
            "p": progress,
            "printed": {"rate": rate, "share": share, "gap": gap},
            "curve": {
                **pm.monthly_curve(project, today),
                "planned_name": _("Plan by 序时进度"),
                "actual_name": _("Completed (approved months)"),
                "unit": _("10k yuan"),
            },
            "reports": reports,
        },
    )


@login_required
def county(request: HttpRequest, plan_code: str, county_code: str) -> HttpResponse:
    """A county's key projects: its totals, lights, funds secured, stages and chains, and
    the list."""
    plan = plan_access.get_plan_for_user(request.user, plan_code)
    unit = access.get_unit_for_user(request.user, county_code)
    projects = project_access.visible_projects(request.user, plan).filter(county=unit)
    today = timezone.localdate()
    version = cached_pages.current_version(plan, "projects")
    key = version and cached_pages.key(request, version, by_user=True)
    body = cached_pages.cached(key, lambda: _county_body(request, plan, unit, projects, today))
    return render(
        request, "projects/county.html", {"plan": plan, "county": unit, "body": mark_safe(body)}
    )


def _county_body(
    request: HttpRequest, plan: Plan, unit, projects: QuerySet[Project], today: dt.date
) -> str:
    rows = pm.progress_of(
        projects.select_related("county", "chain").order_by("order", "code"), plan.year, today
    )
    behind = [r for r in rows if r.behind]
    t = pm.totals(rows, plan.year, today)
    return render_to_string(
        "projects/county.html#body",
        {
            "plan": plan,
            "county": unit,
            "t": t,
            "m": library.measures(projects, today, plan, t["through"]),
            "by_chain": pm.grouped(rows, lambda p: p.chain.name if p.chain else _("no chain")),
            "f": pm.funds(rows),
            "behind": behind[:100],
            "rows": rows,
        },
        request,
    )


def _cycle(user, plan_code: str, cycle_code: str) -> Cycle:
    plan = plan_access.get_plan_for_user(user, plan_code)
    cycle = Cycle.objects.select_related("plan").filter(plan=plan, code=cycle_code).first()
    if cycle is None:
        raise Http404("cycle")
    return cycle


@login_required
def unit_reporting(request: HttpRequest, plan_code: str, cycle_code: str) -> HttpResponse:
    """The user's units' key-project months in one cycle, to open and fill one by one."""
    cycle = _cycle(request.user, plan_code, cycle_code)
    plan = cycle.plan
    reports = list(
        reports_to_fill(request.user)
        .filter(cycle=cycle, project__isnull=False)
        .select_related("cycle__plan", "unit", "project")
        .order_by("unit__path", "project__order", "project__code")
    )
    for report in reports:
        report.sentence = workflow.describe(report)
    return render(
        request,
        "projects/reporting.html",
        {"plan": plan, "cycle": cycle, "reports": reports},
    )


@login_required
@require_POST
def project_upload(request: HttpRequest, plan_code: str) -> HttpResponse:
    plan = plan_access.get_plan_for_user(request.user, plan_code)
    if not actions.can_manage_projects(request.user, plan):
        raise PermissionDenied("projects")
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose an Excel file to upload."))
        return redirect("projects:list", plan.code)
    try:
        counts = actions.import_projects(request.user, plan, upload.read())
    except ProjectSheetError as exc:
        for problem in exc.errors[:20]:
            messages.error(request, str(problem))
        if len(exc.errors) > 20:
            messages.error(request, _("… and %(n)s more problems.") % {"n": len(exc.errors) - 20})
        messages.error(request, _("Nothing was saved; correct the file and upload it again."))
    else:
        messages.success(
            request,
            _("Saved: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.") % counts,
        )
    return redirect("projects:list", plan.code)


@login_required
def figures_excel(request: HttpRequest, plan_code: str, cycle_code: str) -> HttpResponse:
    """GET: the unit's project months of a cycle as Excel. POST: read a filled one back."""
    cycle = _cycle(request.user, plan_code, cycle_code)
    if not access.unit_roots(request.user):
        raise PermissionDenied("excel")
    if request.method != "POST":
        response = HttpResponse(
            figures_excel_io.export_figures(request.user, cycle), content_type=XLSX
        )
        name = f"{cycle.plan.code}-{cycle.code}-projects.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    back = redirect("projects:reporting", cycle.plan.code, cycle.code)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose an Excel file to upload."))
        return back
    try:
        saved = figures_excel_io.import_figures(
            request.user, cycle, upload.read(), submit_them=request.POST.get("submit") == "1"
        )
    except ProjectSheetError as exc:
        for problem in exc.errors[:20]:
            messages.error(request, str(problem))
        messages.error(request, _("Nothing was saved; correct the file and upload it again."))
    except ValidationError as exc:
        for problem in exc.messages[:20]:
            messages.error(request, problem)
        messages.error(request, _("Nothing was saved; correct the file and upload it again."))
    else:
        messages.success(
            request,
            _("%(n)s reports saved from the file; unchanged rows were left alone.")
            % {"n": len(saved)},
        )
    return back
