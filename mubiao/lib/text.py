"""Text people type: what may be stored, and what every writer can carry.

Two rules keep every export working and every Excel round trip lossless:

- **At entry** (forms, the API, Excel uploads, the import review), :func:`clean` turns
  line breaks into ``\\n``, trims the ends, and refuses, with a sentence, a control
  character (which no Excel cell, Word document or XML file may hold) or a text longer
  than a spreadsheet cell holds (32,767 characters, counting the apostrophe a cell that
  looks like a formula is given).
- **On output** (Excel workbooks, the Word bulletin), :func:`printable` drops the control
  characters of anything stored before the rule, so no writer fails on old data.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _

# C0 controls but tab, line feed and carriage return; DEL and the C1 controls; the two
# non-characters XML forbids; lone surrogates (only JSON can send those).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
MAX_CELL = 32767
QUOTED_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def cell_length(text: str) -> int:
    """Characters the text takes in a cell: one more when it is written with an apostrophe.

    >>> cell_length("南阳"), cell_length("=1")
    (2, 3)
    """
    return len(text) + (1 if text.startswith(QUOTED_STARTS) else 0)


def normalize(text: str) -> str:
    """Line breaks as ``\\n`` (a browser sends ``\\r\\n``; a cell gives back ``\\n``), ends trimmed.

    >>> normalize(" 一\\r\\n二\\r三 ")
    '一\\n二\\n三'
    """
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def clean(value: Any, label: str) -> str:
    """The text as it will be stored, or a ValidationError naming the field and the problem.

    >>> clean(" 已开工\\r\\n ", "Progress")
    '已开工'
    """
    text = normalize("" if value is None else str(value))
    label = capfirst(label)
    bad = CONTROL.search(text)
    if bad:
        raise ValidationError(
            _(
                "%(field)s contains an invisible control character (%(code)s, at character "
                "%(position)s) that cannot be saved: delete it and try again."
            )
            % {"field": label, "code": f"U+{ord(bad.group()):04X}", "position": bad.start() + 1}
        )
    if cell_length(text) > MAX_CELL:
        raise ValidationError(
            _(
                "%(field)s is %(length)s characters long: at most %(max)s fit in a "
                "spreadsheet cell. Shorten it, or attach the full text as a file."
            )
            % {"field": label, "length": f"{len(text):,}", "max": f"{MAX_CELL:,}"}
        )
    return text


def printable(value: Any) -> Any:
    """``value`` with control characters dropped, for writers (other values unchanged).

    >>> printable("a\\x00b\\x0bc"), printable(5)
    ('abc', 5)
    """
    if isinstance(value, str):
        return CONTROL.sub("", value)
    return value


def printable_tree(value: Any) -> Any:
    """:func:`printable` through dicts, lists and tuples (a report's data, a bulletin's)."""
    if isinstance(value, str):
        return CONTROL.sub("", value)
    if isinstance(value, dict):
        return {k: printable_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [printable_tree(v) for v in value]
    if type(value) is tuple:
        return tuple(printable_tree(v) for v in value)
    return value
