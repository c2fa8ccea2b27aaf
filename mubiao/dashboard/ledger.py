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

from mubiao.dashboard.templatetags.dashboard import status_short
from mubiao.lib.office import safe_cell

FILLS = {"red": "F8D7DA", "yellow": "FFF3CD", "green": "D4EDDA", "done": "D1ECF1", "grey": "E2E3E5"}
COLUMNS = [
    ("type", _l("Type")),
    ("code", _l("Code")),
    ("name", _l("Item")),
    ("area", _l("Area")),
    ("target", _l("Target")),
    ("actual", _l("Actual")),
    ("expected", _l("Expected by now")),
    ("expected_fraction", _l("Expected progress")),
    ("status", _l("Status")),
    ("forecast", _l("Year-end forecast")),
    ("at_risk", _l("At risk")),
    ("units", _l("Responsible units")),
    ("explain", _l("Why")),
]


@dataclass(frozen=True)
class Filters:
    status: str = ""
    unit: str = ""
    area: str = ""
    type: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, query) -> Filters:
        return cls(**{k: query.get(k, "").strip() for k in ("status", "unit", "area", "type", "q")})

    def keep(self, row: dict) -> bool:
        return (
            (not self.status or row["status"] == self.status)
            and (not self.unit or self.unit in row["units"])
            and (not self.area or row["area"] == self.area)
            and (not self.type or row["type"] == self.type)
            and (not self.q or self.q in row["name"])
        )


def rows(data: dict, filters: Filters | None = None) -> list[dict]:
    """Indicators first, then tasks, each in plan order; filtered."""
    filters = filters or Filters()
    return [r for r in data["indicators"] + data["tasks"] if filters.keep(r)]


def _cell_values(row: dict) -> list:
    return [
        _("target") if row["type"] == "indicator" else _("task"),
        row["code"],
        row["name"],
        row["area"],
        row.get("target", ""),
        row.get("actual"),
        row.get("expected"),
        row.get("expected_fraction"),
        status_short(row["status"]),
        row.get("forecast"),
        _("yes") if row.get("at_risk") else "",
        "、".join(row["units"]),
        row.get("explain_zh", ""),
    ]


def workbook(data: dict, selected: list[dict]) -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Ledger")[:31]
    sheet.append([safe_cell(f"{data['plan']['name']} · {_('as of')} {data['as_of']}")])
    sheet.append([str(label) for _key, label in COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in selected:
        sheet.append([safe_cell(v) for v in _cell_values(row)])
        status_cell = sheet.cell(row=sheet.max_row, column=9)
        status_cell.fill = PatternFill("solid", fgColor=FILLS.get(row["status"], "FFFFFF"))
        sheet.cell(row=sheet.max_row, column=8).number_format = "0.0%"
    for letter, width in zip(
        "ABCDEFGHIJKLM", (6, 8, 40, 18, 16, 12, 12, 10, 10, 12, 8, 24, 60), strict=True
    ):
        sheet.column_dimensions[letter].width = width
    for cells in sheet.iter_rows(min_row=3, min_col=13, max_col=13):
        cells[0].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "D3"
    return book


def xlsx_bytes(data: dict, selected: list[dict]) -> bytes:
    buffer = io.BytesIO()
    workbook(data, selected).save(buffer)
    return buffer.getvalue()


def xlsx_response(data: dict, selected: list[dict]) -> HttpResponse:
    response = HttpResponse(
        xlsx_bytes(data, selected),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"ledger-{data['plan']['code']}-{data['as_of']}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def json_rows(data: dict) -> dict:
    """The ledger as the CLI prints it (``mubiao ledger --format json``)."""
    keys = [
        "type", "code", "name", "area", "task_code", "target", "unit", "actual", "expected",
        "expected_fraction", "status", "forecast", "forecast_low", "forecast_high", "at_risk",
        "units", "lead_units", "explain_zh",
    ]  # fmt: skip
    return {
        "plan": data["plan"],
        "as_of": data["as_of"],
        "synthetic": data["synthetic"],
        "counts": data["counts"],
        "rows": [{k: r.get(k) for k in keys} for r in rows(data)],
    }
