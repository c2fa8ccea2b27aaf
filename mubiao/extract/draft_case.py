"""Turn a new sentence into a draft test case: `python -m mubiao.extract.draft_case TEXT`.

Prints a row for a case table in tests/extract (sentence, expected targets) from what
the engine reads today; check every value by hand before adding it, and write the
sentence in your own words rather than copying a source document.
"""

from __future__ import annotations

import sys

from .pipeline import extract_text


def draft_case(sentence: str) -> str:
    """A parametrize row `(sentence, [(comparator, value, value_max, unit), …])`.

    >>> draft_case("地区生产总值增长6%左右。")
    '("地区生产总值增长6%左右。", [("~", 6, None, "%")]),'
    """
    rows = []
    for t in extract_text(sentence).targets:
        d = t.to_dict()
        unit = "None" if d["unit"] is None else f'"{d["unit"]}"'
        rows.append(f'("{d["comparator"]}", {d["value"]}, {d["value_max"]}, {unit})')
    return f'("{sentence}", [{", ".join(rows)}]),'


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m mubiao.extract.draft_case SENTENCE …", file=sys.stderr)
        return 1
    for sentence in argv:
        print(draft_case(sentence))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
