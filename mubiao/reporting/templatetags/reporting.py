"""Template filters for reports."""

from __future__ import annotations

from decimal import Decimal

from django import template

from mubiao.reporting.models import Cycle, period_label

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


@register.filter
def cycle_label(value, name: str = "") -> str:
    """A cycle's name in the active language, from a Cycle or its period code (stored data
    such as the dashboard's keeps the code and the name it was created with):
    ``{{ r.cycle_code|cycle_label:r.cycle }}`` → 2026年3月 / March 2026; a custom code
    falls back to ``name``."""
    if isinstance(value, Cycle):
        return value.label
    return period_label(str(value or ""), fallback=name)
