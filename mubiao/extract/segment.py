"""Step 2, segment: paragraphs, clauses, and numbered lines of the normalised text.

A paragraph is one line. A clause is the stretch between two of ``,;。!?:`` (or table
cells) inside a paragraph; targets are read clause by clause. A numbered line starts with one of the
numbering styles of Chinese official documents (一、 (一) 1. (1)).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# a comma between digits that groups thousands (1,200亿元) does not end a clause
_CLAUSE_END = re.compile(r"[;。!?:\t]|(?<!\d),|,(?!\d{3}(?!\d))")
_SENTENCE_END = frozenset("。;!?")

# (level, pattern) in the order they are tried; the level is the usual nesting depth.
NUMBERING: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(r"^[一二三四五六七八九十百]{1,3}、")),
    (2, re.compile(r"^\([一二三四五六七八九十百]{1,3}\)")),
    (3, re.compile(r"^\d{1,3}(?:[.、](?!\d)|\.(?=(?:19|20)\d{2}年))")),
    (4, re.compile(r"^\(\d{1,3}\)")),
    (3, re.compile(r"^\d{1,3}(?=\t)")),  # the number cell of a table row
    (4, re.compile(r"^[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]")),
)


@dataclass(frozen=True)
class Line:
    """One non-empty paragraph of the normalised text: `text == full[start:end]`."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Clause:
    """A clause of a paragraph; `ends_sentence` when it closes with 。;!?"""

    start: int
    end: int
    text: str
    ends_sentence: bool


def paragraphs(text: str) -> list[Line]:
    """The non-empty lines of `text` with their positions.

    >>> [p.text for p in paragraphs("甲\\n\\n乙")]
    ['甲', '乙']
    """
    out, pos = [], 0
    for raw in text.split("\n"):
        if raw.strip():
            out.append(Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


def clauses(line: Line) -> Iterator[Clause]:
    """Split a paragraph at clause punctuation; the punctuation stays with its clause.

    >>> [c.text for c in clauses(Line(0, 9, "甲增长5%,乙。丙"))]
    ['甲增长5%,', '乙。', '丙']
    """
    start = 0
    for m in _CLAUSE_END.finditer(line.text):
        end = m.end()
        yield Clause(
            line.start + start, line.start + end, line.text[start:end], m.group() in _SENTENCE_END
        )
        start = end
    if start < len(line.text):
        yield Clause(line.start + start, line.end, line.text[start:], False)


def numbering(text: str) -> tuple[int, str] | None:
    """The level and the number as written, when `text` starts with a numbering.

    >>> numbering("(二)推进改革"), numbering("12.启动建设"), numbering("2.5%以上")
    ((2, '(二)'), (3, '12.'), None)
    """
    for level, pattern in NUMBERING:
        m = pattern.match(text)
        if m:
            return level, m.group()
    return None
