"""The project list to and from Excel. The header row is the contract.

Export → import of an unchanged file changes nothing. Every row of an upload is checked
and every problem is reported as (row, column, reason); if any row is wrong, nothing is
saved. A row with a known 项目编号 updates that project; a row without one that repeats an
existing project (same name and county) is refused as a duplicate.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from mubiao.lib.office import (
    WORKBOOK_REFUSALS,
    UnsafeWorkbook,
    open_workbook,
    safe_cell,
    sheet_rows,
)
from mubiao.orgs.models import OrgUnit
from mubiao.plans.models import Plan
from mubiao.projects.models import Chain

HEADER = [
    "项目编号", "项目名称", "所在县区", "产业链", "类别", "建设阶段", "总投资（万元）",
    "年度计划投资（万元）", "计划开工", "实际开工", "计划竣工", "牵头单位", "建设地点", "联系人",
]  # fmt: skip
CATEGORY = {label: value for value, label in [
    ("new", "新开工"), ("ongoing", "续建"), ("completing", "竣工"), ("preparatory", "前期")]}  # fmt: skip
STAGE = {label: value for value, label in [
    ("not_started", "未开工"), ("building", "在建"), ("completed", "已竣工"), ("suspended", "停缓建")]}  # fmt: skip
MAX_ROWS = 20_000
MAX_BYTES = 10 * 1024 * 1024


def _label(mapping: dict[str, str], value: str) -> str:
    return next(label for label, v in mapping.items() if v == value)


def export_projects(projects) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "项目库"
    sheet.append(HEADER)
    for p in projects.select_related("county", "chain", "lead"):
        sheet.append([safe_cell(v) for v in (
            p.code, p.name, p.county.short_name if p.county else "", p.chain.name if p.chain else "",
            _label(CATEGORY, p.category), _label(STAGE, p.stage),
            p.total_investment, p.annual_plan, p.planned_start, p.actual_start, p.planned_end,
            p.lead.short_name if p.lead else "", p.location, p.contact,
        )])  # fmt: skip
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        if self.row == 0:  # about the file as a whole
            return self.reason
        return _("Row %(row)s, column “%(column)s”: %(reason)s") % {
            "row": self.row, "column": self.column, "reason": self.reason,
        }  # fmt: skip


class ProjectSheetError(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(map(str, errors[:5])))
        self.errors = errors


def read_rows(data: bytes, header_row: list[str] = HEADER) -> list[tuple[int, dict[str, Any]]]:
    """(row number, {header: value}) for every non-empty row; the header must match."""
    if len(data) > MAX_BYTES:
        raise ProjectSheetError([RowError(0, "—", _("the file is larger than 10 MB"))])
    try:
        book = open_workbook(data)
    except UnsafeWorkbook as exc:
        reason = str(WORKBOOK_REFUSALS[exc.reason])
        raise ProjectSheetError([RowError(0, "—", reason)]) from None
    try:
        rows = iter(sheet_rows(book.active))
    except UnsafeWorkbook as exc:
        raise ProjectSheetError([RowError(0, "—", str(WORKBOOK_REFUSALS[exc.reason]))]) from None
    header = [str(c).strip() if c is not None else "" for c in next(rows, [])]
    if header[: len(header_row)] != header_row:
        missing = [h for h in header_row if h not in header]
        raise ProjectSheetError([RowError(1, "、".join(missing) or "—", _(
            "the header row is not the template's; download the template and keep its first row"))])  # fmt: skip
    out = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS:
            raise ProjectSheetError([RowError(number, "—", _("too many rows"))])
        if values and any(v not in (None, "") for v in values):
            out.append((number, dict(zip(header_row, values, strict=False))))
    return out


class RowReader:
    """Turns one row into Project fields, collecting errors instead of stopping."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        units = OrgUnit.objects.filter(path__startswith=plan.issuer.path)
        self.units = {u.short_name: u for u in units} | {u.name: u for u in units}
        self.units |= {u.code: u for u in units}
        self.chains = {c.name: c for c in Chain.objects.filter(plan=plan)}
        self.errors: list[RowError] = []

    def fail(self, row: int, column: str, reason: str) -> None:
        self.errors.append(RowError(row, column, reason))

    def text(self, row: int, values: dict, column: str, required: bool = False) -> str:
        value = str(values.get(column) or "").strip().lstrip("'")
        if required and not value:
            self.fail(row, column, _("is required"))
        return value

    def choice(self, row: int, values: dict, column: str, mapping: dict[str, str]) -> str | None:
        value = self.text(row, values, column, required=True)
        if value and value not in mapping:
            self.fail(
                row, column, _("must be one of %(options)s") % {"options": "、".join(mapping)}
            )
        return mapping.get(value)

    def unit(self, row: int, values: dict, column: str) -> OrgUnit | None:
        name = self.text(row, values, column)
        if name and name not in self.units:
            self.fail(row, column, _("no unit is called “%(name)s”") % {"name": name})
        return self.units.get(name)

    def money(self, row: int, values: dict, column: str) -> Decimal | None:
        raw = values.get(column)
        if raw in (None, ""):
            return None
        try:
            value = Decimal(str(raw).replace(",", "").strip())
        except InvalidOperation:
            self.fail(row, column, _("“%(value)s” is not a number") % {"value": raw})
            return None
        if value < 0 or value > Decimal("1e12"):
            self.fail(row, column, _("must be between 0 and 10^12"))
        return value

    def date(self, row: int, values: dict, column: str) -> dt.date | None:
        raw = values.get(column)
        if raw in (None, ""):
            return None
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        try:
            return dt.date.fromisoformat(str(raw).strip().replace("/", "-"))
        except ValueError:
            self.fail(row, column, _("“%(value)s” is not a date (YYYY-MM-DD)") % {"value": raw})
            return None

    def fields(self, row: int, values: dict) -> dict[str, Any]:
        chain_name = self.text(row, values, "产业链")
        if chain_name and chain_name not in self.chains:
            self.fail(row, "产业链", _("no chain is called “%(name)s”") % {"name": chain_name})
        return {
            "name": self.text(row, values, "项目名称", required=True)[:200],
            "county": self.unit(row, values, "所在县区"),
            "chain": self.chains.get(chain_name),
            "category": self.choice(row, values, "类别", CATEGORY),
            "stage": self.choice(row, values, "建设阶段", STAGE),
            "total_investment": self.money(row, values, "总投资（万元）"),
            "annual_plan": self.money(row, values, "年度计划投资（万元）"),
            "planned_start": self.date(row, values, "计划开工"),
            "actual_start": self.date(row, values, "实际开工"),
            "planned_end": self.date(row, values, "计划竣工"),
            "lead": self.unit(row, values, "牵头单位"),
            "location": self.text(row, values, "建设地点")[:200],
            "contact": self.text(row, values, "联系人")[:100],
        }
