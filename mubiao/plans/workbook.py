"""The 任务分解表: the whole plan as the task-division workbook offices exchange, and back.

One sheet. Row 1 is the title, row 2 the header (in the user's language; either language
is read back), then:

- a **section row** for each area: its number (一, （一）) in 序号 and its name in 重点任务,
  nothing else; a top area is numbered 一, 二…, a sub-area （一）（二）…;
- a **task row**: 序号, 重点任务 (the task's text), 牵头单位 (one), 配合单位 (separated by 、),
  责任领导, 完成时限, 报送频次, and its first target in 指标, 目标值 and 指标类型;
- a **target row** below it for each further target of the task (only 指标, 目标值, 指标类型);
- a target standing alone in an area comes right after the area's section row, with its
  own 牵头单位 / 配合单位 and no 重点任务.

Units are written by their short name, or as 上级/单位 where two units under the issuer
share the name. 目标值 is the target as people write it: ≥ 5.5%, ≤ 3%, ≈ 700家, 5–6%,
1500亿元 (also read: 5.5%以上, 不低于5.5%, 约700家).

Reading is all or nothing: every problem is listed with its row, column and reason, and
nothing is saved while there is one (``plans.actions.import_workbook``). Exporting a plan,
importing that workbook and exporting again gives the same workbook.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from mubiao.lib.office import UnsafeWorkbook, open_workbook, safe_cell, sheet_rows, unsafe_cell
from mubiao.orgs.models import OrgUnit
from mubiao.plans.models import RHYTHMS, Area, Assignment, Indicator, Plan, Task

COLUMNS = [
    ("number", pgettext_lazy("task-division workbook", "No."), 7),
    ("task", pgettext_lazy("task-division workbook", "Key task"), 48),
    ("lead", pgettext_lazy("task-division workbook", "Lead unit"), 16),
    ("co", pgettext_lazy("task-division workbook", "Co-operating units"), 22),
    ("leader", pgettext_lazy("task-division workbook", "Responsible leader"), 12),
    ("deadline", pgettext_lazy("task-division workbook", "Deadline"), 12),
    ("metric", pgettext_lazy("task-division workbook", "Target"), 26),
    ("value", pgettext_lazy("task-division workbook", "Target value"), 14),
    ("rhythm", pgettext_lazy("task-division workbook", "Reporting rhythm"), 10),
    ("kind", pgettext_lazy("task-division workbook", "Kind of target"), 10),
]
KEYS = [key for key, _label, _width in COLUMNS]
COL = {key: i for i, key in enumerate(KEYS)}
MAX_UPLOAD = 5 * 1024 * 1024
MAX_ROWS = 20_000
LIMITS = {"number": 16, "task": 20_000, "leader": 100, "metric": 200}
SEPARATORS = re.compile(r"[、，,;；\n]+")
HEADING = re.compile(r"^[（(]?([一二三四五六七八九十百零]+)[)）]?、?$")
NUMBER = r"[-+]?\d[\d,]*(?:\.\d+)?|[-+]?\.\d+"
TARGET = re.compile(
    rf"^(?P<pre>≥|>=|≤|<=|≈|~|约|不低于|不少于|不高于|不超过)?\s*(?P<value>{NUMBER})\s*"
    rf"(?:(?P<unit1>[^\d\s–—~至到-][^\d–—~至到]*?)?\s*[–—~至到-]\s*(?P<max>{NUMBER}))?\s*"
    rf"(?P<unit>.*?)\s*(?P<post>以上|以下|以内|左右)?$"
)
PREFIX = {"≥": ">=", ">=": ">=", "不低于": ">=", "不少于": ">=", "≤": "<=", "<=": "<=",
          "不高于": "<=", "不超过": "<=", "≈": "~", "~": "~", "约": "~"}  # fmt: skip
SUFFIX = {"以上": ">=", "以下": "<=", "以内": "<=", "左右": "~"}
RHYTHM_ALIASES = {
    "month": ["每月", "按月", "月度", "月报", "month"],
    "quarter": ["每季度", "每季", "按季", "按季度", "季度", "季报", "quarter"],
    "half": ["每半年", "半年", "半年报", "half"],
    "year": ["每年", "按年", "年度", "年报", "year"],
}


def headers(language: str | None = None) -> list[str]:
    with translation.override(language) if language else _same():
        return [str(label) for _key, label, _width in COLUMNS]


class _same:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


# ── Units by the names people write ──────────────────────────────────────────────


class UnitNames:
    """The units under a government, by the names a workbook writes them with."""

    def __init__(self, issuer: OrgUnit) -> None:
        self.issuer = issuer
        self.units = list(
            OrgUnit.objects.filter(path__startswith=issuer.path).select_related("parent")
        )
        self.by_name: dict[str, list[OrgUnit]] = {}
        for unit in self.units:
            for name in {unit.name, unit.short_name}:
                if name:
                    self.by_name.setdefault(name, []).append(unit)

    def label(self, unit: OrgUnit) -> str:
        """The shortest name that finds this unit alone: 发改委, or 卧龙区/发改委."""
        for name in (unit.short_name, unit.name):
            if name and len(self.by_name.get(name, [])) == 1:
                return name
        parent = unit.parent
        return (
            f"{parent.short_name or parent.name}/{unit.short_name or unit.name}"
            if parent
            else unit.code
        )

    def find(self, label: str) -> tuple[OrgUnit | None, str]:
        """The unit a label names, or (None, the reason in one sentence)."""
        found = self.by_name.get(label, [])
        if "/" in label and not found:
            parent, own = (part.strip() for part in label.rsplit("/", 1))
            found = [u for u in self.by_name.get(own, [])
                     if u.parent and parent in (u.parent.name, u.parent.short_name)]  # fmt: skip
        if len(found) == 1:
            return found[0], ""
        if len(found) > 1:
            return None, _(
                "%(count)s units are called “%(name)s”; write which one, as %(choices)s"
            ) % {"count": len(found), "name": label,
                 "choices": _(" or ").join(f"“{self.label(u)}”" for u in found)}  # fmt: skip
        from mubiao.plans.imports import match_unit

        guess = match_unit(label, self.units).unit if self.units else None
        reason = _("no unit called “%(name)s” under %(issuer)s") % {
            "name": label, "issuer": self.issuer.name}  # fmt: skip
        if guess is not None:
            reason += _("; did you mean “%(name)s”?") % {"name": self.label(guess)}
        return None, reason


# ── Export ───────────────────────────────────────────────────────────────────────


def kind_label(kind: str) -> str:
    return str(Indicator.Kind(kind).label)


def rhythm_label(rhythm: str) -> str:
    return str(dict(RHYTHMS).get(rhythm, ""))


def target_text(ind: Indicator) -> str:
    """目标值 as written: empty for a target without a value."""
    return "" if ind.value is None else ind.target_display


def area_numbers(areas: list[Area]) -> dict[int, str]:
    """Each area's number as the workbook writes it; one without a number is numbered as
    ``renumber`` would (一 for a top area, （一） below one)."""
    from mubiao.plans.actions import CHINESE_NUMERALS

    out: dict[int, str] = {}
    seen: dict[int | None, int] = {}
    for area in areas:
        top = area.parent_id is None
        index = seen.get(area.parent_id if not top else None, 0)
        seen[area.parent_id if not top else None] = index + 1
        if (
            area.number
            and HEADING.match(area.number)
            and (top != area.number.startswith(("（", "(")))
        ):
            out[area.pk] = area.number.rstrip("、")
        else:
            numeral = CHINESE_NUMERALS[index] if index < len(CHINESE_NUMERALS) else "十"
            out[area.pk] = numeral if top else f"（{numeral}）"
    return out


def tree_rows(plan: Plan) -> list[list[Any]]:
    """The workbook's data rows (values before the cell escaping), in the plan's order."""
    names = UnitNames(plan.issuer)
    areas = _ordered_areas(plan)
    numbers = area_numbers(areas)
    tasks = list(
        Task.objects.filter(plan=plan)
        .prefetch_related("assignments__unit", "indicators")
        .order_by("order", "pk")
    )
    alone = list(
        Indicator.objects.filter(plan=plan, task__isnull=True)
        .prefetch_related("assignments__unit")
        .order_by("order", "pk")
    )
    rows: list[list[Any]] = []

    def units(assignments) -> tuple[str, str]:
        ordered = sorted(assignments, key=lambda a: (a.role != Assignment.Role.LEAD, a.order, a.pk))
        lead = [names.label(a.unit) for a in ordered if a.role == Assignment.Role.LEAD]
        co = [names.label(a.unit) for a in ordered if a.role != Assignment.Role.LEAD]
        return "、".join(lead), "、".join(co)

    def block(area: Area | None) -> None:
        area_id = area.pk if area else None
        for ind in [i for i in alone if i.area_id == area_id]:
            lead, co = units(ind.assignments.all())
            rows.append(["", "", lead, co, "", "", ind.metric, target_text(ind), "",
                         kind_label(ind.kind)])  # fmt: skip
        for task in [t for t in tasks if t.area_id == area_id]:
            lead, co = units(task.assignments.all())
            targets = sorted(task.indicators.all(), key=lambda i: (i.order, i.pk))
            first = targets[0] if targets else None
            rows.append([
                task.number, task.text or task.title, lead, co, task.leader, task.deadline,
                first.metric if first else "", target_text(first) if first else "",
                rhythm_label(task.rhythm), kind_label(first.kind) if first else "",
            ])  # fmt: skip
            for ind in targets[1:]:
                rows.append(["", "", "", "", "", "", ind.metric, target_text(ind), "",
                             kind_label(ind.kind)])  # fmt: skip

    block(None)
    for area in areas:
        rows.append([numbers[area.pk], area.name, "", "", "", "", "", "", "", ""])
        block(area)
    return rows


def _ordered_areas(plan: Plan) -> list[Area]:
    """Depth first, each level in its order."""
    areas = list(Area.objects.filter(plan=plan).order_by("order", "pk"))
    children: dict[int | None, list[Area]] = {}
    for area in areas:
        children.setdefault(area.parent_id, []).append(area)
    out: list[Area] = []

    def walk(parent: int | None) -> None:
        for area in children.get(parent, []):
            out.append(area)
            walk(area.pk)

    walk(None)
    return out


def export_plan(plan: Plan) -> bytes:
    """The plan as the 任务分解表 (.xlsx), headers in the active language."""
    book = Workbook()
    sheet = book.active
    sheet.title = str(pgettext_lazy("task-division workbook", "Task division"))[:31]
    sheet.append(
        [
            safe_cell(
                f"{plan.name} · {pgettext_lazy('task-division workbook', 'task-division table')}"
            )
        ]
    )
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    sheet.append(headers())
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.fill = PatternFill("solid", fgColor="DDE3EA")
    for values in tree_rows(plan):
        sheet.append([safe_cell(v) for v in values])
        r = sheet.max_row
        section = not any(values[2:])
        for cell in sheet[r]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if section:
                cell.font = Font(bold=True)
                cell.fill = PatternFill("solid", fgColor="F2F4F7")
        if isinstance(values[COL["deadline"]], dt.date):
            sheet.cell(r, COL["deadline"] + 1).number_format = "yyyy-mm-dd"
    for i, (_key, _label, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "C3"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddFooter.center.text = "&P / &N"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ── Import ───────────────────────────────────────────────────────────────────────


@dataclass
class Problem:
    row: int
    column: str  # the letter, or "—" for the file as a whole
    header: str
    reason: str

    def __str__(self) -> str:
        if self.row == 0:
            return self.reason
        return _("Row %(row)s, column %(column)s (%(header)s): %(reason)s") % {
            "row": self.row, "column": self.column, "header": self.header,
            "reason": self.reason,
        }  # fmt: skip


class WorkbookRefused(ValidationError):
    """The workbook is refused; ``problems`` says where and why. Nothing was saved."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__([str(p) for p in problems])


@dataclass
class TargetRow:
    row: int
    metric: str
    kind: str
    comparator: str
    value: Decimal | None
    value_max: Decimal | None
    unit: str
    lead: OrgUnit | None = None
    co: list[OrgUnit] = field(default_factory=list)


@dataclass
class TaskRow:
    row: int
    number: str
    text: str
    lead: OrgUnit | None
    co: list[OrgUnit]
    leader: str
    deadline: dt.date | None
    rhythm: str
    targets: list[TargetRow] = field(default_factory=list)


@dataclass
class AreaRow:
    row: int
    number: str
    name: str
    top: bool
    targets: list[TargetRow] = field(default_factory=list)
    tasks: list[TaskRow] = field(default_factory=list)


@dataclass
class Parsed:
    """What a workbook holds: the rows before the first section, then each area."""

    loose: AreaRow
    areas: list[AreaRow]

    @property
    def counts(self) -> dict[str, int]:
        blocks = [self.loose, *self.areas]
        tasks = [t for b in blocks for t in b.tasks]
        return {"areas": len(self.areas), "tasks": len(tasks),
                "targets": sum(len(b.targets) for b in blocks)
                + sum(len(t.targets) for t in tasks)}  # fmt: skip


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, (dt.datetime, dt.date)):
        return cell.isoformat()
    return str(unsafe_cell(cell)).strip()


class _Reader:
    def __init__(self, plan_year: int, issuer: OrgUnit) -> None:
        self.year = plan_year
        self.names = UnitNames(issuer)
        self.problems: list[Problem] = []
        self.labels = headers()
        self.kinds = _choices(Indicator.Kind.choices)
        self.rhythms = _choices(RHYTHMS)
        for value, aliases in RHYTHM_ALIASES.items():
            for alias in aliases:
                self.rhythms[alias] = value

    def problem(self, row: int, key: str, reason: str) -> None:
        self.problems.append(Problem(row, get_column_letter(COL[key] + 1),
                                     self.labels[COL[key]], reason))  # fmt: skip

    def cell(self, n: int, values: list[Any], key: str) -> str:
        text = _text(values[COL[key]])
        limit = LIMITS.get(key)
        if limit and len(text) > limit:
            self.problem(n, key, _("longer than %(n)s characters") % {"n": limit})
            text = text[:limit]
        return text

    def units(self, n: int, values: list[Any]) -> tuple[OrgUnit | None, list[OrgUnit]]:
        found: dict[str, list[OrgUnit]] = {"lead": [], "co": []}
        for key in ("lead", "co"):
            for label in SEPARATORS.split(self.cell(n, values, key)):
                label = label.strip()
                if not label:
                    continue
                unit, reason = self.names.find(label)
                if unit is None:
                    self.problem(n, key, reason)
                elif unit not in found["lead"] + found["co"]:
                    found[key].append(unit)
        if len(found["lead"]) > 1:
            self.problem(n, "lead", _("a task has one lead unit; put the others under %(co)s")
                         % {"co": self.labels[COL["co"]]})  # fmt: skip
        return (found["lead"][0] if found["lead"] else None), found["co"]

    def deadline(self, n: int, values: list[Any]) -> dt.date | None:
        cell = values[COL["deadline"]]
        if cell in (None, ""):
            return None
        day = _day(cell, self.year)
        if day is None:
            self.problem(n, "deadline", _("“%(value)s” is not a date (YYYY-MM-DD)")
                         % {"value": _text(cell)})  # fmt: skip
        elif day.year != self.year:
            self.problem(n, "deadline", _("the date %(date)s is outside the plan's year %(year)s")
                         % {"date": day.isoformat(), "year": self.year})  # fmt: skip
        return day

    def rhythm(self, n: int, values: list[Any]) -> str:
        text = self.cell(n, values, "rhythm")
        if not text:
            return ""
        if text not in self.rhythms:
            self.problem(n, "rhythm", _("choose one of: %(list)s")
                         % {"list": "、".join(str(label) for _v, label in RHYTHMS)})  # fmt: skip
            return ""
        return self.rhythms[text]

    def target(self, n: int, values: list[Any]) -> TargetRow | None:
        metric = self.cell(n, values, "metric")
        raw, kind_text = values[COL["value"]], self.cell(n, values, "kind")
        if not metric:
            if _text(raw) or kind_text:
                self.problem(n, "metric", _("a target value needs the target's name"))
            return None
        comparator, value, value_max, unit = "qualitative", None, None, ""
        if _text(raw):
            try:
                comparator, value, value_max, unit = parse_target(raw)
            except ValueError:
                self.problem(n, "value", _("“%(value)s” is not a number") % {"value": _text(raw)})
        kind = self.kinds.get(kind_text) if kind_text else _guess_kind(metric, value, unit)
        if kind is None:
            self.problem(n, "kind", _("choose one of: %(list)s")
                         % {"list": "、".join(str(lb) for _v, lb in Indicator.Kind.choices)})  # fmt: skip
            kind = "amount"
        if value is not None and value_max is not None and value_max < value:
            self.problem(n, "value", _("a range needs an upper bound at least its lower bound"))
        if len(unit) > 32:
            self.problem(n, "value", _("the unit “%(unit)s” is longer than 32 characters")
                         % {"unit": unit})  # fmt: skip
        return TargetRow(n, metric, kind, comparator, value, value_max, unit[:32])


def _choices(choices) -> dict[str, str]:
    """Value and label (in Chinese and in English) → value."""
    out: dict[str, str] = {}
    for value, label in choices:
        out[value] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                out[str(label)] = value
    return out


def _guess_kind(metric: str, value: Decimal | None, unit: str) -> str:
    if value is None:
        return "qualitative"
    if unit == "%" and any(w in metric for w in ("增长", "增速", "增幅")):
        return "growth"
    if unit == "%":
        return "ratio"
    if unit in ("个", "家", "项", "户", "人", "座", "所", "条", "次", "件"):
        return "count"
    return "amount"


def _day(cell: Any, year: int) -> dt.date | None:
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    text = _text(cell).replace(" ", "")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    m = re.fullmatch(r"(?:(\d{4})年)?(\d{1,2})月(?:(\d{1,2})日|(底|末|前))?", text)
    try:
        if m:
            y, month = int(m.group(1) or year), int(m.group(2))
            last = calendar.monthrange(y, month)[1]
            return dt.date(y, month, int(m.group(3)) if m.group(3) else last)
        m = re.fullmatch(r"(\d{4})年(?:底|末|内)?", text)
        if m:
            return dt.date(int(m.group(1)), 12, 31)
        m = re.fullmatch(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})", text)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return None


def parse_target(cell: Any) -> tuple[str, Decimal, Decimal | None, str]:
    """(comparator, value, upper bound, unit) of a 目标值; ValueError if it is not one.

    >>> parse_target("≥ 5.5%")
    ('>=', Decimal('5.5'), None, '%')
    >>> parse_target("5–6%")
    ('range', Decimal('5'), Decimal('6'), '%')
    >>> parse_target("约700家")
    ('~', Decimal('700'), None, '家')
    >>> parse_target("1500亿元以上")
    ('>=', Decimal('1500'), None, '亿元')
    """
    if isinstance(cell, bool):
        raise ValueError(cell)
    if isinstance(cell, (int, float, Decimal)):
        return "=", _decimal(str(cell)), None, ""
    text = _text(cell)
    m = TARGET.match(text)
    if not m:
        raise ValueError(text)
    value = _decimal(m.group("value"))
    value_max = _decimal(m.group("max")) if m.group("max") else None
    unit = (m.group("unit") or m.group("unit1") or "").strip()
    if m.group("unit1") and m.group("unit") and m.group("unit1").strip() != unit:
        raise ValueError(text)
    comparator = "range" if value_max is not None else "="
    if m.group("pre"):
        if value_max is not None:
            raise ValueError(text)
        comparator = PREFIX[m.group("pre")]
    if m.group("post"):
        if m.group("pre") or value_max is not None:
            raise ValueError(text)
        comparator = SUFFIX[m.group("post")]
    if re.search(r"\d", unit):
        raise ValueError(text)
    return comparator, value, value_max, unit


def _decimal(text: str) -> Decimal:
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite() or abs(number) >= Decimal("1e16"):
        raise ValueError(text)
    return number.quantize(Decimal("0.0001")) if number.as_tuple().exponent < -4 else number  # type: ignore[operator]


def parse(data: bytes, *, year: int, issuer: OrgUnit) -> Parsed:
    """Read and check a workbook for a plan of ``year`` under ``issuer``; WorkbookRefused
    lists every problem (in the active language)."""
    from mubiao.lib.office import WORKBOOK_REFUSALS

    if len(data) > MAX_UPLOAD:
        raise WorkbookRefused([Problem(0, "—", "", _("The file is larger than 5 MB."))])
    try:
        book = open_workbook(data)
        rows = sheet_rows(book.worksheets[0]) if book.worksheets else []
    except UnsafeWorkbook as exc:
        raise WorkbookRefused([Problem(0, "—", "", str(WORKBOOK_REFUSALS[exc.reason]))]) from None
    reader = _Reader(year, issuer)
    known = [headers("zh-hans"), headers("en")]
    start = next((i for i, r in enumerate(rows[:5])
                  if [_text(c) for c in r][: len(KEYS)] in known), None)  # fmt: skip
    if start is None:
        raise WorkbookRefused([Problem(0, "—", "", _(
            "The first rows hold no header of the task-division table: %(header)s."
        ) % {"header": " | ".join(headers())})])  # fmt: skip
    body = rows[start + 1 :]
    if len(body) > MAX_ROWS:
        raise WorkbookRefused([Problem(0, "—", "", _("The workbook has more than %(n)s rows.")
                                       % {"n": MAX_ROWS})])  # fmt: skip
    loose = AreaRow(0, "", "", True)
    areas: list[AreaRow] = []
    block, task = loose, None
    for n, row in enumerate(body, start=start + 2):
        values = (list(row) + [None] * len(KEYS))[: len(KEYS)]
        if not any(_text(v) for v in values):
            continue
        number, text = reader.cell(n, values, "number"), reader.cell(n, values, "task")
        rest = any(_text(values[COL[k]]) for k in KEYS[2:])
        heading = HEADING.match(number)
        if heading and not rest:
            if not text:
                reader.problem(n, "task", _("an area needs its name"))
            top = not number.startswith(("（", "("))
            if not top and not areas:
                reader.problem(n, "number", _("a sub-area （…） needs an area 一、… above it"))
            if len(text) > 200:
                reader.problem(n, "task", _("longer than %(n)s characters") % {"n": 200})
            block = AreaRow(n, number.rstrip("、"), text[:200], top)
            areas.append(block)
            task = None
            continue
        if text:
            lead, co = reader.units(n, values)
            task = TaskRow(n, number, text, lead, co, reader.cell(n, values, "leader"),
                           reader.deadline(n, values), reader.rhythm(n, values))  # fmt: skip
            target = reader.target(n, values)
            if target is not None:
                task.targets.append(target)
            block.tasks.append(task)
            continue
        if number:
            reader.problem(n, "task", _("a numbered row needs the task's text"))
            continue
        for key in ("leader", "deadline", "rhythm"):
            if _text(values[COL[key]]):
                reader.problem(n, key, _("this row has no task (重点任务) to belong to"))
        owned = bool(_text(values[COL["lead"]]) or _text(values[COL["co"]]))
        target = reader.target(n, values)
        if target is None:
            continue
        if owned or task is None:
            target.lead, target.co = reader.units(n, values)
            block.targets.append(target)
        else:
            task.targets.append(target)
    if reader.problems:
        raise WorkbookRefused(reader.problems)
    return Parsed(loose, areas)
