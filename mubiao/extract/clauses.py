"""Step 3, find clauses: which clauses speak of the plan and which of the past.

The state moves clause by clause: a past cue (已, 累计, 目前 …) makes it "past", a
review cue (去年, 过去一年, 回顾, a year before the plan year, a five-year plan that
has ended …) makes it "review", a planned cue (今年, 力争, 目标, the plan year …)
makes it "planned"; a clause without cues keeps the state of the one before, across
paragraphs too. A numbered line, a heading or an enumeration point (一是 …) starts
afresh ("neutral"), except in a review, which lasts until a planned cue. Neutral counts as planned because the documents read are
plans. Numbers read in the "past" state are results, never targets.

A weak past cue (比上年, 同比) does not override a planned state: "2026年生产总值比上
年增长6%" and "主要目标:…,能耗比上年下降3%" are targets; "生产总值3000亿元,比上年增长
6.1%" with no planned cue before it is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from . import lexicon

PAST, PLANNED, NEUTRAL = "past", "planned", "neutral"
# a review of a whole period (过去一年, 回顾, a past year): lasts past headings and
# enumeration points, until a planned cue
REVIEW = "review"


def is_past(state: str) -> bool:
    """Whether numbers read in `state` are results."""
    return state in (PAST, REVIEW)


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})年")
_FIVE_YEAR = re.compile(r"(十[一二三四五六七八]五)")
_FIVE_YEAR_END = {
    "十一五": 2010,
    "十二五": 2015,
    "十三五": 2020,
    "十四五": 2025,
    "十五五": 2030,
    "十六五": 2035,
}
_PARENS = re.compile(r"\([^()]*\)")


@dataclass(frozen=True)
class Cue:
    """A cue at `pos` of a clause's text, the state it sets, and whether it is weak."""

    pos: int
    state: str
    weak: bool = False


@cache
def _cue_pattern() -> re.Pattern[str]:
    cues = lexicon.load("cues")
    return re.compile(
        rf"(?P<review>{lexicon.alternation(cues['review'])})"
        rf"|(?P<weak>{lexicon.alternation(cues['weak_past'])})"
        rf"|(?P<past>{lexicon.alternation(cues['past'])})"
        rf"|(?P<planned>{lexicon.alternation(cues['planned'])})"
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


def _blocked(text: str, start: int) -> bool:
    before = text[max(0, start - 2) : start]
    return any(before.endswith(b) for b in _blockers())


def cues(text: str, plan_year: int | None) -> list[Cue]:
    """The cues of one clause, in order.

    >>> [c.state for c in cues("去年增长6%,今年力争", None)]
    ['review', 'planned', 'planned']
    >>> [c.state for c in cues("2022年已完成,比2020年", 2023)]
    ['review', 'past']
    >>> [c.state for c in cues("“十四五”期间年均增长6%", 2026)]
    ['review']
    """
    masked = mask_parentheses(text) if "(" in text else text
    found = [
        Cue(m.start(), _state_of(m), bool(m.group("weak"))) for m in _cue_pattern().finditer(masked)
    ]
    if plan_year is not None and "年" in masked:
        for m in _YEAR.finditer(masked):
            if not _blocked(masked, m.start()):
                found.append(Cue(m.start(), REVIEW if int(m.group(1)) < plan_year else PLANNED))
    if plan_year is not None and "五" in masked:
        for m in _FIVE_YEAR.finditer(masked):
            end = _FIVE_YEAR_END.get(m.group(1))
            if end is not None and end < plan_year and not _blocked(masked, m.start()):
                found.append(Cue(m.start(), REVIEW))
    found.sort(key=lambda c: c.pos)
    return found


def _state_of(m: re.Match[str]) -> str:
    if m.group("review"):
        return REVIEW
    return PAST if m.group("past") or m.group("weak") else PLANNED


def after_break(state: str) -> str:
    """The state after a heading, numbered line or enumeration point: a review goes
    on, anything else starts afresh."""
    return REVIEW if state == REVIEW else NEUTRAL


def state_at(found: list[Cue], pos: int, inherited: str) -> tuple[str, bool]:
    """The state at `pos` of a clause and whether a cue in the clause set it."""
    state, own = inherited, False
    for cue in found:
        if cue.pos >= pos:
            break
        if cue.weak and state == PLANNED:
            continue
        state, own = cue.state, True
    return state, own


def final_state(found: list[Cue], length: int, inherited: str) -> str:
    """The state a clause hands on to the next one."""
    return state_at(found, length + 1, inherited)[0]


def plan_year(text: str) -> int | None:
    """The year the plan is for.

    Years written in sentences about targets or tasks count most; years in sentences
    with past cues count against. When every year written looks past and the text says
    今年 (a report that reviews 2025 and states its targets for 今年), the plan is for
    the year after.

    >>> plan_year("2022年增长3%。2023年主要预期目标是:增长5%。2022年完成")
    2023
    >>> plan_year("2025年全市生产总值比上年增长6%。今年主要预期目标是:增长5%")
    2026
    >>> plan_year("2025年全市完成投资900亿元;今年的预期目标是投资增长6%")
    2026
    """
    scores: dict[int, int] = {}
    in_plan: set[int] = set()  # years written in a sentence about targets
    facts: set[int] = set()  # years written elsewhere, dates (2026年1月5日) left out
    this_year = False  # 今年 written in a sentence about targets
    past_re = _cue_pattern()
    for sentence in re.split(r"[。;!?\n]", text):
        if "年" not in sentence:
            continue  # neither a year nor 今年: nothing to weigh
        if re.search(r"发布时间|刊发时间|来源|日期|文号", sentence):
            continue
        planned = re.search(
            r"目标|预期|计划|重点工作|工作任务|工作要点|分工|方案|力争|确保", sentence
        )
        past = [
            m
            for m in past_re.finditer(sentence)
            if m.group("past") or m.group("weak") or m.group("review")
        ]
        strong = any(m.group("past") or m.group("review") for m in past)
        weight = 5 if planned else (-3 if strong else -1) if past else 1
        this_year = this_year or bool(planned and "今年" in sentence)
        for m in _YEAR.finditer(sentence):
            if not _blocked(sentence, m.start()):
                year = int(m.group(1))
                scores[year] = scores.get(year, 0) + weight
                if planned:
                    in_plan.add(year)
                elif not re.match(r"\d{1,2}月", sentence[m.end() :]):
                    facts.add(year)
    if not scores:
        return None
    best = max(scores, key=lambda y: (scores[y], y))
    if scores[best] < 0 and "今年" in text:
        return best + 1
    if this_year and not in_plan and facts and best in facts:
        # "2025年完成投资…;今年的预期目标是…": the years written are the review's
        return max(facts) + 1
    return best
