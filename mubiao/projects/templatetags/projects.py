"""Figures on the projects pages as offices print them: thousands separated by commas
(12,345 万元) in both languages (Django's Chinese format groups nothing)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


@register.filter
def grouped(value: object, decimals: int = 0) -> str:
    """12345.678 → "12,346"; with ``:2`` → "12,345.68"; None or "" → "—"."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except ArithmeticError:  # not a number: shown as it is
        return str(value)
    places = int(decimals)
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)  # as printed
    return f"{number:,.{places}f}"
