"""Step 1, normalise: make noisy copies readable while keeping the way back.

Each step takes and returns an `OffsetText`; run them in the order of `STEPS`. After
them the text is simplified Chinese with half-width digits and punctuation, one
paragraph a line, no page furniture, and (where the evidence is strong) machine-spun
wording put back. `OffsetText.source_span` maps any span back to the input as read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from . import lexicon
from .offsets import OffsetText, rewrite, translate

Step = Callable[[OffsetText], OffsetText]

_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\u2060\ufeff]|\r(?=\n)"
)
_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0xA0: 0x20, 0x0D: 0x0A}
_PINYIN = re.compile(
    r"(?<=[\u4e00-\u9fff])\((?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńň])[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńň]{1,7}\)"
)
_SPACES = re.compile(r"[ \t\u3000\xa0|]+")
_GAPS = re.compile(r"[ \u3000\xa0]*(?:\t|\|)[ \t\u3000\xa0|]*|[ \u3000\xa0]{2,}")
_ALNUM = re.compile(r"[A-Za-z0-9]")


def clean_characters(src: OffsetText) -> OffsetText:
    """Drop control and zero-width characters; CR LF becomes LF.

    >>> clean_characters(OffsetText.identity("a\\u200bb\\r\\n")).text
    'ab\\n'
    """
    edits = [(m.start(), m.end(), "") for m in _CONTROL.finditer(src.text)]
    return rewrite(src, edits) if edits else src


def fold_width(src: OffsetText) -> OffsetText:
    """Full-width letters, digits and punctuation become half-width (５％ → 5%).

    >>> fold_width(OffsetText.identity("增长５．５％，")).text
    '增长5.5%,'
    """
    return translate(src, src.text.translate(_WIDTH))


@cache
def _t2s() -> Callable[[str], str]:
    import opencc  # imported on first use: it loads dictionaries

    return opencc.OpenCC("t2s").convert


def to_simplified(src: OffsetText) -> OffsetText:
    """Traditional characters become simplified (OpenCC t2s), line by line.

    OpenCC converts phrase by phrase; where a line changes length, that line is
    converted character by character instead so the offset map stays exact.

    >>> to_simplified(OffsetText.identity("經濟增長")).text
    '经济增长'
    """
    convert = _t2s()
    whole = convert(src.text)
    if len(whole) == len(src.text):
        return translate(src, whole)
    lines = []
    for line in src.text.split("\n"):
        new = convert(line)
        lines.append(new if len(new) == len(line) else "".join(convert(c)[:1] or c for c in line))
    return translate(src, "\n".join(lines))


def drop_spam(src: OffsetText) -> OffsetText:
    """Cut injected keywords out of sentences and drop page-furniture lines.

    >>> drop_spam(OffsetText.identity("2026年凯发k8国际首页登录是开局之年")).text
    '2026年是开局之年'
    """
    spam = lexicon.load("spam")
    line_words = re.compile(lexicon.alternation(spam["lines"]))
    edits: list[tuple[int, int, str]] = []
    pos = 0
    for line in src.text.split("\n"):
        end = pos + len(line)
        if len(line) <= spam["max_line"] and line_words.search(line):
            edits.append((pos, min(end + 1, len(src.text)), ""))
        else:
            for pattern in lexicon.compiled("spam", "inline"):
                edits += [(pos + m.start(), pos + m.end(), "") for m in pattern.finditer(line)]
        pos = end + 1
    edits.sort()
    return rewrite(src, edits) if edits else src


def drop_pinyin(src: OffsetText) -> OffsetText:
    """Remove pinyin written after characters: 经(jīng)济 → 经济.

    Only tone-marked syllables in brackets right after a Chinese character are taken,
    so road codes like (s356) and notes in brackets stay.

    >>> drop_pinyin(OffsetText.identity("经(jīng)济(jì)")).text
    '经济'
    """
    edits = [(m.start(), m.end(), "") for m in _PINYIN.finditer(src.text)]
    return rewrite(src, edits) if edits else src


def squeeze_spaces(src: OffsetText) -> OffsetText:
    """Remove spaces inside Chinese text (PDF copies: 一 般, 6 . 5%, 5350亿 元).

    A run of spaces between two ASCII letters or digits becomes one space (2025-01-06
    10:00). On a line with two or more wide gaps (a tab, a "|" or two spaces and
    more) those gaps are table cells and become one tab each. Any other run is removed.

    >>> squeeze_spaces(OffsetText.identity("  地方一 般 6 . 5% at 10")).text
    '地方一般6.5%at 10'
    >>> squeeze_spaces(OffsetText.identity("1  新建项目  市发改委 牵头")).text.split(chr(9))
    ['1', '新建项目', '市发改委牵头']
    """
    text = src.text
    edits = []
    pos = 0
    for line in text.split("\n"):
        gaps = [
            m for m in _GAPS.finditer(line) if line[: m.start()].strip() and line[m.end() :].strip()
        ]
        wide = {m.start() for m in gaps} if len(gaps) >= 2 else set()
        if not wide and _is_spaced_row(line):
            wide = {m.start() for m in _SPACES.finditer(line) if line[: m.start()].strip()}
        for m in _SPACES.finditer(line):
            s, e = m.span()
            if s in wide:
                edits.append((pos + s, pos + e, "\t"))
                continue
            keep = bool(
                s > 0
                and e < len(line)
                and _ALNUM.match(line[s - 1])
                and _ALNUM.match(line[e])
                and line[s - 1].isascii()
                and line[e].isascii()
            )
            if keep and e - s > 1:
                edits.append((pos + s, pos + e, " "))
            elif not keep:
                edits.append((pos + s, pos + e, ""))
        pos += len(line) + 1
    return rewrite(src, edits) if edits else src


_ROW_START = re.compile(r"^\s*\d{1,3} +(?=[\u4e00-\u9fff])")
_DATE_CELL = re.compile(
    r"^(?:20\d{2}年)?(?:\d{1,2}月(?:底|末|\d{1,2}日)?|年底|年内|长期坚持|持续推进)(?:前|之前)?$"
)


def _is_spaced_row(line: str) -> bool:
    """A table row flattened with single spaces: a row number, a space, the task, then
    at least two cells that read as unit lists or dates ("3 实施… 区住建局 区财政局 12月底")."""
    if not _ROW_START.match(line):
        return False
    cells = line.split()[2:]
    return sum(1 for c in cells if _is_unit_cell(c) or _DATE_CELL.match(c)) >= 2


@cache
def _unit_end() -> re.Pattern[str]:
    orgs = lexicon.load("orgs")
    return re.compile(rf"(?:{lexicon.alternation(orgs['unit_suffixes'])})$")


def _is_unit_cell(cell: str) -> bool:
    return all(_unit_end().search(u) for u in re.split(r"[、,]", cell) if u)


def drop_duplicate_paragraphs(src: OffsetText) -> OffsetText:
    """Read a repeated paragraph once: drop a paragraph that the text right after it
    repeats (a truncated first copy of an editor's note, a doubled lead paragraph).

    Only paragraphs of 20 characters or more are compared, and only with what directly
    follows them, so the cost stays linear.

    >>> t = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌\\n\\n甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥。"
    >>> drop_duplicate_paragraphs(OffsetText.identity(t)).text.count("甲")
    1
    """
    text = src.text
    edits = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        if len(line) >= 20:
            following = text[end : end + 2 * len(line) + 16].replace("\n", "")
            if following.startswith(line):
                edits.append((pos, min(end + 1, len(text)), ""))
        pos = end + 1
    return rewrite(src, edits) if edits else src


@cache
def _spin() -> tuple[re.Pattern[str], dict[str, str], frozenset[str], int]:
    data = lexicon.load("spin")
    plain = {p["spun"]: p["plain"] for p in data["pairs"]}
    strong = frozenset(p["spun"] for p in data["pairs"] if p.get("strong"))
    return re.compile(lexicon.alternation(list(plain))), plain, strong, int(data["min_strong"])


def restore_spun_words(src: OffsetText) -> OffsetText:
    """Put back wording a spinner replaced (坐褥总值 → 生产总值), when the evidence is
    strong: at least `min_strong` different strong spun forms in the document.

    >>> restore_spun_words(OffsetText.identity("坐褥总值增长5%傍边,技俩10个")).text
    '生产总值增长5%左右,项目10个'
    >>> restore_spun_words(OffsetText.identity("推进旧房翻新")).text
    '推进旧房翻新'
    """
    pattern, plain, strong, min_strong = _spin()
    matches = list(pattern.finditer(src.text))
    found_strong = {m.group() for m in matches if m.group() in strong}
    if len(found_strong) < min_strong:
        return src
    return rewrite(src, [(m.start(), m.end(), plain[m.group()]) for m in matches])


STEPS: tuple[Step, ...] = (
    clean_characters,
    fold_width,
    to_simplified,
    drop_spam,
    drop_pinyin,
    squeeze_spaces,
    drop_duplicate_paragraphs,
    restore_spun_words,
)


def normalize(text: str) -> OffsetText:
    """Run every normalising step over `text` (the input as read)."""
    current = OffsetText.identity(text)
    for step in STEPS:
        current = step(current)
    return current
