"""The "as of" date a page or the API is asked for: one parser, one rule, one sentence.

A plan's status can be asked for any day from the start of the year before the plan's
year to the end of the year after it (a plan looks back at last year's months and is
reported on into the next year). Anything else (``9999-12-31``, ``0001-01-01``, ``July``)
is refused with a sentence, never a server error.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def as_of_problem(day: dt.date, plan_year: int) -> str:
    """Why ``day`` cannot be a plan's "as of" date ("" when it can)."""
    if dt.date(plan_year - 1, 1, 1) <= day <= dt.date(plan_year + 1, 12, 31):
        return ""
    return _("The date must be within a year of the plan's year.")


def parse_as_of(text: str | None, plan_year: int, *, today: dt.date) -> dt.date:
    """The date in ``text`` (YYYY-MM-DD), or ``today`` when empty; ValidationError if not.

    >>> parse_as_of("2026-07-10", 2026, today=dt.date(2026, 1, 1))
    datetime.date(2026, 7, 10)
    """
    text = (text or "").strip()
    if not text:
        return today
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            _("“%(text)s” is not a date: write it as YYYY-MM-DD, e.g. 2026-07-10.")
            % {"text": text[:40]}
        ) from None
    problem = as_of_problem(day, plan_year)
    if problem:
        raise ValidationError(problem)
    return day
