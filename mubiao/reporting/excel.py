"""The Excel round trip: a unit's template for a cycle, and reading it back.

The contract is the header rows below (Chinese, as the units see them); a file whose
headers differ is refused as a whole. Two sheets:

- 报告 (one row per report): 报告编号 | 单位 | 任务或指标 | 角色 | 进展情况 | 存在问题 | 下步打算 | 自我评价
- 指标 (one row per target of a report): 报告编号 | 指标编码 | 指标 | 目标 | 计量单位 | 累计完成值

报告编号 is the report's public code; the columns a unit may change are 进展情况, 存在问题,
下步打算, 自我评价 and 累计完成值; the others are there to read. Import is all or nothing:
every row is checked first and each problem reported with its sheet, row, column and
reason; only a clean file is saved, through the same actions as the form. A report whose
content did not change is left alone, so exporting and importing an unchanged file
changes nothing.

Cells a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab
or carriage return), and text starting with an apostrophe, are written with one more
leading apostrophe, and read back without it. A text stored before entry was limited to
a cell (32,767 characters) is exported cut, and kept when the cut cell comes back.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from mubiao.lib.office import (
    WORKBOOK_REFUSALS,
    UnsafeWorkbook,
    open_workbook,
    read_back,
    safe_cell,
    sheet_rows,
    unsafe_cell,
)
from mubiao.reporting import access, actions
from mubiao.reporting.models import Cycle, Report, ReportVersion

REPORT_SHEET = "报告"
VALUE_SHEET = "指标"
REPORT_HEADER = [
    "报告编号",
    "单位",
    "任务或指标",
    "角色",
    "进展情况",
    "存在问题",
    "下步打算",
    "自我评价",
]
VALUE_HEADER = ["报告编号", "指标编码", "指标", "目标", "计量单位", "累计完成值"]
MAX_UPLOAD = 5 * 1024 * 1024
safe, unsafe = safe_cell, unsafe_cell


def assessment_labels() -> dict[str, str]:
    with translation.override("zh-hans"):
        return {str(label): code for code, label in ReportVersion.Assessment.choices}


def template_reports(user, cycle: Cycle):
    return (
        access.reports_to_fill(user)
        .filter(cycle=cycle, project__isnull=True)  # projects: mubiao.projects.excel
        .select_related("unit", "task", "indicator", "cycle__plan")
        .order_by("unit__path", "task__order", "indicator__order", "pk")
    )


def export_template(user, cycle: Cycle) -> bytes:
    """The user's units' reports of the cycle, filled with their latest versions."""
    labels = {code: label for label, code in assessment_labels().items()}
    book = Workbook()
    reports_ws = book.active
    reports_ws.title = REPORT_SHEET
    values_ws = book.create_sheet(VALUE_SHEET)
    reports_ws.append(REPORT_HEADER)
    values_ws.append(VALUE_HEADER)
    with translation.override("zh-hans"):
        for report in template_reports(user, cycle):
            latest = actions.latest_version(report)
            values = {v.indicator_id: v.value for v in latest.values.all()} if latest else {}
            subject = report.task.title if report.task_id else report.indicator.metric
            role = "牵头" if report.is_consolidation else "配合"
            row = [str(report.code), report.unit.short_name, subject, role]
            row += [getattr(latest, f, "") or "" for f in ("progress", "problems", "next_steps")]
            row.append(labels.get(getattr(latest, "assessment", ""), ""))
            reports_ws.append([safe(v) for v in row])
            for ind in actions.indicators_of(report):
                value = values.get(ind.pk)
                values_ws.append(
                    [safe(v) for v in [str(report.code), ind.code, ind.metric,
                     ind.target_display, ind.unit, None if value is None else float(value)]]
                )  # fmt: skip
    for ws, widths in (
        (reports_ws, [38, 14, 30, 6, 50, 30, 30, 12]),
        (values_ws, [38, 16, 30, 14, 8, 14]),
    ):
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass
class Problem:
    sheet: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return _("Sheet %(sheet)s, row %(row)s, column %(column)s: %(reason)s") % {
            "sheet": self.sheet, "row": self.row, "column": self.column, "reason": self.reason,
        }  # fmt: skip


class ImportRefused(ValidationError):
    """The file is refused; ``problems`` says where and why. Nothing was saved."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__([str(p) for p in problems])


@dataclass
class Parsed:
    report: Report
    content: actions.Content = field(default_factory=actions.Content)


def _text(cell) -> str:
    if cell is None:
        return ""
    return str(unsafe(cell)).strip()


def _rows(book, sheet: str, header: list[str], problems: list[Problem]):
    if sheet not in book.sheetnames:
        problems.append(Problem(sheet, 1, "—", _("the sheet is missing")))
        return []
    try:
        rows = sheet_rows(book[sheet])
    except UnsafeWorkbook as exc:
        problems.append(Problem(sheet, 0, "—", str(WORKBOOK_REFUSALS[exc.reason])))
        return []
    got = [(_text(c)) for c in (rows[0] if rows else [])][: len(header)]
    if got != header:
        for i, name in enumerate(header):
            if i >= len(got) or got[i] != name:
                problems.append(
                    Problem(sheet, 1, get_column_letter(i + 1),
                            _("the header must be “%(name)s”") % {"name": name})
                )  # fmt: skip
        return []
    return [
        (n, row) for n, row in enumerate(rows[1:], start=2) if any(c not in (None, "") for c in row)
    ]


def parse(user, cycle: Cycle, upload) -> list[Parsed]:
    """Read and check a filled template; ImportRefused lists every problem."""
    data = upload.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise ImportRefused([Problem("—", 0, "—", _("the file is larger than 5 MB"))])
    try:
        book = open_workbook(data)
    except UnsafeWorkbook as exc:
        raise ImportRefused([Problem("—", 0, "—", str(WORKBOOK_REFUSALS[exc.reason]))]) from None
    problems: list[Problem] = []
    mine = {str(r.code): r for r in template_reports(user, cycle)}
    parsed: dict[str, Parsed] = {}
    labels = assessment_labels()
    for n, row in _rows(book, REPORT_SHEET, REPORT_HEADER, problems):
        row = list(row) + [None] * len(REPORT_HEADER)
        code = _code(row[0])
        if code not in mine:
            problems.append(
                Problem(REPORT_SHEET, n, "A", _("no report of your unit has this number"))
            )
            continue
        if code in parsed:
            problems.append(Problem(REPORT_SHEET, n, "A", _("this report appears twice")))
            continue
        assessment = _text(row[7])
        if assessment and assessment not in labels and assessment not in labels.values():
            problems.append(
                Problem(
                    REPORT_SHEET, n, "H", _("choose one of: %(list)s") % {"list": "、".join(labels)}
                )
            )
        latest = actions.latest_version(mine[code])
        progress, problems_, next_steps = (
            read_back(_text(row[i]), getattr(latest, f, "") if latest else "")
            for i, f in ((4, "progress"), (5, "problems"), (6, "next_steps"))
        )
        content = actions.Content(
            progress=progress, problems=problems_, next_steps=next_steps,
            assessment=labels.get(assessment, assessment),
        )  # fmt: skip
        parsed[code] = Parsed(mine[code], content)
    for n, row in _rows(book, VALUE_SHEET, VALUE_HEADER, problems):
        row = list(row) + [None] * len(VALUE_HEADER)
        code, ind_code = _code(row[0]), _text(row[1])
        if code not in parsed:
            problems.append(
                Problem(VALUE_SHEET, n, "A", _("this report number is not on the 报告 sheet"))
            )
            continue
        targets = {i.code for i in actions.indicators_of(parsed[code].report)}
        if ind_code not in targets:
            problems.append(Problem(VALUE_SHEET, n, "B", _("not a target of this report")))
            continue
        value, reason = _number(row[5])
        if reason:
            problems.append(Problem(VALUE_SHEET, n, "F", reason))
        parsed[code].content.values[ind_code] = value
    if problems:
        raise ImportRefused(problems)
    return list(parsed.values())


def _code(cell) -> str:
    try:
        return str(uuid.UUID(_text(cell)))
    except ValueError:
        return ""


def _number(cell) -> tuple[Decimal | None, str]:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None, ""
    if isinstance(cell, bool):
        return None, _("not a number")
    try:
        value = Decimal(str(cell).strip().replace(",", ""))
    except InvalidOperation:
        return None, _("“%(value)s” is not a number") % {"value": cell}
    if not value.is_finite():
        return None, _("“%(value)s” is not a number") % {"value": cell}
    return value, ""


def unchanged(parsed: Parsed) -> bool:
    """Does the row say exactly what the report's latest version says?"""
    latest = actions.latest_version(parsed.report)
    c = parsed.content
    if latest is None:
        return not (c.progress or c.problems or c.next_steps or c.assessment) and all(
            v is None for v in c.values.values()
        )
    stored = {v.indicator.code: v.value for v in latest.values.select_related("indicator")}
    same_values = all(
        (stored.get(code) is None and v is None)
        or (stored.get(code) is not None and v is not None and stored[code] == v)
        for code, v in c.values.items()
    )
    return same_values and (latest.progress, latest.problems, latest.next_steps, latest.assessment) == (
        c.progress, c.problems, c.next_steps, c.assessment,
    )  # fmt: skip


def import_file(user, cycle: Cycle, upload, *, submit_them: bool = False) -> list[Report]:
    """Check the file, then save what changed (or submit drafts too); all or nothing."""
    items = []
    for p in parse(user, cycle, upload):
        same = unchanged(p)
        ready = p.report.state in (Report.State.DRAFT, Report.State.RETURNED)
        if not same or (submit_them and ready):
            items.append((p.report, p.content))
    if not items:
        return []
    return actions.import_reports(
        user, cycle, items, submit_them=submit_them, source=getattr(upload, "name", "")
    )
