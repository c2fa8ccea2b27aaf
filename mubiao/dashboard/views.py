"""The monitoring pages: dashboard, area, task, report, ledger, bulletins.

Every page reads through ``orgs.access`` and the one report-data builder; an ``as_of``
query parameter (YYYY-MM-DD) shows the plan as it stood at the end of that day.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mubiao.dashboard import actions as dashboard_actions
from mubiao.dashboard import bulletin as bulletins
from mubiao.dashboard import cached_pages, current
from mubiao.dashboard import ledger as ledgers
from mubiao.dashboard.models import Bulletin
from mubiao.dashboard.unit_standings import (
    LAST_YEAR_UNITS,
    LIGHT_RULES,
    POINT_MEASURES,
    with_words,
)
from mubiao.lib.dates import parse_as_of
from mubiao.lib.http import Refused
from mubiao.lib.text import printable_tree
from mubiao.monitor import deadlines
from mubiao.monitor.ranking import place_words
from mubiao.plans import access as plan_access
from mubiao.plans.models import Area, Plan
from mubiao.reporting import access as report_access
from mubiao.reporting.models import Cycle

LEDGER_PAGE = 200  # rows per ledger page (the Excel export has them all)
RANKING_ENDS = 10  # the dashboard shows a long ranking's first and last ten


def as_of_of(request: HttpRequest, plan: Plan) -> dt.date:
    """The ``as_of`` parameter, or today; a date that is not one, or far from the plan's
    year, is a 400 with a sentence (:func:`mubiao.lib.dates.parse_as_of`), not a crash."""
    try:
        return parse_as_of(request.GET.get("as_of"), plan.year, today=timezone.localdate())
    except ValidationError as exc:
        raise Refused(" ".join(exc.messages)) from exc


def fragment_key(request: HttpRequest, plan: Plan, data: dict) -> str | None:
    """The key under which a page read from the status store is cached
    (``cached_pages.key``: the page, the store's version, the language and the query,
    and the day the store holds and whether it is behind). None for a live page (never
    cached)."""
    table = data.get("table")
    if not table:
        return None
    return cached_pages.key(request, table["version"], parts=[table["as_of"], str(table["behind"])])


def _context(request: HttpRequest, plan: Plan, as_of: dt.date, **extra) -> dict:
    # A task's page, as the two halves around its code: lists link hundreds of tasks,
    # and reversing each one's URL would cost more than the rest of the row.
    before, after = reverse("dashboard:task", args=[plan.code, "0"]).rsplit("0", 1)
    area_before, area_after = reverse("dashboard:area", args=[plan.code, "0"]).rsplit("0", 1)
    return {
        "task_url": (before, after),
        "area_url": (area_before, area_after),
        "plan": plan,
        "as_of": as_of,
        "today": timezone.localdate(),
        "as_of_param": request.GET.get("as_of", ""),
        **extra,
    }


@login_required
def dashboard(request: HttpRequest, plan_code: str) -> HttpResponse:
    """The dashboard. Read from the store, its body is cached under the store's version
    (``fragment_key``), which is looked up before anything else is read: a repeated view
    of unchanged figures reads the store's header and nothing more. Read from the store,
    the body holds the header's figures and the headline targets, and each of
    ``current.PARTS`` (headline targets, red items, overdue, areas, ranking, good
    progress) is fetched as the page loads (``dashboard_part``, cached the same way), and
    the supervision panel last (``PANEL``, never cached); a live view renders them all at
    once."""
    plan = plan_access.get_plan_for_user(request.user, plan_code)
    as_of = as_of_of(request, plan)
    store = current.overseer_store(plan, request.user, as_of)
    key = _store_key(request, plan, store)
    if key is None and as_of != timezone.localdate():
        # A past day, judged live: kept under the past days' version of today's store
        # (any change to an input bumps it but a report's submission, review or unlock of
        # today), the day and who looks (a unit sees its own items).
        version = cached_pages.day_version(plan, as_of)
        key = version and cached_pages.key(request, version, day=as_of, by_user=True)
        body = cached_pages.cached(
            key, lambda: _dashboard_body(request, plan, as_of, store, lazy=False)
        )
        key = None  # every part is in place: nothing to fetch
    else:
        body = cached_pages.cached(
            key, lambda: _dashboard_body(request, plan, as_of, store, lazy=key is not None)
        )
    # The body is this page's own rendering (from this cache or just now). Read from the
    # store, the supervision panel (live, not kept by the store) is fetched last as well.
    return render(
        request,
        "dashboard/dashboard.html",
        {"plan": plan, "body": mark_safe(body), "lazy_panel": key is not None},
    )


def _store_key(request: HttpRequest, plan: Plan, store) -> str | None:
    """The cache key of a dashboard (or one of its parts) read from the store; None for
    a live view."""
    if store is None or store[0] is None:
        return None
    return fragment_key(request, plan, current.header(plan, store[0], behind=store[1]))


def _dashboard_body(request: HttpRequest, plan: Plan, as_of: dt.date, store, *, lazy: bool) -> str:
    if lazy:  # read from the store: the parts are fetched as the page loads
        data = current.dashboard_head(plan, store[0], behind=store[1])
    else:
        data = current.dashboard_data(plan, request.user, as_of, store)
    as_of = dt.date.fromisoformat(data["as_of"])
    return render_to_string(
        "dashboard/dashboard.html#body",
        _context(request, plan, as_of, data=data, lazy=lazy,
                 charts=None if lazy else _charts(data),
                 excerpts=None if lazy else _excerpts(data["ranking"])),
        request,
    )  # fmt: skip


def _charts(data: dict) -> dict:
    """The headline targets' curves (the page's JSON block for ``dashboard.js``)."""
    return {
        "colours": {"indicators": data["counts"]["indicators"], "tasks": data["counts"]["tasks"]},
        "trends": [{**t, "labels": month_labels(t["months"])} for t in data["trends"]],
        "labels": _chart_labels(),
    }


@login_required
def dashboard_part(request: HttpRequest, plan_code: str, part: str) -> HttpResponse:
    """One of the dashboard's ``current.PARTS`` as the page fetches it when it loads: the
    section read from the store (cached under its version like the page), or, for a view
    that is not read from the store (whose page has every part already), from the live
    view of that day. ``PANEL``: the supervision panel, as the page shows it (live)."""
    if part not in (*current.PARTS, PANEL):
        raise Http404("part")
    plan = plan_access.get_plan_for_user(request.user, plan_code)
    if part == PANEL:  # live: open items change without a new version of the store
        return render(request, "dashboard/dashboard.html#supervision", {"plan": plan})
    as_of = as_of_of(request, plan)
    store = current.overseer_store(plan, request.user, as_of)
    key = _store_key(request, plan, store)

    def build() -> str:
        if key:
            cache, behind = store
            data = {
                **current.header(plan, cache, behind=behind),
                "counts": cache.counts,
                "red_total": current.red_total(cache.counts),
                **current.dashboard_part(plan, cache, part),
            }
        else:
            data = current.dashboard_data(plan, request.user, as_of, store)
        return render_to_string(
            f"dashboard/dashboard.html#{part}",
            _context(request, plan, dt.date.fromisoformat(data["as_of"]), data=data,
                     charts=_charts(data) if part == "headline" else None,
                     excerpts=_excerpts(data["ranking"]) if part == "ranking" else None),
            request,
        )  # fmt: skip

    return HttpResponse(cached_pages.cached(key, build))


#: The dashboard's last part: the supervision office's panel of open items (overseers').
PANEL = "supervision"


def _excerpts(ranking: dict | None) -> dict | None:
    """The dashboard's two ranking tables (``excerpt``), each row with its place counted
    over the whole table."""
    if not ranking:
        return None
    return {
        "rows": places(excerpt(ranking["rows"]), among=ranking["rows"]),
        "counties": places(excerpt(ranking["counties"]), among=ranking["counties"]),
    }


def excerpt(rows: list[dict], ends: int = RANKING_ENDS) -> list[dict]:
    """A ranking table for the dashboard: all of it when short, else the first and last
    ``ends`` ranked units, each shown once, and one line saying how many there are in all
    (the ranking page has every unit): between the two ends when ranked units are left
    out there, else last (units not ranked are left out)."""
    if len(rows) <= 2 * ends:
        return rows
    ranked = [r for r in rows if r["rank"] is not None]
    top, bottom = ranked[:ends], ranked[max(ends, len(ranked) - ends) :]
    gap = {"gap": True, "total": len(rows)}
    if len(ranked) > 2 * ends:
        return [*top, gap, *bottom]
    return [*top, *bottom, gap]


MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_labels(codes: list[str]) -> list[str]:
    """A chart's months in the page's language: "202601" → "1月", or "Jan" in English."""
    english = (get_language() or "").startswith("en")
    return [MONTHS_EN[int(c[4:6]) - 1] if english else f"{int(c[4:6])}月" for c in codes]


@login_required
def ranking(request: HttpRequest, plan_code: str) -> HttpResponse:
    """Every unit's rank, score and measures, with the formula; the counties' and the
    functional zones' separate rankings by key-project investment completion, with the
    红黑榜 where the plan uses one (overseers only). Its body is cached under the
    version of today's store, the day shown and who looks (``cached_pages``)."""
    plan = plan_access.get_plan_for_user(request.user, plan_code)
    if not plan_access.oversees(request.user, plan):
        raise PermissionDenied("ranking")
    asked = as_of_of(request, plan)
    version = cached_pages.day_version(plan, asked)
    key = version and cached_pages.key(request, version, day=asked, by_user=True)
    body = cached_pages.cached(key, lambda: _ranking_body(request, plan, asked))
    return render(request, "dashboard/ranking.html", {"plan": plan, "body": mark_safe(body)})


def _ranking_body(request: HttpRequest, plan: Plan, asked: dt.date) -> str:
    data = current.ranking_data(plan, request.user, asked)
    as_of = dt.date.fromisoformat(data["as_of"])
    if data.get("ranking"):
        data = {**data, "ranking": {
            **data["ranking"], "rows": places(data["ranking"]["rows"]),
            "counties": places(data["ranking"]["counties"]),
            "zones": places(data["ranking"].get("zones") or []),
            "enterprises": places(data["ranking"].get("enterprises") or [])}}  # fmt: skip
    return render_to_string(
        "dashboard/ranking.html#body",
        _context(
            request,
            plan,
            as_of,
            data=data,
            units=with_words(current.standings_data(plan, as_of, data)),
            may_set=dashboard_actions.may_set_conventions(request.user, plan),
        ),
        request,
    )


def places(rows: list[dict], among: list[dict] | None = None) -> list[dict]:
    """Each ranked row with its place as printed: 第3, 并列第1 where units share it
    (English: 3, =1), as the bulletin prints it: the ranking page and the dashboard's
    excerpt both use it. Ties are counted over ``among`` (the whole table; by default
    ``rows``); the excerpt's gap line is left as it is."""
    zh = not (get_language() or "").startswith("en")
    counts: dict[int, int] = {}
    for r in rows if among is None else among:
        if r["rank"] is not None:
            counts[r["rank"]] = counts.get(r["rank"], 0) + 1
    out = []
    for r in rows:
        if r.get("gap"):
            out.append(r)
            continue
        place = None
        if r["rank"] is not None:
            words = place_words(r["rank"], counts[r["rank"]] > 1)
            place = words.zh if zh else words.en
        out.append({**r, "place": place})
    return out


def _chart_labels() -> dict:
    return {
        "actual": _("Actual"),
        "expected": _("Expected progress"),
        "share_green": _("Share green or done (%)"),
        "on_time_rate": _("On-time reporting (%)"),
        "green": _("green"),
        "yellow": _("yellow"),
        "red": _("red"),
        "done": _("done"),
        "grey": _("grey"),
    }


def _area_codes(plan: Plan, area: Area) -> set[str]:
    areas = list(Area.objects.filter(plan=plan).values_list("code", "pk", "parent_id"))
    wanted = {area.pk}
    changed = True
    while changed:
        changed = False
        for _code, pk, parent in areas:
            if parent in wanted and pk not in wanted:
                wanted.add(pk)
                changed = True
    return {code for code, pk, _parent in areas if pk in wanted}


@login_required
def area(request: HttpRequest, plan_code: str, area_code: str) -> HttpResponse:
    plan = plan_access.get_plan_for_user(request.user, plan_code)
    the_area = get_object_or_404(Area, plan=plan, code=area_code)
    as_of = as_of_of(request, plan)
    data = current.report_data_for(plan, request.user, as_of)
    codes = _area_codes(plan, the_area)
    tasks = [t for t in data["tasks"] if t["area_code"] in codes]
    indicators = [i for i in data["indicators"] if i["area_code"] in codes]
    tasks.sort(key=lambda r: deadlines.severity(r["status"]))
    return render(
        request,
        "dashboard/area.html",
        _context(request, plan, as_of, area=the_area, tasks=tasks, indicators=indicators),
    )


@login_required
def task(request: HttpRequest, plan_code: str, task_code: str) -> HttpResponse:
    the_task = plan_access.get_task_for_user(request.user, plan_code, task_code)
    plan = the_task.plan
    as_of = as_of_of(request, plan)
    task_row, indicators = current.task_rows(plan, the_task, as_of)
    reports = _reports_of(request.user, plan, as_of).filter(task=the_task)
    return render(
        request,
        "dashboard/task.html",
        _context(
            request, plan, as_of, task=the_task, row=task_row, indicators=indicators,
            reports=reports,
        ),
    )  # fmt: skip


def _reports_of(user, plan: Plan, as_of: dt.date):
    """The reports a user may read (the reporting pages' rule), of cycles begun by ``as_of``."""
    return (
        report_access.visible_reports(user, plan)
        .filter(cycle__start__lte=as_of)
        .select_related("cycle", "unit")
        .order_by("-cycle__start", "-role", "unit__path")
    )


@login_required
def report(
    request: HttpRequest, plan_code: str, task_code: str, cycle_code: str, unit_code: str
) -> HttpResponse:
    the_task = plan_access.get_task_for_user(request.user, plan_code, task_code)
    plan = the_task.plan
    the_report = report_access.get_task_report_for_user(
        request.user, the_task, cycle_code, unit_code
    )
    versions = the_report.versions.prefetch_related("values__indicator").order_by("-number")
    reviews = the_report.reviews.select_related("reviewer").order_by("at")
    return render(
        request,
        "dashboard/report.html",
        _context(
            request, plan, as_of_of(request, plan), task=the_task, report=the_report,
            versions=versions, reviews=reviews,
        ),
    )  # fmt: skip


@login_required
def ledger(request: HttpRequest, plan_code: str) -> HttpResponse:
    plan = plan_access.get_plan_for_user(request.user, plan_code)
    as_of = as_of_of(request, plan)
    filters = ledgers.Filters.from_query(request.GET)
    cache, behind = (
        current.usable(plan, as_of) if plan_access.oversees(request.user, plan) else (None, False)
    )
    if cache is not None:  # the current-status table: filtered and paged in SQL
        as_of = cache.as_of
        data = current.header(plan, cache, behind=behind)
        rows = current.ledger_rows(plan, cache, filters)
        # Called by the template, so a cached page does not query them.
        units, areas = partial(current.ledger_units, plan), partial(current.ledger_areas, plan)
    else:
        data = current.report_data_for(plan, request.user, as_of)
        rows = ledgers.rows(data, filters)
        units = sorted({u for r in data["indicators"] + data["tasks"] for u in r["units"]})
        areas = sorted({r["area"] for r in data["tasks"] + data["indicators"] if r["area"]})
    if request.GET.get("format") == "xlsx":
        return ledgers.xlsx_response(data, list(rows), plan)
    page = Paginator(rows, LEDGER_PAGE).get_page(request.GET.get("page"))
    total = page.paginator.count
    return render(
        request,
        "dashboard/ledger.html",
        _context(
            request, plan, as_of, data=data, rows=page.object_list, page=page, total=total,
            filters=filters, units=units, areas=areas, query=_without_page(request.GET),
            fragment_key=fragment_key(request, plan, data),
        ),
    )  # fmt: skip


def _without_page(query) -> str:
    query = query.copy()
    query.pop("page", None)
    return query.urlencode()


def _bulletin_cycles(plan: Plan, today: dt.date) -> list[Cycle]:
    """The cycles a bulletin can be built for today (ended ones: ``as_of_window``), each
    with the day the form proposes."""
    from mubiao.reporting.cycles import monthly_dues

    dues = monthly_dues(plan.pk)  # every cycle's window from one read of the due days
    cycles = []
    for c in Cycle.objects.filter(plan=plan, end__lte=today).order_by("start"):
        if bulletins.as_of_window(c, dues)[0] <= today:
            c.proposed_as_of = bulletins.default_as_of(c, today, dues)  # type: ignore[attr-defined]
            cycles.append(c)
    return cycles


@login_required
def bulletin_list(request: HttpRequest, plan_code: str) -> HttpResponse:
    plan = plan_access.get_plan_for_user(request.user, plan_code)
    if not plan_access.oversees(request.user, plan):
        raise PermissionDenied("bulletins")
    items = Bulletin.objects.filter(cycle__plan=plan).select_related("cycle", "created_by")
    today = timezone.localdate()
    cycles = _bulletin_cycles(plan, today)
    # The bulletin is written on the latest closed cycle: its reporting deadline is past.
    closed = [c for c in cycles if c.due_on < today]
    default = closed[-1] if closed else (cycles[0] if cycles else None)
    return render(
        request,
        "dashboard/bulletins.html",
        _context(
            request, plan, today, bulletins=items, cycles=cycles, default_cycle=default,
            default_as_of=default.proposed_as_of if default else today,
            may_publish=bulletins.may_publish(request.user, plan),
            narrative=(
                bulletins.default_narrative(plan, default, default.proposed_as_of)
                if default else None
            ),
        ),
    )  # fmt: skip


@login_required
@require_POST
def bulletin_create(request: HttpRequest, plan_code: str) -> HttpResponse:
    """Build the month's bulletin: as a draft to review (``intent=draft``) or published."""
    plan = plan_access.get_plan_for_user(request.user, plan_code)
    cycle = get_object_or_404(Cycle, plan=plan, code=request.POST.get("cycle", ""))
    return _bulletin_write(request, plan, cycle, None)


@login_required
def bulletin_edit(request: HttpRequest, plan_code: str, code: str) -> HttpResponse:
    """A draft: its content as it would print (the preview) and the office's text to edit;
    saved again or published from here."""
    plan = plan_access.get_plan_for_user(request.user, plan_code)
    if not bulletins.may_publish(request.user, plan):
        raise PermissionDenied("bulletin")
    item = get_object_or_404(
        Bulletin.objects.select_related("cycle__plan"), cycle__plan=plan, code=code
    )
    if request.method == "POST":
        if not item.is_draft:
            raise Refused(_("This bulletin is published: it can no longer be edited."))
        cycle = get_object_or_404(Cycle, plan=plan, code=request.POST.get("cycle", ""))
        return _bulletin_write(request, plan, cycle, item)
    content = printable_tree(item.content)
    narrative = dict(item.narrative)
    if not narrative.get("problems"):
        narrative["problems"] = "\n".join(bulletins.problem_lines(content))
    cycles = _bulletin_cycles(plan, timezone.localdate())
    return render(
        request,
        "dashboard/bulletin_edit.html",
        _context(request, plan, item.as_of, item=item, content=content, narrative=narrative,
                 cycles=cycles),
    )  # fmt: skip


def _bulletin_write(
    request: HttpRequest, plan: Plan, cycle: Cycle, draft: Bulletin | None
) -> HttpResponse:
    try:
        as_of = parse_as_of(request.POST.get("as_of"), plan.year, today=timezone.localdate())
    except ValidationError as exc:
        raise Refused(" ".join(exc.messages)) from exc
    narrative = {k: request.POST.get(k, "") for k in dashboard_actions.NARRATIVE_FIELDS}
    back = (
        redirect("dashboard:bulletin-edit", plan.code, draft.code)
        if draft
        else redirect("dashboard:bulletins", plan.code)
    )
    try:
        if request.POST.get("intent") == "draft":
            made = dashboard_actions.save_bulletin_draft(
                request.user, cycle, as_of, narrative, draft
            )
        else:
            made = dashboard_actions.publish_bulletin(request.user, cycle, as_of, narrative, draft)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return back
    labels = {"cycle": cycle.label, "date": made.as_of.isoformat()}
    if made.is_draft:
        messages.success(
            request, _("Draft of the bulletin for %(cycle)s (as of %(date)s) saved.") % labels
        )
        return redirect("dashboard:bulletin-edit", plan.code, made.code)
    messages.success(request, _("Bulletin for %(cycle)s (as of %(date)s) is ready.") % labels)
    return redirect("dashboard:bulletins", plan.code)


@login_required
def bulletin_download(request: HttpRequest, plan_code: str, code: str) -> HttpResponse:
    plan = plan_access.get_plan_for_user(request.user, plan_code)
    if not plan_access.oversees(request.user, plan):
        raise PermissionDenied("bulletin")
    item = get_object_or_404(
        Bulletin.objects.select_related("cycle__plan"), cycle__plan=plan, code=code
    )
    if not item.file:
        raise Http404("draft")  # a draft has no file until it is published
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.file_name)


@login_required
def bulletin_pdf(request: HttpRequest, plan_code: str, code: str) -> HttpResponse:
    """The bulletin's PDF copy (404 when LibreOffice was not there to render it)."""
    plan = plan_access.get_plan_for_user(request.user, plan_code)
    if not plan_access.oversees(request.user, plan):
        raise PermissionDenied("bulletin")
    item = get_object_or_404(
        Bulletin.objects.select_related("cycle__plan"), cycle__plan=plan, code=code
    )
    if not item.pdf:
        raise Http404("pdf")
    return FileResponse(item.pdf.open("rb"), as_attachment=True, filename=item.pdf_name)


COMPARISONS = (">=", ">", "<=", "<")


def _number(text: str, field: str, whole: bool = False) -> float:
    try:
        value = float(text.replace("，", "").strip())
        if not math.isfinite(value):  # inf, nan: not a figure, and no JSON holds them
            raise ValueError(text)
    except ValueError:
        raise ValidationError(
            _("%(field)s must be a number, not “%(text)s”.") % {"field": field, "text": text}
        ) from None
    if whole and value != int(value):
        raise ValidationError(_("%(field)s must be a whole number.") % {"field": field})
    return value


def _lines(text: str) -> list[list[str]]:
    """Non-empty lines, each split on | into trimmed cells."""
    return [
        [cell.strip() for cell in line.split("|")] for line in text.splitlines() if line.strip()
    ]


def unit_ranking_from_form(post) -> dict:
    """The setting ``set_unit_ranking`` takes, from the settings form; a field that is not
    what it should be is a ValidationError with a sentence naming it."""
    setting: dict = {
        "measure": post.get("measure", "completion"),
        "order": post.get("order", "desc"),
    }
    if post.get("lights"):
        if post["lights"] not in LIGHT_RULES:
            raise ValidationError(_("Choose how the ranking lights its units."))
        setting["lights"] = post["lights"]
    for side, name in (("red", _("Red list")), ("black", _("Black list"))):
        if not post.get(f"{side}_on"):
            continue
        comparison = post.get(f"{side}_comparison", "")
        if comparison not in COMPARISONS:
            raise ValidationError(_("%(list)s: choose a comparison.") % {"list": name})
        size = _number(post.get(f"{side}_size", ""), _("%(list)s: size") % {"list": name}, True)
        if size < 1:
            raise ValidationError(_("%(list)s holds at least one unit.") % {"list": name})
        setting[side] = {
            "size": int(size),
            "measure": post.get(f"{side}_measure", "completion"),
            "comparison": comparison,
            "threshold": _number(
                post.get(f"{side}_threshold", ""), _("%(list)s: threshold") % {"list": name}
            ),
        }
    exemptions = {}
    for line in post.get("exemptions", "").splitlines():
        if not line.strip():
            continue
        unit, sep, reason = line.replace("：", ":").partition(":")
        if not sep or not unit.strip() or not reason.strip():
            raise ValidationError(
                _("Write each exemption as “unit: reason”, not “%(line)s”.") % {"line": line}
            )
        exemptions[unit.strip()] = reason.strip()
    if exemptions:
        setting["exemptions"] = exemptions
    by = post.get("tiers_by", "")
    if by in ("place", "figure"):
        bands = []
        for cells in _lines(post.get("tiers", "")):
            if by == "place":
                if len(cells) != 4:
                    raise ValidationError(
                        _("Write each tier of places as “name | English name | first | last”.")
                    )
                bands.append({"zh": cells[0], "en": cells[1] or cells[0],
                              "first": int(_number(cells[2], cells[0], True)),
                              "last": int(_number(cells[3], cells[0], True))})  # fmt: skip
            else:
                if len(cells) != 3:
                    raise ValidationError(
                        _("Write each tier of figures as “name | English name | at least”.")
                    )
                bands.append({"zh": cells[0], "en": cells[1] or cells[0],
                              "at_least": _number(cells[2], cells[0]) if cells[2] else None})  # fmt: skip
        if not bands:
            raise ValidationError(_("Tiers need at least one line."))
        setting["tiers"] = {"by": by, "bands": bands}
    points = []
    for cells in _lines(post.get("points", "")):
        if len(cells) != 4:
            raise ValidationError(
                _("Write each points rule as “measure | points | per | at least”.")
            )
        if cells[0] not in POINT_MEASURES:
            raise ValidationError(
                _("“%(measure)s” is not a points measure: use started, ytd or completion.")
                % {"measure": cells[0]}
            )
        points.append({"measure": cells[0], "points": _number(cells[1], cells[0]),
                       "per": _number(cells[2], cells[0]) if cells[2] else None,
                       "at_least": _number(cells[3], cells[0]) if cells[3] else None})  # fmt: skip
    if points:
        setting["points"] = points
    last_year = _last_year_from_form(post)
    if last_year:
        setting["last_year"] = last_year
    return setting


def _last_year_from_form(post) -> dict | None:
    """Last year's figures per unit from the form: one line a unit, "宛城区 | 1.2 | 1.5 | …"
    (January first; an empty cell is a month not known)."""
    values: dict[str, list[float | None]] = {}
    for cells in _lines(post.get("last_year", "")):
        unit = cells[0]
        if not unit or len(cells) < 2:
            raise ValidationError(
                _("Write last year's figures of each unit as “unit | January | February | …”.")
            )
        if len(cells) > 13:
            raise ValidationError(
                _("Last year's figures of %(unit)s: at most 12 months.") % {"unit": unit}
            )
        field = _("Last year's figures of %(unit)s") % {"unit": unit}
        values[unit] = [_number(c, field) if c else None for c in cells[1:]]
    if not values:
        return None
    return {"unit": post.get("last_year_unit", "亿元"),
            "figures": post.get("last_year_figures", "monthly"), "values": values}  # fmt: skip


def _form_of(setting: dict) -> dict:
    """The stored setting as the form shows it."""
    form: dict = {"measure": setting.get("measure", "completion"),
                  "order": setting.get("order", "desc"), "lights": setting.get("lights") or ""}  # fmt: skip
    for side in ("red", "black"):
        rule = setting.get(side)
        form[side] = dict(rule, on=True) if rule else {"on": False}
    form["exemptions"] = "\n".join(
        f"{u}：{why}" for u, why in (setting.get("exemptions") or {}).items()
    )
    tiers = setting.get("tiers") or {}
    form["tiers_by"] = tiers.get("by", "")
    form["tiers"] = "\n".join(
        " | ".join(str(v) for v in (b["zh"], b.get("en", ""), b["first"], b["last"]))
        if tiers.get("by") == "place"
        else " | ".join((b["zh"], b.get("en", ""), "" if b.get("at_least") is None else f"{b['at_least']:g}"))
        for b in tiers.get("bands", [])
    )  # fmt: skip
    form["points"] = "\n".join(
        " | ".join((p["measure"], f"{p['points']:g}", "" if p.get("per") is None else f"{p['per']:g}",
                    "" if p.get("at_least") is None else f"{p['at_least']:g}"))
        for p in setting.get("points") or []
    )  # fmt: skip
    last_year = setting.get("last_year") or {}
    form["last_year_unit"] = last_year.get("unit", "亿元")
    form["last_year_figures"] = last_year.get("figures", "monthly")
    form["last_year"] = "\n".join(
        " | ".join([unit, *("" if v is None else f"{v:g}" for v in series)])
        for unit, series in (last_year.get("values") or {}).items()
    )
    return form


@login_required
def ranking_settings(request: HttpRequest, plan_code: str) -> HttpResponse:
    """How counties and functional zones are ranked: the measure, the order, the 红黑榜 with
    its exemptions, tiers and points (the supervision office only), saved through
    ``set_unit_ranking``."""
    from mubiao.dashboard.models import RankingSetting

    plan = plan_access.get_plan_for_user(request.user, plan_code)
    if not dashboard_actions.may_set_conventions(request.user, plan):
        raise PermissionDenied("ranking settings")
    stored = RankingSetting.objects.filter(plan=plan).values_list("units", flat=True).first() or {}
    form = _form_of(stored)
    if request.method == "POST":
        try:
            setting = unit_ranking_from_form(request.POST)
            dashboard_actions.set_unit_ranking(request.user, plan, setting)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            form = {**_form_of({}), **{k: request.POST.get(k, "") for k in
                    ("measure", "order", "lights", "exemptions", "tiers_by", "tiers", "points",
                     "last_year_unit", "last_year_figures", "last_year")}}  # fmt: skip
            for side in ("red", "black"):
                form[side] = {"on": bool(request.POST.get(f"{side}_on")),
                              **{k: request.POST.get(f"{side}_{k}", "") for k in
                                 ("size", "measure", "comparison", "threshold")}}  # fmt: skip
            status = 400
        else:
            messages.success(request, _("The ranking of counties and zones is saved."))
            return redirect("dashboard:ranking", plan.code)
    else:
        status = 200
    return render(
        request,
        "dashboard/ranking_settings.html",
        _context(
            request,
            plan,
            timezone.localdate(),
            form=form,
            comparisons=COMPARISONS,
            last_year_units=list(LAST_YEAR_UNITS),
        ),
        status=status,
    )
