"""Prose plans as a goal tree: headings become areas, measures become tasks.

An interview, a speech or a feature article states its plan in sections under short
headings ("扩内需 促创新", "一、坚持创新驱动") and, inside them, in measures: clauses
that open with a verb of action, often after an adverb ("加快推动消费提级升温",
"全力促进投资提质增效", "持续加大民生消费支持力度"). This step runs only when the
structured reading (``tasks.read_structure``) found no task, and not on a
task-division notice, whose numbered requirements are not measures.

Areas: the level-1 numbered headings when there are two or more; otherwise short
unnumbered lines standing before a paragraph of prose (a second short line right
after one is its subtitle). Measures: each clause that starts a measure opens a task,
and the clauses after it that start none (conditions, purposes, figures) belong to
it; a sentence ends every task. Clauses about the past (``clauses`` cues), questions,
attributions ("某某说"), sentences of principle (坚持…) and closing rhetoric are not
measures. The lists are in ``lexicons/prose.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from . import lexicon
from .clauses import NEUTRAL, after_break, cues, final_state, is_past, state_at
from .dates import deadline
from .segment import Line, clauses, numbering
from .tasks import RawHeading, RawTask

_HEADING_PUNCT = re.compile(r"[,;。:!?、“”\"()《》]")
_SENTENCE_END = "。!?;"


@dataclass
class Area:
    """A heading of a prose plan and the lines of its body."""

    heading: RawHeading
    subtitle: str | None
    body: list[Line]


@cache
def _lex() -> dict[str, Any]:
    lex = lexicon.load("prose")
    adverbs = lexicon.alternation(lex["measure_adverbs"])
    verbs = lexicon.alternation(lex["measure_verbs"])
    subjects = lexicon.alternation(lex["subjects"])
    connectives = lexicon.alternation(lex["connectives"])
    return {
        "start": re.compile(rf"^(?:(?:{adverbs})(?:地)?)*(?:{verbs})"),
        "adverb_only": re.compile(rf"^(?:{adverbs})(?=[\u4e00-\u9fff]{{2}})"),
        "prefix": re.compile(
            rf"^(?:(?:{subjects})|[\u4e00-\u9fff]{{2,6}}?(?:还将|也将|将|要)(?=[\u4e00-\u9fff]{{2}})"
            rf"|(?:{connectives})(?=[\u4e00-\u9fff])|在[^,;。]{{2,24}}?(?:上|中|方面)(?=,|[\u4e00-\u9fff]))*"
        ),
        "speech": re.compile(rf"(?:{lexicon.alternation(lex['speech_verbs'])})[,:]?$"),
        "rhetoric": re.compile(lexicon.alternation(lex["rhetoric"])),
        "bylines": [re.compile(p) for p in lex["bylines"]],
        "notice": re.compile(lexicon.alternation(lex["notice_words"])),
    }


def is_notice(text: str) -> bool:
    """A task-division notice (its opening lines say 通知, 印发, 分工方案 …)."""
    return bool(_lex()["notice"].search(text[:600]))


def read_prose(
    text: str, lines: list[Line], headings: list[RawHeading], year: int | None
) -> tuple[list[RawHeading], list[RawTask]]:
    """The areas and measures of a prose plan; ([], []) when the text is not one."""
    if is_notice(text):
        return [], []
    areas = _areas(lines, headings)
    if len(areas) < 2:
        return [], []
    tasks: list[RawTask] = []
    with_measures = 0
    state = NEUTRAL
    for area in areas:
        state = after_break(state)
        found, state = _measures(area.body, year, state)
        with_measures += bool(found)
        tasks += found
    if with_measures < 2:
        return [], []
    return [a.heading for a in areas], tasks


def subtitles(text: str, lines: list[Line], headings: list[RawHeading]) -> dict[int, str]:
    """The subtitle written under each area heading, by the heading's start."""
    return {a.heading.start: a.subtitle for a in _areas(lines, headings) if a.subtitle}


def _areas(lines: list[Line], headings: list[RawHeading]) -> list[Area]:
    top = [h for h in headings if h.number is not None and h.level == 1]
    if len(top) >= 2:
        starts = {h.start: h for h in top}
        out: list[Area] = []
        for line in lines:
            if line.start in starts:
                out.append(Area(starts[line.start], None, []))
            elif out and not _is_heading_line(line.text):
                out[-1].body.append(line)
        return out
    return _unnumbered_areas(lines)


def _unnumbered_areas(lines: list[Line]) -> list[Area]:
    out: list[Area] = []
    k = 1  # the first line of a text is its title, never an area
    while k < len(lines):
        line = lines[k]
        if _is_heading_line(line.text) and k + 1 < len(lines):
            nxt = lines[k + 1]
            subtitle = None
            body_at = k + 1
            if _is_heading_line(nxt.text) and k + 2 < len(lines):
                subtitle, body_at = nxt.text.strip(), k + 2
            if body_at < len(lines) and not _is_heading_line(lines[body_at].text):
                heading = RawHeading(1, None, line.text.strip(), line.start, line.end)
                out.append(Area(heading, subtitle, []))
                k = body_at
                continue
        if out:
            out[-1].body.append(line)
        k += 1
    return out


def _is_heading_line(text: str) -> bool:
    """A short line without sentence punctuation that names no speaker."""
    body = text.strip()
    if not 2 <= len(body) <= 20 or _HEADING_PUNCT.search(body) or numbering(body):
        return False
    if re.search(r"\d", body):
        return False
    return not any(p.search(body) for p in _lex()["bylines"])


def _measures(body: list[Line], year: int | None, state: str) -> tuple[list[RawTask], str]:
    out: list[RawTask] = []
    for line in body:
        spans, state = _measure_spans(line, year, state)
        for start, end in spans:
            task = _task(line, start, end, year)
            if task is not None:
                out.append(task)
    return out, state


def _measure_spans(line: Line, year: int | None, state: str) -> tuple[list[tuple[int, int]], str]:
    """(start, end) of each measure of a paragraph: a clause that starts one, with the
    clauses after it that start none, within one sentence."""
    spans: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    for clause in clauses(line):
        found = cues(clause.text, year)
        body_text, skip = _strip_prefix(clause.text)
        own = state_at(found, len(clause.text), state)[0]
        state = final_state(found, len(clause.text), state)
        stripped = clause.text.rstrip()
        if stripped.endswith("?") or is_past(own):
            _closed(spans, current)
            current = None
        elif _lex()["speech"].search(stripped.rstrip(",:")) and len(stripped) <= 16:
            _closed(spans, current)  # 某某说, : an attribution
            current = None
        elif _starts_measure(body_text):
            _closed(spans, current)
            current = (clause.start + skip, clause.end)
        elif current is not None:
            current = (current[0], clause.end)
        if stripped[-1:] in _SENTENCE_END:
            _closed(spans, current)
            current = None
    _closed(spans, current)
    return spans, state


def _closed(spans: list[tuple[int, int]], current: tuple[int, int] | None) -> None:
    """Close the measure under way (if any): the caller starts the next afresh."""
    if current is not None:
        spans.append(current)
    return None


def _strip_prefix(text: str) -> tuple[str, int]:
    """The clause without who acts and how it ties on ("南阳将", "同时", "在…上")."""
    m = _lex()["prefix"].match(text)
    cut = m.end() if m else 0
    return text[cut:], cut


def _starts_measure(text: str) -> bool:
    """Whether a clause opens with a measure; "发展是第一要务" (a verb as the subject of
    是) defines, it does not act."""
    m = _lex()["start"].match(text)
    return bool(m) and not text[m.end() :].startswith(("是", "的", "为"))


def _task(line: Line, start: int, end: int, year: int | None) -> RawTask | None:
    offset = start - line.start
    raw = line.text[offset : end - line.start]
    text = raw.rstrip(",;。!?:、 ")
    if len(text) < 4 or _lex()["rhetoric"].search(text):
        return None
    return RawTask(None, text, [], [], [], deadline(text, year), start, start + len(text))
