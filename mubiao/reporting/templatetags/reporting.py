"""Template filters for reports."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def plain(value) -> str:
    """A stored decimal as a person typed it: 412.5000 → "412.5", 1E+3 → "1000"."""
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    return str(value)
