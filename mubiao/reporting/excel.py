"""The Excel round trip: a unit's template for a cycle, and reading it back.

The contract is the header rows below (Chinese, as the units see them, in every UI
language); a file whose headers differ is refused as a whole. Two sheets:

- 报告 (one row per report): 报告编号 | 单位 | 任务或指标 | 角色 | 进展情况 | 存在问题 | 下步打算 | 自我评价
- 指标 (one row per target of a report): 报告编号 | 指标编码 | 指标 | 目标 | 计量单位 | 累计完成值

报告编号 is the report's public number (``Report.number``: ``202603/fgw/t01``); the
columns a unit may change are 进展情况, 存在问题, 下步打算, 自我评价 (a dropdown of the
self-assessments in the downloader's language) and 累计完成值. The sheets are protected
(no password: it keeps a clerk from typing over a heading or a code by mistake, it is no
lock) with those value cells left unlocked; the import checks the read-only cells anyway,
so a file whose protection was lifted and a heading, number, unit or subject changed is
refused with the cell. Import is all or nothing: every row is checked first and each
problem reported with its sheet, row, column and reason; only a clean file is saved,
through the same actions as the form. A report whose content did not change is left
alone, so exporting and importing an unchanged file changes nothing.

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
from openpyxl.styles import Alignment, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from mubiao.lib.office import (
    WORKBOOK_REFUSALS,
    UnsafeWorkbook,
    header_style,
    open_workbook,
    print_ready,
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


# The columns a unit fills in (1-based); every other cell of a sheet is locked.
REPORT_EDITABLE = (5, 6, 7, 8)  # 进展情况 存在问题 下步打算 自我评价
VALUE_EDITABLE = (6,)  # 累计完成值
# The read-only cells the import compares with what the template wrote: the code columns
# are checked on their own (an unknown number, a target not of the report).
REPORT_READ_ONLY = (2, 3, 4)  # 单位 任务或指标 角色
VALUE_READ_ONLY = (3, 4, 5)  # 指标 目标 计量单位
FILL_IN = PatternFill("solid", fgColor="FFF8DC")  # the cells to fill, as forms shade them


def assessment_labels() -> dict[str, str]:
    """Every way a self-assessment may be written in a file → its code: the Chinese and
    the English labels (a file may be downloaded in one language and checked in the
    other) and the codes themselves."""
    labels: dict[str, str] = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            labels |= {str(label): code for code, label in ReportVersion.Assessment.choices}
    return labels | {code: code for code in ReportVersion.Assessment.values}


def listing(items) -> str:
    """Items as a list reads in the active language: 甲、乙 / a, b."""
    zh = (translation.get_language() or "zh-hans").lower().startswith("zh")
    return ("、" if zh else ", ").join(items)


def shown_labels() -> dict[str, str]:
    """code → the self-assessment's label in the active language (the dropdown's)."""
    return {code: str(label) for code, label in ReportVersion.Assessment.choices}


def template_reports(user, cycle: Cycle):
    return (
        access.reports_to_fill(user)
        .filter(cycle=cycle, project__isnull=True)  # projects: mubiao.projects.excel
        .select_related("unit", "task", "indicator", "cycle__plan")
        .order_by("unit__path", "task__order", "indicator__order", "pk")
    )


def report_row(report: Report, latest: ReportVersion | None, labels: dict[str, str]) -> list:
    """The report's row of the 报告 sheet, as written (before ``safe``)."""
    with translation.override("zh-hans"):
        subject = report.task.title if report.task_id else report.indicator.metric
        row = [report.number, report.unit.short_name, subject,
               "牵头" if report.is_consolidation else "配合"]  # fmt: skip
    row += [getattr(latest, f, "") or "" for f in ("progress", "problems", "next_steps")]
    row.append(labels.get(getattr(latest, "assessment", ""), ""))
    return row


def value_row(report: Report, ind, value) -> list:
    """One target's row of the 指标 sheet, as written (before ``safe``)."""
    with translation.override("zh-hans"):
        return [report.number, ind.code, ind.metric, ind.target_display, ind.unit,
                None if value is None else float(value)]  # fmt: skip


def export_template(user, cycle: Cycle) -> bytes:
    """The user's units' reports of the cycle, filled with their latest versions: the
    self-assessment a dropdown in the user's language, everything but the value cells
    protected, printable on A4 landscape."""
    labels = shown_labels()
    book = Workbook()
    reports_ws = book.active
    reports_ws.title = REPORT_SHEET
    values_ws = book.create_sheet(VALUE_SHEET)
    reports_ws.append(REPORT_HEADER)
    values_ws.append(VALUE_HEADER)
    for report in template_reports(user, cycle):
        latest = actions.latest_version(report)
        values = {v.indicator_id: v.value for v in latest.values.all()} if latest else {}
        reports_ws.append([safe(v) for v in report_row(report, latest, labels)])
        for ind in actions.indicators_of(report):
            values_ws.append([safe(v) for v in value_row(report, ind, values.get(ind.pk))])
    for ws, widths, editable in (
        (reports_ws, [24, 14, 30, 6, 50, 30, 30, 14], REPORT_EDITABLE),
        (values_ws, [24, 16, 30, 14, 8, 14], VALUE_EDITABLE),
    ):
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        header_style(ws[1])
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if cell.column in editable:
                    cell.protection = Protection(locked=False)
                    cell.fill = FILL_IN
        print_ready(ws, header_row=1, freeze="B2")
        # Protected without a password: a guard against typing over a heading or a code,
        # not a lock (the import checks those cells). Widths, heights and filters stay free.
        ws.protection.sheet = True
        ws.protection.formatColumns = ws.protection.formatRows = False
        ws.protection.autoFilter = ws.protection.sort = False
        if ws.max_row > 1:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(widths))}{ws.max_row}"
    if reports_ws.max_row > 1:
        choices = list(labels.values())
        dropdown = DataValidation(
            type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
            showErrorMessage=True, errorTitle=_("Self-assessment"),
            error=_("Choose one of: %(list)s") % {"list": listing(choices)},
            showInputMessage=True, promptTitle=_("Self-assessment"),
            prompt=_("Choose from the list"),
        )  # fmt: skip
        dropdown.add(f"H2:H{reports_ws.max_row}")
        reports_ws.add_data_validation(dropdown)
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
    mine = {r.number: r for r in template_reports(user, cycle)}
    # Files downloaded before reports had numbers carry their UUIDs: still understood.
    by_uuid = {str(r.code): number for number, r in mine.items()}
    parsed: dict[str, Parsed] = {}
    labels, shown = assessment_labels(), shown_labels()
    for n, row in _rows(book, REPORT_SHEET, REPORT_HEADER, problems):
        row = list(row) + [None] * len(REPORT_HEADER)
        code = _code(row[0], by_uuid)
        if code not in mine:
            problems.append(Problem(REPORT_SHEET, n, "A", _unknown(code, cycle)))
            continue
        if code in parsed:
            problems.append(Problem(REPORT_SHEET, n, "A", _("this report appears twice")))
            continue
        report, latest = mine[code], actions.latest_version(mine[code])
        _read_only(REPORT_SHEET, n, row, report_row(report, latest, shown), REPORT_READ_ONLY,
                   problems)  # fmt: skip
        assessment = _text(row[7])
        if assessment and assessment not in labels:
            choices = listing(shown.values())
            problems.append(
                Problem(REPORT_SHEET, n, "H", _("choose one of: %(list)s") % {"list": choices})
            )
        progress, problems_, next_steps = (
            read_back(_text(row[i]), getattr(latest, f, "") if latest else "")
            for i, f in ((4, "progress"), (5, "problems"), (6, "next_steps"))
        )
        content = actions.Content(
            progress=progress, problems=problems_, next_steps=next_steps,
            assessment=labels.get(assessment, assessment),
        )  # fmt: skip
        parsed[code] = Parsed(report, content)
    targets_of: dict[str, dict] = {}
    for n, row in _rows(book, VALUE_SHEET, VALUE_HEADER, problems):
        row = list(row) + [None] * len(VALUE_HEADER)
        code, ind_code = _code(row[0], by_uuid), _text(row[1])
        if code not in parsed:
            reason = (
                _("this report number is not on the 报告 sheet")
                if code in mine
                else _unknown(code, cycle)
            )
            problems.append(Problem(VALUE_SHEET, n, "A", reason))
            continue
        if code not in targets_of:  # one query per report, not per row
            targets_of[code] = {i.code: i for i in actions.indicators_of(parsed[code].report)}
        targets = targets_of[code]
        if ind_code not in targets:
            problems.append(Problem(VALUE_SHEET, n, "B", _("not a target of this report")))
            continue
        expected = value_row(parsed[code].report, targets[ind_code], None)
        _read_only(VALUE_SHEET, n, row, expected, VALUE_READ_ONLY, problems)
        value, reason = _number(row[5])
        if reason:
            problems.append(Problem(VALUE_SHEET, n, "F", reason))
        parsed[code].content.values[ind_code] = value
    if problems:
        raise ImportRefused(problems)
    return list(parsed.values())


def _read_only(sheet: str, n: int, row: list, expected: list, columns, problems) -> None:
    """A problem for each read-only cell that no longer says what the template wrote."""
    for column in columns:
        want = expected[column - 1]
        want_text = "" if want in (None, "") else str(unsafe(safe(want))).strip()
        if _text(row[column - 1]) != want_text:
            reason = _(
                "this cell is for reading and must stay as the template wrote it "
                "(“%(value)s”); put it back, or download the template again"
            ) % {"value": want_text}
            problems.append(Problem(sheet, n, get_column_letter(column), reason))


def _code(cell, by_uuid: dict[str, str]) -> str:
    """The report number a cell holds (a legacy UUID read as its report's number)."""
    text = _text(cell)
    try:
        return by_uuid.get(str(uuid.UUID(text)), text)
    except ValueError:
        return text


def _unknown(code: str, cycle: Cycle) -> str:
    """Why a report number is not one of this cycle's reports of the user's units."""
    prefix = code.split("/", 1)[0]
    if code.count("/") >= 2 and prefix != cycle.code:
        other = Cycle.objects.filter(plan=cycle.plan, code=prefix).first()
        if other is not None:
            return _(
                "this report is of another cycle (%(cycle)s): upload that file on its cycle's "
                "page, or download this cycle's template"
            ) % {"cycle": other.label}
    if not code:
        return _("the report number is missing")
    return _("no report of your unit has this number")


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
