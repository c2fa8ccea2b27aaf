"""Step 3, find clauses: which clauses speak of the plan and which of the past.

The state of a paragraph moves clause by clause: a past cue (去年, 已, 累计, a year
before the plan year …) makes it "past", a planned cue (今年, 力争, 目标, the plan year
…) makes it "planned"; a clause without cues keeps the state of the one before. A new
paragraph starts "neutral", which counts as planned because the documents read are
plans. Numbers read in the "past" state are results, never targets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from . import lexicon

PAST, PLANNED, NEUTRAL = "past", "planned", "neutral"

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})年")
_PARENS = re.compile(r"\([^()]*\)")


@dataclass(frozen=True)
class Cue:
    """A cue at `pos` of a clause's text and the state it sets."""

    pos: int
    state: str


@cache
def _cue_pattern() -> re.Pattern[str]:
    cues = lexicon.load("cues")
    return re.compile(
        rf"(?P<past>{lexicon.alternation(cues['past'])})|(?P<planned>{lexicon.alternation(cues['planned'])})"
    )


@cache
def _blockers() -> tuple[str, ...]:
    return tuple(lexicon.load("cues")["year_blockers"])


def mask_parentheses(text: str) -> str:
    """Blank out bracketed asides (same length), whose years and words are not cues.

    >>> mask_parentheses("支出(扣除2022年)增长").split()
    ['支出', '增长']
    """
    return _PARENS.sub(lambda m: " " * len(m.group()), text)


def cues(text: str, plan_year: int | None) -> list[Cue]:
    """The cues of one clause, in order.

    >>> [c.state for c in cues("去年增长6%,今年力争", None)]
    ['past', 'planned', 'planned']
    >>> [c.state for c in cues("2022年完成,比2020年", 2023)]
    ['past']
    """
    masked = mask_parentheses(text)
    found = [
        Cue(m.start(), PAST if m.group("past") else PLANNED)
        for m in _cue_pattern().finditer(masked)
    ]
    if plan_year is not None:
        for m in _YEAR.finditer(masked):
            before = masked[max(0, m.start() - 2) : m.start()]
            if any(before.endswith(b) for b in _blockers()):
                continue
            year = int(m.group(1))
            found.append(Cue(m.start(), PAST if year < plan_year else PLANNED))
        found.sort(key=lambda c: c.pos)
    return found


def state_at(found: list[Cue], pos: int, inherited: str) -> tuple[str, bool]:
    """The state at `pos` of a clause and whether a cue in the clause set it."""
    state, own = inherited, False
    for cue in found:
        if cue.pos >= pos:
            break
        state, own = cue.state, True
    return state, own


def plan_year(text: str) -> int | None:
    """The year the plan is for: the year written most often, and above all the year
    written in a sentence about targets or tasks; None when no year is written.

    >>> plan_year("2022年增长3%。2023年主要预期目标是:增长5%。2022年完成")
    2023
    """
    scores: dict[int, int] = {}
    for sentence in re.split(r"[。;!?\n]", text):
        if re.search(r"发布时间|刊发时间|来源|日期|文号", sentence):
            continue
        weight = (
            5 if re.search(r"目标|预期|计划|重点工作|工作任务|工作要点|分工|方案", sentence) else 1
        )
        for m in _YEAR.finditer(sentence):
            before = sentence[max(0, m.start() - 2) : m.start()]
            if not any(before.endswith(b) for b in _blockers()):
                year = int(m.group(1))
                scores[year] = scores.get(year, 0) + weight
    if not scores:
        return None
    return max(scores, key=lambda y: (scores[y], y))
