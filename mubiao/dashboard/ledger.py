"""The ledger (台账): one row per indicator and task, filtered, as HTML, Excel or JSON.

Rows come from the report-data builder; this module only filters and renders them. The
Excel file neutralises formula injection: a cell whose text starts with ``=``, ``+``,
``-``, ``@`` (or a tab / carriage return) is written with a leading apostrophe, so a
unit's text can never run as a formula on the office's machines.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from mubiao.dashboard.templatetags.dashboard import status_short
from mubiao.lib.office import header_style, print_ready, safe_cell

FILLS = {"red": "F8D7DA", "yellow": "FFF3CD", "green": "D4EDDA", "done": "D1ECF1", "grey": "E2E3E5"}
# The clerk's ledger (台账), in the order an office keeps it; the code last, for reference.
COLUMNS = [
    ("no", _l("No."), 5),
    ("area", _l("Area"), 12),
    ("task", _l("Task"), 28),
    ("lead", _l("Lead unit"), 14),
    ("co", _l("Co-operating units"), 16),
    ("leader", _l("Responsible leader"), 10),
    ("deadline", _l("Deadline"), 11),
    ("metric", _l("Target"), 24),
    ("target", _l("Target value"), 14),
    ("actual", _l("Cumulative completed"), 13),
    ("completion", _l("Completion rate (%)"), 10),
    ("expected", _l("Expected progress (%)"), 10),
    ("gap", _l("Gap to expected progress (points)"), 11),
    ("status", _l("Status"), 8),
    ("progress", _l("Progress"), 40),
    ("problems", _l("Problems"), 30),
    ("next_steps", _l("Next steps"), 30),
    ("code", _l("Reference code"), 8),
]
TEXT_COLUMNS = {"task", "metric", "lead", "co", "progress", "problems", "next_steps"}


@dataclass(frozen=True)
class Filters:
    status: str = ""
    unit: str = ""
    area: str = ""
    type: str = ""
    q: str = ""
    risk: str = ""  # "1": only targets at risk of missing the year (有完不成风险, 预警)

    @classmethod
    def from_query(cls, query) -> Filters:
        keys = ("status", "unit", "area", "type", "q", "risk")
        return cls(**{k: query.get(k, "").strip() for k in keys})

    def keep(self, row: dict) -> bool:
        return (
            (not self.risk or bool(row.get("at_risk")))
            and (not self.status or row["status"] == self.status)
            and (not self.unit or self.unit in row["units"])
            and (not self.area or row["area"] == self.area)
            and (not self.type or row["type"] == self.type)
            and (not self.q or self.q in row["name"])
        )


def rows(data: dict, filters: Filters | None = None) -> list[dict]:
    """Indicators first, then tasks, each in plan order; filtered."""
    filters = filters or Filters()
    return [r for r in data["indicators"] + data["tasks"] if filters.keep(r)]


def completion(row: dict) -> float | None:
    """完成率: the cumulative actual over the target (a target to reach, with a value)."""
    target, actual = row.get("target_value"), row.get("actual")
    if row.get("type") != "indicator" or target in (None, 0) or actual is None:
        return None
    if row.get("comparator") not in (">=", "~", "=", "range"):
        return None
    return round(float(actual) / float(target), 4)


def gap_points(row: dict) -> float | None:
    """与序时进度差, in percentage points: 完成率 minus 序时进度 (negative = behind)."""
    done, expected = completion(row), row.get("expected_fraction")
    if done is None or expected is None:
        return None
    return round(100 * (done - float(expected)), 1)


def _shown(value) -> float | None:
    """Rounded as the page shows it (two decimals)."""
    return None if value is None else round(float(value), 2)


def _cell_values(row: dict, n: int, tasks: dict, texts: dict) -> list:
    task = tasks.get(row.get("task_code") or "") if row["type"] == "indicator" else row
    lead = row.get("lead_units") or []
    co = [u for u in row.get("units") or [] if u not in lead]
    deadline = (task or {}).get("deadline") or ""
    text = texts.get((row["type"], row["code"])) or {}
    if row["type"] == "indicator":
        task_name, metric = row.get("task") or "", row["name"]
    else:
        task_name, metric = row["name"], ""
    return [
        n,
        row.get("area", ""),
        task_name,
        "、".join(lead),
        "、".join(co),
        (task or {}).get("leader") or "",
        deadline or _("within the year"),
        metric,
        row.get("target", "") if row["type"] == "indicator" else "",
        _shown(row.get("actual")) if row["type"] == "indicator" else None,
        completion(row),
        row.get("expected_fraction") if row["type"] == "indicator" else None,
        gap_points(row),
        status_short(row["status"]),
        text.get("progress", ""),
        text.get("problems", ""),
        text.get("next_steps", ""),
        row["code"],
    ]


def _number_format(unit: str) -> str:
    unit = (unit or "").replace('"', "")
    return f'#,##0.##"{unit}"' if unit else "#,##0.##"


def latest_texts(plan, as_of) -> dict:
    """(type, code) → the latest approved 进展情况 / 存在问题 / 下步打算 as of ``as_of``:
    a task's from its lead unit's consolidation, a standalone target's from its report.

    Approved as of the day from the review history (a version with an approving review
    by the end of that day), as the targets' values are: a report reopened since keeps
    the texts a view of that day showed, whatever its state now."""
    import datetime as dt

    from django.db.models import Q
    from django.utils import timezone

    from mubiao.reporting.models import ReportVersion, Review

    day = as_of if isinstance(as_of, dt.date) else dt.date.fromisoformat(str(as_of))
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
    approved = Review.objects.filter(
        decision=Review.Decision.APPROVE, report__cycle__plan=plan, at__lt=end
    ).values("version_id")
    versions = (
        ReportVersion.objects.filter(
            report__cycle__plan=plan,
            pk__in=approved,
            submitted_at__isnull=False,
        )
        .filter(
            Q(report__role="lead", report__task__isnull=False) | Q(report__indicator__isnull=False)
        )
        .select_related("report__task", "report__indicator")
        .order_by("-report__cycle__start", "-number")
    )
    found: dict = {}
    for v in versions:
        key = (
            ("task", v.report.task.code)
            if v.report.task_id
            else ("indicator", v.report.indicator.code)
        )
        if key not in found:
            found[key] = {
                "progress": v.progress,
                "problems": v.problems,
                "next_steps": v.next_steps,
            }
    return found


def task_facts(plan) -> dict:
    """task code → its leader and deadline (an indicator row shows its task's)."""
    from mubiao.plans.models import Task

    return {
        t.code: {"leader": t.leader, "deadline": t.deadline.isoformat() if t.deadline else None}
        for t in Task.objects.filter(plan=plan).only("code", "leader", "deadline")
    }


def workbook(
    data: dict, selected: list[dict], texts: dict | None = None, tasks: dict | None = None
) -> Workbook:
    """The ledger as a clerk prints it: A4 landscape, fitted to the width, the header
    row repeated on every page and frozen on screen; figures as numbers (rounded as the
    page shows them) with their unit in the number format; task rows with the latest
    approved 进展情况 / 存在问题 / 下步打算 (``texts``: (type, code) → the three)."""
    texts = texts or {}
    tasks = tasks or {r["code"]: r for r in data.get("tasks", [])}
    book = Workbook()
    sheet = book.active
    sheet.title = _("Ledger")[:31]
    title = f"{data['plan']['name']} · {_('Ledger')} · {_('as of')} {data['as_of']}"
    sheet.append([safe_cell(title)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    sheet.append([str(label) for _key, label, _w in COLUMNS])
    header_style(sheet[2])
    keys = [key for key, _label, _w in COLUMNS]
    col = {key: i + 1 for i, key in enumerate(keys)}
    for n, row in enumerate(selected, start=1):
        sheet.append([safe_cell(v) for v in _cell_values(row, n, tasks, texts)])
        r = sheet.max_row
        sheet.cell(r, col["status"]).fill = PatternFill(
            "solid", fgColor=FILLS.get(row["status"], "FFFFFF")
        )
        sheet.cell(r, col["actual"]).number_format = _number_format(row.get("unit", ""))
        sheet.cell(r, col["completion"]).number_format = "0.0%"
        sheet.cell(r, col["expected"]).number_format = "0.0%"
        sheet.cell(r, col["gap"]).number_format = "+0.0;-0.0;0.0"
        for key in TEXT_COLUMNS:
            sheet.cell(r, col[key]).alignment = Alignment(wrap_text=True, vertical="top")
    for i, (_key, _label, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.row_dimensions[2].height = 32
    print_ready(sheet, header_row=2, freeze="D3")
    return book


def xlsx_bytes(data: dict, selected: list[dict], plan=None) -> bytes:
    """The Excel ledger; with ``plan``, task rows carry their latest approved text."""
    texts = latest_texts(plan, data["as_of"]) if plan is not None else {}
    tasks = task_facts(plan) if plan is not None else None
    buffer = io.BytesIO()
    workbook(data, selected, texts, tasks).save(buffer)
    return buffer.getvalue()


def xlsx_response(data: dict, selected: list[dict], plan=None) -> HttpResponse:
    response = HttpResponse(
        xlsx_bytes(data, selected, plan),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"ledger-{data['plan']['code']}-{data['as_of']}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def json_rows(data: dict) -> dict:
    """The ledger as the CLI prints it (``mubiao ledger --format json``)."""
    keys = [
        "type", "code", "name", "area", "task_code", "target", "unit", "actual", "expected",
        "expected_fraction", "completion", "progress", "gap_points", "status", "forecast", "forecast_low", "forecast_high", "at_risk",
        "units", "lead_units", "explain_zh",
    ]  # fmt: skip
    return {
        "plan": data["plan"],
        "as_of": data["as_of"],
        "synthetic": data["synthetic"],
        "counts": data["counts"],
        "rows": [{k: r.get(k) for k in keys} for r in rows(data)],
    }
