"""A unit's key-project months to and from Excel. The header row is the contract.

Sheet **项目月报**, one row per project slot of the unit in the cycle:
``报告编号 | 项目编号 | 项目名称 | 填报单位 | 年度计划投资（万元） | 本月完成投资（万元） |
本年累计到位资金（万元） | 建设阶段 | 进展情况 | 存在问题``.
报告编号 is the report's number (``Report.number``: ``202606/wancheng/project:p001``; a
file from before, with UUIDs, is still read). A unit fills 本月完成投资, 到位资金 (optional,
the year's running total; blank: not reported), 建设阶段 (a dropdown:
未开工 / 在建 / 已竣工 / 停缓建), 进展情况 and 存在问题; those cells are unlocked and the
sheet protected without a password (as ``reporting.excel``), the others are for reading. Every row is checked first and each problem reported
as (row, column, reason); if there is any, nothing is saved. Rows equal to the report's
latest version are left alone (export → import of an unchanged file changes nothing);
the others go through ``reporting.actions.import_reports`` (save_draft, or submit with
the box ticked): all or nothing, each with its audit row, plus one for the import.
Text a spreadsheet would run as a formula is written with a leading ' and read back
without it.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Protection
from openpyxl.worksheet.datavalidation import DataValidation

from mubiao.lib.office import header_style, print_ready, read_back
from mubiao.projects import figures as fig
from mubiao.projects.excel import STAGE, ProjectSheetError, RowError, _label, read_rows
from mubiao.reporting import actions
from mubiao.reporting.access import reports_to_fill
from mubiao.reporting.excel import FILL_IN, safe, unsafe
from mubiao.reporting.models import Report

SHEET = "项目月报"
HEADER = [
    "报告编号", "项目编号", "项目名称", "填报单位", "年度计划投资（万元）", "本月完成投资（万元）",
    "本年累计到位资金（万元）", "建设阶段", "进展情况", "存在问题",
]  # fmt: skip
FUNDS = "本年累计到位资金（万元）"
EDITABLE = (6, 7, 8, 9, 10)  # 本月完成投资 到位资金 建设阶段 进展情况 存在问题


def slots(user, cycle):
    return (
        reports_to_fill(user)
        .filter(cycle=cycle, project__isnull=False)
        .select_related("cycle__plan__issuer", "unit", "project")
        .order_by("unit__path", "project__order", "project__code")
    )


def _latest(report: Report):
    return report.versions.select_related("figures").order_by("-number").first()


def _current(report: Report) -> tuple[Decimal | None, Decimal | None, str, str, str]:
    latest = _latest(report)
    row = getattr(latest, "figures", None) if latest else None
    return (
        row.invested if row else None,
        row.funds_secured if row else None,
        row.stage if row else "",
        latest.progress if latest else "",
        latest.problems if latest else "",
    )


def export_figures(user, cycle) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(HEADER)
    for r in slots(user, cycle):
        invested, funds, stage, progress, problems = _current(r)
        sheet.append([safe(v) for v in (
            r.number, r.project.code, r.project.name, r.unit.short_name, r.project.annual_plan,
            invested, funds, _label(STAGE, stage) if stage else "", progress, problems,
        )])  # fmt: skip
    for i, width in enumerate([30, 12, 30, 14, 14, 14, 16, 10, 40, 30], start=1):
        sheet.column_dimensions[chr(64 + i)].width = width
    header_style(sheet[1])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.column in EDITABLE:
                cell.protection = Protection(locked=False)
                cell.fill = FILL_IN
    print_ready(sheet, header_row=1, freeze="B2")
    sheet.protection.sheet = True  # no password: a guard against slips, not a lock
    sheet.protection.formatColumns = sheet.protection.formatRows = False
    if sheet.max_row > 1:
        stages = DataValidation(
            type="list", formula1='"' + ",".join(STAGE) + '"', allow_blank=True,
            showErrorMessage=True, error=_("choose one of %(s)s") % {"s": "、".join(STAGE)},
        )  # fmt: skip
        stages.add(f"H2:H{sheet.max_row}")
        sheet.add_data_validation(stages)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text(value) -> str:
    return "" if value is None else str(unsafe(value)).strip()


def parse(user, cycle, data: bytes) -> list[tuple[Report, actions.Content]]:
    """Every changed row as (report, content); ProjectSheetError lists every problem."""
    mine = {}
    for r in slots(user, cycle):
        mine[r.number] = mine[str(r.code)] = r  # the UUID: a template from before numbers
    errors: list[RowError] = []
    changed = []
    for number, values in read_rows(data, HEADER):
        key = _text(values.get("报告编号"))
        report = mine.get(key) or mine.get(key.lower())
        if report is None:
            errors.append(RowError(number, "报告编号", _("not one of your reports in this cycle")))
            continue
        try:
            invested = fig.parse_amount(unsafe(values.get("本月完成投资（万元）")))
        except ValidationError as exc:
            errors.append(RowError(number, "本月完成投资（万元）", " ".join(exc.messages)))
            continue
        try:
            funds = fig.parse_funds(unsafe(values.get(FUNDS)))
        except ValidationError as exc:
            errors.append(RowError(number, FUNDS, " ".join(exc.messages)))
            continue
        if funds is not None and invested is None:
            errors.append(RowError(number, "本月完成投资（万元）", _(
                "enter the investment completed in the month (0 if none) with the funds secured")))  # fmt: skip
            continue
        label = _text(values.get("建设阶段"))
        stage = STAGE.get(label, label if label in STAGE.values() else None)
        if label and stage is None:
            errors.append(
                RowError(number, "建设阶段", _("choose one of %(s)s") % {"s": "、".join(STAGE)})
            )
            continue
        latest = _latest(report)
        progress = read_back(_text(values.get("进展情况")), latest.progress if latest else "")
        problems = read_back(_text(values.get("存在问题")), latest.problems if latest else "")
        if (invested, funds, stage or "", progress, problems) == _current(report):
            continue  # unchanged: left alone
        changed.append((report, actions.Content(
            progress=progress, problems=problems,
            next_steps=latest.next_steps if latest else "",
            assessment=latest.assessment if latest else "",
            figures={
                "invested": "" if invested is None else str(invested),
                "stage": stage or "",
                "funds_secured": "" if funds is None else str(funds),
            },
        )))  # fmt: skip
    if errors:
        raise ProjectSheetError(errors)
    return changed


def import_figures(user, cycle, data: bytes, *, submit_them: bool = False) -> list[Report]:
    """Save (or submit) the changed rows, all or none; ProjectSheetError / ValidationError."""
    items = parse(user, cycle, data)
    if not items:
        return []
    try:
        return actions.import_reports(
            user, cycle, items, submit_them=submit_them, source="excel:project-figures"
        )
    except PermissionDenied as exc:  # pragma: no cover - rows are the user's own slots
        raise ValidationError(str(exc)) from exc
