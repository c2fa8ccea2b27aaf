"""The project ledger's analysis layout: one row per project with its year judged
against 序时进度, printed as the ledger Excel is (A4 landscape, header repeated, fitted to
the width, frozen panes; ``lib.office.print_ready``). Headers in the user's
language with their units; figures rounded as the page shows them; the funds secured
(本年累计到位资金, the project's latest approved month stating them, blank where none
does) and 资金到位率 as on the project page. Read-only: the
reporting layout (``projects.excel``) is the one an upload reads back.
"""

from __future__ import annotations

import datetime as dt
import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from mubiao.dashboard.ledger import FILLS
from mubiao.lib.office import header_style, print_ready, safe_cell
from mubiao.monitor import Status
from mubiao.projects.measures import Progress

COLUMNS = [
    ("no", _l("No."), 5),
    ("code", _l("Project code"), 12),
    ("name", _l("Project"), 34),
    ("county", _l("County"), 10),
    ("tier", _l("Tier"), 9),
    ("category", _l("Category"), 9),
    ("plan", _l("Planned this year (10k yuan)"), 14),
    ("ytd", _l("Completed this year (10k yuan)"), 14),
    ("rate", _l("Completion rate (%)"), 10),
    ("expected", _l("序时进度 (%)"), 10),
    ("gap", _l("Gap to 序时进度 (points)"), 11),
    ("funds", _l("Funds secured this year (10k yuan)"), 14),
    ("funds_rate", _l("Funding rate (%)"), 10),
    ("stage", _l("Stage"), 10),
    ("light", _l("Status"), 10),
]
LIGHTS = {
    Status.GREEN: _l("on schedule"),
    Status.YELLOW: _l("slightly behind"),
    Status.RED: _l("behind schedule"),
}


def printed_rates(r: Progress) -> tuple[float | None, float | None, float | None]:
    """(completion, 序时进度, gap in points) as a project's figures are printed wherever
    they are shown (this sheet, the project page, the API): the two rates rounded to
    0.1% (fractions, 0.333) and the gap from the rounded rates, as offices compute it
    (33.3% − 41.7% = −8.4); None where the project is not reported or has no plan."""
    plan = float(r.project.annual_plan) if r.project.annual_plan else None
    rate = round(float(r.ytd) / plan, 3) if plan and r.reported else None
    share = (
        round(float(r.expected) / plan, 3)
        if plan and r.reported and r.expected is not None
        else None
    )
    gap = round((rate - share) * 100, 1) if rate is not None and share is not None else None
    return rate, share, gap


def _values(n: int, r: Progress) -> list:
    p = r.project
    plan = float(p.annual_plan) if p.annual_plan else None
    rate, share, gap = printed_rates(r)
    if not r.reported:
        light = _("not reported")
    elif r.status == Status.GREY:
        light = _("no annual plan")
    else:
        light = str(LIGHTS.get(r.status, r.status))
    return [
        n, p.code, p.name, p.county.short_name if p.county else "",
        p.get_tier_display() if p.tier else "", p.get_category_display(),
        round(plan) if plan is not None else None,
        round(float(r.ytd)) if r.reported else None,
        rate, share, gap,
        round(float(r.funds_secured), 2) if r.funds_secured is not None else None,
        round(r.funds_rate, 3) if r.funds_rate is not None else None,
        r.stage_label if r.reported else _("not reported"), light,
    ]  # fmt: skip


def analysis_workbook(rows: list[Progress], title: str, as_of: dt.date) -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Project analysis")[:31]
    sheet.append([safe_cell(f"{title} · {_('as of')} {as_of.isoformat()}")])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    sheet.append([str(label) for _k, label, _w in COLUMNS])
    header_style(sheet[2])
    col = {key: i + 1 for i, (key, _label, _w) in enumerate(COLUMNS)}
    for n, r in enumerate(rows, start=1):
        sheet.append([safe_cell(v) for v in _values(n, r)])
        at = sheet.max_row
        for key in ("plan", "ytd"):
            sheet.cell(at, col[key]).number_format = "#,##0"
        sheet.cell(at, col["rate"]).number_format = "0.0%"
        sheet.cell(at, col["expected"]).number_format = "0.0%"
        sheet.cell(at, col["gap"]).number_format = "+0.0;-0.0;0.0"
        sheet.cell(at, col["funds"]).number_format = "#,##0.00"
        sheet.cell(at, col["funds_rate"]).number_format = "0.0%"
        sheet.cell(at, col["name"]).alignment = Alignment(wrap_text=True, vertical="top")
        if r.reported:
            sheet.cell(at, col["light"]).fill = PatternFill(
                "solid", fgColor=FILLS.get(str(r.status), "FFFFFF")
            )
    for i, (_key, _label, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.row_dimensions[2].height = 32
    print_ready(sheet, header_row=2, freeze="D3")
    return book


def analysis_xlsx(rows: list[Progress], title: str, as_of: dt.date) -> bytes:
    buffer = io.BytesIO()
    analysis_workbook(rows, title, as_of).save(buffer)
    return buffer.getvalue()
