"""Task-division documents: headings, numbered tasks and their responsible units.

A numbered line is a task when a unit clause belongs to it: a bracketed clause at its
end ("(责任领导:杜新国;牵头单位:区发改局)", "(市发改委牵头,各县区按职责分工负责)"),
labelled lines right after it ("牵头单位:区发改局"), or labels inside the line. The
notice's own numbered requirements and attachment lists carry no unit clause, so they
are not tasks. A numbered line without a unit clause is a heading when it is short and
has no full stop. Roles follow ``lexicons/orgs.yaml``: 牵头 is lead; 配合 and
按职责分工负责 are co; a 责任单位 is the lead when no 牵头 is named, else co; a bare
list is led by its first unit when the notice says so ("列第一位的为牵头单位"),
otherwise all its units are co-operating (a clause with no 牵头 names no lead).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from . import lexicon
from .dates import deadline
from .segment import Line, numbering

_PUNCT_END = "。;.,: "
_BRACKETED_LABEL = re.compile(r"[【\[]([\u4e00-\u9fff]{2,6})[】\]]:?")
_LEADING_WORD = re.compile(r"^(?:由|请|各自)(?=[\u4e00-\u9fff]{2})")
_LEAD_MARK = re.compile(r"\((?:牵头|牵头单位|主责)\)$")
_OPEN_END = "\x00"  # marks a unit written with a generic tail (市医保局等相关部门)
_SENTENCE = re.compile(r"[。;!?]")


@dataclass
class Roles:
    """Units and officials named in one task's unit clause, by role."""

    lead: list[str] = field(default_factory=list)
    co: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    bare: list[str] = field(default_factory=list)
    leaders: list[str] = field(default_factory=list)
    deadline_text: str = ""
    open_ended: bool = False  # a list ending 等相关部门

    def any_unit(self) -> bool:
        return bool(self.lead or self.co or self.responsible or self.bare or self.leaders)


@dataclass
class RawHeading:
    level: int
    number: str | None
    text: str
    start: int
    end: int


@dataclass
class RawTask:
    number: str | None
    text: str
    lead: list[str]
    co: list[str]
    leaders: list[str]
    deadline: str | None
    start: int
    end: int
    open_ended: bool = False


@cache
def _lex() -> dict[str, Any]:
    orgs = lexicon.load("orgs")
    labels = orgs["role_labels"]
    return {
        "labels": labels,
        "label_re": re.compile(rf"^(?P<label>{lexicon.alternation(list(labels))})[:]?"),
        "label_any": re.compile(
            rf"(?P<label>{lexicon.alternation([k for k in labels if len(k) > 2])}):"
        ),
        "suffixes": orgs["role_suffixes"],
        "suffix_re": re.compile(
            rf"(?P<suffix>{lexicon.alternation(list(orgs['role_suffixes']))})$"
        ),
        "first_is_lead": [re.compile(p) for p in orgs["first_is_lead"]],
        "unit_re": re.compile(rf"(?:{lexicon.alternation(orgs['unit_suffixes'])})$"),
        "collective_re": re.compile(rf"^(?:{lexicon.alternation(orgs['collective'])})"),
        "marks": "".join(orgs["lead_marks"]),
        "tail_re": re.compile(rf"(?<=.)(?:{lexicon.alternation(orgs['generic_tails'])})$"),
        "surnames": frozenset(orgs["surnames"]),
    }


def read_structure(
    text: str, lines: list[Line], year: int | None
) -> tuple[list[RawHeading], list[RawTask], list[str]]:
    """Headings and tasks of a normalised text, and warnings."""
    first_is_lead = any(p.search(text) for p in _lex()["first_is_lead"])
    lines = [part for line in lines for part in split_items(line)]
    columns: dict[int, str] = {}
    carry: dict[int, str] = {}  # the cells of the row before, for merged cells
    headings: list[RawHeading] = []
    tasks: list[RawTask] = []
    warnings: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        num = numbering(line.text)
        j = _attached_end(lines, i) if num is not None else i + 1
        attached = lines[i + 1 : j]
        if num is None and "\t" in line.text:
            columns = _header(line.text) or columns
        if num is None:
            if not attached and _is_bare_heading(lines, i, headings):
                headings.append(
                    RawHeading(headings[-1].level + 1, None, line.text, line.start, line.end)
                )
            i = j
            continue
        level, number = num
        if "\t" in line.text[len(number) :].strip("\t"):
            task = _table_task(line, number, columns, first_is_lead, year, carry)
        else:
            task = _task(line, number, attached, first_is_lead, year)
        if task is not None:
            tasks.append(task)
        elif _unclosed(line.text) and j >= len(lines):
            warnings.append(f"第{number.strip('.、')}项的责任单位在文末被截断,未作为任务读取。")
        elif _is_heading(line.text, number):
            headings.append(
                RawHeading(level, number, line.text[len(number) :].strip(), line.start, line.end)
            )
        elif tasks and j >= len(lines):
            warnings.append(
                f"最后一项({number.strip('.、')})未写明责任单位,可能在文末被截断,未作为任务读取。"
            )
        i = j
    return headings, tasks, warnings


_NEXT_ITEM = re.compile(r"(?<=[)。;])\s*(\d{1,2})[.、](?!\d)")


def split_items(line: Line) -> list[Line]:
    """Several numbered items written on one line ("1.…(责任单位:甲)2.…(责任单位:乙)")
    as one line each; a number counts only when it is the next one.

    >>> [p.text for p in split_items(Line(0, 14, "1.甲(市财政局)2.乙(市商务局)"))]
    ['1.甲(市财政局)', '2.乙(市商务局)']
    """
    num = numbering(line.text)
    if num is None or not num[1][:-1].isdigit():
        return [line]
    expected = int(num[1][:-1]) + 1
    cuts = []
    for m in _NEXT_ITEM.finditer(line.text):
        if int(m.group(1)) == expected:
            cuts.append(m.start(1))
            expected += 1
    if not cuts:
        return [line]
    out, start = [], 0
    for cut in [*cuts, len(line.text)]:
        piece = line.text[start:cut].rstrip()
        out.append(Line(line.start + start, line.start + start + len(piece), piece))
        start = cut
    return out


def _attached_end(lines: list[Line], i: int) -> int:
    """The end of the lines belonging to numbered line `i`: its label lines, and up to
    two plain continuation paragraphs when label lines follow them."""
    j = i + 1
    k = j
    while k < len(lines) and k - j < 2 and _is_continuation(lines[k].text):
        k += 1
    if k < len(lines) and _is_label_line(lines[k].text):
        j = k
    while j < len(lines) and _is_label_line(lines[j].text):
        j += 1
    return j


def _is_continuation(text: str) -> bool:
    return numbering(text) is None and not _is_label_line(text) and bool(_SENTENCE.search(text))


def _is_label_line(text: str) -> bool:
    """牵头单位:区发改局 on a line of its own (or bracketed: (牵头单位:…), 【牵头单位】…)."""
    body = _BRACKETED_LABEL.sub(r"\1:", text).lstrip("(")
    m = _lex()["label_re"].match(body)
    return (
        bool(m) and len(body) > len(m.group()) and (":" in m.group() or len(m.group("label")) > 2)
    )


def _is_heading(text: str, number: str) -> bool:
    body = text[len(number) :].strip()
    return 0 < len(body) <= 40 and not _SENTENCE.search(body)


def _is_bare_heading(lines: list[Line], i: int, headings: list[RawHeading]) -> bool:
    """A short unnumbered line between a numbered heading and numbered items."""
    text = lines[i].text
    if not headings or len(text) > 25 or re.search(r"[,;。:!?、()]", text):
        return False
    return i + 1 < len(lines) and numbering(lines[i + 1].text) is not None


def _unclosed(text: str) -> bool:
    return text.rfind("(") > text.rfind(")")


def _task(
    line: Line, number: str, attached: list[Line], first_is_lead: bool, year: int | None
) -> RawTask | None:
    body = line.text[len(number) :]
    clause, cut = _unit_clause(body)
    roles = Roles()
    if clause:
        _parse_clause(clause, roles)
    more = []
    for extra in attached:
        if _is_label_line(extra.text):
            _parse_clause(extra.text, roles)
        else:
            more.append(extra.text)
    if not roles.any_unit():
        return None
    lead, co = _resolve(roles, first_is_lead)
    task_text = "\n".join([body[:cut].strip() if clause else body.strip(), *more])
    when = deadline(roles.deadline_text or task_text, year, cell=bool(roles.deadline_text))
    end = attached[-1].end if attached else line.end
    return RawTask(
        number.strip(".、 ") or None,
        task_text,
        lead,
        co,
        roles.leaders,
        when,
        line.start,
        end,
        roles.open_ended,
    )


_COLUMN_ROLES = (
    ("序号", "number"),
    ("牵头", "lead"),
    ("配合", "co"),
    ("协办", "co"),
    ("责任领导", "leader"),
    ("领导", "leader"),
    ("责任", "responsible"),
    ("时限", "deadline"),
    ("时间", "deadline"),
    ("任务", "text"),
    ("内容", "text"),
    ("措施", "text"),
    ("事项", "text"),
)


def _header(text: str) -> dict[int, str]:
    """Column roles of a flattened table's header row (序号 重点任务 牵头单位 配合单位)."""
    columns = {}
    for k, cell in enumerate(text.split("\t")):
        role = next((r for word, r in _COLUMN_ROLES if word in cell), None)
        if role and len(cell) <= 12:
            columns[k] = role
    unit_roles = {"lead", "co", "responsible"}
    return columns if len(columns) >= 2 and unit_roles & set(columns.values()) else {}


def _table_task(
    line: Line,
    number: str,
    columns: dict[int, str],
    first_is_lead: bool,
    year: int | None,
    carry: dict[int, str],
) -> RawTask | None:
    """A table row: cells by the header's roles, or text then unit cells (lead, co).

    Under a header, a row with fewer cells than columns has merged cells: the leader
    or lead unit written once in the row above stands for it too (carried down).
    """
    cells = [c.strip() for c in line.text.split("\t")]
    roles = Roles()
    texts: list[str] = []
    if columns and len(cells) < max(columns) + 1:
        cells = _carried(cells, columns, carry)
    if columns and len(cells) == max(columns) + 1:
        carry.clear()
        carry.update(enumerate(cells))
        for k, cell in enumerate(cells):
            role = columns.get(k)
            if role in ("lead", "co", "responsible", "leader"):
                _add(roles, role, _split_units(cell))
            elif role == "deadline":
                roles.deadline_text += cell + ";"
            elif role == "text" or (role is None and k > 0):
                texts.append(cell)
    else:
        unit_cells = []
        for cell in cells[1:]:
            units = _split_units(cell)
            if units and all(_is_unit(u) for u in units):
                unit_cells.append(cell)
            elif _DATE_CELL.match(cell):
                roles.deadline_text += cell + ";"
            elif units and all(_is_person(u) for u in units):
                roles.leaders += units
            else:
                texts.append(cell)
        for k, cell in enumerate(unit_cells[:2]):
            _add(roles, "lead" if k == 0 else "co", _split_units(cell))
        texts += unit_cells[2:]
    if not roles.any_unit():
        return None
    lead, co = _resolve(roles, first_is_lead)
    text = ";".join(t for t in texts if t)
    when = deadline(roles.deadline_text or text, year, cell=bool(roles.deadline_text))
    return RawTask(
        number.strip(".、 ") or None,
        text,
        lead,
        co,
        roles.leaders,
        when,
        line.start,
        line.end,
        roles.open_ended,
    )


_DATE_CELL = re.compile(
    r"^(?:20\d{2}年)?(?:\d{1,2}月(?:底|末|\d{1,2}日)?|年底|年内|全年|长期|长期坚持|持续推进)(?:前|之前)?$"
)
_CARRIED = ("leader", "lead")


def _carried(cells: list[str], columns: dict[int, str], carry: dict[int, str]) -> list[str]:
    """The cells of a short row with its merged cells filled from the row above."""
    missing = max(columns) + 1 - len(cells)
    skip = [k for k in sorted(columns) if columns[k] in _CARRIED and carry.get(k)][:missing]
    if len(skip) < missing:
        return cells
    out, it = [], iter(cells)
    for k in range(max(columns) + 1):
        out.append(carry[k] if k in skip else next(it, ""))
    return out


def _unit_clause(body: str) -> tuple[str, int]:
    """The unit clause of a task line and where it starts; ("", len) when none."""
    stripped = body.rstrip(_PUNCT_END)
    if stripped.endswith(")"):
        depth = 0
        for k in range(len(stripped) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(stripped[k], 0)
            if depth == 0:
                inner = stripped[k + 1 : -1]
                if _looks_like_units(inner):
                    return inner, k
                break
    m = _lex()["label_any"].search(body)
    if m:
        return body[m.start() :], m.start()
    return "", len(body)


def _looks_like_units(inner: str) -> bool:
    lex = _lex()
    if lex["label_any"].search(inner) or any(s in inner for s in lex["suffixes"] if len(s) >= 2):
        return True
    items = _split_units(inner)
    return bool(items) and all(_is_unit(i) for i in items)


def _parse_clause(clause: str, roles: Roles) -> None:
    lex = _lex()
    clause = _BRACKETED_LABEL.sub(r"\1:", _unwrap(clause.strip()))
    # a label starts a new part even without a separator: 牵头单位:甲配合单位:乙
    clause = lex["label_any"].sub(lambda m: ";" + m.group(), clause)
    for part in _split_outside(clause, ";。"):
        part = part.strip(_PUNCT_END)
        if not part:
            continue
        m = lex["label_re"].match(part)
        if m:
            role = lex["labels"][m.group("label")]
            rest = part[m.end() :].strip(":")
            if role == "deadline":
                roles.deadline_text += rest + ";"
            else:
                _add(roles, role, _split_units(rest))
            continue
        for piece in _split_outside(part, ","):
            piece = _LEADING_WORD.sub("", piece.strip(_PUNCT_END))
            if "会同" in piece:  # 甲会同乙负责: 甲 leads, 乙 joins
                head, _, rest = piece.partition("会同")
                _add(roles, "lead", _split_units(head))
                piece = rest
            s = lex["suffix_re"].search(piece)
            if s and s.start() > 0:
                _add(roles, lex["suffixes"][s.group("suffix")], _split_units(piece[: s.start()]))
            elif piece:
                _add(roles, "bare", _split_units(piece))


def _unwrap(clause: str) -> str:
    """The clause without brackets around it; a bracket that closes a name inside
    (各乡(镇)人民政府(街道办事处)) stays.

    >>> _unwrap("(县教育局、各乡(镇)人民政府(街道办事处))")
    '县教育局、各乡(镇)人民政府(街道办事处)'
    >>> _unwrap("各乡(镇)人民政府(街道办事处)")
    '各乡(镇)人民政府(街道办事处)'
    """
    while clause.startswith("(") and _closing(clause, 0) == len(clause) - 1:
        clause = clause[1:-1].strip()
    if clause.startswith("(") and _closing(clause, 0) is None:
        clause = clause[1:]
    if clause.endswith(")") and clause.count(")") > clause.count("("):
        clause = clause[:-1]
    return clause


def _closing(text: str, at: int) -> int | None:
    """Where the bracket opened at `at` closes, or None."""
    depth = 0
    for k in range(at, len(text)):
        depth += {"(": 1, ")": -1}.get(text[k], 0)
        if depth == 0:
            return k
    return None


def _add(roles: Roles, role: str, items: list[str]) -> None:
    if role == "leader":
        roles.leaders += [name for item in items for name in _names(item)]
        return
    marks = _lex()["marks"]
    for item in items:
        if item.endswith(_OPEN_END):
            roles.open_ended = True
            item = item[: -len(_OPEN_END)]
        marked = _LEAD_MARK.search(item)
        if marked:  # 市发改委(牵头) inside a list
            roles.lead.append(item[: marked.start()])
            continue
        if item[:1] in marks or item[-1:] in marks:  # ★市发改委: the lead
            roles.lead.append(item.strip(marks))
            continue
        if _is_person(item) or len(_names(item)) > 1:
            roles.leaders += _names(item)
        else:
            getattr(roles, role).append(item)


def _names(text: str) -> list[str]:
    """One official's name, or two written together (张伟刘强 → 张伟, 刘强).

    >>> _names("张伟刘强"), _names("王建军李明"), _names("市财政局")
    (['张伟', '刘强'], ['王建军', '李明'], ['市财政局'])
    """
    surnames = _lex()["surnames"]
    if (
        4 <= len(text) <= 6
        and re.fullmatch(r"[\u4e00-\u9fff]+", text)
        and not _is_unit(text)
        and text[0] in surnames
    ):
        for cut in (2, 3) if len(text) <= 5 else (3,):
            left, right = text[:cut], text[cut:]
            if right[0] in surnames and 2 <= len(right) <= 3:
                return [left, right]
    return [text]


def _resolve(roles: Roles, first_is_lead: bool) -> tuple[list[str], list[str]]:
    lead, co = list(roles.lead), list(roles.co)
    if roles.responsible and not lead and first_is_lead:
        lead.append(roles.responsible[0])  # 责任单位:甲、乙 with "列第一位的为牵头单位"
        co.extend(roles.responsible[1:])
    elif roles.responsible:
        (co if lead else lead).extend(roles.responsible)
    if roles.bare:
        if lead:
            co.extend(roles.bare)
        elif first_is_lead:
            lead.append(roles.bare[0])
            co.extend(roles.bare[1:])
        else:
            co.extend(roles.bare)  # no 牵头 named and no convention: all contribute
    return _dedupe(lead), [u for u in _dedupe(co) if u not in lead]


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _split_units(text: str) -> list[str]:
    """区发改局、区财政局,各街道及各县市区政府 → four units (及/和 split only between
    two names that both end like a unit: 区自然资源和规划局 stays whole)."""
    out = []
    for piece in _split_outside(text, "、,/"):
        piece = piece.strip(_PUNCT_END)
        tail = _lex()["tail_re"].search(piece)
        if tail:  # 市医保局等相关部门: the list is open-ended
            named = _split_and(piece[: tail.start()].strip(_PUNCT_END + "等"))
            out += [*named[:-1], named[-1] + _OPEN_END] if named and named[-1] else []
            continue
        piece = piece.strip("等")
        if not piece:
            continue
        out += _split_and(piece)
    return out


def _split_outside(text: str, marks: str) -> list[str]:
    """Split at any of `marks` outside brackets: 各县(市、区)政府 stays whole.

    >>> _split_outside("市发改委、各县(市、区)政府", "、")
    ['市发改委', '各县(市、区)政府']
    """
    parts, depth, start = [], 0, 0
    for k, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch in marks and depth == 0:
            parts.append(text[start:k])
            start = k + 1
    parts.append(text[start:])
    return parts


def _split_and(piece: str) -> list[str]:
    for m in re.finditer(r"及|和|与", piece):
        left, right = piece[: m.start()], piece[m.end() :]
        if _is_unit(left) and _is_unit(right):
            return _split_and(left) + _split_and(right)
    return [piece]


def _is_unit(name: str) -> bool:
    lex = _lex()
    name = name.strip(lex["marks"]).rstrip(_OPEN_END)
    return bool(lex["unit_re"].search(name) or lex["collective_re"].match(name)) and len(name) >= 2


def _is_person(name: str) -> bool:
    """杜新国: two or three characters that do not read as a unit."""
    return (
        2 <= len(name) <= 3 and bool(re.fullmatch(r"[\u4e00-\u9fff]+", name)) and not _is_unit(name)
    )
