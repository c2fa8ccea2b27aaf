"""Small filters for the monitoring pages: status names, explanations, percentages."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

register = template.Library()

STATUS_NAMES = {
    "green": _("green (on pace)"),
    "yellow": _("yellow (slightly behind)"),
    "red": _("red (clearly behind)"),
    "done": _("done"),
    "grey": _("grey (not judged yet)"),
}
STATUS_SHORT = {
    "green": _("green"),
    "yellow": _("yellow"),
    "red": _("red"),
    "done": _("done"),
    "grey": _("grey"),
}


@register.filter
def status_name(status: str) -> str:
    return str(STATUS_NAMES.get(status, status))


@register.filter
def status_short(status: str) -> str:
    return str(STATUS_SHORT.get(status, status))


@register.filter
def light(status: str) -> str:
    """The coloured status tag (a filter, not an include: ledgers have hundreds)."""
    return format_html(
        '<span class="light light-{}" data-status="{}">{}</span>',
        status, status, status_short(status),
    )  # fmt: skip


@register.filter
def explain(row: dict) -> str:
    """The row's explanation in the current language."""
    lang = (get_language() or "zh-hans").lower()
    if lang.startswith("en"):
        return row.get("explain_en") or row.get("explain_zh") or ""
    return row.get("explain_zh") or ""


@register.filter
def pct(value) -> str:
    """0.4959 → "49.6%" (rounded half up, as ``monitor.fixed`` prints rates
    everywhere); None → "—"."""
    from mubiao.monitor import fixed

    if value is None or value == "":
        return "—"
    return f"{fixed(100 * float(value), 1)}%"


@register.filter
def num(value) -> str:
    """A figure as people read it: 1391.4372 → "1391.44", 5.0 → "5", None → "—"."""
    if value is None or value == "":
        return "—"
    text = f"{float(value):,.2f}".rstrip("0").rstrip(".")
    return text


@register.filter
def num_range(low, high) -> str:
    """A range's two ends as ``num`` prints them, with the decimals of the end that
    needs more: 928.34 and 959.9 → "928.34–959.90"."""
    ends = [num(low), num(high)]
    places = max((len(t.partition(".")[2]) for t in ends if t != "—"), default=0)
    return "–".join(
        t if t == "—" else f"{float(v):,.{places}f}" for t, v in zip(ends, (low, high), strict=True)
    )


@register.filter
def get(mapping: dict, key):
    return mapping.get(key) if mapping else None
