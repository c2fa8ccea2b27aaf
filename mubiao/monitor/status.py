"""The status light (红黄绿灯) of an indicator, task, area or unit."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """The five lights.

    ``green``, ``yellow`` and ``red`` judge progress against expectation; ``done`` means
    the annual target is met (or the milestone delivered); ``grey`` means there is
    nothing to judge yet (nothing reported and nothing due).

    >>> Status("red").zh
    '红灯'
    """

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    DONE = "done"
    GREY = "grey"

    @property
    def zh(self) -> str:
        """The Chinese name shown in the UI."""
        return _ZH[self]


_ZH = {
    Status.GREEN: "绿灯",
    Status.YELLOW: "黄灯",
    Status.RED: "红灯",
    Status.DONE: "已完成",
    Status.GREY: "未评价",
}

#: The colours a band may carry (``done`` and ``grey`` come from rules, not measures).
BAND_COLOURS: frozenset[Status] = frozenset({Status.GREEN, Status.YELLOW, Status.RED})
