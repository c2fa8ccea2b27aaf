"""Load the YAML lexicons that sit beside the code (``lexicons/*.yaml``).

Each file is read once per process. The code applies the lists; it does not hold
words of its own, so adding a word is a one-line change to a YAML file (see
docs/extract.md for the checklist).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .errors import ExtractError

LEXICON_DIR = Path(__file__).with_name("lexicons")


@cache
def load(name: str) -> dict[str, Any]:
    """Return the parsed lexicon ``lexicons/<name>.yaml``.

    >>> "after" in load("comparators")
    True
    """
    path = LEXICON_DIR / f"{name}.yaml"
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ExtractError(f"The lexicon {path.name} cannot be read: {exc}") from exc
    if not isinstance(data, dict):
        raise ExtractError(f"The lexicon {path.name} is not a mapping.")
    return data


def alternation(words: list[str]) -> str:
    """A regex alternation of literal words, longest first so longer forms win.

    >>> alternation(["亿", "亿元"])
    '亿元|亿'
    """
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@cache
def compiled(name: str, key: str) -> tuple[re.Pattern[str], ...]:
    """The regular expressions listed under `key` in lexicon `name`, compiled."""
    return tuple(re.compile(p) for p in load(name).get(key, []))
