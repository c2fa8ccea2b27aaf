"""The ordered steps from text to DraftPlan.

    normalize → segment → find clauses → parse numbers → comparator → metric → units
    → assemble

`normalize` works on the whole text and keeps an offset map; `segment` cuts it into
paragraphs and clauses; `targets.find_targets` runs the clause, number, comparator,
metric and unit steps; `tasks.read_structure` reads headings and tasks; `assemble` maps
every span back to the input and fills the DraftPlan.
"""

from __future__ import annotations

import bisect
import re

from . import clauses, normalize, prose, segment, targets, tasks
from .model import DraftPlan, Heading, Target, Task
from .offsets import OffsetText

_ISSUER = re.compile(
    r"([\u4e00-\u9fff]{1,16}?(?:人民政府办公厅|人民政府办公室|人民政府|政府办公室))"
)
_TITLE_WORDS = re.compile(r"关于|方案|通知|报告|要点|分工|目标")


def extract_text(text: str, *, year_hint: int | None = None) -> DraftPlan:
    """Read a plan's text (as read from the file) into a DraftPlan.

    Spans in the result are code-point offsets into `text`.

    >>> plan = extract_text("2026年主要预期目标是:地区生产总值增长5%以上。")
    >>> [(t.metric, t.comparator, t.value, t.unit) for t in plan.targets]
    [('地区生产总值增长', '>=', 5.0, '%')]
    """
    if not isinstance(text, str):
        raise TypeError("extract_text needs a str; read files with read_file()")
    norm = normalize.normalize(text)
    lines = segment.paragraphs(norm.text)
    year = year_hint or clauses.plan_year(norm.text)
    found, warnings = targets.find_targets(norm.text, lines, year)
    raw_headings, raw_tasks, task_warnings = tasks.read_structure(norm.text, lines, year)
    subtitles: dict[int, str] = {}
    if not raw_tasks:
        areas, measures = prose.read_prose(norm.text, lines, raw_headings, year)
        if measures:
            subtitles = prose.subtitles(norm.text, lines, raw_headings)
            raw_headings, raw_tasks = _merge_headings(raw_headings, areas), measures
    plan = assemble(text, norm, year, found, raw_headings, raw_tasks, warnings + task_warnings)
    for heading, raw in zip(plan.headings, raw_headings, strict=True):
        heading.subtitle = subtitles.get(raw.start)
        heading.text = _spaced(text, heading.span, heading.text)
    return plan


def _merge_headings(
    found: list[tasks.RawHeading], areas: list[tasks.RawHeading]
) -> list[tasks.RawHeading]:
    """The structured headings and the prose areas, in text order, each once."""
    by_start = {h.start: h for h in found}
    for area in areas:
        by_start.setdefault(area.start, area)
    return [by_start[k] for k in sorted(by_start)]


def _spaced(original: str, span: tuple[int, int], text: str) -> str:
    """A heading written as two phrases with a space between them ("扩内需 促创新")
    keeps that space, which the normalised text dropped."""
    parts = original[span[0] : span[1]].split()
    if len(parts) > 1 and "".join(parts) != text and sum(map(len, parts)) == len(text):
        out, pos = [], 0
        for part in parts:
            out.append(text[pos : pos + len(part)])
            pos += len(part)
        return " ".join(out)
    if len(parts) > 1 and "".join(parts) == text:
        return " ".join(parts)
    return text


def assemble(
    original: str,
    norm: OffsetText,
    year: int | None,
    found: list[targets.Found],
    raw_headings: list[tasks.RawHeading],
    raw_tasks: list[tasks.RawTask],
    warnings: list[str],
) -> DraftPlan:
    """Map spans back to the original and build the DraftPlan."""
    heading_starts = [h.start for h in raw_headings]

    def heading_of(pos: int) -> int | None:
        k = bisect.bisect_right(heading_starts, pos) - 1
        return k if k >= 0 else None

    plan = DraftPlan(year=year, warnings=list(dict.fromkeys(warnings)))
    plan.title, plan.issuer = _title(norm.text), _issuer(norm.text)
    plan.headings = [
        Heading(h.level, h.number, h.text, norm.source_span(h.start, h.end)) for h in raw_headings
    ]
    period = str(year) if year else None
    for f in found:
        plan.targets.append(
            Target(
                metric=f.metric,
                kind=f.kind,
                comparator=f.comparator,
                value=f.value,
                value_max=f.value_max,
                unit=f.unit,
                period=None if f.horizon else period,
                binding=f.binding,
                text=norm.text[f.start : f.end],
                span=norm.source_span(f.start, f.end),
                heading=heading_of(f.start),
                confidence=f.confidence,
                deadline=f.deadline,
                entity=f.entity,
            )
        )
    # a target belongs to the task whose span holds the end of its passage (its
    # figure); a prose measure may start after the target's framing words
    target_ends = [f.end for f in found]  # found is in text order
    for t in raw_tasks:
        first = bisect.bisect_right(target_ends, t.start)
        last = bisect.bisect_right(target_ends, t.end)
        inside = list(range(first, last))
        plan.tasks.append(
            Task(
                t.number,
                t.text,
                t.lead,
                t.co,
                t.leaders,
                t.deadline,
                heading_of(t.start),
                norm.source_span(t.start, t.end),
                inside,
                t.open_ended,
            )
        )
    _mark_headline(plan)
    if not original.strip():
        plan.warnings.append("文本为空。")
    return plan


def _mark_headline(plan: DraftPlan) -> None:
    """Targets stated before the first area of a text that has areas, inside no task,
    are the plan's own (headline) targets: an opening paragraph's "全年生产总值增长5.5%
    以上" belongs to the whole plan, not to the first area nor to none. A text with no
    area (a 主要预期目标 paragraph alone) marks none: nothing tells its targets apart."""
    if not plan.headings:
        return
    owned = {k for task in plan.tasks for k in task.targets}
    for index, target in enumerate(plan.targets):
        if target.heading is None and index not in owned:
            target.headline = True


def _title(text: str) -> str | None:
    for line in segment.paragraphs(text)[:12]:
        body = line.text.strip()
        if 6 <= len(body) <= 60 and _TITLE_WORDS.search(body) and not re.search(r"[。;]", body):
            return re.sub(r"^标题", "", body)
    return None


def _issuer(text: str) -> str | None:
    head = "\n".join(p.text for p in segment.paragraphs(text)[:12] if len(p.text) <= 80)
    m = re.search(r"发布机构([^\s有]{2,20}?)(?:有效性|$|\n)", head) or _ISSUER.search(head)
    return m.group(1) if m else None
