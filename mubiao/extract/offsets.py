"""Text with an offset map back to the original input.

Every normalising step rewrites the text through `rewrite`, which keeps, for each
character of the new text, the code-point index of the original character it came
from. Spans found in the normalised text are turned back into spans of the input with
`OffsetText.source_span`, so `original[a:b]` is always the passage as written.

The map is an ``array('i')`` (4 bytes a character) and untouched stretches are copied
with slices, so a rewrite costs time and memory linear in the text.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class OffsetText:
    """`text` plus `index[i]` = position in the original of `text[i]`."""

    text: str
    index: array[int]
    original_length: int

    @classmethod
    def identity(cls, text: str) -> OffsetText:
        """The original text mapped onto itself.

        >>> OffsetText.identity("ab").source_span(0, 2)
        (0, 2)
        """
        return cls(text, array("i", range(len(text))), len(text))

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of `text` to a half-open span of the original."""
        if end <= start or not self.text:
            pos = self.index[start] if start < len(self.index) else self.original_length
            return (pos, pos)
        end = min(end, len(self.text))
        return (self.index[start], self.index[end - 1] + 1)


def rewrite(src: OffsetText, edits: Iterable[tuple[int, int, str]]) -> OffsetText:
    """Apply non-overlapping `(start, end, replacement)` edits, sorted by start.

    A replacement of the same length maps character to character; otherwise every new
    character points into the replaced stretch (the last one to its last character), so
    a span ending inside a replacement still ends where the replaced text ended.

    >>> t = rewrite(OffsetText.identity("a b"), [(1, 2, "")])
    >>> t.text, t.source_span(0, 2)
    ('ab', (0, 3))
    """
    parts: list[str] = []
    index = array("i")
    pos = 0
    text, old = src.text, src.index
    for start, end, new in edits:
        if start < pos:
            continue  # overlapping edit: the earlier one wins
        parts.append(text[pos:start])
        index.extend(old[pos:start])
        parts.append(new)
        width = end - start
        if len(new) == width:
            index.extend(old[start:end])
        elif new:
            last = len(new) - 1
            for k in range(len(new)):
                j = start + min(k, width - 1) if width else start
                if k == last and width:
                    j = end - 1
                index.append(old[j] if j < len(old) else src.original_length)
        pos = end
    parts.append(text[pos:])
    index.extend(old[pos:])
    return OffsetText("".join(parts), index, src.original_length)


def translate(src: OffsetText, new_text: str) -> OffsetText:
    """Replace the text by one of the same length (character-for-character changes)."""
    if len(new_text) != len(src.text):
        raise ValueError("translate needs a text of the same length")
    return OffsetText(new_text, src.index, src.original_length)
